"""``nora export``: an archived crawl re-parsed into a new snapshot, with no network at all.

This is how a parser fix reaches old crawls. It chooses the crawl (the newest finished
one unless told), opens the state read-only and runs the one snapshot pipeline
(``scraper.archive.pipeline``) with a pool of workers: the same selection and the same
tables as the crawl's own snapshot, which runs that pipeline with one worker.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from output.shrink import Shrink
from parsers.profile import NORA, Profile
from scraper.archive.paths import STATE_NAME, WARC_DIR
from scraper.archive.pipeline import Built, build_snapshot
from scraper.archive.reparse import default_workers
from scraper.archive.state import open_read_only
from scraper.errors import CrawlUnavailable

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class CrawlInfo:
    id: int
    site: str
    started_at: str
    status: str
    snapshot_id: str | None


@dataclass(slots=True)
class ExportResult:
    crawl: CrawlInfo
    out_dir: Path
    pages: int = 0
    with_warnings: int = 0
    unreadable: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    shrink: Shrink | None = None
    checks: str = ""  # the one-line summary of the cross-checks
    facts_unreadable: int = 0  # pages whose SMW answer could not be read (checks rows)


def connect_state(data_dir: Path) -> sqlite3.Connection:
    """Read-only connection to DATA/state.sqlite (usable from the pool's feeder thread)."""
    path = Path(data_dir) / STATE_NAME
    if not path.is_file():
        raise CrawlUnavailable(Path(data_dir), f"expected {STATE_NAME} from a crawl, found none")
    db = open_read_only(path, check_same_thread=False)
    version = int(db.execute("PRAGMA user_version").fetchone()[0])
    if version < 1:
        db.close()
        raise CrawlUnavailable(
            path, f"expected a crawl state (schema version >= 1), found {version}"
        )
    return db


def choose_crawl(db: sqlite3.Connection, data_dir: Path, crawl_id: int | None) -> CrawlInfo:
    """The crawl to export: ``crawl_id``, else the newest finished crawl."""
    columns = "id, site, started_at, status, snapshot_id, listing_done"
    if crawl_id is None:
        row = db.execute(
            f"SELECT {columns} FROM crawls WHERE status IN ('complete', 'partial')"
            " ORDER BY id DESC LIMIT 1"
        ).fetchone()
        if row is None:
            raise CrawlUnavailable(data_dir, "expected a finished crawl to export, found none")
    else:
        row = db.execute(f"SELECT {columns} FROM crawls WHERE id = ?", (crawl_id,)).fetchone()
        if row is None:
            known = [r[0] for r in db.execute("SELECT id FROM crawls ORDER BY id")]
            raise CrawlUnavailable(
                data_dir, f"expected crawl {crawl_id}, found only crawls {known}"
            )
    if row[3] == "pruned":
        raise CrawlUnavailable(
            data_dir, f"expected crawl {row[0]} in the archive, found it removed by nora prune"
        )
    if not row[5]:
        raise CrawlUnavailable(
            data_dir, f"expected crawl {row[0]} to have its page listing, found none"
        )
    return CrawlInfo(int(row[0]), str(row[1]), str(row[2]), str(row[3]), row[4])


def export_crawl(
    data_dir: Path,
    out_dir: Path,
    *,
    crawl_id: int | None = None,
    workers: int | None = None,
    force: bool = False,
    on_page: Callable[[], None] | None = None,
    guard: Callable[[Mapping[str, int]], Shrink | None] | None = None,
    property_map: Mapping[str, str] | None = None,
    profile: Profile = NORA,
) -> ExportResult:
    """Write crawl ``crawl_id`` (default: the newest finished one) as a snapshot in ``out_dir``.

    Raises ``CrawlUnavailable`` when there is nothing to export and the output
    package's errors when the snapshot cannot be written (then nothing appears).
    ``guard`` compares the row counts with the previous snapshot before the
    manifest is written (``output.shrink``); its verdict goes into the manifest.
    """
    data_dir = Path(data_dir)
    workers = default_workers() if workers is None else max(1, workers)
    db = connect_state(data_dir)
    try:
        crawl = choose_crawl(db, data_dir, crawl_id)
        extra: dict[str, Any] = {
            "crawl_id": crawl.id,
            "site": crawl.site,
            "crawl_started_at": crawl.started_at,
            "crawl_snapshot_id": crawl.snapshot_id,
        }

        def describe(built: Built) -> dict[str, Any]:
            return {
                "unreadable": [str(u) for u in built.unread[:100]],
                "unreadable_count": len(built.unread),
            }

        built = build_snapshot(
            db, data_dir / WARC_DIR, crawl.id, out_dir,
            command="export", inputs=[crawl.site], extra=extra, workers=workers,
            force=force, on_page=on_page, describe=describe, guard=guard,
            property_map=property_map, profile=profile,
        )  # fmt: skip
    finally:
        db.close()
    for unread in built.unread:
        log.error("%s", unread)
    return ExportResult(
        crawl,
        Path(out_dir),
        pages=built.pages,
        with_warnings=built.with_warnings,
        unreadable=[str(u) for u in built.unread],
        manifest=built.manifest,
        shrink=built.shrink,
        checks=built.checks,
        facts_unreadable=built.facts_unreadable,
    )
