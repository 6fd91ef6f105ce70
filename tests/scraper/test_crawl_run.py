"""The crawl run end to end against a ``responses`` mock of a small MediaWiki.

The mock serves robots.txt, api.php (siteinfo, allpages with continuation,
redirects) and rendered pages whose "Afgeleide relaties" are computed from the
other pages, as SMW does: editing A changes the pages A points to without
touching their revisions. The real-wiki tests are in test_crawl_wiki.py.
"""

from __future__ import annotations

import html
import json
import re
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

import pandas as pd
import pytest
import requests
import responses

from commands.exits import ExitStatus, crawl_status
from scraper.archive.state import State
from scraper.crawl.config import CrawlConfig
from scraper.crawl.run import Crawler

SITE = "https://wiki.example"


@dataclass
class MockPage:
    page_id: int
    rev: int
    touched: str
    targets: list[str]
    text: str = ""
    ns: int = 0


@dataclass
class MockWiki:
    pages: dict[str, MockPage] = field(default_factory=dict)
    redirects: dict[str, str] = field(default_factory=dict)
    fetched: list[str] = field(default_factory=list)  # page titles requested
    api_calls: int = 0
    fail: set[str] = field(default_factory=set)  # titles answered with 500
    vanished: set[str] = field(default_factory=set)  # listed, but answered with 404
    next_rev: int = 100

    def add(self, title: str, targets: list[str], ns: int = 0) -> None:
        self.next_rev += 1
        pid = 1 + max((p.page_id for p in self.pages.values()), default=0)
        self.pages[title] = MockPage(pid, self.next_rev, f"T{self.next_rev}", targets, ns=ns)

    def edit(self, title: str, targets: list[str]) -> None:
        self.next_rev += 1
        page = self.pages[title]
        page.rev, page.touched, page.targets = self.next_rev, f"T{self.next_rev}", targets

    def derived(self, title: str) -> list[str]:
        return sorted(t for t, p in self.pages.items() if title in p.targets)

    def render(self, title: str) -> str:
        page = self.pages[title]
        conf = {
            "wgPageName": title.replace(" ", "_"),
            "wgTitle": title,
            "wgNamespaceNumber": page.ns,
            "wgArticleId": page.page_id,
            "wgRevisionId": page.rev,
            "wgCurRevisionId": page.rev,
            "wgCategories": [],
        }

        def link(t: str) -> str:
            return f'<a href="/wiki/{t.replace(" ", "_")}" title="{html.escape(t)}">{t}</a>'

        head = "<tr><th>Vertrekpunt</th><th>Relatie</th><th>Eindpunten</th></tr>"
        direct = "".join(
            f'<tr><td><a class="mw-selflink selflink">{title}</a></td>'
            f"<td>is gerelateerd aan</td><td>{link(t)}</td></tr>"
            for t in page.targets
        )
        derived = "".join(
            f"<tr><td>{link(s)}</td><td>is gerelateerd aan</td>"
            f'<td><a class="mw-selflink selflink">{title}</a></td></tr>'
            for s in self.derived(title)
        )
        return (
            f"<!DOCTYPE html><html><head><script>RLCONF={json.dumps(conf)};</script></head>"
            f'<body><h1 id="firstHeading">{title}</h1><div id="mw-content-text">'
            f'<div class="mw-parser-output"><p>Tekst van {title} r{page.rev}</p>'
            f'<h2><span class="mw-headline" id="Relaties">Relaties</span></h2>'
            f'<table class="wikitable"><tbody>{head}{direct}</tbody></table>'
            f'<h2><span class="mw-headline" id="Afgeleide_relaties">Afgeleide relaties</span></h2>'
            f'<table class="wikitable"><tbody>{head.replace("Eindpunten", "Eindpunt")}'
            f"{derived}</tbody></table></div></div></body></html>"
        )

    def api(self, params: dict[str, str]) -> dict[str, Any]:
        self.api_calls += 1
        if params.get("meta") == "siteinfo":
            return {
                "query": {
                    "general": {
                        "server": SITE,
                        "articlepath": "/wiki/$1",
                        "generator": "MediaWiki 1.39.6",
                        "sitename": "Mock",
                    },
                    "namespaces": {
                        "0": {"id": 0, "name": "", "content": True},
                        "102": {"id": 102, "name": "Eigenschap", "content": False},
                    },
                }
            }
        ids = {title: 9000 + i for i, title in enumerate(sorted(self.redirects))}
        if params.get("gapfilterredir") == "redirects":
            found = [
                {"pageid": i, "ns": 0, "title": t, "redirect": True, "lastrevid": i,
                 "touched": "2026-01-01T00:00:00Z"}
                for t, i in ids.items()
            ]  # fmt: skip
            return {"query": {"pages": found if params["gapnamespace"] == "0" else []}}
        if params.get("list") == "allredirects":
            targets = [{"fromid": ids[a], "ns": 0, "title": b} for a, b in self.redirects.items()]
            return {"query": {"allredirects": targets if params["arnamespace"] == "0" else []}}
        ns = int(params["gapnamespace"])
        titles = sorted(t for t, p in self.pages.items() if p.ns == ns)
        start = params.get("gapcontinue", "")
        rest = [t for t in titles if t >= start]
        batch, more = rest[:2], rest[2:]  # two per answer: continuation is exercised
        pages = [
            {
                "pageid": self.pages[t].page_id,
                "ns": ns,
                "title": t,
                "lastrevid": self.pages[t].rev,
                "touched": self.pages[t].touched,
                "length": 100,
            }
            for t in batch
        ]
        answer: dict[str, Any] = {"query": {"pages": pages}}
        if more:
            answer["continue"] = {"gapcontinue": more[0], "continue": "gapcontinue||"}
        return answer


