"""The holes a review found in the incremental plan, each shown closed on the real SMW wiki.

- an incoming relation that comes from a property link ("Heeft bron" in Eigenschappen,
  shown on the linked page by an SMW query): the page it leaves and the page it joins
  are refetched, because SMW's own page values are the relation targets;
- a redirect created, edited to point elsewhere, or deleted: redirects are listed
  with their version, and the pages whose relations go through it are refetched;
- after a parser upgrade ``nora export`` recomputes the stored relation targets, so the
  next crawl refetches the targets the old parser did not see;
- a page edited between its listing and its fetch: the fetched revision is compared
  with the listed one and recorded.
"""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import requests

from scraper.crawl.config import CrawlConfig
from scraper.crawl.run import Crawler
from tests.crawl_support import nora, page_requests, read_table, records
from tests.integration.wiki.test_crawl_wiki import crawl_cli
from tests.integration.wiki.test_facts_wiki import corpus_of

pytestmark = [pytest.mark.wiki, pytest.mark.slow]

ROW = "Sjabloon:Bronrij"
SOURCE, FIRST, SECOND = (
    "Pagina met een bron",
    "Eerste bron voor de test",
    "Tweede bron voor de test",
)


def _bron_page(title: str) -> str:
    """A page that shows, as Afgeleide relaties, the pages whose Heeft bron is it."""
    return (
        "Een bron.\n\n== Afgeleide relaties ==\n{{Afgeleide relaties begin}}\n"
        "{{#ask: [[Heeft bron::{{FULLPAGENAME}}]] |format=template |template=Bronrij"
        " |link=none |limit=50 |searchlabel= }}\n{{Tabel einde}}\n"
    )


def _source_page(bron: str) -> str:
    """A page whose only link to ``bron`` is a property value: no Relaties at all."""
    return (
        f"{{{{#set: Heeft bron={bron} }}}}\n"
        '{| class="wikitable"\n|+ Eigenschappen\n|-\n! Heeft bron\n'
        f"| [[{bron}]]\n|}}\n\nTekst van de pagina.\n"
    )


def _derived_sources(snapshot: Path, title: str) -> set[str]:
    rel = read_table(snapshot, "relations")
    rows = rel[(rel["title"] == title) & (rel["kind"] == "derived")]
    return set(rows["source"])


def test_a_property_link_moving_refetches_both_pages_it_names(
    scratch_wiki: Any, tmp_path: Path
) -> None:
    wiki = scratch_wiki
    wiki.edit_page(
        ROW, "<tr><td>[[{{{1}}}]]</td><td>Heeft bron</td><td>[[{{FULLPAGENAME}}]]</td></tr>"
    )
    for bron in (FIRST, SECOND):
        wiki.edit_page(bron, _bron_page(bron))
    wiki.edit_page(SOURCE, _source_page(FIRST))
    data = tmp_path / "data"
    crawl_cli(wiki, data)
    first = data / "snapshots" / "latest"
    assert _derived_sources(first, FIRST) == {SOURCE} and not _derived_sources(first, SECOND)
    # the derived row comes from a property, not from Relaties: still no disagreement
    assert "0 Afgeleide relaties rows disagree" in (first / "manifest.json").read_text("utf-8")

    wiki.edit_page(SOURCE, _source_page(SECOND))  # FIRST and SECOND change, unsaved
    _status, lines, _out = crawl_cli(wiki, data)
    fetched = page_requests(lines)
    assert {SOURCE, FIRST, SECOND} <= set(fetched), sorted(fetched)
    second = data / "snapshots" / "latest"
    assert not _derived_sources(second, FIRST) and _derived_sources(second, SECOND) == {SOURCE}
    with sqlite3.connect(data / "state.sqlite") as db:
        reasons = dict(db.execute("SELECT title, reason FROM fetches WHERE crawl_id = 2"))
    assert reasons[FIRST] == reasons[SECOND] == "relation-target"


def _relaties(target: str) -> str:
    """A page with one hand-written Relaties row linking ``target``, stored in SMW too."""
    return (
        f"{{{{#subobject: |Vertrekpunt={{{{FULLPAGENAME}}}} |Relatie=Is gerelateerd aan"
        f" |Eindpunt={target} }}}}\n"
        "Tekst.\n\n== Relaties ==\n{{Relaties begin}}\n"
        f"{{{{Relatie|relatie=Is gerelateerd aan|eindpunten=[[{target}]]}}}}\n{{{{Tabel einde}}}}\n"
    )


def _relation(snapshot: Path, title: str) -> dict[str, Any]:
    rel = read_table(snapshot, "relations")
    (row,) = records(rel[(rel["title"] == title) & (rel["kind"] == "direct")])
    return row


