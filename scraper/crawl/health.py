"""The health of a data folder, gathered for ``nora status`` without changing anything.

What is read, all of it local and read-only:

- ``state.sqlite`` (read-only connection): the last crawl, how it ended, its
  counts, the pages whose newest attempts failed several crawls in a row, and the
  oldest archived copy among the pages of the last finished crawl (what the rolling
  refresh, ``--refresh-days``, bounds); a state that cannot be read (damaged,
  locked) is itself a problem (``state_error``);
- ``logs/runs.jsonl`` (``scraper.crawl.journal``): how the last runs ended, requests
  made, and runs that failed before a crawl began;
- ``snapshots/latest`` and its manifest: id, age, row counts;
- file sizes under ``warc/``, ``snapshots/``, ``history/`` (hard links counted
  once) and ``diffs/``;
- ``crawl.lock``: whether a process holds it, found in ``/proc/locks`` (never by
  trying to take the lock, which could make a starting crawl fail), else by the
  pid written in the file while it is held.

:func:`problems` turns that into what needs a look; the command exits non-zero
when there is any.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from output.history import HISTORY_DIR, SNAPSHOTS_DIR, latest_snapshot, read_complete_manifest
from scraper.archive.lock import LOCK_NAME, parse_holder
from scraper.archive.paths import STATE_NAME, WARC_DIR
from scraper.archive.state import open_read_only
from scraper.clock import iso_utc
from scraper.crawl.journal import RunEntry, recent_runs

DIFFS_DIR = "diffs"  # = commands.diff.DIFFS_DIR
#: a page whose newest attempts failed this many crawls in a row is listed
FAILING_STREAK = 2
#: run statuses that mean the job itself failed (not: some pages failed)
#: a run that ended so is a failure to report; STOPPED (resumable) shows as a crawl left
#: running, OK and PARTIAL published a snapshot. LOCKED counts: a run that finds the lock
#: held night after night is a stuck job, not a success
FAILED_RUNS = (
    "USAGE", "LOCKED", "UNREACHABLE", "REFUSED", "HELD", "STORAGE", "DAMAGED", "INTERNAL",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class CrawlState:
    id: int
    site: str
    started_at: str
    finished_at: str | None
    status: str  # running | complete | partial | pruned
    listed: int
    fetched: int
    failed: int
    requests: int | None  # over every run of this crawl, from the journal
    runs: int


@dataclass(frozen=True, slots=True)
class SnapshotState:
    id: str
    path: str
    created_at: str
    age_hours: float | None
    rows: dict[str, int]
    complete: bool  # the crawl behind it had every page (extra.crawl_complete)


@dataclass(frozen=True, slots=True)
class LockState:
    held: bool
    pid: int | None = None
    command: str = ""


@dataclass(slots=True)
class Health:
    data_dir: str
    checked_at: str
    max_age_hours: float
    crawl: CrawlState | None = None
    last_run: RunEntry | None = None
    snapshot: SnapshotState | None = None
    failing: list[tuple[str, int]] = field(default_factory=list)  # (title, crawls in a row)
    failing_now: int = 0
    disk: dict[str, int] = field(default_factory=dict)  # bytes per part
    files: dict[str, int] = field(default_factory=dict)  # files per part
    lock: LockState = field(default_factory=lambda: LockState(False))
    #: the page of the last finished crawl whose archived copy is oldest, and when fetched
    oldest_title: str = ""
    oldest_fetched_at: str = ""
    oldest_days: float | None = None
    #: why state.sqlite could not be read (damaged, locked), None when it could
    state_error: str | None = None


def _parse(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


# -- the state --------------------------------------------------------------------------


def _connect(data_dir: Path) -> sqlite3.Connection | None:
    path = data_dir / STATE_NAME
    if not path.is_file():
        return None
    return open_read_only(path)


def _last_crawl(db: sqlite3.Connection, runs: list[RunEntry]) -> CrawlState | None:
    row = db.execute(
        "SELECT id, site, started_at, finished_at, status, pages_listed, pages_fetched,"
        " pages_failed FROM crawls ORDER BY id DESC LIMIT 1"
    ).fetchone()
    if row is None:
        return None
    crawl_id = int(row[0])
    listed, fetched, failed = row[5], row[6], row[7]
    if listed is None:  # not finished: count what is there so far
        listed = db.execute(
            "SELECT count(*) FROM listing WHERE crawl_id = ?", (crawl_id,)
        ).fetchone()[0]
        outcomes = dict(
            db.execute(
                "SELECT outcome, count(*) FROM fetches WHERE id IN (SELECT max(id) FROM fetches"
                " WHERE crawl_id = ? GROUP BY title) GROUP BY outcome",
                (crawl_id,),
            ).fetchall()
        )
        fetched, failed = outcomes.get("ok", 0), outcomes.get("failed", 0)
    mine = [r for r in runs if r.crawl_id == crawl_id]
    return CrawlState(
        id=crawl_id,
        site=str(row[1]),
        started_at=str(row[2]),
        finished_at=None if row[3] is None else str(row[3]),
        status=str(row[4]),
        listed=int(listed),
        fetched=int(fetched),
        failed=int(failed),
        requests=sum(r.requests for r in mine) if mine else None,
        runs=len(mine),
    )


def _failing(db: sqlite3.Connection) -> tuple[list[tuple[str, int]], int]:
    """Pages whose newest attempts failed ``FAILING_STREAK``+ crawls in a row, and how
    many pages failed in their newest attempt at all."""
    rows = db.execute(
        "SELECT title, crawl_id, outcome FROM fetches WHERE id IN (SELECT max(id) FROM fetches"
        " WHERE title IN (SELECT title FROM fetches WHERE outcome = 'failed')"
        " GROUP BY title, crawl_id) ORDER BY title, crawl_id DESC"
    ).fetchall()
    streaks: dict[str, int] = {}
    broken: set[str] = set()
    for title, _crawl, outcome in rows:
        if title in broken:
            continue
        if outcome == "failed":
            streaks[title] = streaks.get(title, 0) + 1
        else:
            broken.add(title)
    long = sorted(
        ((t, n) for t, n in streaks.items() if n >= FAILING_STREAK), key=lambda tn: (-tn[1], tn[0])
    )
    return long, len(streaks)


def _oldest_copy(db: sqlite3.Connection) -> tuple[str, str] | None:
    """(title, fetched_at) of the oldest newest-ok-fetch among the last finished crawl's
    listed pages: how stale the snapshot's least recently fetched page may be."""
    row = db.execute(
        "SELECT l.title, f.fetched_at FROM listing l JOIN fetches f ON f.id ="
        " (SELECT max(id) FROM fetches WHERE title = l.title AND outcome = 'ok')"
        " WHERE l.crawl_id = (SELECT max(id) FROM crawls WHERE status IN"
        " ('complete', 'partial')) ORDER BY f.fetched_at, l.title LIMIT 1"
    ).fetchone()
    return None if row is None else (str(row[0]), str(row[1]))