@pytest.fixture
def wiki() -> Iterator[MockWiki]:
    mock = MockWiki()

    def api(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        params = dict(parse_qsl(urlsplit(str(request.url)).query, keep_blank_values=True))
        return 200, {"Content-Type": "application/json"}, json.dumps(mock.api(params))

    def page(request: requests.PreparedRequest) -> tuple[int, dict[str, str], str]:
        title = unquote(urlsplit(str(request.url)).path.removeprefix("/wiki/")).replace("_", " ")
        mock.fetched.append(title)
        if title in mock.fail:
            return 500, {}, "boom"
        if title not in mock.pages or title in mock.vanished:
            return 404, {"Content-Type": "text/html"}, "<html>Deze pagina bestaat niet</html>"
        return 200, {"Content-Type": "text/html; charset=UTF-8"}, mock.render(title)

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.GET, f"{SITE}/robots.txt", body="User-agent: *\nDisallow: /private\n")
        rsps.add_callback(responses.GET, f"{SITE}/api.php", callback=api)
        rsps.add_callback(responses.GET, re.compile(rf"{SITE}/wiki/.*"), callback=page)
        yield mock


def crawl(tmp_path: Path, **kwargs: Any) -> Any:
    config = CrawlConfig(site=SITE, contact="test@example.org", delay=0.0, data_dir=tmp_path)
    settings: dict[str, Any] = {
        k: kwargs.pop(k) for k in ("max_requests", "max_shrink") if k in kwargs
    }
    if settings:
        from dataclasses import replace

        config = replace(config, **settings)
    fast = {"retries": 1, "backoff_base": 0.001, "backoff_cap": 0.01}
    return Crawler(config, client_settings=fast, **kwargs).run()


