"""Errors of the ``output`` package: one small tree under :class:`ExportError`.

Each error carries the path it is about and says what was expected and what was
found, so the command line can print it as is and exit with a usage status.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path


class ExportError(Exception):
    """Base of every error raised while reading inputs or writing a snapshot."""

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.path = None if path is None else str(path)


class InputNotFoundError(ExportError):
    """A path named on the command line does not exist."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(f"{path}: expected an HTML file or a folder, found nothing there", path)


class NoInputError(ExportError):
    """The paths given hold no ``.html``/``.htm`` file at all."""

    def __init__(self, paths: list[str]) -> None:
        shown = ", ".join(paths) if paths else "(no paths given)"
        super().__init__(f"expected .html or .htm files, found none in: {shown}")
        self.paths = list(paths)


class UnreadableInputError(ExportError):
    """A named input is not a regular file (FIFO, device) or is over the size cap: skipped."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(f"{path}: {message}", path)


class SnapshotExistsError(ExportError):
    """The output folder already exists and ``force`` was not given."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(
            f"{path}: expected a new snapshot folder, found one already there "
            "(choose another folder or use --force to replace it)",
            path,
        )


class SnapshotWriteError(ExportError):
    """The snapshot could not be written or moved into place; nothing was replaced."""


class ManifestError(ExportError):
    """A snapshot's ``manifest.json`` is missing or is not a JSON object."""


#: errno values that mean the disk could not take a write (full, over quota, file
#: too large, read-only, failing): the run stops with status STORAGE, not INTERNAL
STORAGE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EIO})
#: what SQLite says when its file cannot be written
_SQLITE_STORAGE = ("database or disk is full", "disk i/o error", "readonly database")


def storage_failure(error: BaseException) -> str | None:
    """What a failed write says about the disk ("No space left on device: PATH"), or None.

    Looks through the exception and its causes, so a wrapped ``OSError`` counts too.
    """
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in STORAGE_ERRNOS:
            where = f": {current.filename}" if current.filename else ""
            return f"{os.strerror(current.errno)}{where}"
        if isinstance(current, sqlite3.OperationalError):
            text = str(current).lower()
            if any(marker in text for marker in _SQLITE_STORAGE):
                return f"the state database cannot be written ({current})"
        current = current.__cause__ or current.__context__
    return None
