"""Re-parse an archived crawl into a new snapshot, with no network at all.

This is how a parser fix reaches old crawls. The pages of crawl C are the
ones it listed, in the crawl snapshot's order (namespace, then title), each
read from the newest successful fetch archived up to C (an unchanged page
was fetched by an earlier crawl); pages C found gone are left out. That is
the selection ``scraper.crawl.run`` makes, so exporting a crawl with the same
parser gives the same tables as its own snapshot.

It streams: the page list comes from a SQLite cursor and goes out in chunks of
``CHUNK_PAGES``; for each chunk a worker reads the WARC records by offset,
parses them and builds the chunk's rows as Arrow batches (and what the checks
need of each page). The ``SnapshotWriter`` gets the batches in order and only
writes them, so the one process every row passes through does little per row.
A semaphore keeps at most a few chunks in flight, so memory stays flat however
large the archive. With more than one worker and enough pages, the chunks run
in a ``multiprocessing`` pool (``imap``: results come back in input order, so
the output is deterministic and the same with any number of workers).
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa

from output.checks import CheckedPage, Checker, checked_page
from output.schema import page_batches, to_record_batch
from output.shrink import Shrink
from output.snapshot import SnapshotWriter
from parsers import ParsedPage, parse_page
from parsers.facts import Schema
from parsers.profile import NORA, Profile
from parsers.records import FactRecord
from scraper.archive.assembly import FactsTally, located, redirect_records, resolved
from scraper.archive.factsread import FactsReader, crawl_redirects, crawl_schema
from scraper.archive.fetchindex import crawl_pages
from scraper.archive.paths import STATE_NAME, WARC_DIR
from scraper.archive.warc import read_record
from scraper.errors import ArchiveError, CrawlUnavailable

log = logging.getLogger(__name__)

#: pages handed to a worker at a time (their rows come back as one batch per table)
CHUNK_PAGES = 64
#: chunks each worker may have read ahead of the writer
CHUNKS_AHEAD = 4
#: below this many pages a pool costs more than it saves
PARALLEL_MIN_PAGES = 200


@dataclass(frozen=True, slots=True)
class CrawlInfo:
    id: int
    site: str
    started_at: str
    status: str
    snapshot_id: str | None


@dataclass(frozen=True, slots=True)
class PageSource:
    """Where one page of the crawl is archived (the task sent to a worker)."""

    title: str
    url: str
    fetched_at: str
    warc_file: str | None
    warc_offset: int | None
    #: the archived SMW answer holding the page's facts, and how whole (None: no answer)
    facts_file: str | None = None
    facts_offset: int | None = None
    facts_status: str | None = None


@dataclass(frozen=True, slots=True)
class Exported:
    """One page as a worker gives it back: parsed, with its facts."""

    parsed: ParsedPage
    facts: tuple[FactRecord, ...]
    facts_status: str | None  # as PageSource.facts_status; "unreadable" when it failed


@dataclass(frozen=True, slots=True)
class Chunk:
    """Some pages as a worker gives them back: their rows built, ready to be written."""

    batches: dict[str, pa.RecordBatch]  # pages, properties, relations, sections, facts
    pages: int  # pages parsed (rows of ``pages``)
    read: int  # sources taken, parsed or not (for progress)
    with_warnings: int
    checked: tuple[CheckedPage, ...]
    unreadable: tuple[str, ...]
    tally: FactsTally


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


def connect_state(data_dir: Path) -> sqlite3.Connection:
    """Read-only connection to DATA/state.sqlite (usable from the pool's feeder thread)."""
    path = Path(data_dir) / STATE_NAME
    if not path.is_file():
        raise CrawlUnavailable(Path(data_dir), f"expected {STATE_NAME} from a crawl, found none")
    db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, check_same_thread=False)
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


# -- parsing, in this process or in a worker -------------------------------------------

_warc_dir: Path | None = None
_redirects: dict[str, str] = {}
_facts: FactsReader | None = None
_profile: Profile = NORA


def _init_worker(
    warc_dir: str,
    redirects: dict[str, str] | None = None,
    schema: Schema | None = None,
    profile: Profile = NORA,
) -> None:
    global _warc_dir, _redirects, _facts, _profile
    _profile = profile
    _warc_dir = Path(warc_dir)
    _redirects = dict(redirects or {})
    _facts = FactsReader(_warc_dir, schema) if schema is not None else None


