"""``nora crawl`` against the real MediaWiki test wiki (fixture ``testwiki``).

- a full crawl's snapshot equals the corpus ground truth;
- through the fault-injecting proxy the snapshot is still complete and equal;
- after edits, a new page, a deletion and a move, the recrawl fetches exactly the
  changed pages and their old and new relation targets (counted in the wiki's
  access log) and its snapshot equals the new ground truth.
"""

from __future__ import annotations

import json
import urllib.parse
import urllib.request
from pathlib import Path
from typing import Any

import pytest
import requests

from scraper.config import CrawlConfig
from scraper.crawl import Crawler
from tests.crawl_support import (
    nora,
    page_requests,
    read_table,
    reference_crawl,
    reference_status,
    table_differences,
    truth_differences,
)
from tests.faultproxy import FAULTS, FaultProxy

__all__ = ["reference_crawl"]  # a fixture, shared with test_crawl_kill.py

pytestmark = pytest.mark.wiki


def truth_of(testwiki: Any) -> dict[str, Any]:
    truth = testwiki.truth
    if callable(truth):
        truth = truth()
    if isinstance(truth, str | Path):
        truth = json.loads(Path(truth).read_text(encoding="utf-8"))
    assert isinstance(truth, dict)
    return truth


def content_namespaces(base_url: str) -> list[int]:
    query = "action=query&meta=siteinfo&siprop=namespaces&format=json&formatversion=2"
    url = f"{base_url}/api.php?{query}"
    with urllib.request.urlopen(url, timeout=30) as answer:  # loopback only
        data = json.load(answer)
    return sorted(n["id"] for n in data["query"]["namespaces"].values() if n.get("content"))


