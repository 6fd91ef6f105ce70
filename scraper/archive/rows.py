"""The rows of the crawl state (``scraper.archive.state``), as frozen records.

Kept apart from the SQL so that planning and discovery can use them without
opening a database. A record's fields are its table's columns, in order: the
SQL of ``state`` and ``fetchindex`` names them from here (``LISTING_COLUMNS``,
``FETCH_COLUMNS``), never from a copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any


@dataclass(frozen=True, slots=True)
class ListedPage:
    """One page as the API listed it (``generator=allpages&prop=info``)."""

    title: str
    namespace: int
    page_id: int
    revision_id: int
    touched: str
    length: int


#: the ``listing`` table's columns after ``crawl_id``: ListedPage's fields, in order
LISTING_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(ListedPage))


def listed_page(row: Sequence[Any]) -> ListedPage:
    """A ListedPage from the ``LISTING_COLUMNS`` of a row, in order."""
    title, namespace, page_id, revision_id, touched, length = row
    return ListedPage(
        str(title), int(namespace), int(page_id), int(revision_id), str(touched), int(length)
    )


def listing_values(page: ListedPage) -> tuple[object, ...]:
    """The ``LISTING_COLUMNS`` of a page, in order (to store it)."""
    return tuple(getattr(page, name) for name in LISTING_COLUMNS)


@dataclass(frozen=True, slots=True)
class CrawlRow:
    id: int
    site: str
    started_at: str
    finished_at: str | None
    status: str
    full: bool
    listing_done: bool
    snapshot_id: str | None


@dataclass(frozen=True, slots=True)
class FetchRow:
    """One fetch attempt of one page; ``warc_file``/``warc_offset`` locate its response."""

    id: int
    crawl_id: int
    title: str
    namespace: int
    page_id: int
    revision_id: int
    touched: str
    length: int
    url: str
    reason: str
    outcome: str
    http_status: int | None
    sha256: str | None
    warc_file: str | None
    warc_offset: int | None
    fetched_at: str
    error: str | None


#: the ``fetches`` columns a FetchRow is read from: its fields, in order
FETCH_COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(FetchRow))


@dataclass(frozen=True, slots=True)
class CrawlPage:
    """One page listed in a crawl, with the archived record that crawl's snapshot reads.

    ``fetch`` is the page's newest ok fetch in that crawl or an earlier one (None:
    never archived); ``attempt`` the outcome of the crawl's own newest attempt at it
    (``ok``, ``failed``, ``gone``; None: not fetched in that crawl). With ``facts``
    asked for, ``facts_*`` locate the SMW answer holding that fetch's facts.
    """

    page: ListedPage
    fetch: FetchRow | None
    attempt: str | None
    facts_file: str | None = None
    facts_offset: int | None = None
    facts_status: str | None = None


@dataclass(frozen=True, slots=True)
class NewFetch:
    """What ``record_fetch`` stores; the id is assigned by the database."""

    crawl_id: int
    page: ListedPage
    url: str
    reason: str
    outcome: str
    fetched_at: str
    http_status: int | None = None
    sha256: str | None = None
    warc_file: str | None = None
    warc_offset: int | None = None
    error: str | None = None
    #: the revision the fetched HTML shows when it is not the listed one (edited meanwhile)
    fetched_revision: int | None = None
    #: the parser version that computed the targets stored with it
    targets_version: str | None = None
    #: its body text shows an SMW query's results (``PageRecord.shows_query_results``)
    shows_query: bool = False


@dataclass(frozen=True, slots=True)
class RedirectVersion:
    """A listed redirect: where it points, and its version (None when not listed with it)."""

    to_title: str
    revision_id: int | None = None
    touched: str | None = None
