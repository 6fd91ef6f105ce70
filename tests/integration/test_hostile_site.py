"""Issue 19: what a crawl sends to a site and keeps of it, and a site that lies or drips.

Each test runs a crawl against a fake MediaWiki on 127.0.0.1 (``tests.hostile``),
bounded in requests and time, and holds the behaviour that fixed one case.
"""

from __future__ import annotations

import base64
import gzip
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from commands.exits import ExitStatus, crawl_status
from scraper.archive.warc import WarcArchive
from tests.faultproxy import FaultProxy
from tests.hostile import HostileWiki, Page, Reply, Request, render
from tests.integration.test_hostile_crawl import crawl, nora

ROOT = Path(__file__).resolve().parents[2]


def _archived(data: Path) -> bytes:
    """Every WARC record of the data folder, decompressed, as one byte string."""
    return b"".join(gzip.decompress(p.read_bytes()) for p in sorted((data / "warc").iterdir()))


def _crawl_with_env(
    wiki: HostileWiki, data: Path, env: dict[str, str]
) -> subprocess.CompletedProcess[str]:
    keep = {k: v for k, v in os.environ.items() if "proxy" not in k.lower()}
    return subprocess.run(
        [
            sys.executable, "-m", "commands.cli", "crawl", "--site", wiki.url, "--data",
            str(data), "--delay", "0", "--no-progress", "--contact", "tests@example.org",
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        env={**keep, **env},
    )  # fmt: skip


# -- 2: credentials -------------------------------------------------------------------------


def test_a_netrc_entry_for_the_site_sends_no_credentials(tmp_path: Path) -> None:
    """requests read ~/.netrc: every request carried Authorization: Basic, and every WARC
    request record (and so the WACZ) kept it."""
    home = tmp_path / "home"
    home.mkdir()
    (home / ".netrc").write_text("machine 127.0.0.1 login bot password s3cret\n")
    (home / ".netrc").chmod(0o600)
    sent: list[tuple[str, str]] = []

    def listen(request: Request) -> Reply | None:
        sent.extend(request.headers)
        return None

    with HostileWiki(misbehave=listen) as wiki:
        result = _crawl_with_env(wiki, tmp_path / "data", {"HOME": str(home)})
    assert result.returncode == ExitStatus.OK, result.stdout + result.stderr
    assert sent and not [v for k, v in sent if k.lower() == "authorization"]
    archived = _archived(tmp_path / "data")
    assert b"s3cret" not in archived and base64.b64encode(b"bot:s3cret") not in archived
    assert b"Authorization" not in archived


def test_a_proxy_from_the_environment_is_used_and_its_password_not_archived(
    tmp_path: Path,
) -> None:
    with HostileWiki() as wiki, FaultProxy(seed=1, rate=0.0) as proxy:
        with_password = proxy.url.replace("http://", "http://user:pr0xypw@")
        result = _crawl_with_env(wiki, tmp_path / "data", {"HTTP_PROXY": with_password})
    assert result.returncode == ExitStatus.OK, result.stdout + result.stderr
    assert proxy.forwarded == len(wiki.seen) > 5  # every request went through the proxy
    archived = _archived(tmp_path / "data")
    assert b"pr0xypw" not in archived and base64.b64encode(b"user:pr0xypw") not in archived


def test_a_session_cookie_the_site_sets_is_sent_back_but_not_archived(tmp_path: Path) -> None:
    cookies: list[str] = []

    def session(request: Request) -> Reply | None:
        cookies.extend(v for k, v in request.headers if k.lower() == "cookie")
        if request.path == "/robots.txt":
            return Reply(
                200,
                b"User-agent: *\nDisallow: /private\n",
                (("Content-Type", "text/plain"), ("Set-Cookie", "wikiSession=s3ss10n; Path=/")),
            )
        return None

    with HostileWiki(misbehave=session) as wiki:
        result = _crawl_with_env(wiki, tmp_path / "data", {})
    assert result.returncode == ExitStatus.OK, result.stdout + result.stderr
    assert cookies and all("s3ss10n" in c for c in cookies)  # the site's own session works
    archived = _archived(tmp_path / "data")
    assert archived.count(b"s3ss10n") == 1  # only in the response that set it
    assert b"Cookie: [redacted]" in archived


def test_credentials_in_request_headers_are_redacted_in_the_record(tmp_path: Path) -> None:
    secrets = [
        ("Authorization", "Basic Ym90OnMzY3JldA=="),
        ("proxy-authorization", "Basic dXNlcjpwcjB4eXB3"),
        ("Cookie", "wikiSession=s3ss10n"),
    ]
    with WarcArchive(tmp_path) as archive:
        archive.write_exchange(
            "GET", "https://wiki.example/wiki/A", [("Host", "wiki.example"), *secrets],
            200, "OK", [("Content-Type", "text/html")], b"<html></html>",
            "2026-11-29T08:00:00Z",
        )  # fmt: skip
    archived = b"".join(gzip.decompress(p.read_bytes()) for p in archive.files())
    for name, value in secrets:
        assert value.encode() not in archived
        assert f"{name}: [redacted]".encode() in archived
    assert b"Host: wiki.example" in archived


# -- 7: a drip is the site's state, not a blip -------------------------------------------


def _drip(wiki: HostileWiki, paths: tuple[str, ...]) -> HostileWiki:
    """``wiki`` answering ``paths`` one byte every 0.1 s (10 bytes/s): 200 bytes take 20 s."""

    def misbehave(request: Request) -> Reply | None:
        if not request.path.startswith(paths):
            return None
        normal = wiki.answer(request)
        return Reply(normal.status, normal.body.ljust(200), normal.headers, drip_body=0.1)

    wiki.misbehave = misbehave
    return wiki


@pytest.mark.parametrize(
    ("dripping", "asked"),
    [(("/robots.txt",), "/robots.txt"), (("/wiki/",), "/wiki/")],
)
def test_a_site_that_drips_is_given_up_after_one_retry(
    tmp_path: Path, dripping: tuple[str, ...], asked: str
) -> None:
    """At 1 byte/s, robots.txt (or a page) was cut at the 120 s limit and tried six times:
    12 minutes per dripping answer, and 5 such pages in a row before the run gave up.

    Scaled down: a 1 s limit per request (timeout 0.25 s x 4), six retries allowed."""
    with _drip(HostileWiki(max_seconds=20), dripping) as wiki:
        started = time.monotonic()
        outcome = crawl(wiki, tmp_path, timeout=0.25, retries=5, give_up_after=5)
        elapsed = time.monotonic() - started
    assert crawl_status(outcome) == ExitStatus.UNREACHABLE, outcome.summary()
    if asked == "/robots.txt":  # the first request: one retry, and the run ends
        assert wiki.count("/robots.txt") == 2 and wiki.count("/api.php") == 0
    else:  # two pages, each tried twice, then the site is unusable
        assert "2 requests in a row dripping" in outcome.message
        assert wiki.count("/wiki/") == 4
    assert elapsed < 10, elapsed  # 4 limits of 1 s, not 30


def test_a_slow_but_moving_answer_cut_at_the_limit_is_still_a_timeout(tmp_path: Path) -> None:
    """Above min_rate an answer cut at its limit is an ordinary timeout, retried as before."""
    with _drip(HostileWiki(max_seconds=20), ("/wiki/Alfa",)) as wiki:
        outcome = crawl(wiki, tmp_path, timeout=0.25, retries=2, min_rate=1.0)
    assert crawl_status(outcome) == ExitStatus.PARTIAL, outcome.summary()
    assert outcome.failed == 1 and wiki.count("/wiki/Alfa") == 3


# -- 6: a site that lies ---------------------------------------------------------------------


def _lying(
    change: Callable[[dict[str, str], dict[str, Any]], dict[str, Any] | None],
) -> HostileWiki:
    """A wiki whose API answers go through ``change(query, answer)`` (None: unchanged)."""
    wiki = HostileWiki()
    honest = wiki.api

    def api(query: dict[str, str]) -> dict[str, Any]:
        answer = honest(query)
        return change(query, answer) or answer

    wiki.api = api  # type: ignore[method-assign]
    return wiki


def _siteinfo(query: dict[str, str]) -> bool:
    return query.get("meta") == "siteinfo"


def _allpages(query: dict[str, str]) -> bool:
    return query.get("generator") == "allpages" and query.get("gapfilterredir") != "redirects"


def _namespace_id(value: Any) -> Callable[[dict[str, str], dict[str, Any]], None]:
    def change(query: dict[str, str], answer: dict[str, Any]) -> None:
        if _siteinfo(query):
            answer["query"]["namespaces"]["0"]["id"] = value

    return change


def _first_page(field: str, value: Any) -> Callable[[dict[str, str], dict[str, Any]], None]:
    def change(query: dict[str, str], answer: dict[str, Any]) -> None:
        if _allpages(query):
            answer["query"]["pages"][0][field] = value

    return change


def _query(value: Any) -> Callable[[dict[str, str], dict[str, Any]], dict[str, Any] | None]:
    return lambda query, answer: {"query": value} if _allpages(query) else None


def _pages(value: Any) -> Callable[[dict[str, str], dict[str, Any]], dict[str, Any] | None]:
    return lambda query, answer: {"query": {"pages": value}} if _allpages(query) else None


def _redirect(fromid: Any, listing: Any = None) -> Callable[..., dict[str, Any] | None]:
    """One redirect page (id 99), and its target listed with ``fromid`` (or ``listing``)."""

    def change(query: dict[str, str], answer: dict[str, Any]) -> dict[str, Any] | None:
        if query.get("gapfilterredir") == "redirects":
            page = {"pageid": 99, "ns": 0, "title": "Oud", "lastrevid": 9, "touched": "t"}
            return {"query": {"pages": [page]}}
        if query.get("list") == "allredirects":
            entries = [{"fromid": fromid, "ns": 0, "title": "Alfa"}] if listing is None else listing
            return {"query": {"allredirects": entries}}
        return None

    return change


LIES: dict[str, tuple[Callable[..., Any], str]] = {
    "namespace id 'abc'": (_namespace_id("abc"), "expected namespace id as a whole number"),
    "namespace id null": (_namespace_id(None), "found None"),
    "pageid 10**20": (_first_page("pageid", 10**20), "expected pageid as a whole number"),
    "pageid inf": (_first_page("pageid", float("inf")), "found inf"),
    "lastrevid '7x'": (_first_page("lastrevid", "7x"), "expected lastrevid as a whole number"),
    "query as list": (_query(["Alfa"]), "expected a query object, found ['Alfa']"),
    "query as string": (_query("Alfa"), "expected a query object, found 'Alfa'"),
    "pages as int": (_pages(5), "expected query.pages as a list, found 5"),
    "fromid 'x'": (_redirect("x"), "expected fromid as a whole number, found 'x'"),
    "fromid null": (_redirect(None), "expected fromid as a whole number, found None"),
    "allredirects 5": (_redirect(1, 5), "expected query.allredirects as a list, found 5"),
}


@pytest.mark.parametrize("lie", sorted(LIES))
def test_an_answer_that_lies_is_malformed_not_a_crash(tmp_path: Path, lie: str) -> None:
    """Each was "internal error (a bug)", exit 70 (OverflowError, SQLite overflow, ...)."""
    change, said = LIES[lie]
    with _lying(change) as wiki:
        if lie == "pageid inf":  # JSON's 1e400, which Python reads as inf
            wiki.misbehave = lambda r: (
                Reply(200, json.dumps(wiki.api(r.query)).replace("Infinity", "1e400").encode())
                if r.path == "/api.php" and _allpages(r.query)
                else None
            )
        result = _crawl_with_env(wiki, tmp_path / "data", {})
    assert result.returncode == ExitStatus.UNREACHABLE, result.stdout + result.stderr
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    assert "the site's answer cannot be used" in result.stdout and said in result.stdout


def test_an_smw_type_that_is_not_text_is_a_malformed_answer() -> None:
    """``fulltext: 5`` in the ``Has type`` ask was an AttributeError: exit 70. As every
    malformed SMW answer, it is now a SmwAnswerError: the crawl notes it and goes on."""
    from parsers.errors import SmwAnswerError
    from parsers.facts import parse_types

    answer = {"query": {"results": {"Eigenschap:Heeft bron": {"printouts": {"Has type": [
        {"fulltext": 5}
    ]}}}}}  # fmt: skip
    with pytest.raises(SmwAnswerError, match="expected a type name, found 5"):
        parse_types(json.dumps(answer))


def test_the_listed_title_is_kept_when_a_page_names_itself_otherwise(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """wgPageName overrode the listed title: three pages all named "Same page", and an NFD
    "Café" took the NFC one, so ``pages`` held duplicate titles."""
    nfc, nfd = "Caf\u00e9", "Cafe\u0301"
    listed = ("Alfa", "Beta", "Gamma", nfc, "Epsilon")

    def impostor(request: Request) -> Reply | None:
        if request.title in ("Alfa", "Beta", "Gamma"):
            return Reply(200, render(Page("Same page", page_id=7)))
        if request.title == nfc:
            return Reply(200, render(Page(nfd, page_id=4)))
        return None

    with HostileWiki(titles=listed, misbehave=impostor) as wiki:
        outcome = crawl(wiki, tmp_path)
    assert crawl_status(outcome) == ExitStatus.PARTIAL, outcome.summary()  # the warnings
    latest = (tmp_path / "snapshots" / "latest").resolve()
    pages = pd.read_parquet(latest / "pages.parquet")
    assert sorted(pages["title"]) == sorted(listed)
    warned = {t: list(w) for t, w in zip(pages["title"], pages["warnings"], strict=True) if len(w)}
    assert sorted(warned) == sorted(["Alfa", "Beta", "Gamma", nfc])
    assert warned["Alfa"] == ["listed-title: listed as 'Alfa', the page names itself 'Same page'"]
    assert "kept the listed title" in caplog.text
    for table in ("properties", "sections"):
        titles = set(pd.read_parquet(latest / f"{table}.parquet")["title"])
        assert titles == set(listed), table


def test_an_articlepath_with_a_space_gives_urls_every_reader_accepts(tmp_path: Path) -> None:
    """``/my wiki/$1`` was taken as it is: warcio warned of the target URI, ``nora graph``
    exited 70 (Invalid IRI code point ' ') and ``nora package`` 2."""

    def spaced(request: Request) -> Reply | None:
        if request.path.startswith("/my%20wiki/") and request.title in wiki.pages:
            return Reply(200, render(wiki.pages[request.title]))
        return None

    data = tmp_path / "data"
    with HostileWiki(articlepath="/my wiki/$1", misbehave=spaced) as wiki:
        result = _crawl_with_env(wiki, data, {})
    assert result.returncode == ExitStatus.OK, result.stdout + result.stderr
    assert "warc" not in result.stderr.lower(), result.stderr
    assert wiki.count("/my%20wiki/") == 5
    urls = pd.read_parquet(data / "snapshots" / "latest" / "pages.parquet")["url"]
    assert all("/my%20wiki/" in url for url in urls), list(urls)
    for command in (["graph", "--out", str(tmp_path / "g.ttl")],
                    ["package", "--out", str(tmp_path / "p.wacz")]):  # fmt: skip
        done = nora(*command, "--data", str(data))
        assert done.returncode == ExitStatus.OK, done.stdout + done.stderr


@pytest.mark.parametrize("key", ["wgArticleId", "wgRevisionId", "wgNamespaceNumber"])
def test_a_page_claiming_an_id_past_any_column_is_a_warning_not_a_crash(
    tmp_path: Path, key: str
) -> None:
    """A page's own wgArticleId (or revision, namespace) of 10**20 stopped the crawl:
    OverflowError from SQLite or Parquet, exit 70."""

    def lie(request: Request) -> Reply | None:
        if request.title != "Alfa":
            return None
        html = render(wiki.pages["Alfa"]).decode()
        conf = html[html.index("RLCONF=") + 7 : html.index(";</script>")]
        claimed = {**json.loads(conf), key: 10**20}
        return Reply(200, html.replace(conf, json.dumps(claimed)).encode())

    with HostileWiki(misbehave=lie) as wiki:
        outcome = crawl(wiki, tmp_path)
    assert crawl_status(outcome) == ExitStatus.PARTIAL, outcome.summary()  # the warning
    pages = pd.read_parquet(tmp_path / "snapshots" / "latest" / "pages.parquet")
    alfa = pages[pages["title"] == "Alfa"].iloc[0]
    assert "is out of range" in " ".join(alfa["warnings"])
    again = nora("export", "--data", str(tmp_path), "--workers", "1", "--out", f"{tmp_path}/x")
    assert again.returncode == ExitStatus.PARTIAL, again.stdout + again.stderr