def test_full_crawl_equals_ground_truth(testwiki: Any, reference_crawl: Path) -> None:
    manifest = json.loads((reference_crawl / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["complete"] is True and manifest["command"] == "crawl"
    assert manifest["extra"]["crawl_complete"] is True
    namespaces = content_namespaces(testwiki.base_url)
    assert truth_differences(reference_crawl, truth_of(testwiki), namespaces) == []


def test_crawl_through_fault_proxy_is_complete(
    testwiki: Any, reference_crawl: Path, tmp_path: Path
) -> None:
    session = requests.Session()
    session.trust_env = False  # only the proxy below, whatever the environment says
    with FaultProxy(seed=7, rate=0.2, max_faults=40, stall_seconds=1.5) as proxy:
        session.proxies = {"http": proxy.url}
        config = CrawlConfig(
            site=testwiki.base_url, contact="tests@example.org", delay=0.0, data_dir=tmp_path
        )
        crawler = Crawler(
            config,
            session=session,
            client_settings={
                "timeout": 1.0,
                "retries": 8,
                "backoff_base": 0.05,
                "backoff_cap": 1.0,
            },
        )
        outcome = crawler.run()
    assert outcome.failed == 0 and outcome.missing == 0, outcome.summary()
    assert outcome.status == reference_status(reference_crawl), outcome.summary()
    counts = proxy.counts()
    assert set(counts) == set(FAULTS), counts  # every kind of fault was met and survived
    assert sum(counts.values()) >= 20
    latest = tmp_path / "snapshots" / "latest"
    assert table_differences(reference_crawl, latest) == []
    namespaces = content_namespaces(testwiki.base_url)
    assert truth_differences(latest, truth_of(testwiki), namespaces) == []
    warnings = [w for ws in read_table(latest, "pages")["warnings"] for w in ws]
    assert not [w for w in warnings if "truncated" in w]  # no cut-off page slipped through


def listing(base_url: str, namespaces: list[int]) -> dict[str, tuple[int, str]]:
    """title -> (last revision, touched) of every non-redirect page, straight from the API."""
    out: dict[str, tuple[int, str]] = {}
    for ns in namespaces:
        cont: dict[str, str] = {"continue": ""}
        for _ in range(1000):  # bounded: 500 titles per answer
            query = urllib.parse.urlencode(
                {"action": "query", "generator": "allpages", "gapnamespace": ns,
                 "gapfilterredir": "nonredirects", "gaplimit": "max", "prop": "info",
                 "format": "json", "formatversion": "2", **cont}
            )  # fmt: skip
            with urllib.request.urlopen(f"{base_url}/api.php?{query}", timeout=60) as answer:
                data = json.load(answer)
            for page in data.get("query", {}).get("pages", []):
                out[page["title"]] = (page["lastrevid"], page["touched"])
            if "continue" not in data:
                break
            cont = data["continue"]
    return out


def crawl_cli(wiki: Any, data: Path) -> tuple[int, list[str], str]:
    """``nora crawl`` as a user runs it: exit status, access-log lines it caused, stdout."""
    mark = wiki.log_mark()
    result = nora(
        "crawl", "--site", wiki.base_url, "--data", str(data), "--delay", "0",
        "--no-progress", "--contact", "tests@example.org",
    )  # fmt: skip
    return result.returncode, wiki.requests_since(mark), result.stdout + result.stderr


def test_recrawl_after_edit_add_delete_move_fetches_exactly_what_changed(
    scratch_wiki: Any, tmp_path: Path
) -> None:
    wiki = scratch_wiki
    namespaces = content_namespaces(wiki.base_url)
    data = tmp_path / "data"
    status, lines, out = crawl_cli(wiki, data)
    assert "failed 0" in out and "missing" not in out, out
    first = data / "snapshots" / "latest"
    assert status == reference_status(first)
    first_differences = truth_differences(first, wiki.truth, namespaces)
    old_truth = {p["title"]: p for p in wiki.truth["pages"]}
    before = listing(wiki.base_url, namespaces)

    elements = sorted(
        t for t, p in old_truth.items() if p["kind"] == "element" and p["namespace"] == 0
    )
    touched, rewired, deleted, moved = elements[3], elements[10], elements[20], elements[30]
    target = elements[40]
    new_title = "Nieuwe bouwsteen voor de test"
    wiki.touch_page(touched)
    wiki.set_relations(rewired, [("Is gerelateerd aan", [target])])
    wiki.add_page(new_title, relations=[("realiseert", [elements[50], elements[51]])])
    wiki.delete_page(deleted)
    wiki.move_page(moved, moved + " (hernoemd)")
    new_truth = {p["title"]: p for p in wiki.truth["pages"]}
    after = listing(wiki.base_url, namespaces)

    # what the crawler must fetch, from the API and the truth, not from the crawler's state
    changed = {t for t, info in after.items() if before.get(t) != info}
    gone = before.keys() - after.keys()
    redirects = {t: p["redirect_target"] for t, p in new_truth.items() if p["is_redirect"]}
    targets: set[str] = set()
    for title in changed | gone:
        for truth in (old_truth, new_truth):
            if title in truth and not truth[title]["is_redirect"]:
                targets.update(truth[title]["direct_targets"])
    expected = (changed | {redirects.get(t, t) for t in targets}) & after.keys()
    assert {touched, rewired, target, new_title, moved + " (hernoemd)"} <= expected
    assert {deleted, moved} <= gone

    status, lines, out = crawl_cli(wiki, data)
    second = data / "snapshots" / "latest"
    assert status == reference_status(second), out
    fetched = page_requests(lines)
    assert set(fetched) == expected
    assert all(count == 1 for count in fetched.values()), fetched
    listing_requests = len(namespaces) * max(1, -(-len(after) // 500))  # ceil, per namespace
    assert len(lines) <= len(expected) + listing_requests + 10, len(lines)
    titles = set(read_table(second, "pages")["title"])
    assert deleted not in titles and moved not in titles
    assert new_title in titles and moved + " (hernoemd)" in titles

    # and a third crawl with nothing changed fetches no page at all
    status, lines, out = crawl_cli(wiki, data)
    assert page_requests(lines) == {}, out
    assert len(lines) <= listing_requests + 10
    assert table_differences(second, data / "snapshots" / "latest") == []
    # both snapshots equal the ground truth of their moment
    assert first_differences == []
    assert truth_differences(second, wiki.truth, namespaces) == []
