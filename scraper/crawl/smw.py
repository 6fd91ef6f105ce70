"""Semantic MediaWiki's own data of the pages a crawl fetches: requested, archived, indexed.

When siteinfo names the SemanticMediaWiki extension (and ``--no-facts`` is not
given), each page the crawl fetches gets its facts from ``Special:ExportRDF``,
up to ``BATCH_PAGES`` pages a request (``pages=`` one title a line, ``backlinks=0``):
the one source that holds a page's subobjects and costs 1 request per 50 pages.
The choice was measured on the real SMW 5.1.0 test wiki (``benchmarks/bench_smw.py``,
README "SMW's data"): ``action=browsebysubject`` costs a request a page;
``action=ask`` over a page list is capped by ``$smwgQMaxSize`` (16 conditions by
default: 16 pages a request, 7 with their subobjects).

Once per crawl, before the first batch, the schema: the property list
(``action=smwbrowse&browse=property``: the wiki's own properties, so SMW's
bookkeeping is left out) and the property types (``action=ask`` of
``[[Property:+]][[Has type::+]]|?Has type``). Both are paged with SMW's
``query-continue-offset``, which SMW caps and wraps, silently (measured on SMW
5.1.0): past ``$smwgQMaxLimit`` an answer is empty and offers to continue at the
offset it was asked for; past ``$smwgQUpperbound`` the offset restarts at 0 and the
answer repeats the first entries. So an answer that brings only what came before
is a wrapped answer, one offering a continuation that does not move forward a
truncated one, and so is a listing still going after ``MAX_LIST_ANSWERS``. Each
is said, logged and kept with the record (``note``); a property list that did not
come whole is not trusted (``parsers.facts.PREDEFINED`` decides instead). Export
answers are checked too: a requested page the answer lacks is ``missing``, one
whose subobjects it lacks ``incomplete``.

Every answer goes through the one client (archived to the WARC), and is indexed in
the state (``scraper.archive.factindex``) before the next request, so ``nora export``
rebuilds the facts offline and a killed run loses at most the batch in flight.
Batches are asked as pages are fetched, so a page's facts are at most a batch
younger than its HTML.
"""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode, urljoin

from parsers.errors import SmwAnswerError
from parsers.facts import (
    PAGE,
    ExportBatch,
    ListPage,
    Schema,
    parse_export,
    parse_property_list,
    parse_types,
)
from parsers.records import FactRecord
from scraper.archive.factindex import PAGES_KIND, UNREADABLE
from scraper.archive.state import State
from scraper.crawl.siteinfo import SiteInfo
from scraper.errors import FetchError, TitleOutsideArticlePath
from scraper.net.client import Client, Fetched
from scraper.snapshot.factsread import read_schema

log = logging.getLogger(__name__)

SMW_EXTENSION = "SemanticMediaWiki"
EXPORT_PAGE = "ExportRDF"
#: pages per Special:ExportRDF request (and the URL stays under MAX_URL_CHARS)
BATCH_PAGES = 50
MAX_URL_CHARS = 6000
#: entries asked per answer of the paged listings (SMW may give fewer: $smwgQMaxLimit)
LIST_LIMIT = 500
#: answers of one paged listing before it counts as truncated
MAX_LIST_ANSWERS = 200
TYPES_QUERY = "[[Property:+]][[Has type::+]]|?Has type"


@dataclass(frozen=True, slots=True)
class SmwSite:
    """A wiki running Semantic MediaWiki: how to ask it for its data."""

    version: str
    export_title: str  # the local name of Special:ExportRDF, "Speciaal:RDFExporteren"
    namespaces: Mapping[int, str]  # number -> local name, for titles in SMW's URIs


def smw_site(info: SiteInfo) -> SmwSite | None:
    """The SMW side of a wiki from its siteinfo; None when it does not run SMW."""
    version = info.extension(SMW_EXTENSION)
    if version is None:
        return None
    special = next((ns.name for ns in info.namespaces if ns.id == -1), "") or "Special"
    local = (info.special_pages or {}).get(EXPORT_PAGE, EXPORT_PAGE)
    names = {ns.id: ns.name for ns in info.namespaces if ns.name}
    return SmwSite(version, f"{special}:{local}", names)


def page_batches(titles: list[str], url_of: Callable[[list[str]], str]) -> Iterator[list[str]]:
    """``titles`` in batches of at most BATCH_PAGES whose URL stays under MAX_URL_CHARS."""
    batch: list[str] = []
    for title in titles:
        if batch and (len(batch) >= BATCH_PAGES or len(url_of([*batch, title])) > MAX_URL_CHARS):
            yield batch
            batch = []
        batch.append(title)
    if batch:
        yield batch


