"""A parsed page as a snapshot holds it: under its listed title, located in the archive,
each relation's target followed through the redirects and judged by the listing.

The parser knows neither where its HTML is archived nor what the crawl listed; these
three steps add that, the same for every snapshot written from the archive
(``scraper.snapshot.pipeline``) and for ``nora show`` (``scraper.snapshot.lookup``).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import replace

from output.agreement import resolve
from parsers.digest import content_sha256
from parsers.problems import excerpt, warning
from parsers.records import ParsedPage
from scraper.snapshot.existence import Existing

log = logging.getLogger(__name__)


def located(parsed: ParsedPage, warc_file: str, warc_offset: int) -> ParsedPage:
    """The parsed page with its page row naming where its response record is archived."""
    page = replace(parsed.page, warc_file=warc_file, warc_offset=warc_offset)
    return replace(parsed, page=page)


#: the warning code of a page that names itself otherwise than the API listed it
LISTED_TITLE = "listed-title"


def titled(parsed: ParsedPage, listed: str) -> ParsedPage:
    """The parsed page under the title the API listed it by: the listing is the authority.

    The parser takes a page's title from its own metadata (``wgPageName``), which the
    page's HTML can say anything in: three pages all calling themselves "Same page",
    or an NFD "Café", would give duplicate titles. A page that names itself otherwise
    keeps the listed title, with a ``listed-title`` warning naming both.
    """
    found = parsed.page.title
    if found == listed:
        return parsed
    log.warning("%s: the page names itself %r; kept the listed title", listed, found)
    note = warning(
        LISTED_TITLE, f"listed as {excerpt(listed)}, the page names itself {excerpt(found)}"
    )
    page = parsed.page
    properties = tuple(replace(r, title=listed) for r in parsed.properties)
    relations = tuple(replace(r, title=listed) for r in parsed.relations)
    sections = tuple(replace(r, title=listed) for r in parsed.sections)
    digest = content_sha256(
        listed, page.element_type, page.categories, properties, relations, sections
    )  # the title is part of the digest
    return ParsedPage(
        replace(page, title=listed, warnings=(*page.warnings, note), content_sha256=digest),
        properties,
        relations,
        sections,
    )


def resolved(
    parsed: ParsedPage, redirects: Mapping[str, str], existing: Existing | None = None
) -> ParsedPage:
    """The parsed page with each relation's target followed through the redirects, and
    (given ``existing``) its existence as of the snapshot; the digest follows."""
    relations = tuple(
        replace(
            r,
            target_resolved=resolve(r.target, redirects),
            target_exists=existing.exists(r.target, r.target_exists)
            if existing is not None
            else r.target_exists,
        )
        for r in parsed.relations
    )
    page = parsed.page
    if any(
        a.target_exists != b.target_exists for a, b in zip(parsed.relations, relations, strict=True)
    ):
        digest = content_sha256(
            page.title, page.element_type, page.categories,
            parsed.properties, relations, parsed.sections,
        )  # fmt: skip
        page = replace(page, content_sha256=digest)
    return replace(parsed, page=page, relations=relations)
