"""The pages ``nora calibrate`` learns from: fetched and archived like a crawl, or read back.

Online (``sample_site``) the sample is the beginning of a crawl: the same lock, state,
WARC archive and polite client as ``nora crawl``; the crawl left unfinished (or begun)
in the state is continued, its listing made once, and each sampled page's HTML and its
SMW facts (``Special:ExportRDF``, 50 pages a request) are archived and indexed as that
crawl's fetches (reason ``calibrate``). The crawl stays unfinished, as after
``--max-requests``: the next ``nora crawl`` continues it and fetches no sampled page
again. Requests: robots.txt, siteinfo, the listing, one SMW query for the pages'
categories, the sample, SMW's property list and types, and the exports:
``N + ceil(N/50) + listing + 5`` at most on a wiki whose property list fits one answer,
within the issue's bound ``N + ceil(N/20) + listing + 5``.

The sample is spread over the wiki's kinds of page: pages are grouped by their
categories (SMW's ``?Category`` of a random 500, the rest by namespace) and taken in
turn from each group, in an order fixed by each title's hash.

Offline (``sample_archive``) a crawl already archived gives the pages and facts: the
same spread, by the categories the archived pages show.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path

from parsers import PARSER_VERSION, parse_page
from parsers.facts import Schema
from parsers.records import FactRecord
from scraper.archive.fetchindex import crawl_pages
from scraper.archive.lock import DataLock
from scraper.archive.parsed import direct_targets, parse_html, shows_query
from scraper.archive.paths import STATE_NAME, WARC_DIR
from scraper.archive.reader import read_record
from scraper.archive.state import ListedPage, NewFetch, State, open_read_only
from scraper.archive.warc import WarcArchive
from scraper.clock import iso_utc
from scraper.crawl.config import CrawlConfig
from scraper.crawl.discovery import ListingBudget, list_pages, list_redirects, listing_bound
from scraper.crawl.outcome import http_error
from scraper.crawl.siteinfo import SiteInfo, choose_namespaces, read_siteinfo
from scraper.crawl.smw import FactsFetcher, smw_site
from scraper.errors import FetchError, ScraperError
from scraper.net.articles import article_url
from scraper.net.client import Client, ClientSettings
from scraper.snapshot.factsread import FactsReader, crawl_schema

log = logging.getLogger(__name__)

REASON = "calibrate"
#: pages asked for their categories in the one SMW query (SMW's default $smwgQMaxLimit)
CATEGORY_POOL = 500
CATEGORY_QUERY = f"[[Modification date::+]]|?Category|limit={CATEGORY_POOL}|order=random"


class CalibrationError(ScraperError):
    """The sample cannot be taken: a wiki without SMW, an unknown crawl, no pages."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where
        self.message = message


@dataclass(frozen=True, slots=True)
class SampledPage:
    title: str
    url: str
    html: bytes
    fetched_at: str
    facts: tuple[FactRecord, ...] | None  # None: SMW's answer for it is not whole


@dataclass(frozen=True, slots=True)
class Sample:
    """The sampled pages and what taking them cost."""

    site: str
    crawl_id: int
    pages: tuple[SampledPage, ...]
    listed: int = 0
    requests: int = 0  # 0 offline
    listing_requests: int = 0

    def bound(self, size: int) -> int:
        """The issue's request bound: N + ceil(N/20) + listing + 5."""
        return size + -(-size // 20) + self.listing_requests + 5


def _order(title: str) -> str:
    return hashlib.sha256(title.encode("utf-8")).hexdigest()


def spread(groups: Mapping[str, Sequence[str]], size: int) -> list[str]:
    """``size`` titles taken in turn from each group (largest first), each group in the
    order of its titles' hashes: every kind of page is sampled before any twice."""
    queues = [sorted(titles, key=_order) for _key, titles in
              sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0]))]  # fmt: skip
    chosen: list[str] = []
    depth = 0
    while len(chosen) < size and any(depth < len(q) for q in queues):
        for queue in queues:
            if depth < len(queue) and len(chosen) < size:
                chosen.append(queue[depth])
        depth += 1
    return chosen


def group_by(titles: Iterable[str], kinds: Mapping[str, str]) -> dict[str, list[str]]:
    groups: dict[str, list[str]] = {}
    for title in titles:
        groups.setdefault(kinds.get(title, ""), []).append(title)
    return groups