# -- files -------------------------------------------------------------------------------


def _usage(folder: Path, seen: set[tuple[int, int]]) -> tuple[int, int]:
    """Bytes and files under ``folder``, each inode counted once across calls."""
    total = files = 0
    if not folder.is_dir():
        return 0, 0
    for root, _dirs, names in os.walk(folder):
        for name in names:
            try:
                stat = os.lstat(os.path.join(root, name))
            except OSError:
                continue
            key = (stat.st_dev, stat.st_ino)
            if key in seen:
                continue
            seen.add(key)
            total += stat.st_size
            files += 1
    return total, files


def _disk(data_dir: Path) -> tuple[dict[str, int], dict[str, int]]:
    seen: set[tuple[int, int]] = set()
    sizes: dict[str, int] = {}
    counts: dict[str, int] = {}
    for part in (WARC_DIR, SNAPSHOTS_DIR, HISTORY_DIR, DIFFS_DIR):
        sizes[part], counts[part] = _usage(data_dir / part, seen)
    state = [data_dir / f"{STATE_NAME}{s}" for s in ("", "-wal", "-shm")]
    sizes["state"] = sum(p.stat().st_size for p in state if p.is_file())
    counts["state"] = sum(1 for p in state if p.is_file())
    return sizes, counts


# -- the lock ----------------------------------------------------------------------------


