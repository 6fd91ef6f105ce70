"""The loopback test wiki serves the generated corpus, and parse_page agrees with its truth.

Corpus-only checks (no wiki) come first; the rest need the real MediaWiki (``wiki``
marker, session fixture ``testwiki`` from conftest.py; mutating tests use a clone).
"""

from __future__ import annotations

import io
import json
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from parsers import parse_page
from tests.wiki.compare import actual, differences
from tests.wiki.corpus import build, dump_pages, parse_now, truth
from tests.wiki.dump import write_dump
from tests.wiki.handle import LoopbackWiki
from tests.wiki.tricky import BIG_TITLE, REDIRECTS

NOW = "2026-11-29T08:00:00Z"


# --- the corpus itself ------------------------------------------------------------------


def _dump_text(seed: int, pages: int) -> str:
    corpus = build(seed, pages, parse_now(NOW))
    out = io.StringIO()
    write_dump(out, dump_pages(corpus, parse_now(NOW)), "http://127.0.0.1:8089")
    return out.getvalue()


def test_corpus_is_deterministic_and_seed_dependent() -> None:
    assert _dump_text(7, 40) == _dump_text(7, 40)
    assert _dump_text(7, 40) != _dump_text(8, 40)


def test_corpus_holds_every_tricky_case() -> None:
    pages = truth(build(3, 30, parse_now(NOW)), {})["pages"]
    titles = {p["title"] for p in pages}
    kinds = {p["kind"] for p in pages}
    assert {"element", "redirect", "overview", "topic", "empty"} <= kinds
    assert {s for s, _ in REDIRECTS} <= titles
    assert any(p["namespace"] == 3000 for p in pages)
    assert any(p["namespace"] == 3002 and "/" in p["title"] for p in pages)
    joined = " ".join(titles)
    assert all(c in joined for c in "/&()'\u2018ïé"), "titles with special characters"
    relations = [r for p in pages for r in p.get("relations") or []]
    assert any(not r["target_exists"] for r in relations), "red links"
    props = [q for p in pages for q in p.get("properties") or []]
    assert any(q["value"] == "" for q in props), "empty values"
    stamps = [p["timestamp"] for p in pages if p["timestamp"]]
    oldest = min(datetime.strptime(s, "%Y-%m-%dT%H:%M:%SZ") for s in stamps)
    assert parse_now(NOW).replace(tzinfo=None) - oldest < timedelta(days=89)


# --- the running wiki -------------------------------------------------------------------


def _get(session: requests.Session, url: str) -> tuple[int, bytes]:
    response = session.get(url, timeout=120)
    return response.status_code, response.content


@pytest.fixture(scope="module")
def fetched(testwiki: LoopbackWiki) -> Iterator[dict[str, tuple[str, int, bytes]]]:
    """Every truth page fetched once (redirect pages with redirect=no): title -> response."""
    local = threading.local()  # one session per thread: Session is not thread-safe

    def get(url: str) -> tuple[int, bytes]:
        if not hasattr(local, "session"):
            local.session = requests.Session()
        return _get(local.session, url)

    pages = testwiki.truth["pages"]
    urls = [testwiki.url(p["title"], follow=p["kind"] != "redirect") for p in pages]
    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(get, urls))
    yield {p["title"]: (u, *r) for p, u, r in zip(pages, urls, results, strict=True)}


@pytest.mark.wiki
def test_serves_every_page(testwiki: LoopbackWiki, fetched: dict[str, Any]) -> None:
    assert len(fetched) >= testwiki.pages + 20
    bad = {title: status for title, (_, status, _) in fetched.items() if status != 200}
    assert bad == {}
    big = fetched[BIG_TITLE][2]
    assert len(big) > 150_000


@pytest.mark.wiki
def test_parse_page_equals_ground_truth(testwiki: LoopbackWiki, fetched: dict[str, Any]) -> None:
    problems = []
    for page in testwiki.truth["pages"]:
        url, _, body = fetched[page["title"]]
        problems += differences(page, actual(parse_page(body, url)))
    report = "\n".join(" | ".join(json.dumps(x, ensure_ascii=False) for x in p) for p in problems)
    assert not problems, f"{len(problems)} disagreements (page | field | expected | got):\n{report}"


