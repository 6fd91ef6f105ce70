"""An archived page's HTML parsed, guarded, and what the state indexes of it.

Every reader of archived pages parses them through :func:`parse_html`: the crawl as it
fetches, its re-index after a kill (``scraper.archive.recovery``), the targets after a
parser upgrade (``scraper.snapshot.targets``) and each snapshot. It never raises (a
parser bug must not stop a run) and drops numbers no column can hold.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from parsers import ParsedPage, parse_page
from parsers.problems import METADATA, excerpt, warning
from parsers.profile import NORA, Profile

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
