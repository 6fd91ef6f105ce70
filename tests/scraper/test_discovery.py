"""Discovery against ``responses`` mocks of api.php, through the real ``Client``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import requests
import responses

from scraper.crawl.discovery import article_url, list_pages, list_redirects
from scraper.crawl.siteinfo import Namespace, SiteInfo, choose_namespaces, read_siteinfo
from scraper.errors import ContinuationLoop, DiscoveryError, UnknownNamespace
from scraper.net.client import Client, ClientSettings

SITE = "https://wiki.example"
API = f"{SITE}/api.php"

SITEINFO = {
    "batchcomplete": True,
    "query": {
        "general": {
            "sitename": "NORA Online",
            "server": "//wiki.example",
            "articlepath": "/wiki/$1",
            "script": "/index.php",
            "generator": "MediaWiki 1.39.6",
        },
        "namespaces": {
            "-1": {"id": -1, "name": "Speciaal", "canonical": "Special", "content": False},
            "0": {"id": 0, "name": "", "content": True},
            "14": {"id": 14, "name": "Categorie", "canonical": "Category", "content": False},
            "100": {"id": 100, "name": "FS", "canonical": "FS", "content": True},
            "102": {"id": 102, "name": "Werkruimte", "canonical": "Werkruimte", "content": True},
            "104": {"id": 104, "name": "Sandbox", "canonical": "Sandbox", "content": False},
        },
    },
}

Handler = Callable[[dict[str, str]], dict[str, Any]]


@pytest.fixture
def api_mock() -> Iterator[tuple[responses.RequestsMock, list[dict[str, str]], list[Handler]]]:
    """A mocked site: robots.txt 404 and api.php answered by the test's handler."""
    seen: list[dict[str, str]] = []
    handler: list[Handler] = []

    def callback(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        params = dict(parse_qsl(urlsplit(str(request.url)).query, keep_blank_values=True))
        seen.append(params)
        return 200, {"Content-Type": "application/json"}, json.dumps(handler[0](params))

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.GET, f"{SITE}/robots.txt", status=404)
        rsps.add_callback(responses.GET, API, callback=callback)
        yield rsps, seen, handler


def client() -> Client:
    settings = ClientSettings(site=SITE, contact="test@example.org", delay=0.0, retries=0)
    return Client(settings, None, sleep=lambda s: None)


def fake_allpages(titles: list[str], ns: int, limit: int = 2) -> Handler:
    """api.php generator=allpages as MediaWiki answers it: ``limit`` per answer + continue."""

    def handle(params: dict[str, str]) -> dict[str, Any]:
        assert params["generator"] == "allpages" and params["gapnamespace"] == str(ns)
        assert params["gaplimit"] == "max" and params["formatversion"] == "2"
        start = params.get("gapcontinue", "")
        rest = [t for t in sorted(titles) if t >= start]
        batch, more = rest[:limit], rest[limit:]
        pages = [
            {
                "pageid": 1000 + titles.index(t),
                "ns": ns,
                "title": t,
                "touched": "2026-11-01T00:00:00Z",
                "lastrevid": 5000 + titles.index(t),
                "length": 10 * len(t),
            }
            for t in batch
        ]
        answer: dict[str, Any] = {"query": {"pages": pages}}
        if more:
            answer["continue"] = {"gapcontinue": more[0], "continue": "gapcontinue||"}
        else:
            answer["batchcomplete"] = True
        return answer

    return handle


def test_siteinfo_reads_general_and_namespaces(api_mock: Any) -> None:
    _rsps, seen, handler = api_mock
    handler.append(lambda p: SITEINFO)
    info = read_siteinfo(client())
    assert seen[0]["meta"] == "siteinfo" and seen[0]["siprop"] == (
        "general|namespaces|statistics|extensions|specialpagealiases"
    )
    assert seen[0]["maxlag"] == "5"
    assert info.articlepath == "/wiki/$1" and info.generator == "MediaWiki 1.39.6"
    assert [n.id for n in info.namespaces] == [-1, 0, 14, 100, 102, 104]
    assert [n.id for n in info.namespaces if n.content] == [0, 100, 102]


