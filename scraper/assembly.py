"""A crawl's snapshot, assembled from the archive: every listed page, re-parsed.

Each page of the crawl's listing (namespace, then title order) is read back from
its newest ok fetch - made in this crawl or, for an unchanged page, in an
earlier one - and parsed again. A page whose fetch failed in this crawl keeps
its previous archived version (a warning says so); one with no archived version
at all is missing from the snapshot, and the manifest says so
(``extra.crawl_complete: false``). A page an older version recorded as gone
(404 after the listing) is left out; a 404 is a failure now. Each page row names
the WARC file and offset of the record it was parsed from (``warc_file``,
``warc_offset``): the parser never knows them. Before the writer finishes,
``guard`` compares the row counts with the previous snapshot (``output.shrink``)
and the verdict goes into the manifest.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from output.shrink import Shrink
from output.snapshot import SnapshotWriter
from parsers.records import ParsedPage
from scraper.archive import read_record
from scraper.errors import ArchiveError
from scraper.recovery import parse_html
from scraper.state import State

log = logging.getLogger(__name__)


def located(parsed: ParsedPage, warc_file: str, warc_offset: int) -> ParsedPage:
    """The parsed page with its page row naming where its response record is archived."""
    page = replace(parsed.page, warc_file=warc_file, warc_offset=warc_offset)
    return replace(parsed, page=page)


@dataclass(frozen=True, slots=True)
class Assembled:
    pages: int
    kept_previous: tuple[str, ...]  # fetch failed now; an older version went in
    missing: tuple[str, ...]  # no archived version at all
    with_warnings: int  # pages whose parse carried warnings
    shrink: Mapping[str, Any] | None = None  # output.shrink verdict, as in the manifest

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
) -> Assembled:
    """Write the snapshot of crawl ``crawl_id`` to ``out_dir`` (atomically, via the writer).

    Pages stream from the state one at a time, so memory does not grow with the wiki.
    ``failed`` names the pages whose fetch failed in this crawl (for the manifest).
    """
    kept: list[str] = []
    missing: list[str] = []
    warnings = 0
    pages = 0
    with SnapshotWriter(out_dir, command="crawl", inputs=inputs, extra=dict(extra)) as writer:
        for page, row, attempt in state.snapshot_sources(crawl_id):
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
            parsed = parse_html(body, row.url, row.fetched_at)
            if parsed is None:
                missing.append(page.title)
                continue
            parsed = located(parsed, row.warc_file, row.warc_offset)
            warnings += bool(parsed.page.warnings)
            writer.add(parsed)
            pages += 1
        writer.extra.update(
            {
                "pages_failed": len(failed),
                "failed_titles": failed[:100],
                "kept_previous_version": kept[:100],
                "missing_titles": missing[:100],
                "crawl_complete": not failed and not missing,
                "pages_with_warnings": warnings,
            }
        )
        shrink = guard(writer.rows) if guard is not None else None
        verdict = shrink.as_manifest() if shrink is not None else None
        if verdict is not None:
            writer.extra["shrink"] = verdict
    return Assembled(pages, tuple(kept), tuple(missing), warnings, verdict)


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
    )
