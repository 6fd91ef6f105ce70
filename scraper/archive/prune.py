"""Retention: drop old snapshots and the WARC files no kept crawl needs.

What stays:

- the ``keep`` newest good snapshots (complete, and not held back by the shrink
  guard, ``output.shrink``), the one ``latest`` points at, the newest held
  snapshot when it is newer than every good one (the evidence of what went
  wrong), and any snapshot pinned by a running ``nora diff``
  (``output.history.pin_snapshot``). A held snapshot never counts as one of
  the ``keep``: a prune never leaves fewer good snapshots than it says;
- every crawl from the oldest one a kept snapshot came from (its manifest's
  ``extra.crawl_id``, or ``crawls.snapshot_id``) onwards, the newest crawl and
  any unfinished one. A crawl snapshot re-parses unchanged pages from earlier
  crawls' files, so for each kept crawl the file of every page's newest ok
  fetch stays too;
- a WARC file stays when a kept crawl wrote it (a fetch row of that crawl
  points into it, or, for a file holding only API answers, its name's time
  stamp falls in that crawl's run) or a kept crawl's page is read from it;
- every WARC file while ``nora package`` reads them (``scraper.archive.lock.pin_archive``).

The state database is kept consistent: fetch rows pointing into removed files
(and their relation targets and WARC marks) are deleted, and so are the
listings of older crawls that read a page from a removed file (those crawls get
status ``pruned``), in one transaction, before the files are, so a crash leaves
at worst unreferenced files for the next prune. An older crawl whose every
archived page is still there keeps its listing, so ``nora export --crawl ID``
can rebuild it. State schema: ``scraper/archive/state.py``.
"""

from __future__ import annotations

import contextlib
import logging
import re
import shutil
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from output.errors import SnapshotInUseError
from output.history import (
    SnapshotInfo,
    claim_snapshot,
    latest_snapshot,
    list_snapshots,
    remove_from_history,
)
from output.shrink import is_held
from scraper.archive.fetchindex import ARCHIVED_FETCH
from scraper.archive.lock import DataLock, claim_archive
from scraper.archive.paths import STATE_NAME, WARC_DIR
from scraper.archive.state import BUSY_SECONDS, open_read_only

log = logging.getLogger(__name__)

_WARC_NAME = re.compile(r"^.+-(?P<stamp>\d{8}T\d{6}Z)-\d{5,}\.warc\.gz$")


@dataclass(frozen=True, slots=True)
class PrunePlan:
    """What a prune removes and keeps; nothing has happened yet."""

    keep: tuple[SnapshotInfo, ...]
    remove: tuple[SnapshotInfo, ...]
    oldest_kept_crawl: int | None  # None: no state, WARC files are left alone
    remove_warc: tuple[Path, ...]
    keep_warc: tuple[Path, ...]


@dataclass(frozen=True, slots=True)
class PruneResult:
    removed: tuple[str, ...]  # snapshot ids
    pinned: tuple[str, ...]  # snapshot ids skipped because a diff holds them
    removed_warc: tuple[str, ...]
    snapshot_bytes: int
    warc_bytes: int
    fetch_rows: int
    listing_rows: int
    warc_pinned: bool = False  # nora package was reading the WARC files: none removed


def _tree_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink())


def _stamp_key(stamp: str) -> str:
    """A WARC name stamp or an ISO time as YYYYMMDDTHHMMSS, comparable as text."""
    return re.sub(r"[^0-9T]", "", stamp)[:15]


def plan_prune(data_dir: Path, keep: int) -> PrunePlan:
    """Decide what ``prune(keep)`` removes, reading snapshots and state only."""
    if keep < 1:
        raise ValueError(f"expected --keep of at least 1, found {keep}")
    data_dir = Path(data_dir)
    snapshots = list_snapshots(data_dir)
    latest = latest_snapshot(data_dir)
    good = [s for s in snapshots if not is_held(s.manifest)]
    held = [s for s in snapshots if is_held(s.manifest)]
    wanted = {s.id for s in good[-keep:]}
    wanted |= {s.id for s in snapshots if s.path.resolve() == latest}
    if held and (not good or held[-1].id > good[-1].id):
        wanted.add(held[-1].id)  # what the last run held back: the evidence stays
    kept = [s for s in snapshots if s.id in wanted]
    removed = [s for s in snapshots if s not in kept]
    state_path = data_dir / STATE_NAME
    warc_dir = data_dir / WARC_DIR
    files = sorted(warc_dir.glob("*.warc.gz")) if warc_dir.is_dir() else []
    if not state_path.is_file():
        return PrunePlan(tuple(kept), tuple(removed), None, (), tuple(files))
    db = open_read_only(state_path)
    try:
        oldest = _oldest_kept_crawl(db, kept)
        if oldest is None:
            return PrunePlan(tuple(kept), tuple(removed), None, (), tuple(files))
        needed = _needed_files(db, oldest)
        starts = [
            (int(i), _stamp_key(str(s))) for i, s in db.execute("SELECT id, started_at FROM crawls")
        ]
    finally:
        db.close()
    remove_warc, keep_warc = [], []
    for path in files:
        if path.name in needed or _owner_by_time(path.name, starts, oldest):
            keep_warc.append(path)
        else:
            remove_warc.append(path)
    return PrunePlan(tuple(kept), tuple(removed), oldest, tuple(remove_warc), tuple(keep_warc))


