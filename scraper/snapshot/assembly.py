"""A crawl's snapshot, written from the archive at the end of the run.

The crawl runs the one snapshot pipeline (``scraper.snapshot.pipeline``) in its own
process, on its own connection to the state, and adds what only a crawl knows to the
manifest: the pages whose fetch failed now (each keeps its previous archived version,
a warning says so), the pages with no archived version at all (missing from the
snapshot: ``extra.crawl_complete: false``) and the pages edited between listing and
fetch. :func:`recorded` reads the same back from a snapshot a killed run wrote.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from output.shrink import Shrink
from parsers.profile import NORA, Profile
from scraper.archive.state import State
from scraper.snapshot.pipeline import Built, build_snapshot

log = logging.getLogger(__name__)


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

    ``failed`` names the pages whose fetch failed in this crawl (for the manifest).
    """
    edits = state.fetches.mid_crawl_edits(crawl_id)

    def describe(built: Built) -> dict[str, Any]:
        missing = [u.title for u in built.unread]
        return {
            "pages_failed": len(failed),
            "failed_titles": failed[:100],
            "kept_previous_version": [title for title, _ in built.kept_previous[:100]],
            "missing_titles": missing[:100],
            "crawl_complete": not failed and not missing,
            "edited_during_crawl": [
                {"title": t, "listed_revision": a, "fetched_revision": b} for t, a, b in edits[:100]
            ],
        }

    built = build_snapshot(
        state.connection, warc_dir, crawl_id, out_dir,
        command="crawl", inputs=inputs, extra=extra, describe=describe, guard=guard,
        property_map=property_map, profile=profile,
    )  # fmt: skip
    for title, when in built.kept_previous:
        log.warning("%s: fetch failed; the snapshot keeps the version archived %s", title, when)
    for unread in built.unread:
        if unread.archived:  # a damaged record must not block every later crawl: report it
            log.error("%s: archived record unreadable: %s", unread.title, unread.why)
    verdict = built.shrink.as_manifest() if built.shrink is not None else None
    return Assembled(
        built.pages,
        tuple(title for title, _ in built.kept_previous),
        tuple(u.title for u in built.unread),
        built.with_warnings,
        verdict,
        built.checks,
        built.facts_unreadable,
    )


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
