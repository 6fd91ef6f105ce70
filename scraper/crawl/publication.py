"""The last phase of a crawl: its snapshot, written from the archive, then published or held.

``Publication`` is handed the run's context (``scraper.crawl.context``) and the open
state by :class:`scraper.crawl.run.Crawler`: it writes the crawl's snapshot
(``scraper.snapshot.assembly``), reuses one a killed run already wrote when nothing was
fetched since, holds it back when it would shrink the archive sharply (``output.shrink``:
exit HELD, crawl status ``held``), and otherwise publishes it (``latest`` and the history
view) and marks the crawl finished.
"""

from __future__ import annotations

import logging
import shutil
from collections.abc import Mapping
from pathlib import Path

from output.history import (
    latest_snapshot,
    new_snapshot_dir,
    publish,
    read_complete_manifest,
    shrink_against_latest,
    snapshots_dir,
)
from output.shrink import MAY_EMPTY, Shrink, is_held
from scraper.archive.state import CrawlRow, State
from scraper.clock import iso_utc
from scraper.crawl.context import RunContext, Site
from scraper.crawl.outcome import CrawlOutcome, Ending, shrink_text
from scraper.crawl.plan import Plan
from scraper.crawl.progress import Progress
from scraper.snapshot.assembly import Assembled, assemble, recorded

log = logging.getLogger(__name__)


class Publication:
    """The snapshot phase of a crawl run (see the module docstring)."""

    def __init__(self, context: RunContext, site: Site, state: State) -> None:
        self.context = context
        self.site = site
        self.state = state

    def _shrink_guard(self, rows: Mapping[str, int]) -> Shrink | None:
        # facts may empty when this run asks for none (--no-facts, no SMW any more)
        may_empty = (*MAY_EMPTY, "facts") if self.site.smw is None else MAY_EMPTY
        return shrink_against_latest(
            self.context.data_dir,
            rows,
            max_share=self.context.config.max_shrink,
            accept=self.context.accept_shrink,
            may_empty=may_empty,
        )

    def _held(
        self,
        crawl: CrawlRow,
        done: Assembled,
        out_dir: Path,
        listed: int,
        fetched: int,
        failed: list[str],
        plan: Plan,
    ) -> CrawlOutcome:
        """The snapshot shrank too much: keep it unpublished, finish the crawl as held."""
        assert done.shrink is not None
        what = shrink_text(done.shrink)
        self.state.finish_crawl(
            crawl.id,
            status="held",
            finished_at=iso_utc(self.context.now()),
            pages_listed=listed,
            pages_fetched=fetched,
            pages_failed=len(failed),
        )
        log.error("snapshot %s held, not published: %s", out_dir.name, what)
        latest = latest_snapshot(self.context.data_dir)
        return CrawlOutcome(
            Ending.HELD,
            f"NOT PUBLISHED: the snapshot would shrink the archive ({what}). It is kept in "
            f"{out_dir} for a look (nora diff {latest} {out_dir}); latest still points at "
            f"the previous one. If the wiki really shrank, run nora crawl --accept-shrink",
            crawl.id,
            snapshot_dir=out_dir,
            listed=listed,
            fetched=fetched,
            failed=len(failed),
            plan=plan,
        )

    def snapshot(
        self, crawl: CrawlRow, plan: Plan, listed: int, progress: Progress
    ) -> CrawlOutcome:
        """Write (or reuse) the crawl's snapshot, then publish it or hold it back."""
        state, context = self.state, self.context
        data_dir, config = context.data_dir, context.config
        outcomes = state.fetches.crawl_outcomes(crawl.id)
        fetched = sum(1 for _fid, outcome in outcomes.values() if outcome == "ok")
        failed_titles = sorted(t for t, (_fid, outcome) in outcomes.items() if outcome == "failed")
        gone = sum(1 for _fid, outcome in outcomes.values() if outcome == "gone")
        del outcomes
        stored = crawl.snapshot_id
        out_dir = snapshots_dir(data_dir) / stored if stored else None
        manifest = read_complete_manifest(out_dir) if out_dir is not None else None
        if manifest is not None and is_held(manifest) and context.accept_shrink:
            assert out_dir is not None
            shutil.rmtree(out_dir, ignore_errors=True)  # held by a killed run: redo it
            manifest = None
        if out_dir is not None and manifest is not None and context.fetched_now:
            # written by a killed run, but this run fetched more: it is stale. Remove
            # it unless it was published already (then it stays in the history).
            if latest_snapshot(data_dir) != out_dir.resolve():
                shutil.rmtree(out_dir, ignore_errors=True)
            manifest = None
        if out_dir is None or manifest is None:
            out_dir = new_snapshot_dir(data_dir, context.now())
            context.phase = f"writing the snapshot of crawl {crawl.id} to {out_dir}"
            state.set_snapshot_id(crawl.id, out_dir.name)
            progress.event("snapshot-start", path=str(out_dir))
            extra: dict[str, object] = {
                "crawl_id": crawl.id,
                "site": config.site,
                "generator": self.site.info.generator,
                "crawl_started_at": crawl.started_at,
                "pages_listed": listed,
                "pages_fetched": fetched,
                "plan": dict(plan.counts),
            }
            done = assemble(
                state, crawl.id, context.warc_dir, out_dir,
                inputs=[config.site], extra=extra, failed=failed_titles,
                guard=self._shrink_guard, property_map=config.property_map,
                profile=config.profile,
            )  # fmt: skip
        else:  # written by a run killed before it could publish: reuse it
            done = recorded(manifest)
        kept, missing, warnings = done.kept_previous, done.missing, done.with_warnings
        if done.held:
            return self._held(crawl, done, out_dir, listed, fetched, failed_titles, plan)
        publish(data_dir, out_dir)
        partial = bool(failed_titles or missing)  # the crawl itself fell short
        state.finish_crawl(
            crawl.id,
            status="partial" if partial else "complete",
            finished_at=iso_utc(context.now()),
            pages_listed=listed,
            pages_fetched=fetched,
            pages_failed=len(failed_titles),
        )
        progress.event("snapshot", path=str(out_dir), kept_previous=len(kept), missing=len(missing))
        if done.checks:
            log.info("%s", done.checks)
            progress.event("checks", summary=done.checks)
        unreadable = done.facts_unreadable
        notes = [f"{warnings} pages carry parse warnings (see the pages table)"] if warnings else []
        if unreadable:
            notes.append(
                f"{unreadable} pages' SMW data could not be read (facts-unreadable rows in "
                "checks.csv say why)"
            )
        message = "; ".join(notes)
        if missing:
            message = f"{len(missing)} pages have no archived version: {', '.join(missing[:5])}"
        elif failed_titles:
            message = f"{len(failed_titles)} pages failed: {', '.join(failed_titles[:5])}"
        return CrawlOutcome(
            Ending.PUBLISHED,
            message,
            crawl.id,
            snapshot_dir=out_dir,
            listed=listed,
            fetched=fetched,
            failed=len(failed_titles),
            gone=gone,
            kept_previous=len(kept),
            missing=len(missing),
            warnings=warnings,
            unreadable=unreadable,
            plan=plan,
            checks=done.checks,
        )
