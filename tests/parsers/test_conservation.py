"""Invariants 1 and 2 of the parser on everything we have: conservation (no ``lost``
warning: every visible text of the content area lands in a record or is known chrome)
and meaningful warnings (a page read completely carries none).

On every fixture, every mutation of every fixture (tests/mutations.py) and every page
of the shared N=300 test wiki, fetched rendered from the loopback server (no crawl).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import pytest
import requests

from parsers import conservation, document, parse_page, reading, relations
from parsers.blocks import RELATIONS, Block
from parsers.harvest import Harvest, Relation
from parsers.text import raw_text
from parsers.walk import Piece, walk
from tests.golden import fixture_pages, parse_fixture
from tests.mutations import MUTATIONS, mutable_fixtures, mutate
from tests.wiki.compare import actual, differences, page_url

PAGES = fixture_pages()


def lost(warnings: tuple[str, ...]) -> list[str]:
    return [w for w in warnings if w.startswith("lost:")]


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_no_fixture_loses_visible_text(page: Path) -> None:
    assert lost(parse_fixture(page).page.warnings) == []


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_the_walk_covers_the_whole_content_area(page: Path) -> None:
    """The pieces stage 1 hands on hold every word of the content area: the parse-time
    account of the blocks (parsers.reading) then covers the whole page."""
    doc = document.load(page.read_bytes())
    if doc.root is None:
        return
    pieces = walk(doc.root).pieces
    shown = "".join(
        piece.text if piece.element is None or piece.level else raw_text(piece.element)
        for piece in pieces
    )
    assert sorted(conservation.words(shown)) == sorted(conservation.words(raw_text(doc.root)))


def test_later_accounted_texts_count_only_added_to_the_first() -> None:
    """``lost``'s second stage adds to the first: counts sum across stages, and the
    words' diagnosis sees both."""
    assert conservation.lost("a a b", ["a b"], ["a"]) == ""
    assert conservation.lost("a a b c", ["a b"], ["a"]) == "c"
    assert conservation.lost("Eindpunt: X y Z", ["eindpunt"], ["x", "Y"]) == "z"


def test_a_label_read_without_its_colon_is_held_as_often_as_shown() -> None:
    assert conservation.lost("Status: ok Status: ok", ["Status", "ok", "Status", "ok"]) == ""
    assert conservation.lost("Status: ok Status: ok", ["Status", "ok ok"]) == "status"
    assert conservation.lost("Status: ok Status", ["Status", "ok"]) == "status"
    assert conservation.lost("Status: ok", ["Status"]) == "ok"


def test_a_relation_block_accounts_for_its_records_endpoints() -> None:
    """A plain text endpoint is held by its record alone (no display text claimed);
    a row the reader dropped is named in a ``lost`` warning, its words in page order."""
    shown = "\ue000Pagina A heeft Pagina B \ue000\ue000Pagina A heeft Pagina C \ue000"
    block = Block(RELATIONS, "direct", "Relaties", 2, (Piece(None, shown),), where="w")
    first = Relation("Pagina A", "heeft", "Pagina B", True, "")
    second = Relation("Pagina A", "heeft", "Pagina C", False, "")
    whole = reading.Reading()
    reading._account(block, Harvest(relations=[("direct", first), ("direct", second)]), whole)
    assert whole.warnings == []
    dropped = reading.Reading()
    reading._account(block, Harvest(relations=[("direct", first)]), dropped)
    assert dropped.warnings == ["lost: w: visible text in no record: 'pagina a heeft pagina c'"]


class _Dropping(list[tuple[str, Relation]]):
    """A reader's record list that fails to keep the records of one relation or target."""

    def __init__(self, dropped: str) -> None:
        super().__init__()
        self.dropped = dropped

    def append(self, item: tuple[str, Relation]) -> None:
        if self.dropped not in (item[1].relation, item[1].target):
            super().append(item)


def test_a_record_the_relation_reader_failed_to_make_is_named(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A relation table's rows are claimed in page order with the records' own fields
    among them (``Harvest.recorded``: a relation cell's text, an unlinked endpoint's),
    which hold a row only while the records do: a record the reader failed to make
    is still named, as if nothing had stood for it."""
    self_link = '<a class="mw-selflink selflink">Pagina</a>'

    def link(title: str) -> str:
        return f'<a href="/wiki/{title.replace(" ", "_")}" title="{title}">{title}</a>'

    html = (
        '<div class="mw-parser-output"><h2>Relaties</h2><table class="wikitable">'
        "<tr><th>Vertrekpunt</th><th>Relatie</th><th>Eindpunt(en)</th></tr>"
        f"<tr><td>{self_link}</td><td>groepeert</td><td>{link('X')}, {link('Y')}</td></tr>"
        f"<tr><td>{self_link}</td><td>realiseert</td><td>{link('Doel Z')}</td></tr>"
        f"<tr><td>{self_link}</td><td>groepeert</td><td>Vrije tekst</td></tr></table></div>"
    )
    whole = parse_page(html, "Pagina.html")
    assert [r.target for r in whole.relations] == ["X", "Y", "Doel Z", "Vrije tekst"]
    assert whole.page.warnings == ()
    where = "under 'Relaties' (h2)"
    for dropped, words in (("realiseert", "realiseert"), ("Vrije tekst", "vrije tekst")):
        dropping = functools.partial(Harvest, relations=_Dropping(dropped))
        monkeypatch.setattr(relations, "Harvest", dropping)
        page = parse_page(html, "Pagina.html")
        assert len(page.relations) == 3
        assert page.page.warnings == (f"lost: {where}: visible text in no record: '{words}'",)


def test_no_mutation_loses_visible_text() -> None:
    runs = 0
    for page in mutable_fixtures():
        for name in MUTATIONS:
            mutated = mutate(page, name)
            if mutated is None:
                continue
            runs += 1
            assert lost(parse_page(mutated, page.name).page.warnings) == [], (page.name, name)
    assert runs >= 600


@pytest.mark.wiki
def test_every_page_of_the_test_wiki_is_read_completely(testwiki: Any) -> None:
    """No page of the clean N=300 wiki loses text or carries a warning, and each still
    equals the generator's ground truth."""
    session = requests.Session()
    pages = testwiki.truth["pages"]
    assert len(pages) >= 300
    for truth in pages:
        url = page_url(testwiki.base_url, truth["title"], follow=truth["kind"] != "redirect")
        response = session.get(url, timeout=60)
        assert response.status_code == 200, url
        parsed = parse_page(response.content, url)
        assert parsed.page.warnings == (), (truth["title"], parsed.page.warnings)
        assert differences(truth, actual(parsed)) == []