def _oldest_kept_crawl(db: sqlite3.Connection, kept: Iterable[SnapshotInfo]) -> int | None:
    crawls = {
        int(i): (str(status), sid)
        for i, status, sid in db.execute("SELECT id, status, snapshot_id FROM crawls")
    }
    if not crawls:
        return None
    ids = {max(crawls)}  # the newest crawl is the next crawl's baseline
    ids |= {i for i, (status, _) in crawls.items() if status == "running"}  # to be resumed
    kept_ids = {s.id for s in kept}
    ids |= {i for i, (_, sid) in crawls.items() if sid in kept_ids}
    for snapshot in kept:
        crawl_id = (snapshot.manifest.get("extra") or {}).get("crawl_id")
        if isinstance(crawl_id, int) and crawl_id in crawls:
            ids.add(crawl_id)
    return min(ids)


def _needed_files(db: sqlite3.Connection, oldest: int) -> set[str]:
    """Files written by kept crawls, or holding a kept crawl's page version."""
    written = db.execute(
        "SELECT DISTINCT warc_file FROM fetches WHERE crawl_id >= ? AND warc_file IS NOT NULL",
        (oldest,),
    )
    read = db.execute(
        "SELECT DISTINCT f.warc_file FROM listing AS l"
        f" JOIN fetches AS f ON f.id = {ARCHIVED_FETCH}"
        " WHERE l.crawl_id >= ? AND f.warc_file IS NOT NULL",
        (oldest,),
    )
    needed = {str(r[0]) for r in written} | {str(r[0]) for r in read}
    if int(db.execute("PRAGMA user_version").fetchone()[0]) >= 2:
        needed |= _smw_files(db, oldest)
    # a file some fetch row points into belongs to that row's crawl, whatever its time stamp
    owned = db.execute(
        "SELECT warc_file, max(crawl_id) FROM fetches"
        " WHERE warc_file IS NOT NULL GROUP BY warc_file"
    )
    needed |= {str(name) for name, crawl in owned if int(crawl) >= oldest}
    return needed


def _smw_files(db: sqlite3.Connection, oldest: int) -> set[str]:
    """Files holding SMW answers a kept crawl's snapshot reads: its schema (or the newest
    before it) and the facts of each listed page's version (``scraper.archive.factindex``)."""
    schema_crawl = db.execute(
        "SELECT max(crawl_id) FROM smw_records WHERE kind <> 'pages' AND crawl_id <= ?",
        (oldest,),
    ).fetchone()[0]
    since = oldest if schema_crawl is None else int(schema_crawl)
    rows = db.execute(
        "SELECT DISTINCT warc_file FROM smw_records WHERE crawl_id >= ?"
        " UNION"
        " SELECT DISTINCT r.warc_file FROM listing AS l"
        f" JOIN fetches AS f ON f.id = {ARCHIVED_FETCH}"
        " JOIN smw_pages AS p ON p.fetch_id = f.id"
        " JOIN smw_records AS r ON r.id = p.record_id"
        " WHERE l.crawl_id >= ?",
        (since, oldest),
    )
    return {str(r[0]) for r in rows}


def _owner_by_time(name: str, starts: list[tuple[int, str]], oldest: int) -> bool:
    """True when ``name`` holds no indexed page but was written during a kept crawl.

    Files some fetch row points into were decided by ``_needed_files``; this
    is for files of API answers only. A name without a time stamp is not ours
    to remove.
    """
    match = _WARC_NAME.match(name)
    if match is None:
        return True
    stamp = _stamp_key(match["stamp"])
    owners = [crawl for crawl, started in starts if started <= stamp]
    return (bool(owners) and max(owners) >= oldest) or (not owners and not starts)


def prune_locked(
    data_dir: Path, keep: int, *, dry_run: bool = False
) -> tuple[PrunePlan, PruneResult]:
    """``prune`` under the data folder's lock, as ``nora prune`` runs it."""
    with DataLock(data_dir, "prune"):
        return prune(data_dir, keep, dry_run=dry_run)


