"""Finding the saved HTML pages named on the command line.

Files named explicitly are taken whatever their suffix (the user asked for
them); folders are searched recursively for ``.html``/``.htm`` files (any case),
skipping hidden files and folders. The result is sorted by path, component by
component, so the snapshot does not depend on argument order or on the order
the file system lists a folder in.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path, PurePath

from output.errors import InputNotFoundError, NoInputError

HTML_SUFFIXES = frozenset({".html", ".htm"})


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
