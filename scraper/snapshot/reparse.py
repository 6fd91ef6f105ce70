"""Archived pages read and parsed a chunk at a time, in this process or in a pool.

``nora export`` hands the pages of a crawl (``PageSource``: where each is archived)
to ``parsed_chunks`` in chunks of ``CHUNK_PAGES``. For each chunk a worker reads
the WARC records by offset, parses them with the profile given, and builds the
chunk's rows as Arrow batches (and what the checks need of each page): the
process that writes them does little per row, so a second worker pays. A
semaphore keeps at most ``CHUNKS_AHEAD`` chunks a worker in flight, so memory
stays flat however large the archive; ``Pool.imap`` gives the chunks back in
input order, so the output is the same with any number of workers.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from itertools import islice
from pathlib import Path
from typing import Any

import pyarrow as pa

from output.checks import CheckedPage, checked_page, with_unread_warning
from output.schema import page_batches, to_record_batch
from parsers import ParsedPage
from parsers.facts import Schema
from parsers.profile import NORA, Profile
from parsers.records import FactRecord
from scraper.archive.factindex import UNREADABLE
from scraper.archive.parsed import parse_html
from scraper.archive.reader import read_record
from scraper.errors import ArchiveError
from scraper.snapshot.existence import Existing
from scraper.snapshot.factsread import FactsReader
from scraper.snapshot.pages import located, resolved, titled

#: pages handed to a worker at a time (their rows come back as one batch per table)
CHUNK_PAGES = 64
#: chunks each worker may have read ahead of the writer
CHUNKS_AHEAD = 4


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
class Unread:
    """A page of the crawl left out of the snapshot, and why."""

    title: str
    why: str
    archived: bool  # it has an archived version, which could not be read or parsed

    def __str__(self) -> str:
        return f"{self.title}: {self.why}"


@dataclass(slots=True)
class FactsTally:
    """How many pages of a snapshot got their facts, for the manifest."""

    pages: int = 0
    rows: int = 0
    incomplete: int = 0
    missing: int = 0  # the answer lacked the page
    without: int = 0  # no answer for the page (fetch without facts, unreadable)

    def merge(self, other: FactsTally) -> None:
        """Add another chunk's counts."""
        self.pages += other.pages
        self.rows += other.rows
        self.incomplete += other.incomplete
        self.missing += other.missing
        self.without += other.without

    def as_manifest(self, source: str) -> dict[str, Any]:
        return {
            "source": source,
            "pages_with_facts": self.pages,
            "rows": self.rows,
            "pages_incomplete": self.incomplete,
            "pages_missing_in_answer": self.missing,
            "pages_without_answer": self.without,
        }


@dataclass(frozen=True, slots=True)
class Exported:
    """One page as a worker gives it back: parsed, with its facts."""

    parsed: ParsedPage
    facts: tuple[FactRecord, ...]
    facts_status: str | None  # as PageSource.facts_status; "unreadable" when it failed
    facts_problem: str = ""  # why the answer could not be read, when it could not


@dataclass(frozen=True, slots=True)
class Chunk:
    """Some pages as a worker gives them back: their rows built, ready to be written."""

    batches: dict[str, pa.RecordBatch]  # pages, properties, relations, sections, facts
    pages: int  # pages parsed (rows of ``pages``)
    read: int  # sources taken, parsed or not (for progress)
    with_warnings: int
    checked: tuple[CheckedPage, ...]
    unreadable: tuple[Unread, ...]
    tally: FactsTally


# -- parsing, in this process or in a worker -------------------------------------------

# What the pool's initializer gives each worker process, kept for the life of that process
# (set in this process too when there is no pool).
_warc_dir: Path | None = None
_redirects: dict[str, str] = {}
_existing: Existing | None = None
_facts: FactsReader | None = None
_profile: Profile = NORA


def _init_worker(
    warc_dir: str,
    redirects: dict[str, str] | None = None,
    schema: Schema | None = None,
    profile: Profile = NORA,
    existing: Existing | None = None,
) -> None:
    global _warc_dir, _redirects, _facts, _profile, _existing
    _profile = profile
    _existing = existing
    _warc_dir = Path(warc_dir)
    _redirects = dict(redirects or {})
    _facts = FactsReader(_warc_dir, schema) if schema is not None else None


def parse_source(source: PageSource) -> Exported | Unread:
    """Read and parse one page (and its facts), or say why it could not be."""
    assert _warc_dir is not None, "call _init_worker first"
    if source.warc_file is None or source.warc_offset is None:
        return Unread(source.title, "expected an archived version, found none", archived=False)
    try:
        _head, body = read_record(_warc_dir, source.warc_file, source.warc_offset)
    except ArchiveError as error:
        return Unread(source.title, str(error), archived=True)
    parsed = parse_html(body, source.url, source.fetched_at, _profile)
    if parsed is None:  # a parser bug, logged with its traceback
        return Unread(source.title, "expected a page the parser reads, it raised", archived=True)
    parsed = titled(parsed, source.title)
    parsed = resolved(located(parsed, source.warc_file, source.warc_offset), _redirects, _existing)
    facts: tuple[FactRecord, ...] = ()
    status, why = source.facts_status, ""
    where = (source.facts_file, source.facts_offset)
    if _facts is not None and where[0] is not None and where[1] is not None and status != "missing":
        found, why = _facts.lookup(parsed.page.title, where[0], where[1])
        if status == UNREADABLE and found is not None:  # read now (a parser fix): not whole
            status = "incomplete"
        facts, status = (found, status) if found is not None else ((), UNREADABLE)
        parsed = with_unread_warning(parsed, facts)
    return Exported(parsed, facts, status if _facts is not None else None, why)


def parse_chunk(sources: Sequence[PageSource]) -> Chunk:
    """Read and parse some pages; their rows as Arrow batches, in the order given."""
    parsed: list[ParsedPage] = []
    facts: list[FactRecord] = []
    checked: list[CheckedPage] = []
    unreadable: list[Unread] = []
    tally = FactsTally()
    for source in sources:
        item = parse_source(source)
        if isinstance(item, Unread):
            unreadable.append(item)
            continue
        if _facts is not None:
            _count(tally, item)
        parsed.append(item.parsed)
        facts.extend(item.facts)
        whole = item.facts if item.facts_status == "ok" else None
        checked.append(checked_page(item.parsed, whole, item.facts_problem))
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
    existing: Existing | None = None,
) -> Iterator[Chunk]:
    """Every source parsed, in order, a chunk at a time; in ``workers`` processes when
    ``parallel``."""
    args = (str(warc_dir), redirects or {}, schema, profile, existing)
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
    """Count one page's facts for the manifest."""
    if item.facts_status is None or item.facts_status == UNREADABLE:
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
