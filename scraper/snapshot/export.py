"""``nora export``: an archived crawl re-parsed into a new snapshot, with no network at all.

This is how a parser fix reaches old crawls. It chooses the crawl (the newest finished
one unless told), opens the state read-only and runs the one snapshot pipeline
(``scraper.snapshot.pipeline``) with a pool of workers: the same selection and the same
tables as the crawl's own snapshot, which runs that pipeline with one worker.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from output.shrink import Shrink
from parsers.profile import NORA, Profile
from scraper.archive.paths import WARC_DIR
from scraper.archive.readonly import CrawlInfo, choose_crawl, connect_state
from scraper.snapshot.pipeline import Built, build_snapshot
from scraper.snapshot.reparse import default_workers

log = logging.getLogger(__name__)


@dataclass(slots=True)
class ExportResult:
    crawl: CrawlInfo
    out_dir: Path
    pages: int = 0
    with_warnings: int = 0
    unreadable: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    shrink: Shrink | None = None
    checks: str = ""  # the one-line summary of the cross-checks
    facts_unreadable: int = 0  # pages whose SMW answer could not be read (checks rows)


def export_crawl(
    data_dir: Path,
    out_dir: Path,
    *,
    crawl_id: int | None = None,
    workers: int | None = None,
    force: bool = False,
    on_page: Callable[[], None] | None = None,
    guard: Callable[[Mapping[str, int]], Shrink | None] | None = None,
    property_map: Mapping[str, str] | None = None,
    profile: Profile = NORA,
) -> ExportResult:
    """Write crawl ``crawl_id`` (default: the newest finished one) as a snapshot in ``out_dir``.

    Raises ``CrawlUnavailable`` when there is nothing to export and the output
    package's errors when the snapshot cannot be written (then nothing appears).
    ``guard`` compares the row counts with the previous snapshot before the
    manifest is written (``output.shrink``); its verdict goes into the manifest.
    """
    data_dir = Path(data_dir)
    workers = default_workers() if workers is None else max(1, workers)
    db = connect_state(data_dir)
    try:
        crawl = choose_crawl(db, data_dir, crawl_id)
        extra: dict[str, Any] = {
            "crawl_id": crawl.id,
            "site": crawl.site,
            "crawl_started_at": crawl.started_at,
            "crawl_snapshot_id": crawl.snapshot_id,
        }

        def describe(built: Built) -> dict[str, Any]:
            return {
                "unreadable": [str(u) for u in built.unread[:100]],
                "unreadable_count": len(built.unread),
            }

        built = build_snapshot(
            db, data_dir / WARC_DIR, crawl.id, out_dir,
            command="export", inputs=[crawl.site], extra=extra, workers=workers,
            force=force, on_page=on_page, describe=describe, guard=guard,
            property_map=property_map, profile=profile,
        )  # fmt: skip
    finally:
        db.close()
    for unread in built.unread:
        log.error("%s", unread)
    return ExportResult(
        crawl,
        Path(out_dir),
        pages=built.pages,
        with_warnings=built.with_warnings,
        unreadable=[str(u) for u in built.unread],
        manifest=built.manifest,
        shrink=built.shrink,
        checks=built.checks,
        facts_unreadable=built.facts_unreadable,
    )
