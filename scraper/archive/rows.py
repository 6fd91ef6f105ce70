"""The rows of the crawl state (``scraper.archive.state``), as frozen records.

Kept apart from the SQL so that planning and discovery can use them without
opening a database.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ListedPage:
    """One page as the API listed it (``generator=allpages&prop=info``)."""

    title: str
    namespace: int
    page_id: int
    revision_id: int
    touched: str
    length: int


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


@dataclass(frozen=True, slots=True)
class RedirectVersion:
    """A listed redirect: where it points, and its version (None when not listed with it)."""

    to_title: str
    revision_id: int | None = None
    touched: str | None = None