def subject_digests(facts: Iterable[FactRecord]) -> dict[str, str]:
    """Per subject (the page, each subobject), a digest of everything SMW holds for it."""
    by_subject: dict[str, list[tuple[str, str]]] = {}
    for fact in facts:
        by_subject.setdefault(fact.subject, []).append((fact.property, fact.value))
    return {
        subject: hashlib.sha256(
            json.dumps(sorted(values), ensure_ascii=False).encode("utf-8")
        ).hexdigest()[:16]
        for subject, values in by_subject.items()
    }


def fact_targets(title: str, facts: Iterable[FactRecord]) -> set[tuple[str, str]]:
    """(target, digest of its subject) of every page value of a page but the page itself.

    These are the pages whose rendering can hold this page's data (an inverse query, a
    red or blue link): exact, where the HTML's Relaties miss property links.
    """
    facts = list(facts)
    digests = subject_digests(facts)
    return {
        (f.target.split("#", 1)[0], digests[f.subject])
        for f in facts
        if f.type == PAGE and f.target and f.target.split("#", 1)[0] != title
    }


@dataclass(slots=True)
class FactsStats:
    """What the facts of one run came to (for the log and the manifest)."""

    requests: int = 0
    pages: int = 0
    missing: int = 0
    incomplete: int = 0
    failed_batches: int = 0
    schema_note: str = ""


