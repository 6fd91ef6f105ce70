"""What the wiki holds: the page listing per namespace, and the redirects.

All of it comes from api.php, a few hundred titles per request, after siteinfo
(``scraper.crawl.siteinfo``: article path, namespaces, statistics, extensions):

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
  500 redirects each, per namespace).

Answers are read leniently in both JSON format versions (``formatversion=2``
gives booleans and ``name``; version 1 gives ``""`` flags and ``*``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from scraper.archive.rows import ListedPage
from scraper.crawl.listing import (
    LISTING_DEFAULT_BOUND,
    MAX_STALLED_ANSWERS,
    ListingBudget,
    listing_bound,
)
from scraper.crawl.siteinfo import Api, api_flag, api_int
from scraper.errors import ContinuationLoop, DiscoveryError, ListingTooLong
from scraper.net.articles import article_url, title_problem

__all__ = ["ListingBudget", "ListingTooLong", "article_url", "listing_bound"]

log = logging.getLogger(__name__)

#: titles asked per redirect/info request: the anonymous API limit
MAX_LIMIT = "max"


class Redirect(NamedTuple):
    """A redirect page as listed: where it points, and its version."""

    from_title: str
    to_title: str
    revision_id: int | None = None
    touched: str | None = None


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


def _query_list(answer: dict[str, Any], key: str, where: str) -> list[Any]:
    """``query.<key>`` of an answer as a list (formatversion=1 keys pages by id); none
    when absent. Anything else is a ``DiscoveryError`` naming what was found."""
    query = answer.get("query")
    if query is None or query == []:  # nothing found: no query, or PHP's empty array
        return []
    if not isinstance(query, dict):
        raise DiscoveryError(where, f"expected a query object, found {query!r:.80}")
    entries = query.get(key)
    if entries is None:
        return []
    if isinstance(entries, dict):
        return list(entries.values())
    if not isinstance(entries, list):
        raise DiscoveryError(where, f"expected query.{key} as a list, found {entries!r:.80}")
    return entries


def _answer_pages(answer: dict[str, Any], where: str) -> list[Any]:
    """The ``pages`` of a generator answer, as a list."""
    return _query_list(answer, "pages", where)


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
        pages = _answer_pages(answer, where)
        fresh = 0
        budget.take(where, len(pages))
        for page in pages:
            if not isinstance(page, dict) or "missing" in page or api_flag(page.get("redirect")):
                continue
            try:
                listed = ListedPage(
                    title=str(page["title"]),
                    namespace=api_int(where, "ns", page["ns"]),
                    page_id=api_int(where, "pageid", page["pageid"]),
                    revision_id=api_int(where, "lastrevid", page["lastrevid"]),
                    touched=str(page["touched"]),
                    length=api_int(where, "length", page.get("length", 0)),
                )
            except KeyError as exc:
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
        entries = _query_list(answer, key, where)
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
            pages = _answer_pages(answer, where)
            if budget is not None:
                budget.take(where, len(pages))
            for entry in pages:
                if isinstance(entry, dict) and "pageid" in entry and "title" in entry:
                    revision = entry.get("lastrevid")
                    touched = entry.get("touched")
                    sources[api_int(where, "pageid", entry["pageid"])] = (
                        str(entry["title"]),
                        None if revision is None else api_int(where, "lastrevid", revision),
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
            source = sources.get(api_int(where, "fromid", entry.get("fromid")))
            if source is not None and "title" in entry:
                yield Redirect(source[0], str(entry["title"]), source[1], source[2])