def table(snapshot: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(snapshot / f"{name}.parquet")


def relations_of(snapshot: Path) -> set[tuple[str, str, str, str]]:
    df = table(snapshot, "relations")
    rows = df[["title", "kind", "source", "target"]].astype(str).to_numpy().tolist()
    return {(a, b, c, d) for a, b, c, d in rows}


def expected_relations(wiki: MockWiki) -> set[tuple[str, str, str, str]]:
    out = set()
    for title, page in wiki.pages.items():
        out |= {(title, "direct", title, t) for t in page.targets}
        out |= {(title, "derived", s, title) for s in wiki.derived(title)}
    return out


def seed(wiki: MockWiki) -> None:
    wiki.add("A", ["B"])
    wiki.add("B", [])
    wiki.add("C", ["A"])
    wiki.add("D", [])
    wiki.add("E", ["D"])


def test_first_crawl_fetches_all_and_publishes(tmp_path: Path, wiki: MockWiki) -> None:
    seed(wiki)
    wiki.redirects["Oud A"] = "A"
    outcome = crawl(tmp_path)
    assert crawl_status(outcome) == ExitStatus.OK, outcome.summary()
    assert sorted(wiki.fetched) == ["A", "B", "C", "D", "E"]
    snap = tmp_path / "snapshots" / "latest"
    assert snap.resolve() == outcome.snapshot_dir.resolve()
    assert list(table(snap, "pages").title) == ["A", "B", "C", "D", "E"]
    assert relations_of(snap) == expected_relations(wiki)
    manifest = json.loads((snap / "manifest.json").read_text())
    assert manifest["command"] == "crawl" and manifest["extra"]["crawl_complete"] is True
    with State.open(tmp_path / "state.sqlite") as state:
        assert state.redirects(outcome.crawl_id) == {"Oud A": "A"}
        assert [c.status for c in state.crawls()] == ["complete"]
    log_lines = (tmp_path / "logs" / f"crawl-{outcome.crawl_id}.jsonl").read_text().splitlines()
    events = [json.loads(line)["event"] for line in log_lines]
    assert events[0] == "start" and events[-1] == "end" and events.count("fetch") == 5


def test_recrawl_fetches_changed_pages_and_relation_targets(tmp_path: Path, wiki: MockWiki) -> None:
    seed(wiki)
    crawl(tmp_path)
    wiki.fetched.clear()
    assert crawl_status(crawl(tmp_path)) == ExitStatus.OK
    assert wiki.fetched == []  # nothing changed: listing only

    wiki.edit("A", ["D"])  # A: old target B, new target D
    wiki.add("F", ["E"])  # new page F points at E
    del wiki.pages["C"]  # deleted page C pointed at A (already changed)
    outcome = crawl(tmp_path)
    assert crawl_status(outcome) == ExitStatus.OK, outcome.summary()
    assert sorted(wiki.fetched) == ["A", "B", "D", "E", "F"]
    snap = outcome.snapshot_dir
    assert list(table(snap, "pages").title) == ["A", "B", "D", "E", "F"]
    assert relations_of(snap) == expected_relations(wiki)


def test_failed_page_keeps_previous_version_and_is_retried(
    tmp_path: Path, wiki: MockWiki, caplog: pytest.LogCaptureFixture
) -> None:
    seed(wiki)
    crawl(tmp_path)
    wiki.edit("B", ["E"])
    wiki.fail.add("B")
    outcome = crawl(tmp_path)
    assert crawl_status(outcome) == ExitStatus.PARTIAL
    assert outcome.failed == 1 and outcome.kept_previous == 1
    assert "keeps the version archived" in caplog.text
    pages = table(outcome.snapshot_dir, "pages")
    assert list(pages.title) == ["A", "B", "C", "D", "E"]  # B still there, old version
    manifest = json.loads((outcome.snapshot_dir / "manifest.json").read_text())
    assert manifest["extra"]["failed_titles"] == ["B"]
    assert manifest["extra"]["crawl_complete"] is False
    wiki.fail.clear()
    wiki.fetched.clear()
    again = crawl(tmp_path)
    assert crawl_status(again) == ExitStatus.OK
    assert sorted(wiki.fetched) == ["B", "E"]  # retry-failed + its new target
    assert relations_of(again.snapshot_dir) == expected_relations(wiki)


def test_failed_page_without_previous_version_is_missing(tmp_path: Path, wiki: MockWiki) -> None:
    seed(wiki)
    wiki.fail.add("D")
    outcome = crawl(tmp_path)
    assert crawl_status(outcome) == ExitStatus.PARTIAL and outcome.missing == 1
    assert "D" not in set(table(outcome.snapshot_dir, "pages").title)


def test_a_listed_page_answering_404_is_a_failure_not_gone(tmp_path: Path, wiki: MockWiki) -> None:
    seed(wiki)
    wiki.add("Ghost", [])
    wiki.vanished.add("Ghost")  # listed by the API, but 404 at its article URL
    outcome = crawl(tmp_path)
    assert crawl_status(outcome) == ExitStatus.PARTIAL and outcome.gone == 0 and outcome.failed == 1
    assert "Ghost" in wiki.fetched and "1 pages have no archived version: Ghost" in outcome.message
    assert "Ghost" not in set(table(outcome.snapshot_dir, "pages").title)
    wiki.vanished.clear()  # failed pages are retried by the next run
    assert crawl_status(crawl(tmp_path)) == ExitStatus.OK


def test_dry_run_prints_the_plan_and_fetches_no_page(tmp_path: Path, wiki: MockWiki) -> None:
    seed(wiki)
    crawl(tmp_path)
    wiki.edit("A", ["D"])
    wiki.fetched.clear()
    outcome = crawl(tmp_path, dry_run=True)
    assert crawl_status(outcome) == ExitStatus.OK
    assert wiki.fetched == []
    assert "changed" in outcome.message and "relation-target" in outcome.message
    assert outcome.plan.counts == {"changed": 1, "relation-target": 1, "unchanged": 3}
    assert not (tmp_path / "warc").exists() or len(list((tmp_path / "warc").iterdir())) == 1


def test_budget_exhausted_stops_before_the_snapshot_then_resumes(
    tmp_path: Path, wiki: MockWiki
) -> None:
    seed(wiki)
    # robots + siteinfo + 3 listing + 1 redirect pages = 6 requests, then two pages
    outcome = crawl(tmp_path, max_requests=8)
    assert crawl_status(outcome) == ExitStatus.PARTIAL and "run again" in outcome.message
    assert not (tmp_path / "snapshots" / "latest").exists()
    assert sorted(wiki.fetched) == ["A", "B"]
    outcome = crawl(tmp_path)
    assert crawl_status(outcome) == ExitStatus.OK
    assert sorted(wiki.fetched) == ["A", "B", "C", "D", "E"]  # nothing twice
    assert outcome.crawl_id == 1
    assert relations_of(outcome.snapshot_dir) == expected_relations(wiki)


def test_full_refetches_everything(tmp_path: Path, wiki: MockWiki) -> None:
    seed(wiki)
    crawl(tmp_path)
    wiki.fetched.clear()
    outcome = crawl(tmp_path, full=True)
    assert crawl_status(outcome) == ExitStatus.OK
    assert sorted(wiki.fetched) == ["A", "B", "C", "D", "E"]


def test_unknown_namespace_is_usage(tmp_path: Path, wiki: MockWiki) -> None:
    seed(wiki)
    config = CrawlConfig(
        site=SITE, contact="t", delay=0.0, data_dir=tmp_path, namespaces=("Nergens",)
    )
    assert crawl_status(Crawler(config).run()) == ExitStatus.USAGE


def test_archived_but_unindexed_page_is_reindexed_not_refetched(
    tmp_path: Path, wiki: MockWiki, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(wiki)
    original = State.record_fetch
    calls = {"n": 0}

    def dies_on_third(self: State, fetch: Any, targets: Any = ()) -> int:
        calls["n"] += 1
        if calls["n"] == 3:  # the WARC record of C is durable; its index row never commits
            raise KeyboardInterrupt
        return original(self, fetch, targets)

    monkeypatch.setattr(State, "record_fetch", dies_on_third)
    with pytest.raises(KeyboardInterrupt):
        crawl(tmp_path)
    monkeypatch.setattr(State, "record_fetch", original)
    assert sorted(wiki.fetched) == ["A", "B", "C"]
    outcome = crawl(tmp_path)
    assert crawl_status(outcome) == ExitStatus.OK
    assert sorted(wiki.fetched) == ["A", "B", "C", "D", "E"]  # C was re-indexed, not refetched
    log_text = (tmp_path / "logs" / f"crawl-{outcome.crawl_id}.jsonl").read_text()
    assert '"event": "reindexed", "title": "C"' in log_text
    assert relations_of(outcome.snapshot_dir) == expected_relations(wiki)


def test_site_going_down_stops_the_run_and_the_next_run_resumes(
    tmp_path: Path, wiki: MockWiki
) -> None:
    seed(wiki)
    wiki.add("F", [])
    wiki.add("G", [])
    wiki.fail = set(wiki.pages)  # every page answers 500: the site is down
    outcome = crawl(tmp_path)
    assert crawl_status(outcome) == ExitStatus.UNREACHABLE and "run again" in outcome.message
    assert not (tmp_path / "snapshots" / "latest").exists()
    with State.open(tmp_path / "state.sqlite") as state:
        failed = [f for f in state.fetches.crawl_fetches(1).values() if f.outcome == "failed"]
        assert len(failed) == 4  # the fifth failure in a row stopped the run, unrecorded
        assert state.unfinished_crawl(SITE) is not None
    wiki.fail.clear()
    wiki.fetched.clear()
    outcome = crawl(tmp_path)
    assert crawl_status(outcome) == ExitStatus.OK and outcome.crawl_id == 1
    assert sorted(wiki.fetched) == ["A", "B", "C", "D", "E", "F", "G"]


def test_budget_spent_during_the_listing_is_partial_not_unreachable(
    tmp_path: Path, wiki: MockWiki
) -> None:
    seed(wiki)
    outcome = crawl(tmp_path, max_requests=3)  # robots + siteinfo + one listing request
    assert crawl_status(outcome) == ExitStatus.PARTIAL
    assert crawl_status(crawl(tmp_path)) == ExitStatus.OK  # the next run gets through


def test_a_damaged_archived_record_is_reported_and_later_crawls_go_on(
    tmp_path: Path, wiki: MockWiki
) -> None:
    seed(wiki)
    assert crawl_status(crawl(tmp_path)) == ExitStatus.OK
    with sqlite3.connect(tmp_path / "state.sqlite") as db:
        warc, offset = db.execute(
            "SELECT warc_file, warc_offset FROM fetches WHERE title = 'D' AND outcome = 'ok'"
        ).fetchone()
    path = tmp_path / "warc" / warc
    raw = bytearray(path.read_bytes())
    raw[offset + 40] ^= 0xFF  # inside D's gzip member
    path.write_bytes(bytes(raw))
    wiki.edit("A", ["B"])  # a change, so the next crawl writes a new snapshot
    outcome = crawl(tmp_path, max_shrink=0.5)  # 1 of 5 pages lost: more than the default 10%
    assert crawl_status(outcome) == ExitStatus.PARTIAL
    assert "D" not in set(table(outcome.snapshot_dir, "pages").title)
    again = crawl(tmp_path, max_shrink=0.5)
    assert crawl_status(again) == ExitStatus.PARTIAL  # not stuck on the same crawl


def test_a_resumed_crawl_that_fetches_more_writes_a_fresh_snapshot(
    tmp_path: Path, wiki: MockWiki, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(wiki)
    wiki.fail.add("B")

    def killed(*args: Any) -> None:
        raise KeyboardInterrupt  # stands in for kill -9 between writing and publishing

    monkeypatch.setattr("scraper.crawl.publication.publish", killed)
    with pytest.raises(KeyboardInterrupt):
        crawl(tmp_path)
    monkeypatch.undo()
    stale = [p for p in (tmp_path / "snapshots").iterdir() if not p.name.startswith(".")]
    assert len(stale) == 1  # written, never published
    wiki.fail.clear()
    outcome = crawl(tmp_path)  # resumes the crawl, fetches B now
    assert crawl_status(outcome) == ExitStatus.OK
    assert "B" in set(table(outcome.snapshot_dir, "pages").title)
    manifest = json.loads((outcome.snapshot_dir / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["extra"]["crawl_complete"] is True
    assert manifest["extra"]["failed_titles"] == []
    assert [
        p
        for p in (tmp_path / "snapshots").iterdir()
        if p.name != "latest" and not p.name.startswith(".")
    ] == [outcome.snapshot_dir]  # the stale, never published one is gone
