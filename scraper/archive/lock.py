"""An exclusive lock on the data folder, so crawls, exports and prunes never overlap.

``fcntl.flock`` on ``DATA/crawl.lock``: the kernel drops the lock when the holder
exits, however it exits (``kill -9`` included), so a stale lock file never blocks
the next run. The holder writes its pid, its command and its start time into the
file, only to name it in the error message ("found nora prune (pid 4242, since
...) holding the lock").

The lock file is opened with ``O_NOFOLLOW`` and must be a regular file with one
link: a ``crawl.lock`` that is a symlink (or a hard link) to a file elsewhere is
refused, never truncated. So is a data folder whose ``snapshots/latest`` points
outside ``snapshots/`` (``DataFolderError``, a usage error): what prune keeps and
what a crawl compares with must be inside the folder it was given.

``nora package`` reads WARC files without the lock (a crawl may run meanwhile); it
pins them instead (:func:`pin_archive`), and a prune removes none while they are
pinned (:func:`claim_archive`).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType

from scraper.errors import DataFolderError, LockedError

LOCK_NAME = "crawl.lock"
#: the file readers of the WARC files (``nora package``) hold shared, a prune exclusive
ARCHIVE_PIN = "warc.pin"
#: = output.history.SNAPSHOTS_DIR / LATEST
_LATEST = ("snapshots", "latest")


def parse_holder(text: str) -> tuple[str, str, str]:
    """(pid, command, since) from the lock file's text; the old format holds the pid alone."""
    fields = text.split()[:3]
    fields += [""] * (3 - len(fields))
    return fields[0], fields[1].strip("-"), fields[2]


def _read_holder(fd: int) -> tuple[str, str, str]:
    return parse_holder(os.pread(fd, 200, 0).decode("ascii", "replace"))


def check_latest(data_dir: Path) -> None:
    """Refuse a ``snapshots/latest`` link that leads out of ``snapshots/``."""
    parent = Path(data_dir, _LATEST[0])
    link = parent / _LATEST[1]
    if not link.is_symlink():
        return
    try:
        target = link.resolve()
    except (OSError, RuntimeError):  # a link that loops
        raise DataFolderError(
            link,
            f"expected a link to a snapshot, found one that loops ({os.readlink(link)}); "
            "refusing to work on this data folder (repoint or remove the link)",
        ) from None
    inside = parent.resolve()
    if target.parent != inside:
        raise DataFolderError(
            link,
            f"expected a link to a snapshot in {inside}, found one to {target}; "
            "refusing to work on this data folder (repoint or remove the link)",
        )


@contextlib.contextmanager
def pin_archive(data_dir: Path) -> Iterator[None]:
    """Hold the WARC files while reading them (``nora package``): a shared lock on
    ``DATA/warc.pin``, under which ``nora prune`` removes no WARC file.

    Waits while a prune is removing files, so what is read afterwards (the state
    included) is what the prune left. Where the pin cannot be made (a read-only
    folder) the read goes on unpinned: nothing there can be pruned either.
    """
    try:
        fd = os.open(Path(data_dir) / ARCHIVE_PIN, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    except OSError:
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def claim_archive(data_dir: Path) -> Iterator[bool]:
    """The exclusive hold a prune takes to remove WARC files; yields False (remove none)
    while a reader pins them (:func:`pin_archive`)."""
    fd = os.open(Path(data_dir) / ARCHIVE_PIN, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            yield False
            return
        yield True
    finally:
        os.close(fd)


class DataLock:
    """``with DataLock(data_dir, "crawl"):`` holds DATA/crawl.lock or raises at once.

    ``LockedError`` when another process holds it, ``DataFolderError`` when the
    lock file or the ``latest`` link points outside the data folder.
    """

    def __init__(self, data_dir: Path, command: str = "") -> None:
        self.path = Path(data_dir) / LOCK_NAME
        self.command = command
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o644)
        except OSError as error:
            if error.errno == errno.ELOOP:
                raise DataFolderError(
                    self.path,
                    f"expected the lock file, found a symlink to {os.readlink(self.path)}; "
                    "refusing to open it (remove the link)",
                ) from None
            raise
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_nlink != 1:
                what = "a hard link" if stat.S_ISREG(info.st_mode) else "a special file"
                raise DataFolderError(
                    self.path, f"expected the lock file, found {what}; refusing to use it"
                )
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise LockedError(self.path, *holder) from None
        except BaseException:
            os.close(fd)
            raise
        try:
            check_latest(self.path.parent)
        except BaseException:
            fcntl.flock(fd, fcntl.LOCK_UN)
            os.close(fd)
            raise
        since = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()} {self.command or '-'} {since}\n".encode("ascii"), 0)
        self._fd = fd

    def release(self) -> None:
        if self._fd is None:
            return
        # the file stays: unlinking it would race with a waiting process that opened it
        os.ftruncate(self._fd, 0)
        fcntl.flock(self._fd, fcntl.LOCK_UN)
        os.close(self._fd)
        self._fd = None

    def __enter__(self) -> DataLock:
        self.acquire()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.release()
