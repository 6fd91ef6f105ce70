"""What the wiki holds: siteinfo, the page listing per namespace, redirects.

All of it comes from api.php, a few hundred titles per request:

- ``meta=siteinfo&siprop=general|namespaces|statistics``: server, article path
  (the URL a reader sees, ``/wiki/$1`` on NORA), generator, the namespaces with
  their ``content`` flag (content namespaces are crawled by default), and the
  wiki's page count;
- per namespace ``generator=allpages&gapfilterredir=nonredirects&prop=info``
  with ``gaplimit=max``: page id, last revision id, touched, length; the whole
  ``continue`` object of each answer is merged into the next request
  (API:Continue), and a continuation seen before raises ``ContinuationLoop``
  instead of looping for ever;
- the listing is bounded by what siteinfo's statistics say: all listings of a
  run together yield at most ``listing_bound`` entries (the wiki's page count
  x 1.25 + 500; 1,000,000 without statistics) in at most ``max_answers``
  answers, and 5 answers in a row that bring no new title end it too
  (``ListingTooLong``): an API handing out a fresh continuation every time
  cannot keep a run listing for ever. A title listed twice is kept once, with
  a warning; a title MediaWiki cannot have (``../../api.php``, a control
  character: ``scraper.net.articles``) is skipped with a warning;
- redirects are recorded as (from, to) with their revision and ``touched``, never
  fetched: ``generator=allpages&gapfilterredir=redirects&prop=info`` gives the
  redirect pages and their version (so a redirect edited to point elsewhere is
  seen), ``list=allredirects`` their targets, joined on page id (one request per
  500 redirects each, per namespace);
- siteinfo's ``extensions`` say whether the wiki runs Semantic MediaWiki, and its
  ``specialpagealiases`` the local name of ``Special:ExportRDF`` (``scraper.crawl.smw``).

Answers are read leniently in both JSON format versions (``formatversion=2``
gives booleans and ``name``; version 1 gives ``""`` flags and ``*``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple, Protocol

from scraper.archive.rows import ListedPage
from scraper.crawl.listing import (
    LISTING_DEFAULT_BOUND,
    MAX_STALLED_ANSWERS,
    ListingBudget,
    count,
    listing_bound,
)
from scraper.errors import ContinuationLoop, DiscoveryError, ListingTooLong, UnknownNamespace
from scraper.net.articles import article_url, title_problem

__all__ = ["ListingBudget", "ListingTooLong", "article_url", "listing_bound"]

log = logging.getLogger(__name__)

#: titles asked per redirect/info request: the anonymous API limit
MAX_LIMIT = "max"


class Api(Protocol):
    """The one method discovery needs from ``scraper.net.client.Client``."""

    def api(self, params: Mapping[str, str]) -> dict[str, object]: ...


#: crawled by default when the wiki has them and no namespaces are configured:
#: FS holds NORA's FS-Standaard copies, which are element pages too
USUALLY_INCLUDED: tuple[str, ...] = ("FS",)
#: left out by default when present and no exclusions are configured: drafts
USUALLY_EXCLUDED: tuple[str, ...] = ("Werkruimte", "Sandbox")


@dataclass(frozen=True, slots=True)
class Namespace:
    id: int
    name: str  # local name ("Categorie"), "" for the main namespace
    canonical: str  # canonical English name ("Category"), "" when none
    content: bool

    def matches(self, ref: int | str) -> bool:
        """True when ``ref`` (number or name, any case, "main"/"(main)" for 0) means this one."""
        if isinstance(ref, int):
            return ref == self.id
        wanted = ref.strip().replace("_", " ").casefold()
        if self.id == 0 and wanted in ("", "main", "(main)", "(hoofdnaamruimte)"):
            return True
        return wanted in (self.name.casefold(), self.canonical.casefold()) and wanted != ""


@dataclass(frozen=True, slots=True)
class SiteInfo:
    server: str  # "https://www.noraonline.nl" or protocol-relative "//host"
    articlepath: str  # "/wiki/$1"
    script: str  # "/index.php"
    generator: str  # "MediaWiki 1.39.6"
    sitename: str
    namespaces: tuple[Namespace, ...]
    pages: int | None = None  # statistics.pages: every page of every namespace
    articles: int | None = None  # statistics.articles: content pages
    #: (name, version) of each installed extension ("SemanticMediaWiki", "5.1.0")
    extensions: tuple[tuple[str, str], ...] = ()
    #: special page canonical name -> its first local alias ("ExportRDF" -> "RDFExporteren")
    special_pages: Mapping[str, str] | None = None

    def extension(self, name: str) -> str | None:
        """The version of an installed extension ("" when it gives none), None when absent."""
        return next((version for n, version in self.extensions if n == name), None)


class Redirect(NamedTuple):
    """A redirect page as listed: where it points, and its version."""

    from_title: str
    to_title: str
    revision_id: int | None = None
    touched: str | None = None


def _flag(value: object) -> bool:
    """formatversion=2 gives true/false; version 1 gives "" for true and omits false."""
    return value is True or value == ""


def _name(entry: Mapping[str, Any]) -> str:
    value = entry.get("name", entry.get("*", ""))
    return str(value) if value is not None else ""


def read_siteinfo(api: Api) -> SiteInfo:
    """``meta=siteinfo``: general facts and namespaces."""
    params = {
        "action": "query",
        "meta": "siteinfo",
        "siprop": "general|namespaces|statistics|extensions|specialpagealiases",
    }
    answer = api.api(params)
    query = answer.get("query")
    if not isinstance(query, dict) or not isinstance(query.get("general"), dict):
        raise DiscoveryError("siteinfo", f"expected query.general, found {sorted(answer)}")
    general: dict[str, Any] = query["general"]
    raw_ns = query.get("namespaces", {})
    entries = raw_ns.values() if isinstance(raw_ns, dict) else raw_ns
    namespaces = tuple(
        sorted(
            (
                Namespace(
                    id=int(e["id"]),
                    name=_name(e),
                    canonical=str(e.get("canonical", "") or ""),
                    content=_flag(e.get("content", False)),
                )
                for e in entries
                if isinstance(e, dict) and "id" in e
            ),
            key=lambda n: n.id,
        )
    )
    stats = query.get("statistics")
    stats = stats if isinstance(stats, dict) else {}
    articlepath = str(general.get("articlepath", "") or "")
    if "$1" not in articlepath:
        raise DiscoveryError("siteinfo", f"expected an articlepath with $1, found {articlepath!r}")
    extensions = tuple(
        (str(e.get("name", "")), str(e.get("version", "") or ""))
        for e in (query.get("extensions") or [])
        if isinstance(e, dict) and e.get("name")
    )
    aliases = query.get("specialpagealiases") or []
    special = {
        str(a["realname"]): str(a["aliases"][0])
        for a in (aliases if isinstance(aliases, list) else [])
        if isinstance(a, dict)
        and a.get("realname")
        and isinstance(a.get("aliases"), list)
        and a["aliases"]
        and isinstance(a["aliases"][0], str)
    }
    return SiteInfo(
        server=str(general.get("server", "") or ""),
        articlepath=articlepath,
        script=str(general.get("script", "/index.php") or "/index.php"),
        generator=str(general.get("generator", "") or ""),
        sitename=str(general.get("sitename", "") or ""),
        namespaces=namespaces,
        pages=count(stats.get("pages")),
        articles=count(stats.get("articles")),
        extensions=extensions,
        special_pages=special,
    )


def choose_namespaces(
    site: SiteInfo,
    include: Sequence[int | str] = (),
    exclude: Sequence[int | str] = (),
) -> tuple[Namespace, ...]:
    """The wiki's content namespaces, plus ``include``, minus ``exclude``.

    With no ``include`` the wiki's content namespaces are crawled, plus those of
    ``USUALLY_INCLUDED`` the wiki has; each included namespace is added to the
    content ones (so ``--namespace FS`` means "content and FS"). With no
    ``exclude``, the namespaces of ``USUALLY_EXCLUDED`` the wiki has are left out.
    Special (-1) and Media (-2) never hold pages. Unknown names raise
    ``UnknownNamespace`` (a typo must not silently crawl nothing).
    """

    def find(ref: int | str) -> Namespace:
        for ns in site.namespaces:
            if ns.matches(ref):
                return ns
        known = ", ".join(f"{n.id}={n.name or '(main)'}" for n in site.namespaces if n.id >= 0)
        raise UnknownNamespace("namespaces", f"expected one of {known}; found {ref!r}")

    def present(refs: Sequence[int | str]) -> list[Namespace]:
        return [ns for ref in refs for ns in site.namespaces if ns.matches(ref)]

    chosen = {ns.id: ns for ns in site.namespaces if ns.content and ns.id >= 0}
    if not include:
        # NORA's defaults apply where the wiki has those namespaces; any other
        # MediaWiki simply lacks them, so they are optional, unlike a typed name.
        chosen.update((ns.id, ns) for ns in present(USUALLY_INCLUDED))
    if not exclude:
        for ns in present(USUALLY_EXCLUDED):
            chosen.pop(ns.id, None)
    for ref in include:
        ns = find(ref)
        chosen[ns.id] = ns
    for ref in exclude:
        chosen.pop(find(ref).id, None)
    return tuple(chosen[i] for i in sorted(chosen) if i >= 0)


def _continued(
    api: Api, params: Mapping[str, str], where: str, budget: ListingBudget | None = None
) -> Iterator[dict[str, Any]]:
    """Every answer of a query, following the whole ``continue`` object each time.

    ``budget`` counts the answers (the caller counts their entries).
    """
    request = dict(params)
    request["continue"] = ""
    seen: set[tuple[tuple[str, str], ...]] = set()
    while True:
        answer: dict[str, Any] = dict(api.api(request))
        if budget is not None:
            budget.answer(where)
        if "query-continue" in answer and "continue" not in answer:
            raise DiscoveryError(
                where, "expected the 'continue' object (MediaWiki >= 1.26), found 'query-continue'"
            )
        yield answer
        cont = answer.get("continue")
        if not cont:
            return
        if not isinstance(cont, dict):
            raise DiscoveryError(where, f"expected a continue object, found {cont!r}")
        token = tuple(sorted((str(k), str(v)) for k, v in cont.items()))
        if token in seen:
            raise ContinuationLoop(
                where, f"expected a new continuation, found one already followed: {dict(token)}"
            )
        seen.add(token)
        request = dict(params)
        request.update({str(k): str(v) for k, v in cont.items()})


def list_pages(
    api: Api, namespace: int, budget: ListingBudget | None = None
) -> Iterator[ListedPage]:
    """Every non-redirect page of ``namespace`` with its id, revision, touched and length.

    A title listed again is skipped (and counted in a warning at the end); answers
    that bring no new title ``MAX_STALLED_ANSWERS`` times in a row end the listing.
    """
    budget = budget if budget is not None else ListingBudget(LISTING_DEFAULT_BOUND)
    seen: set[str] = set()
    repeated: list[str] = []
    refused: list[str] = []
    stalled = 0
    params = {
        "action": "query",
        "generator": "allpages",
        "gapnamespace": str(namespace),
        "gapfilterredir": "nonredirects",
        "gaplimit": MAX_LIMIT,
        "prop": "info",
    }
    where = f"allpages namespace {namespace}"
    for answer in _continued(api, params, where, budget):
        pages = (answer.get("query") or {}).get("pages") or []
        if isinstance(pages, dict):  # formatversion=1: keyed by page id
            pages = list(pages.values())
        fresh = 0
        budget.take(where, len(pages))
        for page in pages:
            if not isinstance(page, dict) or "missing" in page or _flag(page.get("redirect")):
                continue
            try:
                listed = ListedPage(
                    title=str(page["title"]),
                    namespace=int(page["ns"]),
                    page_id=int(page["pageid"]),
                    revision_id=int(page["lastrevid"]),
                    touched=str(page["touched"]),
                    length=int(page.get("length", 0)),
                )
            except (KeyError, TypeError, ValueError) as exc:
                raise DiscoveryError(
                    where, f"expected title, ns, pageid, lastrevid, touched; found {page!r}"
                ) from exc
            problem = title_problem(listed.title)
            if problem is not None:
                refused.append(f"{listed.title!r} ({problem})")
                continue
            if listed.title in seen:
                repeated.append(listed.title)
                continue
            seen.add(listed.title)
            fresh += 1
            yield listed
        stalled = 0 if fresh or not answer.get("continue") else stalled + 1
        if stalled >= MAX_STALLED_ANSWERS:
            raise ListingTooLong(
                where,
                f"expected each answer to bring new pages, found {stalled} answers in a row "
                "with none while the API still offers a continuation",
            )
    if refused:
        log.warning(
            "%s: %d listed titles MediaWiki cannot have were skipped: %s",
            where,
            len(refused),
            ", ".join(refused[:5]),
        )
    if repeated:
        log.warning(
            "%s: %d titles listed more than once, kept once: %s",
            where,
            len(repeated),
            ", ".join(sorted(set(repeated))[:5]),
        )


def _list(
    api: Api, params: Mapping[str, str], key: str, where: str, budget: ListingBudget | None
) -> Iterator[dict[str, Any]]:
    for answer in _continued(api, params, where, budget):
        entries = (answer.get("query") or {}).get(key) or []
        if budget is not None:
            budget.take(where, len(entries))
        for entry in entries:
            if isinstance(entry, dict):
                yield entry


def list_redirects(
    api: Api, namespaces: Sequence[int], budget: ListingBudget | None = None
) -> Iterator[Redirect]:
    """Every redirect page in ``namespaces`` whose target is in them too, with its version.

    Two listings joined on the redirect's page id: ``generator=allpages&gapfilterredir=
    redirects&prop=info`` names the redirect pages with their last revision and
    ``touched``, ``list=allredirects&arprop=ids|title`` names their targets
    (``fromid``). (The API refuses ``gapfilterredir=redirects`` with ``redirects=1``,
    which would have done both at once.) A redirect to a namespace not crawled leads
    nowhere the crawl goes and is left out.
    """
    sources: dict[int, tuple[str, int | None, str | None]] = {}
    for ns in namespaces:
        params = {
            "action": "query",
            "generator": "allpages",
            "gapnamespace": str(ns),
            "gapfilterredir": "redirects",
            "gaplimit": MAX_LIMIT,
            "prop": "info",
        }
        where = f"redirect pages namespace {ns}"
        for answer in _continued(api, params, where, budget):
            pages = (answer.get("query") or {}).get("pages") or []
            if isinstance(pages, dict):  # formatversion=1: keyed by page id
                pages = list(pages.values())
            if budget is not None:
                budget.take(where, len(pages))
            for entry in pages:
                if isinstance(entry, dict) and "pageid" in entry and "title" in entry:
                    revision = entry.get("lastrevid")
                    touched = entry.get("touched")
                    sources[int(entry["pageid"])] = (
                        str(entry["title"]),
                        int(revision) if isinstance(revision, int) else None,
                        str(touched) if isinstance(touched, str) else None,
                    )
    if not sources:
        return
    for ns in namespaces:
        params = {
            "action": "query",
            "list": "allredirects",
            "arnamespace": str(ns),
            "arprop": "ids|title",
            "arlimit": MAX_LIMIT,
        }
        where = f"redirect targets namespace {ns}"
        for entry in _list(api, params, "allredirects", where, budget):
            source = sources.get(int(entry.get("fromid", 0)))
            if source is not None and "title" in entry:
                yield Redirect(source[0], str(entry["title"]), source[1], source[2])
