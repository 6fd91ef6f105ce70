"""Every error the ``output`` package raises on purpose, as one tree under ``OutputError``.

Each error carries the path it is about (``.path``, a string) and says what was
expected and what was found, so a command can print it as is. ``commands.exits``
maps the tree to exit statuses (a usage error).

    OutputError(message, path=None)
    ├── InputNotFoundError        a path named on the command line does not exist
    ├── NoInputError              the paths given hold no .html/.htm file
    ├── UnreadableInputError      an input is not a regular file, or is over the size cap
    ├── SnapshotExistsError       the output folder exists and --force was not given
    ├── SnapshotWriteError        the snapshot could not be written or moved into place
    ├── ManifestError             a manifest.json is missing or not a JSON object
    ├── NoSuchSnapshot            no snapshot by that name (folder, id, latest), or no pair
    ├── DiffError(path, message)  a snapshot cannot be compared (missing, incomplete, a table short)
    ├── SnapshotInUseError        a snapshot to remove is pinned by a running reader (nora diff)
    ├── ReportError               the report cannot be written (bad name, existing file)
    └── GraphError                the graph cannot be written (no such table, bad name)

Outside the tree, on purpose: checks of the program's own invariants. When one
fails it is a bug, never something a user did or can fix, so they derive from
``AssertionError``: no command catches them as an ``OutputError``, and they reach
``commands.cli``'s last guard like any bug (one line, exit INTERNAL, the traceback
in a log file).

    AssertionError
    ├── HistoryError(path, msg)   a snapshot was handed to publish or list that is not whole
    └── ChartError                matplotlib drew something that is not one clean SVG element
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path


class OutputError(Exception):
    """Base of every error raised while reading inputs or writing a snapshot."""

    def __init__(self, message: str, path: Path | str | None = None) -> None:
        super().__init__(message)
        self.path = None if path is None else str(path)


class InputNotFoundError(OutputError):
    """A path named on the command line does not exist."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(f"{path}: expected an HTML file or a folder, found nothing there", path)


class NoInputError(OutputError):
    """The paths given hold no ``.html``/``.htm`` file at all."""

    def __init__(self, paths: list[str]) -> None:
        shown = ", ".join(paths) if paths else "(no paths given)"
        super().__init__(f"expected .html or .htm files, found none in: {shown}")
        self.paths = list(paths)


class UnreadableInputError(OutputError):
    """A named input is not a regular file (FIFO, device) or is over the size cap: skipped."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(f"{path}: {message}", path)


class SnapshotExistsError(OutputError):
    """The output folder already exists and ``force`` was not given."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(
            f"{path}: expected a new snapshot folder, found one already there "
            "(choose another folder or use --force to replace it)",
            path,
        )


class SnapshotWriteError(OutputError):
    """The snapshot could not be written or moved into place; nothing was replaced."""


class ManifestError(OutputError):
    """A snapshot's ``manifest.json`` is missing or is not a JSON object."""


class NoSuchSnapshot(OutputError):
    """A snapshot named on the command line (folder, id, ``latest``) is not there."""


class DiffError(OutputError):
    """A snapshot cannot be compared: missing, incomplete, or without a needed table."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(f"{path}: {message}", path)


class SnapshotInUseError(OutputError):
    """A snapshot to remove is pinned by a running reader (``nora diff``)."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(f"{path}: {message}", path)


class ReportError(OutputError):
    """The report cannot be written (a bad output name, an existing file, no folder)."""


class GraphError(OutputError):
    """The graph cannot be written: no such snapshot table, a bad output name."""


class HistoryError(AssertionError):
    """A bug: a snapshot handed to publish or list is not whole (incomplete, held back,
    a table its manifest lists missing), or no snapshot id is free.

    Carries the snapshot path and says what was expected and what was found.
    """

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = str(path)


class ChartError(AssertionError):
    """A bug: matplotlib produced something that is not one clean SVG element."""


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