def _proc_locks_holder(path: Path, locks: Path) -> int | None:
    """The pid holding a flock on ``path`` according to ``/proc/locks``, else None."""
    try:
        stat = path.stat()
        text = locks.read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    wanted = (os.major(stat.st_dev), os.minor(stat.st_dev), stat.st_ino)
    for line in text.splitlines():
        fields = line.split()
        if len(fields) < 6 or fields[1] == "->" or fields[1] != "FLOCK":
            continue
        try:
            major, minor, inode = fields[5].split(":")
            where = (int(major, 16), int(minor, 16), int(inode))
            pid = int(fields[4])
        except ValueError:
            continue
        if where == wanted:
            return pid
    return None


def _command(pid: int) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return ""
    return " ".join(part.decode("utf-8", "replace") for part in raw.split(b"\0") if part)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def lock_state(data_dir: Path, locks: Path = Path("/proc/locks")) -> LockState:
    """Who holds ``DATA/crawl.lock``, found without taking it."""
    path = data_dir / LOCK_NAME
    if not path.is_file():
        return LockState(False)
    pid = _proc_locks_holder(path, locks)
    if pid is None and not locks.is_file():  # no /proc: the pid file is all there is
        try:
            holder = parse_holder(path.read_text(encoding="ascii", errors="replace"))[0]
        except OSError:
            holder = ""
        if holder.isdigit() and _alive(int(holder)):
            pid = int(holder)
    if pid is None:
        return LockState(False)
    return LockState(True, pid, _command(pid))


# -- all of it ---------------------------------------------------------------------------


def _snapshot(data_dir: Path, now: datetime) -> SnapshotState | None:
    path = latest_snapshot(data_dir)
    if path is None:
        return None
    manifest: dict[str, Any] = read_complete_manifest(path) or {}
    created = _parse(str(manifest.get("created_at") or ""))
    tables = manifest.get("tables") or {}
    extra = manifest.get("extra") or {}
    return SnapshotState(
        id=path.name,
        path=str(path),
        created_at=str(manifest.get("created_at") or ""),
        age_hours=None if created is None else round((now - created).total_seconds() / 3600, 2),
        rows={str(k): int((v or {}).get("rows", 0)) for k, v in tables.items()},
        complete=bool(extra.get("crawl_complete", True)),
    )


def gather(data_dir: Path, *, max_age_hours: float, now: datetime | None = None) -> Health:
    """Everything ``nora status`` shows about ``data_dir``."""
    data_dir = Path(data_dir)
    now = now or datetime.now(UTC)
    health = Health(str(data_dir), iso_utc(now), max_age_hours)
    runs = recent_runs(data_dir)
    health.last_run = runs[-1] if runs else None
    try:
        db = _connect(data_dir)
        if db is not None:
            try:
                health.crawl = _last_crawl(db, runs)
                health.failing, health.failing_now = _failing(db)
                oldest = _oldest_copy(db)
                if oldest is not None:
                    health.oldest_title, health.oldest_fetched_at = oldest
                    fetched = _parse(oldest[1])
                    if fetched is not None:
                        health.oldest_days = round((now - fetched).total_seconds() / 86400, 1)
            finally:
                db.close()
    except sqlite3.Error as error:  # damaged or locked: say so, never "none recorded, OK"
        health.crawl = None
        health.state_error = f"{STATE_NAME}: expected a readable crawl state, found {error}"
    health.snapshot = _snapshot(data_dir, now)
    health.disk, health.files = _disk(data_dir)
    health.lock = lock_state(data_dir)
    return health


def problems(health: Health) -> list[str]:
    """What makes the data folder unhealthy (empty: healthy). Pages failing alone do
    not: their previous version stays in the snapshot, and they are listed anyway."""
    found: list[str] = []
    if health.state_error is not None:
        found.append(health.state_error)
    snap = health.snapshot
    if snap is None:
        found.append("expected a snapshot at snapshots/latest, found none")
    elif snap.age_hours is None:
        found.append(f"snapshot {snap.id}: expected a created_at time, found none")
    elif snap.age_hours > health.max_age_hours:
        found.append(
            f"snapshot {snap.id} is {snap.age_hours:.1f} h old "
            f"(expected at most {health.max_age_hours:g} h)"
        )
    crawl, run = health.crawl, health.last_run
    if crawl is not None and crawl.status == "running" and not health.lock.held:
        why = f" (last run: {run.status}: {run.message})" if run and run.message else ""
        found.append(f"crawl {crawl.id} stopped before finishing{why}")
    elif run is not None and run.status in FAILED_RUNS:
        found.append(f"the last crawl run failed: {run.status}: {run.message}")
    return found
