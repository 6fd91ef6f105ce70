"""An exclusive lock on the data folder, so scheduled crawls never overlap.

``fcntl.flock`` on ``DATA/crawl.lock``: the kernel drops the lock when the holder
exits, however it exits (``kill -9`` included), so a stale lock file never blocks
the next run. The holder's pid is written into the file only to name it in the
error message.
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from types import TracebackType

LOCK_NAME = "crawl.lock"


class LockedError(RuntimeError):
    """Another process holds the data folder's lock (exit status LOCKED)."""

    def __init__(self, path: Path, holder: str) -> None:
        who = f"pid {holder}" if holder else "another process"
        super().__init__(f"{path}: expected no other crawl running, found {who} holding the lock")
        self.path = path
        self.holder = holder


class DataLock:
    """``with DataLock(data_dir):`` holds DATA/crawl.lock or raises ``LockedError`` at once."""

    def __init__(self, data_dir: Path) -> None:
        self.path = Path(data_dir) / LOCK_NAME
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip()
            os.close(fd)
            raise LockedError(self.path, holder) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode("ascii"), 0)
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
