"""The cross-checks on the real SMW wiki: they find what a reading of the HTML misses.

- a template edit that renders the Relaties table as text: every page using it
  shows no relations any more, while SMW still holds them; the checks name exactly
  those pages, and the Afgeleide relaties rows of their targets that lost their
  direct row;
- on SMW's default settings (query dependency store off) a page's Afgeleide relaties
  stay stale after another page relates to it: the checks name the stale page, from
  the snapshot alone (no SMW needed), until it is purged.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import requests

from output.checks import (
    DERIVED_WITHOUT_DIRECT,
    DIRECT_WITHOUT_DERIVED,
    LABEL_WITHOUT_PROPERTY,
    RELATION_NOT_SHOWN,
    UNREAD,
)
from tests.crawl_support import read_table, records
from tests.integration.wiki.test_crawl_wiki import crawl_cli
from tests.integration.wiki.test_facts_wiki import corpus_of

pytestmark = [pytest.mark.wiki, pytest.mark.slow]

#: the row template of the hand-written Relaties tables, rendering each row as text
BROKEN_ROW = "{{{relatie}}}: {{{eindpunten}}}<br />"


def _checks(snapshot: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    manifest = json.loads((snapshot / "manifest.json").read_text(encoding="utf-8"))
    rows = records(read_table(snapshot, "checks"))
    return manifest["extra"]["checks"], [r for r in rows if r["kind"] != LABEL_WITHOUT_PROPERTY]


def test_a_template_that_renders_relations_as_text_is_caught(
    scratch_wiki: Any, tmp_path: Path
) -> None:
    wiki = scratch_wiki
    data = tmp_path / "data"
    _status, _lines, out = crawl_cli(wiki, data)
    assert "0 disagree" in out and "0 Afgeleide relaties rows disagree" in out, out
    corpus = corpus_of(wiki)
    using = {
        p.title for p in corpus
        if p.kind == "element" and p.rel_style == "table" and p.relations and p.ns in (0, 3000)
    }  # fmt: skip
    assert len(using) > 10
    wiki.edit_page("Sjabloon:Relatie", BROKEN_ROW)
    _status, _lines, out = crawl_cli(wiki, data)
    latest = data / "snapshots" / "latest"
    summary, rows = _checks(latest)
    line = next(x for x in out.splitlines() if x.startswith("checks: "))
    assert f"{len(using)} disagree" in line, line
    not_shown = {r["title"] for r in rows if r["kind"] == RELATION_NOT_SHOWN}
    assert not_shown == using  # exactly the pages whose table turned into text
    assert summary["pages_disagreeing"] == len(using)
    # the parsed tables indeed lost those relations; the pages say so (smw-unread)
    relations = read_table(latest, "relations")
    assert not set(relations[relations["kind"] == "direct"]["title"]) & using
    pages = read_table(latest, "pages")
    unread = {t for t, ws in zip(pages["title"], pages["warnings"], strict=True)
              if any(w.startswith(f"{UNREAD}: ") for w in ws)}  # fmt: skip
    assert unread == using
    derived = [r for r in rows if r["kind"] == DERIVED_WITHOUT_DIRECT]
    assert derived and {r["html_value"].split(" | ")[0] for r in derived} <= using
    print(f"\n# after the break: {line}")


def _pair(wiki: Any) -> tuple[str, str]:
    """A (hand-written Relaties) and B (Afgeleide relaties by an SMW query, with at least
    one incoming relation shown) such that A does not relate to B yet."""
    corpus = corpus_of(wiki)
    for b in corpus:
        if b.kind != "element" or b.ns != 0 or b.derived_style != "ask" or b.derived_limit:
            continue
        if not corpus.incoming(b.title):
            continue
        for a in corpus:
            fits = a.kind == "element" and a.ns == 0 and a.rel_style == "table"
            if fits and a is not b and b.title not in a.direct_targets():
                return a.title, b.title
    raise AssertionError("no pair of pages to relate")


def test_stale_afgeleide_relaties_are_caught_without_smw(
    stale_scratch_wiki: Any, tmp_path: Path
) -> None:
    wiki = stale_scratch_wiki
    data = tmp_path / "data"
    _status, _lines, out = crawl_cli(wiki, data)
    assert "0 Afgeleide relaties rows disagree" in out, out
    a, b = _pair(wiki)
    wiki.set_relations(a, [("Is gerelateerd aan", [b])])
    _status, _lines, out = crawl_cli(wiki, data)
    latest = data / "snapshots" / "latest"
    _summary, rows = _checks(latest)
    stale = [r for r in rows if r["kind"] == DIRECT_WITHOUT_DERIVED]
    assert [(r["title"], r["smw_value"]) for r in stale if r["title"] == b] == [
        (b, f"{a} | Is gerelateerd aan | {b}")
    ]
    line = next(x for x in out.splitlines() if x.startswith("checks: "))
    print(f"\n# stale wiki (query dependencies off): {line}")
    # B was fetched (A's new relation target) and still shows its old rows: stale indeed
    derived = read_table(latest, "relations")
    assert not ((derived["title"] == b) & (derived["source"] == a)).any()
    # after a purge the next crawl sees B current, and the check is quiet about it
    requests.post(wiki.api_url, data={"action": "purge", "titles": b, "format": "json"}, timeout=60)
    _status, _lines, out = crawl_cli(wiki, data)
    _summary, rows = _checks(data / "snapshots" / "latest")
    assert not [r for r in rows if r["kind"] == DIRECT_WITHOUT_DERIVED and r["title"] == b]
