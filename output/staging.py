"""Temporary folders beside a target, renamed into place when whole.

Snapshot and diff writers build their folder under a hidden sibling name
(``.<target>.tmp-<pid>-<hex>``) so a crash never leaves a half folder that
looks whole. A writer killed hard (SIGKILL, power loss) cannot remove its own
temporary folder; the next writer in the same parent removes those whose
process is gone.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
from pathlib import Path

TEMP_NAME = re.compile(r"^\.(?P<target>.+)\.(?P<kind>tmp|old)-(?P<pid>\d+)-[0-9a-f]+$")
"""``.<target>.tmp-<pid>-<hex>``: being built; ``.<target>.old-<pid>-<hex>``: the
folder a replace moved aside, removed once the new one is in place."""


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # someone else's live process
        return True
    return True


def remove_stale_temps(parent: Path) -> list[Path]:
    """Clean up after writers in ``parent`` that no longer run.

    Their temporary folders are removed. A folder a replace moved aside is put
    back when the replace died before the new folder took its place (nothing
    stored is lost), and removed otherwise.
    """
    removed: list[Path] = []
    if not parent.is_dir():
        return removed
    for child in sorted(parent.iterdir()):
        match = TEMP_NAME.match(child.name)
        if match is None or not child.is_dir() or _alive(int(match["pid"])):
            continue
        target = parent / match["target"]
        if match["kind"] == "old" and not (target.exists() or target.is_symlink()):
            os.rename(child, target)
            continue
        shutil.rmtree(child, ignore_errors=True)
        removed.append(child)
    return removed


def swap_into_place(temp: Path, target: Path) -> None:
    """Replace the folder ``target`` with ``temp``; the old one goes only once the new is in.

    If the second rename fails the old folder is put back and the error raised;
    if the process dies between the renames, :func:`remove_stale_temps` puts it back.
    """
    aside = target.parent / f".{target.name}.old-{os.getpid()}-{secrets.token_hex(4)}"
    os.rename(target, aside)
    try:
        os.rename(temp, target)
    except BaseException:
        os.rename(aside, target)
        raise
    fsync_dir(target.parent)
    shutil.rmtree(aside, ignore_errors=True)


def make_temp_beside(target: Path) -> Path:
    """A new empty hidden folder next to ``target`` (same file system, so rename works)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(target.parent)
    temp = target.parent / f".{target.name}.tmp-{os.getpid()}-{secrets.token_hex(4)}"
    temp.mkdir()
    return temp


def fsync_dir(path: Path) -> None:
    """Make a rename or new entry in ``path`` durable (a no-op where unsupported)."""
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