class FactsFetcher:
    """Asks SMW for the facts of the pages a crawl fetched, a batch at a time."""

    def __init__(
        self,
        client: Client,
        state: State,
        crawl_id: int,
        smw: SmwSite,
        site: str,
        info: SiteInfo,
        siteinfo: Fetched | None = None,
    ) -> None:
        """``siteinfo``: the archived siteinfo answer, indexed with the schema."""
        self.siteinfo = siteinfo
        self.client = client
        self.state = state
        self.crawl_id = crawl_id
        self.smw = smw
        self.site = site
        self.info = info
        self.stats = FactsStats()
        self._pending: list[tuple[int, str]] = []
        self._schema: Schema | None = None

    # -- the schema ----------------------------------------------------------------

    def schema(self, warc_dir: Path) -> Schema:
        """This crawl's schema: read back when a killed run already fetched it, else asked."""
        if self._schema is None:
            if self.state.facts.has_schema(self.crawl_id):
                self._schema = read_schema(warc_dir, self.state.facts.schema_records(self.crawl_id))
            else:
                self._schema = self._fetch_schema()
        return self._schema

    def _fetch_schema(self) -> Schema:
        if self.siteinfo is not None:  # the namespaces' local names, for nora export
            self._index("siteinfo", self.siteinfo)
        names, names_note = self._paged("properties", self._property_page, parse_property_list)
        types, types_note = self._paged("types", self._types_page, parse_types)
        self.stats.schema_note = "; ".join(n for n in (names_note, types_note) if n)
        trusted = frozenset(names) if not names_note else frozenset()
        return Schema(trusted, dict(types), self.smw.namespaces)

    def _property_page(self, offset: int) -> dict[str, str]:
        params = {"limit": LIST_LIMIT, "offset": offset, "search": ""}
        return {"action": "smwbrowse", "browse": "property", "params": json.dumps(params)}

    def _types_page(self, offset: int) -> dict[str, str]:
        return {"action": "ask", "query": f"{TYPES_QUERY}|limit={LIST_LIMIT}|offset={offset}"}

    def _paged(
        self,
        kind: str,
        request: Callable[[int], dict[str, str]],
        parse: Callable[[bytes, int], ListPage],
    ) -> tuple[dict[str, str], str]:
        """Every entry of a paged SMW listing, and a note when it did not come whole."""
        items: dict[str, str] = {}
        offset = 0
        for _ in range(MAX_LIST_ANSWERS):
            self.stats.requests += 1
            try:
                self.client.api(request(offset))
                fetched = self.client.last
                assert fetched is not None
                page = parse(fetched.body, offset)
            except (FetchError, SmwAnswerError) as exc:
                note = f"{kind}: the answer at offset {offset} could not be used: {exc}"
                log.warning("SMW %s", note)
                return items, note
            fresh = {k: v for k, v in page.items.items() if k not in items}
            note = ""
            if page.items and not fresh:
                note = (
                    f"{kind}: the answer at offset {offset} repeats what came before "
                    "(SMW wrapped its offset: $smwgQUpperbound); entries after it are unknown"
                )
            elif page.offered is not None and page.next_offset is None:
                note = (
                    f"{kind}: the answer at offset {offset} offers to continue at offset "
                    f"{page.offered}, which does not move forward (SMW stops at "
                    "$smwgQMaxLimit); entries after it are unknown"
                )
            self._index(kind, fetched, note)
            if note:
                log.warning("SMW %s", note)
                return items, note
            items.update(fresh)
            if page.next_offset is None:
                return items, ""
            offset = page.next_offset
        note = f"{kind}: still going after {MAX_LIST_ANSWERS} answers; the rest is unknown"
        log.warning("SMW %s", note)
        return items, note

    def _index(self, kind: str, fetched: Fetched, note: str = "") -> int | None:
        record = fetched.record
        if record is None:  # no archive (a dry run): nothing to index
            return None
        return self.state.facts.record_smw(self.crawl_id, kind, fetched.url, record.warc_file,
                                           record.offset, fetched.fetched_at, note)  # fmt: skip

    # -- pages -----------------------------------------------------------------------

    def export_url(self, titles: list[str]) -> str:
        """``index.php?title=Speciaal:RDFExporteren&pages=...``: the script, not a page URL
        (the site's own script path, on the configured host)."""
        script = urljoin(self.site.rstrip("/") + "/", self.info.script or "/index.php")
        query = {"title": self.smw.export_title, "pages": "\n".join(titles), "backlinks": "0"}
        return f"{script}?{urlencode(query)}"

    def add(self, fetch_id: int, title: str, warc_dir: Path) -> None:
        """A page fetched ok: its facts are asked with the next full batch."""
        self._pending.append((fetch_id, title))
        if len(self._pending) >= BATCH_PAGES:
            self.flush(warc_dir)

    def flush(self, warc_dir: Path) -> None:
        """Ask for the facts of every page added and not asked yet."""
        pending, self._pending = self._pending, []
        if not pending:
            return
        schema = self.schema(warc_dir)
        ids = dict((title, fid) for fid, title in pending)
        for batch in page_batches(list(ids), self.export_url):
            self._batch(batch, ids, schema)

    def _batch(self, titles: list[str], ids: Mapping[str, int], schema: Schema) -> None:
        self.stats.requests += 1
        try:
            fetched = self.client.get(self.export_url(titles))
        except (FetchError, TitleOutsideArticlePath) as exc:  # a RunStop passes: asked again
            # by the next run (facts_pending)
            self.stats.failed_batches += 1
            log.warning("SMW facts of %d pages (%s, ...) not fetched: %s", len(titles),
                        titles[0], exc)  # fmt: skip
            return
        if fetched.status != 200:
            self.stats.failed_batches += 1
            log.warning("SMW facts of %d pages (%s, ...): expected HTTP 200, found HTTP %d",
                        len(titles), titles[0], fetched.status)  # fmt: skip
            return
        try:
            batch = parse_export(fetched.body, titles, schema)
        except SmwAnswerError as exc:
            self.stats.failed_batches += 1
            log.warning("SMW facts of %d pages (%s, ...): %s", len(titles), titles[0], exc)
            # kept and indexed as unreadable: the snapshot's checks say why these pages
            # have no facts; asked again once at the end of the run (facts_pending)
            record_id = self._index(PAGES_KIND, fetched, f"unreadable: {exc}")
            if record_id is not None:
                self.state.facts.attach_facts(
                    record_id, [(ids[title], UNREADABLE, str(exc)) for title in titles]
                )
            return
        record_id = self._index(PAGES_KIND, fetched)
        if record_id is None:
            return
        self._attach(record_id, batch, titles, ids)

    def _attach(
        self, record_id: int, batch: ExportBatch, titles: list[str], ids: Mapping[str, int]
    ) -> None:
        incomplete = dict(batch.incomplete)
        rows: list[tuple[int, str, str]] = []
        targets: list[tuple[int, str, str]] = []
        for title in titles:
            fid = ids[title]
            if title in batch.missing:
                rows.append((fid, "missing", "the answer holds no subject for the page"))
                continue
            status = "incomplete" if title in incomplete else "ok"
            rows.append((fid, status, incomplete.get(title, "")))
            targets += [(fid, t, d) for t, d in sorted(fact_targets(title, batch.facts[title]))]
        self.stats.pages += len(titles) - len(batch.missing)
        self.stats.missing += len(batch.missing)
        self.stats.incomplete += len(incomplete)
        for title in batch.missing:
            log.warning("SMW facts: %s: the answer holds no subject for the page", title)
        for title, what in batch.incomplete:
            log.warning("SMW facts: %s: %s", title, what)
        self.state.facts.attach_facts(record_id, rows, targets)
