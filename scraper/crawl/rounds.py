"""The fetch phase of a crawl: rounds of plan -> fetch, each page's HTML and SMW's facts.

``Rounds`` is handed the run's context (``scraper.crawl.context``), the open state and
the client by :class:`scraper.crawl.run.Crawler`: it fetches what the plan says, records
each fetch in the state right after its WARC record is durable, asks SMW for the facts
of the pages fetched (``scraper.crawl.smw``, a batch at a time, so a page's facts are at
most a batch younger than its HTML), then plans again, since the pages just fetched may
name new relation targets. At the end it asks for the facts of every listed page whose
archived version has none yet (facts were off, an answer failed, a killed run).

A page whose HTML shows another revision than the one listed was edited between
listing and fetch: the fetch records the revision it shows (``fetched_revision``),
the run logs it and the snapshot's manifest names it, and the next plan refetches what
that edit may concern and was fetched before it (``plan``: ``edited-during-crawl``).

The rolling refresh (``--refresh-days K``) refetches ceil(N/K) unchanged pages for each
night since the previous crawl began (hours / 24, rounded; at most N), so a second crawl
less than half a day after the previous one refreshes nothing.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime

from parsers import PARSER_VERSION
from scraper.archive.parsed import direct_targets, parse_html, shows_query
from scraper.archive.recovery import reindex
from scraper.archive.state import CrawlRow, ListedPage, NewFetch, State
from scraper.clock import iso_utc
from scraper.crawl.context import RunContext, Site
from scraper.crawl.discovery import article_url
from scraper.crawl.outcome import http_error
from scraper.crawl.plan import Known, Plan, PlanInput, make_plan
from scraper.crawl.progress import Progress
from scraper.crawl.smw import FactsFetcher
from scraper.errors import FetchError, TitleOutsideArticlePath
from scraper.net.articles import title_problem
from scraper.net.client import Client

log = logging.getLogger(__name__)

#: plan/fetch rounds: changed pages, their relation targets, the targets of refetched
#: pages whose own relations turned out to differ; one more finds none
MAX_ROUNDS = 5


class Rounds:
    """The fetch phase of a crawl run (see the module docstring)."""

    def __init__(self, context: RunContext, site: Site, state: State, client: Client) -> None:
        self.context = context
        self.site = site
        self.state = state
        self.client = client

    def plan_input(
        self,
        crawl_id: int,
        listing: dict[str, ListedPage],
        redirects: dict[str, str],
        full: bool,
        skip: frozenset[str],
    ) -> PlanInput:
        """What ``make_plan`` needs to plan (the rest of) crawl ``crawl_id``."""
        state, config = self.state, self.context.config
        baseline = state.baseline_crawl(config.site, crawl_id)
        prior = {
            title: Known(fetch_id, revision, touched)
            for title, fetch_id, revision, touched in state.fetches.known_versions(
                before_crawl=crawl_id
            )
        }
        this_crawl = state.fetches.crawl_outcomes(crawl_id)
        done = {t: fid for t, (fid, outcome) in this_crawl.items() if outcome == "ok"}
        nights = _nights(state.crawl(crawl_id), baseline)
        gone = frozenset(t for t, (_fid, outcome) in this_crawl.items() if outcome == "gone")
        return PlanInput(
            listing=listing,
            baseline_titles=frozenset(state.listed_titles(baseline.id))
            if baseline
            else frozenset(),
            prior=prior,
            failed_last=frozenset(state.fetches.failed_last(before_crawl=crawl_id)),
            done=done,
            targets=state.fetches.targets,
            redirects=redirects,
            full=full,
            skip=skip | gone,
            fact_targets=state.facts.fact_targets,
            facts_expected=self.site.smw is not None,
            redirect_versions=state.redirect_versions(crawl_id),
            baseline_redirects=state.redirect_versions(baseline.id) if baseline else {},
            query_pages=frozenset(state.fetches.query_pages()),
            edited_now=frozenset(t for t, _a, _b in state.fetches.mid_crawl_edits(crawl_id)),
            edited_before=frozenset(state.fetches.edited_when_fetched(before_crawl=crawl_id)),
            fetched_again=frozenset(state.fetches.fetched_again(crawl_id)),
            refresh=refresh_quota(len(listing), config.refresh_days, nights),
        )

    def fetch(self, crawl: CrawlRow, full: bool, progress: Progress) -> Plan:
        """Plan and fetch until the plan settles; the last plan."""
        state, site, warc_dir = self.state, self.site, self.context.warc_dir
        listing = {p.title: p for p in state.listing(crawl.id)}
        redirects = state.redirects(crawl.id)
        skip: set[str] = set()
        facts = None
        if site.smw is not None:
            config = self.context.config
            facts = FactsFetcher(
                self.client, state, crawl.id, site.smw, config.site, site.info, site.answer
            )
        plan = make_plan(self.plan_input(crawl.id, listing, redirects, full, frozenset()))
        progress.event("plan", summary=plan.summary(), counts=dict(plan.counts))
        if plan.changed_redirects:
            progress.event("redirects-changed", titles=list(plan.changed_redirects[:100]))
        for _ in range(MAX_ROUNDS):
            if plan.settled:
                break
            progress.start_fetching(len(plan.to_fetch))
            for page, reason in plan.to_fetch:
                self.context.fetched_now += 1
                if self._fetch_page(crawl.id, page, reason, progress, facts) != "ok":
                    skip.add(page.title)
            if facts is not None:
                facts.flush(warc_dir)  # the next plan needs the new facts' targets
            plan = make_plan(self.plan_input(crawl.id, listing, redirects, full, frozenset(skip)))
            if not plan.settled:
                progress.event("plan", summary=plan.summary(), counts=dict(plan.counts))
        else:
            log.warning("plan not settled after %d rounds: %s", MAX_ROUNDS, plan.summary())
        if facts is not None:
            for fetch_id, title in state.facts.facts_pending(crawl.id):
                facts.add(fetch_id, title, warc_dir)
            facts.flush(warc_dir)
            stats = facts.stats
            progress.event(
                "facts",
                requests=stats.requests,
                pages=stats.pages,
                missing=stats.missing,
                incomplete=stats.incomplete,
                failed_batches=stats.failed_batches,
                schema_note=stats.schema_note,
            )
        return plan

    def _fetch_page(
        self,
        crawl_id: int,
        page: ListedPage,
        reason: str,
        progress: Progress,
        facts: FactsFetcher | None,
    ) -> str:
        """Fetch one page and record it; its outcome ("ok", "failed")."""
        state, context = self.state, self.context
        try:
            url = article_url(context.config.site, self.site.info, page.title)
        except TitleOutsideArticlePath as exc:  # a listing stored by an older version
            log.warning("%s: not fetched: %s", page.title, exc)
            url = ""
            state.record_fetch(
                NewFetch(
                    crawl_id, page, url, reason, "failed", iso_utc(context.now()), error=str(exc)
                )
            )
            progress.fetched(page.title, "failed", reason=reason, error=str(exc))
            return "failed"
        try:
            fetched = self.client.get(url)
        except FetchError as exc:  # a RunStop passes: the next run resumes this crawl
            log.warning("%s: fetch failed: %s", page.title, exc)
            state.record_fetch(
                NewFetch(
                    crawl_id, page, url, reason, "failed", iso_utc(context.now()), error=str(exc)
                )
            )
            progress.fetched(page.title, "failed", reason=reason, error=str(exc))
            return "failed"
        targets: set[str] = set()
        query = False
        shown: int | None = None
        if fetched.status == 200:
            outcome = "ok"
            parsed = parse_html(fetched.body, url, fetched.fetched_at, context.config.profile)
            targets = direct_targets(parsed)
            query = shows_query(parsed)
            revision = parsed.page.revision_id if parsed is not None else None
            if revision is not None and revision != page.revision_id:
                shown = revision
                log.warning(
                    "%s: edited between listing and fetch: listed revision %d, fetched %d",
                    page.title, page.revision_id, revision,
                )  # fmt: skip
        else:
            # 404/410 too: a page the API lists must be served. A wiki whose article
            # path moved answers 404 for every page; as "gone" they emptied the snapshot.
            outcome = "failed"
        record = fetched.record
        fetch_id = state.record_fetch(
            NewFetch(
                crawl_id,
                page,
                url,
                reason,
                outcome,
                fetched.fetched_at,
                http_status=fetched.status,
                sha256=fetched.sha256,
                warc_file=record.warc_file if record else None,
                warc_offset=record.offset if record else None,
                error=None if outcome == "ok" else http_error(fetched.status),
                fetched_revision=shown,
                targets_version=PARSER_VERSION,
                shows_query=query,
            ),
            targets,
        )
        progress.fetched(page.title, outcome, reason=reason, status=fetched.status)
        if outcome == "ok" and facts is not None and record is not None:
            facts.add(fetch_id, page.title, context.warc_dir)
        return outcome

    def reindex(self, crawl: CrawlRow, full: bool, progress: Progress) -> None:
        """Index page responses a killed run archived but did not commit."""
        state = self.state
        listing = {p.title: p for p in state.listing(crawl.id)}
        data = self.plan_input(crawl.id, listing, state.redirects(crawl.id), full, frozenset())
        wanted = {
            article_url(self.context.config.site, self.site.info, p.title): (p, r)
            for p, r in make_plan(data).to_fetch
            if title_problem(p.title) is None
        }
        reindex(
            state,
            self.context.warc_dir,
            crawl.id,
            wanted,
            lambda title, warc, offset: progress.event(
                "reindexed", title=title, warc=warc, offset=offset
            ),
        )


def refresh_quota(pages: int, refresh_days: int, nights: int) -> int:
    """How many unchanged pages the rolling refresh refetches: ceil(N/K) a night."""
    if refresh_days <= 0 or nights <= 0:
        return 0
    return min(pages, math.ceil(pages * min(nights, refresh_days) / refresh_days))


def _nights(crawl: CrawlRow | None, baseline: CrawlRow | None) -> int:
    """Nights between the previous crawl's start and this one's (rounded: 23 h is one)."""
    if crawl is None or baseline is None:
        return 0
    try:
        hours = (_when(crawl.started_at) - _when(baseline.started_at)).total_seconds() / 3600
    except ValueError:
        return 1  # an unreadable time: refresh as for one night
    return max(0, math.floor(hours / 24 + 0.5))


def _when(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))
