"""The crawl state read-only: ``nora export``, ``nora package`` and ``nora show`` open it
here and choose the crawl they work from (the newest finished one unless told)."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path

from scraper.archive.paths import STATE_NAME
from scraper.archive.state import open_read_only
from scraper.errors import CrawlUnavailable


@dataclass(frozen=True, slots=True)
class CrawlInfo:
    id: int
    site: str
    started_at: str
    status: str
    snapshot_id: str | None


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