def test_siteinfo_formatversion_1_flags() -> None:
    class V1:
        def api(self, params: Any) -> dict[str, object]:
            return {
                "query": {
                    "general": {"articlepath": "/index.php?title=$1", "server": "http://w"},
                    "namespaces": {
                        "0": {"id": 0, "*": "", "content": ""},
                        "4": {"id": 4, "*": "P"},
                    },
                }
            }

    info = read_siteinfo(V1())
    assert [(n.id, n.name, n.content) for n in info.namespaces] == [(0, "", True), (4, "P", False)]


def test_siteinfo_without_articlepath_is_an_error() -> None:
    class Bad:
        def api(self, params: Any) -> dict[str, object]:
            return {"query": {"general": {"articlepath": "/wiki/"}}}

    with pytest.raises(DiscoveryError, match=r"expected an articlepath with \$1"):
        read_siteinfo(Bad())


def test_listing_follows_the_whole_continue_object(api_mock: Any) -> None:
    _rsps, seen, handler = api_mock
    titles = ["Alpha", "Beta", "Gamma", "Delta", "Epsilon"]
    handler.append(fake_allpages(titles, 0))
    pages = list(list_pages(client(), 0))
    assert [p.title for p in pages] == sorted(titles)
    assert len(seen) == 3  # 2 + 2 + 1
    assert seen[0]["continue"] == ""
    assert seen[1]["gapcontinue"] == "Delta" and seen[1]["continue"] == "gapcontinue||"
    assert all(p["gapfilterredir"] == "nonredirects" and p["prop"] == "info" for p in seen)
    alpha = pages[0]
    assert (alpha.page_id, alpha.revision_id, alpha.length) == (1000, 5000, 50)


def test_repeated_continuation_is_an_error_not_a_loop(api_mock: Any) -> None:
    _rsps, seen, handler = api_mock

    def stuck(params: dict[str, str]) -> dict[str, Any]:
        page = {"pageid": 1, "ns": 0, "title": "A", "touched": "t", "lastrevid": 1, "length": 1}
        return {"query": {"pages": [page]}, "continue": {"gapcontinue": "B", "continue": "-||"}}

    handler.append(stuck)
    with pytest.raises(ContinuationLoop, match="already followed"):
        list(list_pages(client(), 0))
    assert len(seen) == 2  # the second answer repeats the token: stop there


def test_redirects_join_pages_and_targets_across_continuations(api_mock: Any) -> None:
    _rsps, seen, handler = api_mock

    def page(pageid: int, ns: int, title: str) -> dict[str, Any]:
        return {"pageid": pageid, "ns": ns, "title": title, "redirect": True,
                "lastrevid": pageid * 10, "touched": f"2026-01-0{pageid}T00:00:00Z"}  # fmt: skip

    def redirects(params: dict[str, str]) -> dict[str, Any]:
        if params.get("generator") == "allpages":
            assert params["gapfilterredir"] == "redirects" and params["prop"] == "info"
            if params["gapnamespace"] == "100":
                return {"query": {"pages": [page(9, 100, "FS:Oud")]}}
            if "gapcontinue" not in params:
                return {
                    "continue": {"gapcontinue": "Oud", "continue": "gapcontinue||"},
                    "query": {"pages": [page(7, 0, "Alias")]},
                }
            return {"query": {"pages": [page(8, 0, "Oud")]}}
        assert params["list"] == "allredirects" and params["arprop"] == "ids|title"
        if params["arnamespace"] == "0":
            return {
                "query": {
                    "allredirects": [
                        {"fromid": 7, "ns": 0, "title": "Doel"},
                        {"fromid": 8, "ns": 0, "title": "Nieuw"},
                        {"fromid": 9, "ns": 0, "title": "Doel"},
                        {"fromid": 99, "ns": 0, "title": "Elders"},  # from a namespace not crawled
                    ]
                }
            }
        return {"query": {"allredirects": []}}

    handler.append(redirects)
    found = list(list_redirects(client(), [0, 100]))
    assert [(r.from_title, r.to_title) for r in found] == [
        ("Alias", "Doel"),
        ("Oud", "Nieuw"),
        ("FS:Oud", "Doel"),
    ]
    # each with its version, so a redirect edited to point elsewhere is seen
    assert [(r.revision_id, r.touched) for r in found] == [
        (70, "2026-01-07T00:00:00Z"), (80, "2026-01-08T00:00:00Z"), (90, "2026-01-09T00:00:00Z")
    ]  # fmt: skip
    assert len(seen) == 5  # 2 + 1 redirect-page listings, 2 target listings

    seen.clear()
    handler[0] = lambda p: {"batchcomplete": True, "query": {"pages": []}}
    assert list(list_redirects(client(), [0])) == []
    assert len(seen) == 1  # no redirect pages: no target listing at all


