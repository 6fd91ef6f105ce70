"""Finding the saved HTML pages named on the command line.

Files named explicitly are taken whatever their suffix (the user asked for
them); folders are searched recursively for ``.html``/``.htm`` files (any case),
skipping hidden files and folders. The result is sorted by path, component by
component, so the snapshot does not depend on argument order or on the order
the file system lists a folder in.

Only regular files are read (``read_page``), at most ``MAX_PAGE_BYTES`` of them:
a ``.html`` name on a FIFO, a device (``zero.html -> /dev/zero``) or a socket, or
a file over the cap, is skipped with a warning instead of hanging the run or
filling the memory.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath

from output.errors import InputNotFoundError, NoInputError, UnreadableInputError

HTML_SUFFIXES = frozenset({".html", ".htm"})
#: a saved page larger than this is refused (the crawler's response cap, 32 MiB)
MAX_PAGE_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class InputFile:
    """One page to parse: where it is, and how to name it (the path as given, joined)."""

    path: Path
    name: str  # as the user wrote it ("fixtures/a.html" for folder "fixtures"); used as url


def is_html_name(name: str) -> bool:
    return PurePath(name).suffix.lower() in HTML_SUFFIXES


def _walk(folder: str) -> Iterable[str]:
    """Relative-to-cwd names of the HTML files under ``folder`` as the user spelled it."""
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for file_name in files:
            if not file_name.startswith(".") and is_html_name(file_name):
                yield os.path.join(root, file_name)


def _sort_key(name: str) -> tuple[str, ...]:
    return PurePath(name).parts


def find_html_files(paths: Iterable[str]) -> list[InputFile]:
    """The HTML files named by ``paths`` (files or folders), sorted, each once.

    Raises InputNotFoundError for a path that does not exist and NoInputError
    when nothing to parse was found.
    """
    given = list(paths)
    names: list[str] = []
    for raw in given:
        if os.path.isdir(raw):
            names.extend(_walk(raw))
        elif os.path.exists(raw):
            names.append(raw)
        else:
            raise InputNotFoundError(raw)
    seen: set[str] = set()
    found: list[InputFile] = []
    for name in sorted(names, key=_sort_key):
        real = os.path.realpath(name)
        if real not in seen:
            seen.add(real)
            found.append(InputFile(Path(name), PurePath(name).as_posix()))
    if not found:
        raise NoInputError(given)
    return found


def _kind(mode: int) -> str:
    for test, name in (
        (stat.S_ISFIFO, "a FIFO"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISDIR, "a folder"),
    ):
        if test(mode):
            return name
    return "a special file"


def read_page(path: Path, limit: int = MAX_PAGE_BYTES) -> bytes:
    """The bytes of one saved page: a regular file of at most ``limit`` bytes.

    Opened without blocking (a FIFO without a writer would hang ``open``) and
    checked on the open descriptor, so a name swapped for a device after the
    folder was listed is caught too. Raises ``UnreadableInputError`` (skip it,
    with a warning) for anything else, and ``OSError`` when it cannot be read.
    """
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0))
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UnreadableInputError(
                path, f"expected a regular file, found {_kind(info.st_mode)}: skipped"
            )
        if info.st_size > limit:
            raise UnreadableInputError(
                path, f"expected at most {limit} bytes, found {info.st_size}: skipped"
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            data = handle.read(limit + 1)
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew while we read
        raise UnreadableInputError(path, f"expected at most {limit} bytes, found more: skipped")
    return data
