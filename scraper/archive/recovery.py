"""Crash recovery: index page responses that a killed run archived but never indexed.

A page's WARC record is made durable before its index row is committed; ``kill -9``
between the two leaves a record the state does not know. On resume, every WARC
file is read from its high-water mark (``state.warc_marks``: the offset of the last
record indexed or scanned) and each 200 response for a page the crawl still wants
is indexed as if it had just been fetched. The archive's ``repair()`` has already
cut any torn tail, so what is read here is whole.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from pathlib import Path

from parsers import PARSER_VERSION, ParsedPage, parse_page
from parsers.problems import METADATA, excerpt, warning
from parsers.profile import NORA, Profile
from scraper.archive.state import ListedPage, NewFetch, State
from scraper.archive.warc import iter_responses, warc_files
from scraper.errors import ArchiveError

log = logging.getLogger(__name__)


#: the largest integer SQLite and Parquet's int64 columns hold
MAX_STORED_INT = 2**63 - 1


def bounded(parsed: ParsedPage) -> ParsedPage:
    """The parsed page without numbers no archive column can hold.

    A page's metadata is the site's to write: a ``wgArticleId`` or ``wgRevisionId`` of
    10**20 stopped the run (SQLite and Parquet overflow). Such an id becomes None, a
    namespace 0, each with a ``metadata`` warning.
    """
    page = parsed.page

    def fits(value: int | None) -> bool:
        return value is None or -MAX_STORED_INT <= value <= MAX_STORED_INT

    wrong = [
        (name, value)
        for name, value in (
            ("page_id", page.page_id),
            ("revision_id", page.revision_id),
            ("namespace", page.namespace),
        )
        if not fits(value)
    ]
    if not wrong:
        return parsed
    notes = tuple(
        warning(METADATA, f"{name} {excerpt(str(value), 40)} is out of range")
        for name, value in wrong
    )
    return replace(
        parsed,
        page=replace(
            page,
            page_id=page.page_id if fits(page.page_id) else None,
            revision_id=page.revision_id if fits(page.revision_id) else None,
            namespace=page.namespace if fits(page.namespace) else 0,
            warnings=(*page.warnings, *notes),
        ),
    )


def parse_html(
    body: bytes, url: str, fetched_at: str, profile: Profile = NORA
) -> ParsedPage | None:
    """``parse_page``, guarded: it promises not to raise, and a bug must not stop a crawl;
    ids no column can hold are dropped (:func:`bounded`)."""
    try:
        return bounded(parse_page(body, url, profile, fetched_at=fetched_at))
    except Exception:
        log.exception("%s: parse_page raised", url)
        return None


def direct_targets(parsed: ParsedPage | None) -> set[str]:
    """The page titles a page's Relaties point at (none when it could not be parsed)."""
    if parsed is None:
        return set()
    return {r.target for r in parsed.relations if r.kind == "direct" and r.target}


def shows_query(parsed: ParsedPage | None) -> bool:
    """The page's body shows an SMW query's results (the plan refetches it on changes)."""
    return parsed is not None and parsed.page.shows_query_results


def reindex(
    state: State,
    warc_dir: Path,
    crawl_id: int,
    wanted: Mapping[str, tuple[ListedPage, str]],
    on_indexed: Callable[[str, str, int], None] = lambda title, warc, offset: None,
) -> int:
    """Index archived-but-unindexed responses for ``wanted`` (article URL -> page, reason).

    Returns how many pages were indexed; ``on_indexed(title, warc_file, offset)`` is
    called for each. A damaged file stops its own scan with a warning, not the run.
    """
    remaining = dict(wanted)
    if not remaining:
        return 0
    marks = state.warc_marks()
    indexed = 0
    for path in warc_files(Path(warc_dir)):
        start = marks.get(path.name)
        last = start
        try:
            for record, body in iter_responses(path, start or 0):
                last = record.offset
                if start is not None and record.offset <= start:
                    continue  # the record at the mark is indexed already
                if record.status != 200 or record.target_uri not in remaining:
                    continue  # API answers, 5xx before a retry, pages not wanted
                page, reason = remaining.pop(record.target_uri)
                parsed = parse_html(body, record.target_uri, record.fetched_at)
                fetch = NewFetch(
                    crawl_id,
                    page,
                    record.target_uri,
                    reason,
                    "ok",
                    record.fetched_at,
                    http_status=200,
                    sha256=record.payload_sha256,
                    warc_file=record.warc_file,
                    warc_offset=record.offset,
                    targets_version=PARSER_VERSION,
                    shows_query=shows_query(parsed),
                )
                state.record_fetch(fetch, direct_targets(parsed))
                indexed += 1
                on_indexed(page.title, path.name, record.offset)
        except ArchiveError as exc:
            log.warning("re-index stopped in %s: %s", path.name, exc)
        if last is not None and last != start:
            state.mark_scanned(path.name, last)
    return indexed
