"""A crawl's snapshot, assembled from the archive: every listed page, re-parsed.

Each page of the crawl's listing (namespace, then title order) is read back from
its newest ok fetch - made in this crawl or, for an unchanged page, in an
earlier one - and parsed again. A page whose fetch failed in this crawl keeps
its previous archived version (a warning says so); one with no archived version
at all is missing from the snapshot, and the manifest says so
(``extra.crawl_complete: false``). A page an older version recorded as gone
(404 after the listing) is left out; a 404 is a failure now. Each page row names
the WARC file and offset of the record it was parsed from (``warc_file``,
``warc_offset``), and each relation its target followed through the listing's
redirects (``target_resolved``): the parser knows neither. Whether a relation's
target exists (``target_exists``) is judged by the crawl's listing, not by the colour
of a link in an older fetch (``scraper.archive.existence``).

When the crawl asked SMW for facts, each page's facts are read back from the
answer archived with its fetch (``scraper.archive.factsread``) into the ``facts`` table.
The listing's redirects become the ``redirects`` table, and the cross-checks
(``output.checks``) the ``checks`` table, their summary and the label -> property
mapping the manifest's ``extra.checks``. Before the writer finishes, ``guard``
compares the row counts with the previous snapshot (``output.shrink``) and the
verdict goes into the manifest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from output.agreement import resolve
from output.checks import Checker, with_unread_warning
from output.shrink import Shrink
from output.snapshot import SnapshotWriter
from parsers.digest import content_sha256
from parsers.problems import excerpt, warning
from parsers.profile import NORA, Profile
from parsers.records import FactRecord, ParsedPage, RedirectRecord
from scraper.archive.existence import Existing
from scraper.archive.factindex import UNREADABLE
from scraper.archive.factsread import FactsReader, read_schema
from scraper.archive.recovery import parse_html
from scraper.archive.state import State
from scraper.archive.warc import read_record
from scraper.errors import ArchiveError

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


def redirect_records(redirects: Mapping[str, str]) -> list[RedirectRecord]:
    return [RedirectRecord(a, b) for a, b in sorted(redirects.items())]


@dataclass(slots=True)
class FactsTally:
    """How many pages of a snapshot got their facts, for the manifest."""

    pages: int = 0
    rows: int = 0
    incomplete: int = 0
    missing: int = 0  # the answer lacked the page
    without: int = 0  # no answer for the page (fetch without facts, unreadable)

    def merge(self, other: FactsTally) -> None:
        """Add another part's counts (export counts each chunk of pages apart)."""
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
class Assembled:
    pages: int
    kept_previous: tuple[str, ...]  # fetch failed now; an older version went in
    missing: tuple[str, ...]  # no archived version at all
    with_warnings: int  # pages whose parse carried warnings
    shrink: Mapping[str, Any] | None = None  # output.shrink verdict, as in the manifest
    checks: str = ""  # the one-line summary of the cross-checks
    facts_unreadable: int = 0  # pages whose SMW answer could not be read (checks rows)

    @property
    def held(self) -> bool:
        return bool(self.shrink and self.shrink.get("held") is True)