def parse_source(source: PageSource) -> Exported | str:
    """Read and parse one page (and its facts); a string says why it could not be read."""
    assert _warc_dir is not None, "call _init_worker first"
    if source.warc_file is None or source.warc_offset is None:
        return f"{source.title}: expected an archived version, found none"
    try:
        _head, body = read_record(_warc_dir, source.warc_file, source.warc_offset)
    except ArchiveError as error:
        return f"{source.title}: {error}"
    parsed = parse_page(body, source.url, _profile, fetched_at=source.fetched_at)
    parsed = resolved(located(parsed, source.warc_file, source.warc_offset), _redirects)
    facts: tuple[FactRecord, ...] = ()
    status = source.facts_status
    where = (source.facts_file, source.facts_offset)
    if _facts is not None and where[0] is not None and where[1] is not None and status != "missing":
        found = _facts.facts(parsed.page.title, where[0], where[1])
        facts, status = (found, status) if found is not None else ((), "unreadable")
    return Exported(parsed, facts, status if _facts is not None else None)


def parse_chunk(sources: Sequence[PageSource]) -> Chunk:
    """Read and parse some pages; their rows as Arrow batches, in the order given."""
    parsed: list[ParsedPage] = []
    facts: list[FactRecord] = []
    checked: list[CheckedPage] = []
    unreadable: list[str] = []
    tally = FactsTally()
    for source in sources:
        item = parse_source(source)
        if isinstance(item, str):
            unreadable.append(item)
            continue
        if _facts is not None:
            _count(tally, item)
        parsed.append(item.parsed)
        facts.extend(item.facts)
        checked.append(checked_page(item.parsed, item.facts if item.facts_status == "ok" else None))
    batches = page_batches(parsed) | {"facts": to_record_batch("facts", facts)}
    warned = sum(bool(p.page.warnings) for p in parsed)
    return Chunk(
        batches, len(parsed), len(sources), warned, tuple(checked), tuple(unreadable), tally
    )


def _chunks(sources: Iterable[PageSource]) -> Iterator[list[PageSource]]:
    items = iter(sources)
    while chunk := list(islice(items, CHUNK_PAGES)):
        yield chunk


class _Bounded:
    """An iterator that blocks once ``limit`` chunks are out and not yet consumed.

    ``Pool.imap`` drains its input as fast as it can; this keeps it from
    reading the whole archive ahead of the writer.
    """

    def __init__(self, items: Iterable[list[PageSource]], limit: int) -> None:
        self._items = iter(items)
        self._slots = threading.Semaphore(limit)
        self._stopped = threading.Event()

    def __iter__(self) -> Iterator[list[PageSource]]:
        for item in self._items:
            self._slots.acquire()
            if self._stopped.is_set():
                return
            yield item

    def consumed(self) -> None:
        self._slots.release()

    def stop(self) -> None:
        self._stopped.set()
        self._slots.release()


def parsed_chunks(
    sources: Iterable[PageSource],
    warc_dir: Path,
    *,
    workers: int,
    parallel: bool,
    redirects: dict[str, str] | None = None,
    schema: Schema | None = None,
    profile: Profile = NORA,
) -> Iterator[Chunk]:
    """Every source parsed, in order, a chunk at a time; in ``workers`` processes when
    ``parallel``."""
    args = (str(warc_dir), redirects or {}, schema, profile)
    if not parallel or workers <= 1:
        _init_worker(*args)
        yield from map(parse_chunk, _chunks(sources))
        return
    bounded = _Bounded(_chunks(sources), limit=CHUNKS_AHEAD * workers)
    pool = multiprocessing.Pool(workers, initializer=_init_worker, initargs=args)
    try:
        for result in pool.imap(parse_chunk, bounded):
            bounded.consumed()
            yield result
        pool.close()
    finally:
        bounded.stop()  # unblock the feeder thread so the pool can shut down
        pool.terminate()
        pool.join()


def _count(tally: FactsTally, item: Exported) -> None:
    """Count one page's facts as the crawl's snapshot does (``scraper.archive.assembly``)."""
    if item.facts_status is None or item.facts_status == "unreadable":
        tally.without += 1
        return
    if item.facts_status == "missing":
        tally.missing += 1
        return
    tally.pages += 1
    tally.rows += len(item.facts)
    tally.incomplete += item.facts_status != "ok"


def default_workers() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


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
        checker = Checker(property_map)
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