def _categories(client: Client) -> dict[str, str]:
    """title -> its categories joined (one SMW query; {} when it fails)."""
    try:
        answer = client.api({"action": "ask", "query": CATEGORY_QUERY})
    except FetchError as exc:  # a run stop (RunStop) is no FetchError: it passes on
        log.warning("the pages' categories could not be asked (%s): sampling by namespace", exc)
        return {}
    query = answer.get("query")
    results = query.get("results") if isinstance(query, dict) else None
    out: dict[str, str] = {}
    for title, result in results.items() if isinstance(results, dict) else []:
        printouts = result.get("printouts") if isinstance(result, dict) else None
        values: list[object] = []
        if isinstance(printouts, dict):
            values = next(iter(printouts.values()), [])
        names = sorted(
            str(v.get("fulltext", "")).split(":", 1)[-1] for v in values if isinstance(v, dict)
        )
        out[str(title)] = "|".join(names)
    return out


# -- online -------------------------------------------------------------------------


def sample_site(config: CrawlConfig, size: int) -> Sample:
    """Fetch and archive ``size`` pages and their facts as the start of a crawl."""
    data_dir = Path(config.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    warc_dir = data_dir / WARC_DIR
    site = config.site
    with DataLock(data_dir, "crawl"), State.open(data_dir / STATE_NAME) as state:
        archive = WarcArchive(warc_dir, info={"site": site})
        try:
            settings = ClientSettings(
                site=site, contact=config.contact, delay=config.delay, timeout=config.timeout,
                max_requests=config.max_requests, max_crawl_delay=config.max_crawl_delay,
                retry_wait_budget=config.retry_wait_budget, max_duration=config.max_duration,
            )  # fmt: skip
            with Client(settings, archive) as client:
                return _sample(config, size, state, client, warc_dir)
        finally:
            archive.close()


def _sample(config: CrawlConfig, size: int, state: State, client: Client, warc_dir: Path) -> Sample:
    site = config.site
    client.start()
    info = read_siteinfo(client)
    siteinfo_answer = client.last
    smw = smw_site(info)
    if smw is None:
        raise CalibrationError(
            site, "the wiki does not run Semantic MediaWiki: calibration needs SMW's data"
        )
    namespaces = choose_namespaces(info, config.namespaces, config.exclude_namespaces)
    crawl = state.unfinished_crawl(site) or state.begin_crawl(
        site, iso_utc(datetime.now(UTC)), full=False
    )
    state.set_crawl_facts(crawl.id, True)
    before = client.requests_made
    if not crawl.listing_done:
        state.clear_listing(crawl.id)
        budget = ListingBudget(listing_bound(info))
        for ns in namespaces:
            state.add_listing(crawl.id, list(list_pages(client, ns.id, budget)))
        redirects = list(list_redirects(client, [n.id for n in namespaces], budget))
        state.finish_listing(crawl.id, redirects)
    listing_requests = client.requests_made - before
    listing = {p.title: p for p in state.listing(crawl.id)}
    if not listing:
        raise CalibrationError(site, "the wiki lists no pages to sample")
    kinds = _categories(client)
    kinds = {t: kinds.get(t) or f"namespace {p.namespace}" for t, p in listing.items()}
    chosen = spread(group_by(listing, kinds), size)
    done = {
        t: fid
        for t, (fid, outcome) in state.fetches.crawl_outcomes(crawl.id).items()
        if outcome == "ok"
    }
    fetcher = FactsFetcher(client, state, crawl.id, smw, site, info, siteinfo_answer)
    asked: set[str] = set()
    for title in chosen:
        if title not in done:
            fetch_id = _fetch(config, state, client, crawl.id, listing[title], info)
            if fetch_id is not None:
                fetcher.add(fetch_id, title, warc_dir)
                asked.add(title)
    wanted = set(chosen) - asked  # sampled before, by a run that got no facts for them
    for fetch_id, title in state.facts.facts_pending(crawl.id):
        if title in wanted:
            fetcher.add(fetch_id, title, warc_dir)
    fetcher.flush(warc_dir)
    schema = fetcher.schema(warc_dir)
    pages = _read(state, warc_dir, crawl.id, chosen, schema)
    return Sample(site, crawl.id, pages, len(listing), client.requests_made, listing_requests)


def _fetch(
    config: CrawlConfig,
    state: State,
    client: Client,
    crawl_id: int,
    page: ListedPage,
    info: SiteInfo,
) -> int | None:
    """One sampled page, fetched, archived and indexed as ``scraper.crawl.rounds`` does."""
    url = article_url(config.site, info, page.title)
    try:
        fetched = client.get(url)
    except FetchError as exc:  # a run stop passes on; the next run continues this crawl
        log.warning("%s: fetch failed: %s", page.title, exc)
        state.record_fetch(NewFetch(crawl_id, page, url, REASON, "failed",
                                    iso_utc(datetime.now(UTC)), error=str(exc)))  # fmt: skip
        return None
    record = fetched.record
    ok = fetched.status == 200 and record is not None
    parsed = parse_html(fetched.body, url, fetched.fetched_at, config.profile) if ok else None
    shown = parsed.page.revision_id if parsed is not None else None
    if shown is not None and shown != page.revision_id:  # edited since the listing
        log.warning("%s: edited between listing and fetch: listed revision %d, fetched %d",
                    page.title, page.revision_id, shown)  # fmt: skip
    fetch_id = state.record_fetch(
        NewFetch(
            crawl_id, page, url, REASON, "ok" if ok else "failed", fetched.fetched_at,
            http_status=fetched.status, sha256=fetched.sha256,
            warc_file=record.warc_file if record else None,
            warc_offset=record.offset if record else None,
            error=None if ok else http_error(fetched.status),
            fetched_revision=shown if shown != page.revision_id else None,
            targets_version=PARSER_VERSION,
            shows_query=shows_query(parsed),
        ),
        direct_targets(parsed),
    )  # fmt: skip
    return fetch_id if ok else None


def _read(
    state: State, warc_dir: Path, crawl_id: int, titles: Sequence[str], schema: Schema
) -> tuple[SampledPage, ...]:
    rows = state.fetches.crawl_fetches(crawl_id)
    ids = {rows[t].id: t for t in titles if t in rows and rows[t].outcome == "ok"}
    where = state.facts.facts_locations(ids)
    reader = FactsReader(warc_dir, schema)
    pages = []
    for fetch_id, title in ids.items():
        row = rows[title]
        if row.warc_file is None or row.warc_offset is None:
            continue
        _head, body = read_record(warc_dir, row.warc_file, row.warc_offset)
        location = where.get(fetch_id)
        facts = None
        if location is not None and location.status == "ok":
            facts = reader.facts(title, location.record.warc_file, location.record.warc_offset)
        pages.append(SampledPage(title, row.url, body, row.fetched_at, facts))
    return tuple(pages)


# -- offline ------------------------------------------------------------------------


def sample_archive(data_dir: Path, crawl_id: int, size: int) -> Sample:
    """``size`` pages of an archived crawl, with their facts, spread as online."""
    data_dir = Path(data_dir)
    warc_dir = data_dir / WARC_DIR
    path = data_dir / STATE_NAME
    if not path.exists():
        raise CalibrationError(str(data_dir), "expected an archive (state.sqlite), found none")
    db = open_read_only(path)
    try:
        crawl = db.execute("SELECT site FROM crawls WHERE id = ?", (crawl_id,)).fetchone()
        if crawl is None:
            raise CalibrationError(f"crawl {crawl_id}", "no such crawl in the archive")
        schema = crawl_schema(db, warc_dir, crawl_id)
        if schema is None:
            raise CalibrationError(
                f"crawl {crawl_id}", "the crawl holds no SMW data: calibration needs SMW's data"
            )
        archived = [p for p in crawl_pages(db, crawl_id, facts=True)
                    if p.fetch is not None and p.facts_file is not None]  # fmt: skip
    finally:  # a damaged state is said by the entry point (commands.exits.state_failure)
        db.close()
    if not archived:
        raise CalibrationError(f"crawl {crawl_id}", "no archived page with SMW data to sample")
    by_title = {p.page.title: p for p in archived}
    bodies: dict[str, bytes] = {}
    kinds: dict[str, str] = {}
    for title, page in by_title.items():
        assert page.fetch is not None and page.fetch.warc_file is not None
        _head, body = read_record(warc_dir, page.fetch.warc_file, int(page.fetch.warc_offset or 0))
        bodies[title] = body
        kinds[title] = "|".join(sorted(parse_page(body).page.categories)) or (
            f"namespace {page.page.namespace}"
        )
    chosen = spread(group_by(by_title, kinds), size)
    reader = FactsReader(warc_dir, schema)
    pages = []
    for title in chosen:
        page = by_title[title]
        assert page.fetch is not None
        facts = None
        if page.facts_status == "ok" and page.facts_file is not None:
            facts = reader.facts(title, page.facts_file, int(page.facts_offset or 0))
        pages.append(
            SampledPage(title, page.fetch.url, bodies[title], page.fetch.fetched_at, facts)
        )
    site = str(crawl[0])
    return replace(Sample(site, crawl_id, tuple(pages)), listed=len(by_title))
