"""How a crawl reports itself: a tqdm bar on a terminal, JSON lines in a log file.

The JSON-lines log (``DATA/logs/crawl-<id>.jsonl``) is written on every run, one
object per event (``{"ts": ..., "event": "fetch", "title": ..., ...}``), so a
scheduled run leaves a machine-readable trace; the bar is drawn only when
stderr is a terminal and progress was not switched off. Either way the command
prints one summary line on stdout at the end.
"""

from __future__ import annotations

import json
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import IO, Any

LOGS_DIR = "logs"


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


class Progress:
    """Events of one run; ``with Progress(log_path, bar=True) as progress:``."""

    def __init__(self, log_path: Path | None, *, bar: bool) -> None:
        self.log_path = log_path
        self._bar_wanted = bar
        self._bar: Any = None
        self._log: IO[str] | None = None
        self.counts: dict[str, int] = {}
        self._started = time.monotonic()

    def __enter__(self) -> Progress:
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            self._log = self.log_path.open("a", encoding="utf-8")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close_bar()
        if self._log is not None:
            self._log.close()
            self._log = None

    def event(self, name: str, **fields: object) -> None:
        """One structured line in the log file (flushed: a killed run keeps its trail)."""
        if self._log is None:
            return
        record = {"ts": _now(), "event": name, **fields}
        self._log.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")
        self._log.flush()

    def start_fetching(self, total: int, done: int = 0) -> None:
        """Open the bar for ``total`` pages (a resumed run starts at ``done``)."""
        self.close_bar()
        if not self._bar_wanted or total == 0:
            return
        from tqdm import tqdm

        self._bar = tqdm(total=total, initial=done, unit="page", desc="fetch", file=sys.stderr)

    def fetched(self, title: str, outcome: str, **fields: object) -> None:
        self.counts[outcome] = self.counts.get(outcome, 0) + 1
        self.event("fetch", title=title, outcome=outcome, **fields)
        if self._bar is not None:
            self._bar.set_postfix({k: v for k, v in sorted(self.counts.items())}, refresh=False)
            self._bar.update(1)

    def close_bar(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    @property
    def elapsed(self) -> float:
        return time.monotonic() - self._started


def wants_bar(no_progress: bool, stream: IO[str] | None = None) -> bool:
    """A bar only on a terminal, and not when ``--no-progress`` was given."""
    stream = sys.stderr if stream is None else stream
    return not no_progress and stream.isatty()
