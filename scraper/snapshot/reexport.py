"""``nora export`` as a whole: under the data lock, targets refreshed, exported, published.

Before it exports, relation targets that another parser version computed are
recomputed from the archive (``scraper.snapshot.targets``), so the next crawl
plans with what this parser reads. Without ``out`` the snapshot goes to
``DATA/snapshots/<new id>/`` and is published (``latest`` and the history view)
unless the shrink guard holds it; with ``out`` it is written there and left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from output.history import new_snapshot_dir, publish, shrink_against_latest
from output.shrink import DEFAULT_MAX_SHRINK, Shrink
from parsers.profile import NORA, Profile
from scraper.archive.lock import DataLock
from scraper.archive.paths import STATE_NAME, WARC_DIR
from scraper.archive.state import State
from scraper.snapshot.export import ExportResult, export_crawl
from scraper.snapshot.targets import refresh_targets


@dataclass(frozen=True, slots=True)
class Reexport:
    result: ExportResult
    out: Path
    #: the shrink guard held the snapshot back: written, not published
    held: bool


def reexport(
    data_dir: Path,
    out: Path | None = None,
    *,
    crawl_id: int | None = None,
    workers: int | None = None,
    force: bool = False,
    accept_shrink: bool = False,
    on_page: Callable[[], None] | None = None,
    property_map: Mapping[str, str] | None = None,
    profile: Profile = NORA,
) -> Reexport:
    """Export crawl ``crawl_id`` (default: the newest finished) under the data folder's lock."""
    with DataLock(data_dir, "export"):
        if (data_dir / STATE_NAME).is_file():
            with State.open(data_dir / STATE_NAME) as state:
                refresh_targets(state, data_dir / WARC_DIR, profile=profile)
        target = out if out is not None else new_snapshot_dir(data_dir, datetime.now(UTC))
        guard = None
        if out is None:  # only a snapshot to be published is compared with latest

            def guard(rows: Mapping[str, int]) -> Shrink | None:
                return shrink_against_latest(
                    data_dir, rows, max_share=DEFAULT_MAX_SHRINK, accept=accept_shrink
                )

        result = export_crawl(
            data_dir,
            target,
            crawl_id=crawl_id,
            workers=workers,
            force=force,
            on_page=on_page,
            guard=guard,
            property_map=property_map,
            profile=profile,
        )
        held = result.shrink is not None and result.shrink.held
        if out is None and not held:
            publish(data_dir, target)
    return Reexport(result, target, held)
