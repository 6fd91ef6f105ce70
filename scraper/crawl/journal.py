"""The run journal: one JSON line per ``nora crawl`` run in ``DATA/logs/runs.jsonl``.

The state database knows the crawls; it cannot know a run that failed before
its crawl began (robots.txt or siteinfo unreachable) nor how many requests a
run made. ``nora crawl`` appends one line when a run ends, however it ended
(short of ``kill -9``: then the crawl stays ``running`` in the state and
``nora status`` says it stopped)::

    {"ts": "2026-11-29T03:19:40Z", "crawl_id": 12, "status": "OK", "exit": 0,
     "listed": 2018, "fetched": 20, "failed": 0, "requests": 139,
     "seconds": 14.2, "message": ""}

``nora status`` reads the last lines. A line is written with one ``write`` on a
file opened for appending, so concurrent writers cannot interleave within it;
a line that does not parse is skipped.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scraper.crawl.outcome import CrawlOutcome

LOGS_DIR = "logs"  # = scraper.crawl.progress.LOGS_DIR
JOURNAL_NAME = "runs.jsonl"
#: bytes read from the end of the journal to find the last runs
_TAIL_BYTES = 256 * 1024


@dataclass(frozen=True, slots=True)
class RunEntry:
    """How one run of ``nora crawl`` ended."""

    ts: str  # when it ended, ISO UTC
    crawl_id: int | None  # None: it ended before a crawl began
    status: str  # the exit status's name (commands.exits.ExitStatus): OK, PARTIAL, ...
    exit: int
    listed: int = 0
    fetched: int = 0
    failed: int = 0
    requests: int = 0
    seconds: float = 0.0
    message: str = ""


def journal_path(data_dir: Path) -> Path:
    return Path(data_dir) / LOGS_DIR / JOURNAL_NAME


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def run_entry(
    status: str, code: int, message: str, outcome: CrawlOutcome | None = None
) -> RunEntry:
    """The journal line of a run that ended with exit status ``status`` (its name) and
    ``code`` (and ``outcome``, if it ran)."""
    entry = RunEntry(ts=now_iso(), crawl_id=None, status=status, exit=code)
    if outcome is not None:
        entry = replace(
            entry,
            crawl_id=outcome.crawl_id,
            listed=outcome.listed,
            fetched=outcome.fetched,
            failed=outcome.failed,
            requests=outcome.requests,
            seconds=round(outcome.seconds, 1),
        )
    return replace(entry, message=message)


def append_run(data_dir: Path, entry: RunEntry) -> None:
    """Append one line for ``entry`` (creating ``DATA/logs`` if needed)."""
    path = journal_path(data_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    line = json.dumps(asdict(entry), ensure_ascii=False, separators=(", ", ": ")) + "\n"
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    try:
        os.write(fd, line.encode("utf-8"))
    finally:
        os.close(fd)


def _entry(raw: object) -> RunEntry | None:
    if not isinstance(raw, dict):
        return None
    try:
        crawl_id = raw.get("crawl_id")
        return RunEntry(
            ts=str(raw["ts"]),
            crawl_id=None if crawl_id is None else int(crawl_id),
            status=str(raw["status"]),
            exit=int(raw["exit"]),
            listed=int(raw.get("listed", 0)),
            fetched=int(raw.get("fetched", 0)),
            failed=int(raw.get("failed", 0)),
            requests=int(raw.get("requests", 0)),
            seconds=float(raw.get("seconds", 0.0)),
            message=str(raw.get("message", "")),
        )
    except (KeyError, TypeError, ValueError):
        return None


def recent_runs(data_dir: Path) -> list[RunEntry]:
    """The runs at the end of the journal, oldest first (empty when there is none)."""
    path = journal_path(data_dir)
    try:
        with path.open("rb") as fh:
            size = fh.seek(0, os.SEEK_END)
            fh.seek(max(0, size - _TAIL_BYTES))
            tail = fh.read()
    except OSError:
        return []
    lines = tail.split(b"\n")
    if size > _TAIL_BYTES:
        lines = lines[1:]  # the first may be cut
    return list(_parsed(lines))


def _parsed(lines: list[bytes]) -> Iterator[RunEntry]:
    for line in lines:
        if not line.strip():
            continue
        try:
            entry = _entry(json.loads(line))
        except ValueError:
            continue
        if entry is not None:
            yield entry
