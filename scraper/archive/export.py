"""Re-parse an archived crawl into a new snapshot, with no network at all.

This is how a parser fix reaches old crawls. The pages of crawl C are the
ones it listed, in the crawl snapshot's order (namespace, then title), each
read from the newest successful fetch archived up to C (an unchanged page
was fetched by an earlier crawl); pages C found gone are left out. That is
the selection ``scraper.crawl.run`` makes, so exporting a crawl with the same
parser gives the same tables as its own snapshot.

It streams: the page list comes from a SQLite cursor, the pages are parsed a
chunk at a time (``scraper.archive.reparse``: in a pool of workers when there
are enough of them, each chunk's rows built as Arrow batches there), and the
``SnapshotWriter`` gets the batches in order and only writes them.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from output.checks import Checker
from output.shrink import Shrink
from output.snapshot import SnapshotWriter
from parsers.profile import NORA, Profile
from scraper.archive.assembly import FactsTally, redirect_records
from scraper.archive.existence import existing_titles
from scraper.archive.factsread import crawl_redirects, crawl_schema
from scraper.archive.fetchindex import crawl_pages
from scraper.archive.paths import STATE_NAME, WARC_DIR
from scraper.archive.reparse import PageSource, default_workers, parsed_chunks
from scraper.archive.state import open_read_only
from scraper.errors import CrawlUnavailable

log = logging.getLogger(__name__)

#: below this many pages a pool costs more than it saves
PARALLEL_MIN_PAGES = 200


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


def _version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def page_sources(
    db: sqlite3.Connection, crawl_id: int, *, facts: bool = False
) -> Iterator[PageSource]:
    """The crawl's pages in snapshot order, each with its newest ok archived version
    (and, with ``facts``, the SMW answer holding its facts).

    Streams from one query. A page the crawl found gone (its last attempt in
    the crawl) is skipped; a page never fetched ok yields a source without a file.
    """
    for listed in crawl_pages(db, crawl_id, facts=facts and _version(db) >= 2):
        if listed.attempt == "gone":
            continue
        fetch = listed.fetch
        yield PageSource(
            listed.page.title,
            fetch.url if fetch else "",
            fetch.fetched_at if fetch else "",
            fetch.warc_file if fetch else None,
            fetch.warc_offset if fetch else None,
            listed.facts_file,
            listed.facts_offset,
            listed.facts_status,
        )


def count_pages(db: sqlite3.Connection, crawl_id: int) -> int:
    return int(
        db.execute("SELECT count(*) FROM listing WHERE crawl_id = ?", (crawl_id,)).fetchone()[0]
    )


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
        total = count_pages(db, crawl.id)
        parallel = workers > 1 and total >= PARALLEL_MIN_PAGES
        result = ExportResult(crawl, Path(out_dir))
        extra: dict[str, Any] = {
            "crawl_id": crawl.id,
            "site": crawl.site,
            "crawl_started_at": crawl.started_at,
            "crawl_snapshot_id": crawl.snapshot_id,
            "workers": workers if parallel else 1,
        }
        schema = crawl_schema(db, data_dir / WARC_DIR, crawl.id)
        redirects = crawl_redirects(db, crawl.id)
        existing = existing_titles(db, crawl.id)
        checker = Checker(property_map, profile)
        tally = FactsTally()
        with SnapshotWriter(
            out_dir,
            force=force,
            command="export",
            inputs=[crawl.site],
            extra=extra,
            profile=profile,
        ) as writer:
            chunks = parsed_chunks(
                page_sources(db, crawl.id, facts=schema is not None),
                data_dir / WARC_DIR,
                workers=workers,
                parallel=parallel,
                redirects=redirects,
                existing=existing,
                schema=schema,
                profile=profile,
            )
            for chunk in chunks:
                for message in chunk.unreadable:
                    log.error("%s", message)
                result.unreadable.extend(chunk.unreadable)
                result.with_warnings += chunk.with_warnings
                tally.merge(chunk.tally)
                writer.add_batches(chunk.batches, chunk.pages)
                for page in chunk.checked:
                    checker.add_checked(page)
                if on_page is not None:
                    for _ in range(chunk.read):
                        on_page()
            writer.add_rows("redirects", redirect_records(redirects))
            writer.add_rows("checks", checker.finish(redirects))
            result.pages = writer.pages
            result.checks = checker.summary.line(str(Path(out_dir) / "checks.csv"))
            result.facts_unreadable = checker.summary.unreadable
            writer.extra.update(
                {
                    "pages": writer.pages,
                    "pages_with_warnings": result.with_warnings,
                    "unreadable": result.unreadable[:100],
                    "unreadable_count": len(result.unreadable),
                    "facts": tally.as_manifest("Special:ExportRDF") if schema else None,
                    "checks": checker.manifest(),
                }
            )
            shrink = guard(writer.rows) if guard is not None else None
            if shrink is not None:
                writer.extra["shrink"] = shrink.as_manifest()
                result.shrink = shrink
        result.manifest = writer.manifest
        return result
    finally:
        db.close()