@pytest.mark.wiki
def test_redirects_lead_to_their_target(testwiki: LoopbackWiki) -> None:
    session = requests.Session()
    for source, target in REDIRECTS:
        url = testwiki.url(source)
        response = session.get(url, timeout=60)
        assert response.status_code == 200
        parsed = actual(parse_page(response.content, url))
        assert differences(testwiki.truth_page(target), parsed, redirected_from=source) == []


def _api_all(wiki: LoopbackWiki, params: dict[str, str], key: str) -> tuple[list[Any], int]:
    session, rows, calls = requests.Session(), [], 0
    cont: dict[str, str] = {}
    while calls < 1000:
        calls += 1
        query = {"action": "query", "format": "json", "formatversion": "2", **params, **cont}
        data = session.get(wiki.api_url, params=query, timeout=60).json()
        rows += data["query"][key]
        if "continue" not in data:
            return rows, calls
        cont = data["continue"]
    raise AssertionError("continuation did not end within 1000 requests")


@pytest.mark.wiki
def test_allpages_with_continuation_lists_every_page(testwiki: LoopbackWiki) -> None:
    meta = testwiki.truth["meta"]
    expected = {int(ns): set(titles) for ns, titles in meta["namespaces"].items()}
    expected[10] = set(meta["templates"])
    expected[6] = set(meta["files"])
    for ns, titles in expected.items():
        rows, calls = _api_all(testwiki, {"list": "allpages", "apnamespace": str(ns),
                                          "aplimit": "7"}, "allpages")  # fmt: skip
        listed = [row["title"] for row in rows]
        assert len(listed) == len(set(listed)), f"namespace {ns}: duplicates across batches"
        assert set(listed) == titles, f"namespace {ns}"
        assert calls == -(-len(titles) // 7)


@pytest.mark.wiki
def test_recent_changes_cover_every_revision(testwiki: LoopbackWiki) -> None:
    params = {"list": "recentchanges", "rclimit": "50", "rcprop": "title|timestamp|ids"}
    rows, calls = _api_all(testwiki, params, "recentchanges")
    assert calls > 1
    pages = testwiki.truth["pages"]
    revisions = sum(p["revisions"] for p in pages)
    assert len(rows) >= revisions
    titles = {row["title"] for row in rows}
    assert {p["title"] for p in pages} <= titles
    oldest = min(datetime.fromisoformat(row["timestamp"].replace("Z", "+00:00")) for row in rows)
    assert datetime.now(UTC) - oldest < timedelta(days=90)


@pytest.mark.wiki
def test_access_log_records_each_request(testwiki: LoopbackWiki) -> None:
    mark = testwiki.log_mark()
    requests.get(testwiki.url("Versie 1.0"), timeout=60)
    requests.get(testwiki.api_url, params={"action": "query", "format": "json"}, timeout=60)
    lines = testwiki.requests_since(mark)
    assert lines[0] == "GET /wiki/Versie_1.0"
    assert lines[1].startswith("GET /api.php?")
    assert len(lines) == 2


# --- changing a (throwaway) wiki --------------------------------------------------------


def _check_pages(wiki: LoopbackWiki, titles: list[str]) -> None:
    session = requests.Session()
    problems = []
    for title in titles:
        page = wiki.truth_page(title)
        url = wiki.url(title, follow=page["kind"] != "redirect")
        response = session.get(url, timeout=60)
        assert response.status_code == 200, title
        problems += differences(page, actual(parse_page(response.content, url)))
    assert problems == []


def _element_with_relations(wiki: LoopbackWiki) -> dict[str, Any]:
    for page in wiki.truth["pages"]:
        rich = page["kind"] == "element" and page["namespace"] == 0
        derived = rich and any(r["kind"] == "derived" for r in page["relations"])
        if derived and len(page["direct_targets"]) >= 2:
            return dict(page)
    raise AssertionError("no element page with direct and derived relations")


@pytest.mark.wiki
def test_shared_wiki_refuses_changes(testwiki: LoopbackWiki) -> None:
    with pytest.raises(PermissionError):
        testwiki.touch_page("Versie 1.0")


@pytest.mark.wiki
@pytest.mark.slow
def test_changes_keep_pages_and_truth_in_step(scratch_wiki: LoopbackWiki) -> None:
    wiki = scratch_wiki
    page = _element_with_relations(wiki)
    title = page["title"]

    saved = wiki.touch_page(title, "Een nieuwe zin.")
    assert saved == [title]
    assert wiki.truth_page(title)["sections"][-1] == {
        "heading": "Wijziging", "level": 2, "text": "Een nieuwe zin."}  # fmt: skip
    _check_pages(wiki, saved)

    old_targets = page["direct_targets"]
    keep = old_targets[0]
    saved = wiki.set_relations(title, [("Is gerelateerd aan", [keep])])
    assert saved[0] == title
    lost = set(old_targets) - {keep}
    assert lost & set(wiki.affected)  # targets that lost a derived row, saved or not
    _check_pages(wiki, wiki.affected)

    red = next(r["target"] for p in wiki.truth["pages"] for r in p.get("relations") or []
               if r["kind"] == "direct" and not r["target_exists"])  # fmt: skip
    linking = [p["title"] for p in wiki.truth["pages"] if red in p["direct_targets"]]
    saved = wiki.add_page(red, "Bouwsteen", relations=[("realiseert", [title])])
    assert saved[0] == red and title in wiki.affected
    assert all(r["target_exists"] for t in linking for r in wiki.truth_page(t)["relations"]
               if r["target"] == red)  # fmt: skip
    assert set(linking) <= set(wiki.affected)  # blue link now, no new revision
    _check_pages(wiki, wiki.affected)

    saved = wiki.move_page(red, red + " (hernoemd)")
    assert saved[0] == red + " (hernoemd)"
    _check_pages(wiki, [*wiki.affected, red])
    assert wiki.truth_page(red)["is_redirect"] is True

    saved = wiki.delete_page(red + " (hernoemd)")
    assert title in wiki.affected  # its derived row from the deleted page is gone
    gone = requests.get(wiki.url(red + " (hernoemd)"), timeout=60)
    assert gone.status_code == 404
    _check_pages(wiki, [t for t in wiki.affected if t != red + " (hernoemd)"])

    rows, _ = _api_all(wiki, {"list": "recentchanges", "rclimit": "50", "rctype": "edit|new|log",
                              "rcprop": "title|comment|loginfo"}, "recentchanges")  # fmt: skip
    recent = rows[:20]
    assert any(r.get("logtype") == "delete" for r in recent)
    assert any(r.get("logtype") == "move" for r in recent)


@pytest.mark.wiki
@pytest.mark.slow
def test_raw_edit_and_move_without_redirect(scratch_wiki: LoopbackWiki) -> None:
    wiki = scratch_wiki
    page = _element_with_relations(wiki)
    title, targets = page["title"], page["direct_targets"]

    saved = wiki.edit_page(title, "Alleen nog een zin.\n")
    assert saved[0] == title
    assert wiki.truth_page(title)["opaque"] is True
    lost = [t for t in wiki.affected if t in targets]  # their derived rows from `title` went
    assert lost
    for target in lost:
        rows = wiki.truth_page(target)["relations"]
        assert not any(r["kind"] == "derived" and r["source"] == title for r in rows)
    _check_pages(wiki, wiki.affected)

    other = next(
        p
        for p in wiki.truth["pages"]
        if p["kind"] == "element" and p["title"] != title and p["namespace"] == 0
        and any(r["kind"] == "derived" for r in p["relations"])
    )  # fmt: skip
    linking = [r["source"] for r in other["relations"] if r["kind"] == "derived"]
    new = "Werkruimte:" + other["title"]
    saved = wiki.move_page(other["title"], new, redirect=False)
    assert saved[0] == new
    assert wiki.truth_page(new)["namespace"] == 3002
    with pytest.raises(KeyError):
        wiki.truth_page(other["title"])
    for source in linking:  # their relation now points at a page that does not exist
        rows = wiki.truth_page(source)["relations"]
        assert any(r["target"] == other["title"] and not r["target_exists"] for r in rows)
    assert set(linking) <= set(wiki.affected)
    _check_pages(wiki, [t for t in wiki.affected if t != other["title"]])
