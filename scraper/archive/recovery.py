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
from pathlib import Path

from parsers import PARSER_VERSION
from scraper.archive.parsed import direct_targets, parse_html, shows_query
from scraper.archive.reader import iter_responses
from scraper.archive.state import ListedPage, NewFetch, State
from scraper.archive.warc import warc_files
from scraper.errors import ArchiveError

log = logging.getLogger(__name__)


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
