"""One crawl run: discover -> plan -> fetch and index -> snapshot -> publish.

The run is a function of what is on disk, so ``kill -9`` at any point and the
same command again continue it:

- the lock (``DATA/crawl.lock``) keeps a second run out while one is going;
- a crawl row left ``running`` is resumed with its id, its stored listing and its
  fetches: a page fetched ok in this crawl is never fetched again;
- each page's index row is committed right after its WARC record is durable;
  records written but not indexed at a kill (the archive's ``repair()`` has cut
  any torn tail first) are re-indexed from the WARC files on resume;
- the snapshot is written by ``SnapshotWriter`` (temporary folder, renamed when
  complete) and only then published and the crawl marked finished; its id is
  stored first, so a resumed run finds a snapshot that was already written.

A page that fails (retries exhausted, 5xx, a 404 for a listed page, ...) is
recorded as failed and the run goes on; the snapshot keeps its previous archived
version when there is one. ``--max-requests``, ``--max-duration`` or the
retry-wait budget running out stops the run before the snapshot: the next run
resumes it. A full disk stops it too, saying what filled. The snapshot lists the
pages in namespace, then title order; ``scraper.crawl.publication`` writes it and
publishes it, or holds it back when it would shrink the archive sharply.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from output.errors import storage_failure
from output.history import (
    snapshots_dir,
)
from output.staging import remove_stale_temps
from scraper.archive.lock import DataLock
from scraper.archive.paths import STATE_NAME
from scraper.archive.state import CrawlRow, ListedPage, State
from scraper.archive.warc import WarcArchive
from scraper.clock import iso_utc
from scraper.crawl.config import CrawlConfig
from scraper.crawl.context import RunContext, Site
from scraper.crawl.discovery import (
    ListingBudget,
    Redirect,
    list_pages,
    list_redirects,
    listing_bound,
)
from scraper.crawl.outcome import CrawlOutcome, Ending, discovery_message, ran_out, stop_reason
from scraper.crawl.plan import make_plan
from scraper.crawl.progress import LOGS_DIR, Progress
from scraper.crawl.publication import Publication
from scraper.crawl.rounds import Rounds
from scraper.crawl.siteinfo import SiteInfo, choose_namespaces, read_siteinfo
from scraper.crawl.smw import smw_site
from scraper.errors import (
    DiscoveryError,
    FetchError,
    RunStop,
    UnknownNamespace,
)
from scraper.net.client import Client, ClientSettings, Session
from scraper.snapshot.targets import refresh_targets

log = logging.getLogger(__name__)

#: listed pages stored per transaction while the listing grows
LISTING_BATCH = 500


class Crawler:
    """One run of ``nora crawl`` with a config; ``Crawler(...).run()``.

    Each run makes its own ``RunContext`` and hands it, with the wiki's ``Site``, the
    open state and the client, to the fetch phase (``Rounds``) and the snapshot phase
    (``Publication``); the crawler itself holds only what it was made with.
    """

    def __init__(
        self,
        config: CrawlConfig,
        *,
        full: bool = False,
        dry_run: bool = False,
        progress: Callable[[Path | None], Progress] = lambda path: Progress(path, bar=False),
        session: Session | None = None,
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
        client_settings: Mapping[str, Any] | None = None,
        accept_shrink: bool = False,
    ) -> None:
        """``client_settings`` overrides ``ClientSettings`` fields (retries, backoff) in tests;
        ``accept_shrink`` publishes a snapshot even when it shrinks the archive sharply."""
        self.config = config
        self.full = full
        self.dry_run = dry_run
        self.accept_shrink = accept_shrink
        self._make_progress = progress
        self._session = session
        self._now = now
        self._client_settings = dict(client_settings or {})

    # -- the run ---------------------------------------------------------------

    def run(self) -> CrawlOutcome:
        """One run; a full disk stops it, saying what filled (resumable)."""
        context = RunContext(
            self.config,
            self._now,
            accept_shrink=self.accept_shrink,
            phase=f"opening the data folder {self.config.data_dir}",
        )
        try:
            return self._locked_run(context)
        except Exception as exc:
            disk = storage_failure(exc)
            if disk is None:
                raise
            log.error("storage failure while %s: %s", context.phase, exc)
            again = (
                f"run again to continue crawl {context.crawl_id}"
                if context.crawl_id is not None
                else "run again"
            )
            return CrawlOutcome(
                Ending.STOPPED,
                f"could not write while {context.phase}: {disk}. Nothing already stored is "
                f"lost (WARC records and index rows are written one by one, a snapshot only "
                f"appears when whole); free space, then {again}",
                context.crawl_id,
                error=exc,
            )

    def _locked_run(self, context: RunContext) -> CrawlOutcome:
        started = self._now()
        data_dir = context.data_dir
        data_dir.mkdir(parents=True, exist_ok=True)
        with DataLock(data_dir, "crawl"), State.open(data_dir / STATE_NAME) as state:
            archive = (
                None
                if self.dry_run
                else WarcArchive(context.warc_dir, info={"site": self.config.site})
            )
            try:
                if archive is not None and archive.repaired is not None:
                    log.warning("cut a torn WARC tail: %s", archive.repaired)
                settings = ClientSettings(
                    site=self.config.site,
                    contact=self.config.contact,
                    delay=self.config.delay,
                    timeout=self.config.timeout,
                    max_requests=self.config.max_requests,
                    max_crawl_delay=self.config.max_crawl_delay,
                    retry_wait_budget=self.config.retry_wait_budget,
                    max_duration=self.config.max_duration,
                )
                settings = replace(settings, **self._client_settings)
                with Client(settings, archive, session=self._session) as client:
                    outcome = self._run(context, state, client, started)
                    return _with(
                        outcome, requests=client.requests_made, seconds=_secs(started, self._now())
                    )
            finally:
                if archive is not None:
                    archive.close()

    def _run(
        self, context: RunContext, state: State, client: Client, started: datetime
    ) -> CrawlOutcome:
        config = self.config
        try:
            client.start()
            info = read_siteinfo(client)
            answer = client.last
            namespaces = choose_namespaces(info, config.namespaces, config.exclude_namespaces)
        except UnknownNamespace as exc:
            return CrawlOutcome(Ending.STOPPED, str(exc), error=exc)
        except (FetchError, RunStop, DiscoveryError) as exc:
            return CrawlOutcome(Ending.STOPPED, discovery_message(exc), error=exc)
        site = Site(info, smw_site(info) if config.facts else None, answer)
        if config.facts and site.smw is None:
            log.info("%s does not run Semantic MediaWiki: no facts", config.site)
        rounds = Rounds(context, site, state, client)
        unfinished = state.unfinished_crawl(config.site)
        if self.dry_run:
            return self._dry_run(rounds, [n.id for n in namespaces], unfinished)
        if unfinished is None:
            crawl = state.begin_crawl(config.site, iso_utc(started), full=self.full)
        else:
            crawl = unfinished
            log.info("resuming crawl %d started %s", crawl.id, crawl.started_at)
            if self.full and not crawl.full:
                state.set_full(crawl.id)
        full = self.full or crawl.full
        context.crawl_id = crawl.id
        state.set_crawl_facts(crawl.id, site.smw is not None)
        context.phase = (
            f"archiving crawl {crawl.id} to {context.warc_dir} and indexing it in "
            f"{context.data_dir / STATE_NAME}"
        )
        remove_stale_temps(snapshots_dir(context.data_dir))
        log_path = context.data_dir / LOGS_DIR / f"crawl-{crawl.id}.jsonl"
        with self._make_progress(log_path) as progress:
            progress.event(
                "start",
                crawl_id=crawl.id,
                site=config.site,
                full=full,
                resumed=unfinished is not None,
                generator=info.generator,
                namespaces=[n.id for n in namespaces],
                smw=site.smw.version if site.smw is not None else None,
            )
            if not crawl.listing_done:
                state.clear_listing(crawl.id)  # a killed run's partial listing: start over
                try:
                    redirects = _discover(
                        client,
                        info,
                        [n.id for n in namespaces],
                        lambda batch: state.add_listing(crawl.id, batch),
                    )
                except (FetchError, RunStop, DiscoveryError) as exc:
                    progress.event("end", ending=Ending.STOPPED.name, error=str(exc))
                    why = "listing stopped" if ran_out(exc) else "listing failed"
                    return CrawlOutcome(
                        Ending.STOPPED, f"{why}: {discovery_message(exc)}", crawl.id, error=exc
                    )
                listed = state.finish_listing(crawl.id, redirects)
                progress.event("listed", pages=listed, redirects=len(redirects))
                del redirects  # the state holds them now
            else:
                listed = sum(1 for _ in state.listing(crawl.id))
                rounds.reindex(crawl, full, progress)
            recomputed = refresh_targets(state, context.warc_dir, profile=config.profile)
            if recomputed:
                progress.event("targets-recomputed", fetches=recomputed)
            try:
                plan = rounds.fetch(crawl, full, progress)
            except RunStop as exc:  # before the snapshot; the next run continues this crawl
                progress.close_bar()
                progress.event("end", ending=Ending.STOPPED.name, error=str(exc))
                return CrawlOutcome(
                    Ending.STOPPED,
                    f"{stop_reason(exc)} ({exc}); run again to continue crawl {crawl.id}",
                    crawl.id,
                    listed=listed,
                    fetched=_fetch_count(state, crawl.id, "ok"),
                    failed=_fetch_count(state, crawl.id, "failed"),
                    error=exc,
                )
            progress.close_bar()
            outcome = Publication(context, site, state).snapshot(crawl, plan, listed, progress)
            progress.event("end", ending=outcome.ending.name, snapshot=str(outcome.snapshot_dir))
            return outcome

    def _dry_run(
        self, rounds: Rounds, namespaces: list[int], unfinished: CrawlRow | None
    ) -> CrawlOutcome:
        pages: list[ListedPage] = []
        try:
            redirects = _discover(rounds.client, rounds.site.info, namespaces, pages.extend)
        except (FetchError, RunStop, DiscoveryError) as exc:
            return CrawlOutcome(
                Ending.STOPPED, f"listing failed: {discovery_message(exc)}", error=exc
            )
        current = unfinished.id if unfinished is not None else _next_id(rounds.state)
        data = rounds.plan_input(
            current,
            {p.title: p for p in pages},
            {r.from_title: r.to_title for r in redirects},
            self.full,
            frozenset(),
        )
        plan = make_plan(data)
        lines = [f"plan: {plan.summary()}"]
        lines += [f"  {reason:16} {count}" for reason, count in sorted(plan.counts.items())]
        lines.append("  (+ new relation targets of fetched pages, known once they are fetched)")
        return CrawlOutcome(
            Ending.PLANNED,
            "\n".join(lines),
            unfinished.id if unfinished else None,
            listed=len(pages),
            plan=plan,
        )


def _discover(
    client: Client, info: SiteInfo, namespaces: list[int], store: Callable[[list[ListedPage]], None]
) -> list[Redirect]:
    """List every page (handed to ``store`` a batch at a time, as it comes) and return
    the redirects; all listings together stay within ``listing_bound``."""
    budget = ListingBudget(listing_bound(info))
    for ns in namespaces:
        batch: list[ListedPage] = []
        for page in list_pages(client, ns, budget):
            batch.append(page)
            if len(batch) >= LISTING_BATCH:
                store(batch)
                batch = []
        store(batch)
    return list(list_redirects(client, namespaces, budget))


def _fetch_count(state: State, crawl_id: int, outcome: str) -> int:
    """Pages with this outcome so far in a crawl (for a run that stops early)."""
    return sum(
        1 for _fid, found in state.fetches.crawl_outcomes(crawl_id).values() if found == outcome
    )


def _next_id(state: State) -> int:
    crawls = state.crawls()
    return (crawls[-1].id + 1) if crawls else 1


def _secs(start: datetime, end: datetime) -> float:
    return max(0.0, (end - start).total_seconds())


def _with(outcome: CrawlOutcome, *, requests: int, seconds: float) -> CrawlOutcome:
    return replace(outcome, requests=requests, seconds=seconds)