def test_redirects_created_retargeted_and_deleted_are_seen(
    scratch_wiki: Any, tmp_path: Path
) -> None:
    wiki = scratch_wiki
    corpus = corpus_of(wiki)
    ends = [p.title for p in corpus if p.kind == "element" and p.ns == 0][5:7]
    linking, redirect = "Pagina via een omleiding", "Omleiding voor de test"
    wiki.edit_page(linking, _relaties(redirect))  # a red link, for now
    data = tmp_path / "data"
    crawl_cli(wiki, data)
    row = _relation(data / "snapshots" / "latest", linking)
    assert (row["target"], row["target_exists"], row["target_resolved"]) == (redirect, False,
                                                                            redirect)  # fmt: skip
    steps = [
        (f"#DOORVERWIJZING [[{ends[0]}]]", True, ends[0]),  # created
        (f"#DOORVERWIJZING [[{ends[1]}]]", True, ends[1]),  # retargeted
    ]
    for text, exists, resolved in steps:
        wiki.edit_page(redirect, text)
        _status, lines, _out = crawl_cli(wiki, data)
        fetched = set(page_requests(lines))
        assert linking in fetched, sorted(fetched)
        latest = data / "snapshots" / "latest"
        row = _relation(latest, linking)
        assert (row["target"], row["target_exists"], row["target_resolved"]) == (
            redirect, exists, resolved
        )  # fmt: skip
        redirects = read_table(latest, "redirects")
        assert (
            dict(zip(redirects["from_title"], redirects["to_title"], strict=True))[redirect]
            == resolved
        )
    assert {ends[0], ends[1]} <= fetched  # the old and the new end of the redirect
    # the plan saw the redirect change (listed with its version), whatever else did
    events = [json.loads(line) for line in (data / "logs" / "crawl-3.jsonl").open()]
    assert [e["titles"] for e in events if e.get("event") == "redirects-changed"] == [[redirect]]
    wiki.delete_page(redirect)
    _status, lines, _out = crawl_cli(wiki, data)
    assert linking in page_requests(lines)
    latest = data / "snapshots" / "latest"
    assert _relation(latest, linking)["target_exists"] is False
    assert redirect not in set(read_table(latest, "redirects")["from_title"])


def test_export_after_a_parser_upgrade_recomputes_the_targets(
    scratch_wiki: Any, tmp_path: Path
) -> None:
    wiki = scratch_wiki
    corpus = corpus_of(wiki)
    page = next(
        p for p in corpus
        if p.kind == "element" and p.ns == 0 and p.rel_style == "table" and len(p.relations) > 1
    )  # fmt: skip
    data = tmp_path / "data"
    flags = ("--no-facts",)  # without SMW's data: the HTML's targets are all the plan has
    crawl_cli(wiki, data, *flags)
    with sqlite3.connect(data / "state.sqlite") as db:  # as an older parser left them
        db.execute("UPDATE fetches SET targets_version = '0.9'")
        (fid,) = db.execute("SELECT id FROM fetches WHERE title = ?", (page.title,)).fetchone()
        db.execute("DELETE FROM targets WHERE fetch_id = ?", (fid,))
    exported = nora("export", "--data", str(data), "--out", str(tmp_path / "out"))
    assert exported.returncode in (0, 1), exported.stderr
    with sqlite3.connect(data / "state.sqlite") as db:
        versions = {v for (v,) in db.execute("SELECT DISTINCT targets_version FROM fetches")}
        stored = {t for (t,) in db.execute("SELECT target FROM targets WHERE fetch_id = ?", (fid,))}
    assert versions != {"0.9"} and "0.9" not in versions
    old_targets = set(page.direct_targets())
    assert stored == old_targets
    others = [p.title for p in corpus if p.kind == "element" and p.ns == 0]
    new = next(t for t in others if t not in old_targets and t != page.title)
    wiki.set_relations(page.title, [("Is gerelateerd aan", [new])])
    _status, lines, _out = crawl_cli(wiki, data, *flags)
    fetched = set(page_requests(lines))
    titles = set(read_table(data / "snapshots" / "latest", "pages")["title"])
    assert {t for t in old_targets if t in titles} <= fetched, sorted(old_targets - fetched)


class _EditOnFirstPage(requests.Session):
    """A session that edits a page once, right after the listing: as the first page is
    requested (an editor saving while the crawl runs)."""

    def __init__(self, wiki: Any, title: str) -> None:
        super().__init__()
        self.trust_env = False
        self.wiki, self.title, self.done = wiki, title, False

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> Any:
        if not self.done and "/wiki/" in str(url):
            self.done = True
            self.wiki.touch_page(self.title, "Bewerkt terwijl de crawl liep.")
        return super().request(method, url, *args, **kwargs)


def test_a_page_edited_between_listing_and_fetch_is_recorded(
    scratch_wiki: Any, tmp_path: Path
) -> None:
    wiki = scratch_wiki
    corpus = corpus_of(wiki)
    title = sorted(p.title for p in corpus if p.kind == "element" and p.ns == 0)[-1]
    data = tmp_path / "data"
    config = CrawlConfig(site=wiki.base_url, contact="t@example.org", delay=0.0, data_dir=data)
    outcome = Crawler(config, session=_EditOnFirstPage(wiki, title)).run()
    assert outcome.failed == 0, outcome.summary()
    with sqlite3.connect(data / "state.sqlite") as db:
        listed, shown = db.execute(
            "SELECT revision_id, fetched_revision FROM fetches WHERE title = ?", (title,)
        ).fetchone()
    assert shown is not None and shown > listed
    manifest = json.loads((data / "snapshots" / "latest" / "manifest.json").read_text("utf-8"))
    assert manifest["extra"]["edited_during_crawl"] == [
        {"title": title, "listed_revision": listed, "fetched_revision": shown}
    ]
    pages = read_table(data / "snapshots" / "latest", "pages")
    assert int(pages[pages["title"] == title]["revision_id"].iloc[0]) == shown
    query = set(pages.loc[pages["shows_query_results"], "title"])
    relations = read_table(data / "snapshots" / "latest", "relations")
    targets = set(
        relations.loc[(relations["title"] == title) & (relations["kind"] == "direct"), "target"]
    ) & set(pages["title"])
    assert targets, "the scenario needs an edited page with relation targets"
    _status, lines, _out = crawl_cli(wiki, data)
    # the listing now names the new revision; a change refetches the query pages, and
    # the night after an edit during the crawl, every target of the edited page (SMW may
    # have re-rendered them after they were fetched)
    assert page_requests(lines) == dict.fromkeys({title} | query | targets, 1)