def prune(data_dir: Path, keep: int, *, dry_run: bool = False) -> tuple[PrunePlan, PruneResult]:
    """Carry out :func:`plan_prune` (the caller holds the data folder's lock)."""
    data_dir = Path(data_dir)
    plan = plan_prune(data_dir, keep)
    removed: list[str] = []
    pinned: list[str] = []
    snapshot_bytes = 0
    for info in plan.remove:
        if dry_run:
            removed.append(info.id)
            snapshot_bytes += _tree_bytes(info.path)
            continue
        try:
            with claim_snapshot(info.path):
                size = _tree_bytes(info.path)
                snapshot_bytes += remove_from_history(data_dir, info.id) + size
                shutil.rmtree(info.path)
                removed.append(info.id)
        except SnapshotInUseError:
            log.info("snapshot %s is being read by a diff: kept", info.id)
            pinned.append(info.id)
    with contextlib.ExitStack() as stack:
        free = dry_run or stack.enter_context(claim_archive(data_dir))
        remove_warc = plan.remove_warc if free else ()
        if not free:
            log.info("WARC files are being read by nora package: none removed")
        warc_bytes = sum(p.stat().st_size for p in remove_warc)
        fetch_rows = listing_rows = 0
        if plan.oldest_kept_crawl is not None:
            fetch_rows, listing_rows = _forget(
                data_dir / STATE_NAME,
                plan.oldest_kept_crawl,
                [p.name for p in remove_warc],
                dry_run,
            )
        if not dry_run:
            for path in remove_warc:
                path.unlink(missing_ok=True)
    return plan, PruneResult(
        tuple(removed),
        tuple(pinned),
        tuple(p.name for p in remove_warc),
        snapshot_bytes,
        warc_bytes,
        fetch_rows,
        listing_rows,
        warc_pinned=not free,
    )


def _forget_smw(db: sqlite3.Connection, ids: str) -> None:
    """The SMW index rows of removed fetches and of answers in removed files."""
    answers = "SELECT id FROM smw_records WHERE warc_file IN (SELECT name FROM gone_files)"
    db.execute(f"DELETE FROM fact_targets WHERE fetch_id IN ({ids})")
    db.execute(f"DELETE FROM smw_pages WHERE fetch_id IN ({ids}) OR record_id IN ({answers})")
    db.execute(f"DELETE FROM smw_records WHERE id IN ({answers})")


def _forget(state_path: Path, oldest: int, files: list[str], dry_run: bool) -> tuple[int, int]:
    """Delete the index rows of removed files and old listings; returns their counts."""
    db = sqlite3.connect(state_path, isolation_level=None, timeout=BUSY_SECONDS)
    try:
        db.execute("PRAGMA foreign_keys=ON")
        db.execute("BEGIN IMMEDIATE")
        try:
            db.execute("CREATE TEMP TABLE gone_files (name TEXT PRIMARY KEY)")
            db.executemany("INSERT INTO gone_files VALUES (?)", ((f,) for f in files))
            ids = "SELECT id FROM fetches WHERE warc_file IN (SELECT name FROM gone_files)"
            fetch_rows = int(db.execute(f"SELECT count(*) FROM ({ids})").fetchone()[0])
            # older crawls that read some page from a removed file cannot be rebuilt:
            # they lose their listing; the others keep it (nora export --crawl ID)
            db.execute("CREATE TEMP TABLE lost_crawls (id INTEGER PRIMARY KEY)")
            db.execute(
                "INSERT INTO lost_crawls SELECT DISTINCT l.crawl_id FROM listing AS l"
                f" JOIN fetches AS f ON f.id = {ARCHIVED_FETCH}"
                " WHERE l.crawl_id < ? AND f.warc_file IN (SELECT name FROM gone_files)",
                (oldest,),
            )
            lost = "SELECT id FROM lost_crawls"
            listing_rows = int(
                db.execute(f"SELECT count(*) FROM listing WHERE crawl_id IN ({lost})").fetchone()[0]
            )
            db.execute(f"DELETE FROM targets WHERE fetch_id IN ({ids})")
            if int(db.execute("PRAGMA user_version").fetchone()[0]) >= 2:
                _forget_smw(db, ids)
            db.execute(f"DELETE FROM fetches WHERE id IN ({ids})")
            db.execute("DELETE FROM warc_marks WHERE warc_file IN (SELECT name FROM gone_files)")
            db.execute(f"DELETE FROM listing WHERE crawl_id IN ({lost})")
            db.execute(f"DELETE FROM redirects WHERE crawl_id IN ({lost})")
            # their listings are gone: mark them, so export names the reason
            db.execute(
                f"UPDATE crawls SET status = 'pruned' WHERE id IN ({lost}) AND status <> 'running'"
            )
            db.execute("ROLLBACK" if dry_run else "COMMIT")
        except BaseException:
            if db.in_transaction:
                db.execute("ROLLBACK")
            raise
    finally:
        db.close()
    return fetch_rows, listing_rows