def assemble(
    state: State,
    crawl_id: int,
    warc_dir: Path,
    out_dir: Path,
    *,
    inputs: list[str],
    extra: Mapping[str, Any],
    failed: list[str],
    guard: Callable[[Mapping[str, int]], Shrink | None] | None = None,
    property_map: Mapping[str, str] | None = None,
    profile: Profile = NORA,
) -> Assembled:
    """Write the snapshot of crawl ``crawl_id`` to ``out_dir`` (atomically, via the writer).

    Pages stream from the state one at a time, so memory does not grow with the wiki.
    ``failed`` names the pages whose fetch failed in this crawl (for the manifest).
    """
    kept: list[str] = []
    missing: list[str] = []
    warnings = 0
    pages = 0
    redirects = state.redirects(crawl_id)
    existing = state.existing(crawl_id)
    reader = _facts_reader(state, crawl_id, warc_dir)
    tally = FactsTally()
    checker = Checker(property_map, profile)
    with SnapshotWriter(
        out_dir, command="crawl", inputs=inputs, extra=dict(extra), profile=profile
    ) as writer:
        for listed in state.archived_pages(crawl_id):
            page, row, attempt = listed.page, listed.fetch, listed.attempt
            if attempt == "gone":
                continue
            if row is None or row.warc_file is None or row.warc_offset is None:
                missing.append(page.title)
                continue
            if attempt == "failed":
                kept.append(page.title)
                log.warning(
                    "%s: fetch failed; the snapshot keeps the version archived %s",
                    page.title,
                    row.fetched_at,
                )
            try:
                _head, body = read_record(warc_dir, row.warc_file, row.warc_offset)
            except ArchiveError as exc:
                # a damaged record must not block every later crawl: report it, go on
                log.error("%s: archived record unreadable: %s", page.title, exc)
                missing.append(page.title)
                continue
            parsed = parse_html(body, row.url, row.fetched_at, profile)
            if parsed is None:
                missing.append(page.title)
                continue
            parsed = titled(parsed, page.title)
            parsed = resolved(located(parsed, row.warc_file, row.warc_offset), redirects, existing)
            facts, whole, problem = _facts_of(state, reader, row.id, parsed.page.title, tally)
            parsed = with_unread_warning(parsed, facts)
            if facts:
                writer.add_rows("facts", facts)
            checker.add(parsed, facts if whole else None, problem)
            warnings += bool(parsed.page.warnings)
            writer.add(parsed)
            pages += 1
        writer.add_rows("redirects", redirect_records(redirects))
        writer.add_rows("checks", checker.finish(redirects))
        edits = state.mid_crawl_edits(crawl_id)
        writer.extra.update(
            {
                "pages_failed": len(failed),
                "failed_titles": failed[:100],
                "kept_previous_version": kept[:100],
                "missing_titles": missing[:100],
                "crawl_complete": not failed and not missing,
                "pages_with_warnings": warnings,
                "facts": (
                    tally.as_manifest("Special:ExportRDF")
                    | {"schema_notes": [r.note for r in state.schema_records(crawl_id) if r.note]}
                    if reader is not None
                    else None
                ),
                "checks": checker.manifest(),
                "edited_during_crawl": [
                    {"title": t, "listed_revision": a, "fetched_revision": b}
                    for t, a, b in edits[:100]
                ],
            }
        )
        shrink = guard(writer.rows) if guard is not None else None
        verdict = shrink.as_manifest() if shrink is not None else None
        if verdict is not None:
            writer.extra["shrink"] = verdict
    return Assembled(
        pages,
        tuple(kept),
        tuple(missing),
        warnings,
        verdict,
        checker.summary.line(str(out_dir / "checks.csv")),
        checker.summary.unreadable,
    )


def _facts_reader(state: State, crawl_id: int, warc_dir: Path) -> FactsReader | None:
    if not state.crawl_facts(crawl_id):
        return None
    records = state.schema_records(crawl_id)
    if not records:
        return None
    return FactsReader(warc_dir, read_schema(warc_dir, records))


def _facts_of(
    state: State, reader: FactsReader | None, fetch_id: int, title: str, tally: FactsTally
) -> tuple[tuple[FactRecord, ...], bool, str]:
    """The page's facts, whether its answer held them whole (only then are they
    checked: a relation missing from a partial answer is no disagreement), and why its
    answer could not be read ("" when it could)."""
    if reader is None:
        return (), False, ""
    location = state.facts_locations([fetch_id]).get(fetch_id)
    if location is None:
        tally.without += 1
        return (), False, ""
    if location.status == "missing":
        tally.missing += 1
        return (), False, ""
    if location.status == UNREADABLE:  # the crawl found it malformed
        tally.without += 1
        return (), False, location.detail or "malformed"
    facts, why = reader.lookup(title, location.record.warc_file, location.record.warc_offset)
    if facts is None:
        tally.without += 1
        return (), False, why
    tally.pages += 1
    tally.rows += len(facts)
    tally.incomplete += location.status != "ok"
    return facts, location.status == "ok", ""


def recorded(manifest: Mapping[str, Any]) -> Assembled:
    """What an already written snapshot's manifest says (a run killed before publishing)."""
    extra = manifest.get("extra") or {}
    tables = manifest.get("tables") or {}
    return Assembled(
        pages=int((tables.get("pages") or {}).get("rows", 0)),
        kept_previous=tuple(extra.get("kept_previous_version") or ()),
        missing=tuple(extra.get("missing_titles") or ()),
        with_warnings=int(extra.get("pages_with_warnings") or 0),
        shrink=extra.get("shrink") if isinstance(extra.get("shrink"), dict) else None,
        checks=str((extra.get("checks") or {}).get("summary") or ""),
        facts_unreadable=int((extra.get("checks") or {}).get("pages_facts_unreadable") or 0),
    )
