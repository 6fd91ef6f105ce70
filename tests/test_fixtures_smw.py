"""Fixtures rendered by the real Semantic MediaWiki test wiki (``fixtures/smw-*.html``).

Each was saved by ``python -m tests.wiki.fixtures`` together with the generator's ground
truth for that page at that moment (``smw-*.truth.json``): ``parse_page`` must equal it
exactly (the truth comes from the corpus model, never from the parser). On top, checks
written by hand state what each case is about, so a wrong truth cannot hide a bug either.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import lxml.html
import pytest

from parsers import ParsedPage
from tests.golden import FIXTURES, parse_fixture
from tests.wiki.compare import actual, differences

SMW_FIXTURES = sorted(FIXTURES.glob("smw-*.html"))
Check = Callable[[ParsedPage, lxml.html.HtmlElement], None]


def _truth(page: Path) -> dict[str, object]:
    data: dict[str, object] = json.loads(
        page.with_name(page.stem + ".truth.json").read_text("utf-8")
    )
    return data


@pytest.mark.parametrize("page", SMW_FIXTURES, ids=[p.name for p in SMW_FIXTURES])
def test_equals_its_ground_truth(page: Path) -> None:
    parsed = parse_fixture(page)
    assert differences(_truth(page), actual(parsed)) == []
    assert parsed.page.warnings == ()


def _texts(parsed: ParsedPage) -> str:
    return "\n".join(
        [p.value for p in parsed.properties]
        + [s.heading + "\n" + s.text for s in parsed.sections]
        + [" ".join((r.source, r.relation, r.target)) for r in parsed.relations]
    )


def _ask_tables(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    assert len(tree.xpath("//div[@id='mw-content-text']//table[contains(@class,'smwtable')]")) == 2
    direct = [r for r in pp.relations if r.kind == "direct"]
    derived = [r for r in pp.relations if r.kind == "derived"]
    assert direct and derived
    assert {r.source for r in direct} == {pp.page.title}
    assert all(r.source != pp.page.title for r in derived)
    rows = {(r.source, r.relation) for r in derived}
    for row in rows:  # each derived row names this page among its endpoints
        assert pp.page.title in {r.target for r in derived if (r.source, r.relation) == row}
    assert "Het element waarnaar de relatie verwijst." not in _texts(pp)  # header tooltip


def _broadtable(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    cells = tree.xpath("//table[contains(@class,'broadtable')]//td[count(a) > 1]")
    assert cells and all(", " in cell.text_content() for cell in cells)
    assert sum(1 for r in pp.relations if r.kind == "direct") >= len(cells)


def _template_rows(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    assert not tree.xpath("//div[@id='mw-content-text']//table[contains(@class,'smwtable')]")
    derived = [r for r in pp.relations if r.kind == "derived"]
    assert derived and {r.target for r in derived} == {pp.page.title}


def _main_column(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    listed = tree.xpath("//table//td/ul/li/a")
    assert listed
    targets = {r.target for r in pp.relations if r.kind == "direct"}
    assert {a.get("title") for a in listed} <= targets
    assert not [t for t in targets if "#" in t]  # the subobject column is no endpoint


def _empty_query(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    assert not [r for r in pp.relations if r.kind == "direct"]
    assert "Relaties" not in {s.heading for s in pp.sections}


def _transposed(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    labels = [
        " ".join(th.xpath("string(.//span[@class='smwtext'] | self::*[not(.//span)])").split())
        for th in tree.xpath("//table[@data-transpose='1']//th")
    ]
    assert [p.property for p in pp.properties] == labels
    assert "De unieke code van het element." not in _texts(pp)


def _factbox(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    box = tree.xpath("//div[@class='smw-factbox']")[0].text_content()
    assert "Heeft subobject" in box
    assert "Heeft subobject" not in _texts(pp) and "meer over" not in _texts(pp)


def _lingo(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    terms = tree.xpath("//a[@class='mw-lingo-term']")
    definitions = [
        " ".join(d.text_content().split()) for d in tree.xpath("//div[@class='mw-lingo-tooltip']")
    ]
    assert terms and definitions
    text = _texts(pp)
    assert all(" ".join(t.text_content().split()) in text for t in terms)
    assert not [d for d in definitions if d in text]


def _old_list(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    headings = [
        " ".join(h.text_content().split()) for h in tree.xpath("//h2/span[@class='mw-headline']")
    ]
    names = {r.relation for r in pp.relations}
    assert names and names <= set(headings)
    assert not names & {s.heading for s in pp.sections}


def _overview(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    assert pp.relations == ()
    assert "Vertrekpunt Relatie Eindpunt" in pp.sections[0].text.split("\n")


def _info(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    hidden = [" ".join(x.text_content().split()) for x in tree.xpath(
        "//span[@data-type='6']/span[@class='smwttcontent']")]  # fmt: skip
    assert hidden and not [h for h in hidden if h in _texts(pp)]


def _show(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    assert pp.properties and all(p.value or not p.links for p in pp.properties)


CHECKS: dict[str, Check] = {
    "smw-relations-ask-table.html": _ask_tables,
    "smw-relations-broadtable.html": _broadtable,
    "smw-relations-template-rows.html": _template_rows,
    "smw-relations-main-column-lists.html": _main_column,
    "smw-relations-empty-query.html": _empty_query,
    "smw-properties-transposed-ask.html": _transposed,
    "smw-properties-show-values.html": _show,
    "smw-factbox-shown.html": _factbox,
    "smw-lingo-glossary-terms.html": _lingo,
    "smw-old-relation-list-lingo.html": _old_list,
    "smw-overview-relation-like-query.html": _overview,
    "smw-info-tooltip.html": _info,
}


@pytest.mark.parametrize("page", SMW_FIXTURES, ids=[p.name for p in SMW_FIXTURES])
def test_what_the_case_is_about(page: Path) -> None:
    assert page.name in CHECKS, f"{page.name}: add a hand-written check"
    CHECKS[page.name](parse_fixture(page), lxml.html.fromstring(page.read_bytes()))


def test_every_case_has_its_fixture() -> None:
    assert sorted(CHECKS) == [p.name for p in SMW_FIXTURES]