def test_page_without_required_fields_is_an_error(api_mock: Any) -> None:
    _rsps, _seen, handler = api_mock
    handler.append(lambda p: {"query": {"pages": [{"title": "A", "ns": 0}]}})
    with pytest.raises(DiscoveryError, match="expected title, ns, pageid, lastrevid"):
        list(list_pages(client(), 0))


def test_listing_skips_redirect_flags_and_empty_namespaces(api_mock: Any) -> None:
    _rsps, _seen, handler = api_mock
    page = {"pageid": 1, "ns": 0, "title": "A", "touched": "t", "lastrevid": 2, "length": 3}
    redirect = {**page, "title": "R", "redirect": True}
    handler.append(lambda p: {"batchcomplete": True, "query": {"pages": [page, redirect]}})
    assert [p.title for p in list_pages(client(), 0)] == ["A"]
    handler[0] = lambda p: {"batchcomplete": True}
    assert list(list_pages(client(), 0)) == []


def site_with(*namespaces: Namespace) -> SiteInfo:
    return SiteInfo("//w", "/wiki/$1", "/index.php", "MediaWiki 1.39", "w", namespaces)


NS = (
    Namespace(-1, "Speciaal", "Special", False),
    Namespace(0, "", "", True),
    Namespace(14, "Categorie", "Category", False),
    Namespace(100, "FS", "FS", False),
    Namespace(102, "Werkruimte", "Werkruimte", True),
)


def test_namespace_filter_by_name_and_number() -> None:
    site = site_with(*NS)
    # defaults: content namespaces, plus FS, minus Werkruimte (where the wiki has them)
    assert [n.id for n in choose_namespaces(site)] == [0, 100]
    assert [n.id for n in choose_namespaces(site, [], ["category"])] == [0, 100, 102]
    assert [n.id for n in choose_namespaces(site, [0])] == [0]
    plain = site_with(NS[0], NS[1], NS[2])
    assert [n.id for n in choose_namespaces(plain)] == [0]
    assert [n.id for n in choose_namespaces(site, ["FS"], ["Werkruimte"])] == [0, 100]
    assert [n.id for n in choose_namespaces(site, [100, "category"], [102, "main"])] == [14, 100]
    with pytest.raises(UnknownNamespace, match="found 'Gebruikr'"):
        choose_namespaces(site, ["Gebruikr"])


def test_article_url_encodes_like_mediawiki() -> None:
    site = site_with(*NS)
    assert article_url(SITE, site, "Bron & Co (Doel)/sub") == f"{SITE}/wiki/Bron_%26_Co_(Doel)/sub"
    assert article_url(SITE, site, "FS:Één 'x'") == f"{SITE}/wiki/FS:%C3%89%C3%A9n_%27x%27"
    other = SiteInfo("https://elsewhere.example", "/index.php?title=$1", "", "", "", ())
    assert article_url(SITE, other, "A b") == f"{SITE}/index.php?title=A_b"


def test_article_url_never_leaves_the_article_path() -> None:
    from scraper.errors import TitleOutsideArticlePath
    from scraper.net.articles import title_problem

    site = site_with(*NS)
    for title in ("../../api.php", "..", "A/../../x", "./a", "A#b"):
        assert title_problem(title) is not None
        with pytest.raises(TitleOutsideArticlePath):
            article_url(SITE, site, title)
    assert title_problem("A\x00b") == "a control character"
    assert title_problem("Bron & Co (Doel)/sub.v2") is None
    assert title_problem("...en verder") is None  # dots that are no segment are fine
