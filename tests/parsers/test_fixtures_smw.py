"""Fixtures rendered by the real Semantic MediaWiki test wiki (``fixtures/smw-*.html``).

Each was saved by ``python -m tests.wiki.fixtures`` together with the generator's ground
truth for that page at that moment (``smw-*.truth.json``): ``parse_page`` must equal it
exactly (the truth comes from the corpus model, never from the parser). On top, checks
written by hand state what each case is about, so a wrong truth cannot hide a bug either.
The layout classes (``tests.wiki.fixtures.LAYOUTS``) are saved in every skin MediaWiki
ships (``smw-<class>-<skin>.html``); one check per class holds in all four.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import lxml.html
import pytest

from parsers import ParsedPage
from tests.golden import FIXTURES, parse_fixture
from tests.wiki.compare import actual, differences
from tests.wiki.fixtures import LAYOUTS, SKINS
from tests.wiki.model import NO_DERIVED

SMW_FIXTURES = sorted(FIXTURES.glob("smw-*.html"))
Check = Callable[[ParsedPage, lxml.html.HtmlElement], None]


def _truth(page: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(page.with_name(page.stem + ".truth.json").read_text("utf-8"))
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


# --- the layout classes, in every skin ----------------------------------------------------


def _norm(element: lxml.html.HtmlElement) -> str:
    return " ".join(element.text_content().replace("\u00a0", " ").split())


def _after(tree: lxml.html.HtmlElement, anchor: str) -> list[lxml.html.HtmlElement]:
    """The siblings after the h2 whose headline has id ``anchor``, up to the next h2."""
    (heading,) = tree.xpath(f"//h2[.//*[@id='{anchor}']]")
    out = []
    for sibling in heading.itersiblings():
        if sibling.tag == "h2":
            break
        out.append(sibling)
    return out


def _links(elements: list[lxml.html.HtmlElement]) -> list[str]:
    """Titles of the page links in ``elements`` (property links in SMW labels left out)."""
    return [
        a.get("title", "").removesuffix(" (de pagina bestaat niet)") or "<self>"
        for e in elements
        for a in e.xpath(".//a[not(ancestor::span[@class='smw-field-label'])]")
        if not (a.get("title") or "").startswith("Eigenschap:")
    ]


def _direct(pp: ParsedPage) -> list[tuple[str, str, str]]:
    return [(r.source, r.relation, r.target) for r in pp.relations if r.kind == "direct"]


def _split(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    """One relation per h3 under Relaties; its endpoints are the links under that h3."""
    block = _after(tree, "Relaties")
    names = [_norm(h.xpath(".//span[@class='mw-headline']")[0]) for h in block if h.tag == "h3"]
    assert len(names) >= 2
    direct = _direct(pp)
    assert list(dict.fromkeys(name for _, name, _ in direct)) == names
    assert {source for source, _, _ in direct} == {pp.page.title}
    at = [i for i, e in enumerate(block) if e.tag == "h3"] + [len(block)]
    for name, start, end in zip(names, at, at[1:], strict=False):
        shown = {t for t in _links(block[start + 1 : end]) if t != "<self>"}
        assert {target for _, n, target in direct if n == name} == shown, name
    headings = {s.heading for s in pp.sections}
    assert not headings & {"Relaties", *names}
    assert "Het element waarnaar de relatie verwijst." not in _texts(pp)  # label tooltip
    assert not [s for s in pp.sections if s.text.startswith("Eindpunt")]


def _header_variants(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    (table,) = tree.xpath("//table[caption[normalize-space()='Relaties']]")
    header = [_norm(th) for th in table.xpath(".//tr[1]/th")]
    assert header == ["Vertrekpunt", "Relatie", "Eindpunt(en)"]
    rows = table.xpath(".//tr[td]")
    assert [name for _, name, _ in _direct(pp)] == [
        _norm(row.xpath("./td[2]")[0]) for row in rows for _ in _links(row.xpath("./td[3]"))
    ]
    assert not [s for s in pp.sections if "Eindpunt(en)" in s.text or "Relaties" in s.text]


def _rowspan(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    (table,) = [e for e in _after(tree, "Relaties") if e.tag == "table"]
    rows = table.xpath(".//tr[td]")
    assert rows[0].xpath("./td[@rowspan='3']") and [len(r.xpath("./td")) for r in rows] == [3, 2, 2]
    names = [_norm(rows[0].xpath("./td[2]")[0])] + [_norm(r.xpath("./td[1]")[0]) for r in rows[1:]]
    direct = _direct(pp)
    assert list(dict.fromkeys(name for _, name, _ in direct)) == names
    assert {source for source, _, _ in direct} == {pp.page.title}


def _groups(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    (table,) = tree.xpath("//table[@id='eigenschappen']")
    groups = [_norm(th) for th in table.xpath(".//th[@colspan='2']")]
    labels = [_norm(th) for th in table.xpath(".//tr[td]/*[1]")]
    assert groups[0] == "Algemeen" and groups[-1] == "Beheer"
    assert [p.property for p in pp.properties] == labels
    assert not [s for s in pp.sections if set(groups) & set(s.text.split("\n"))]


def _query_limit(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    (table,) = [e for e in _after(tree, "Relaties") if e.tag == "table"]
    footer = _norm(table.xpath(".//tr[contains(@class,'smwfooter')]")[0])
    shown = table.xpath(".//tr[@data-row-number]")
    assert len({name for _, name, _ in _direct(pp)}) == len(shown)
    assert footer and footer not in _texts(pp)
    assert not [r for r in pp.relations if "Speciaal:" in r.target]


def _headers_hide(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    (table,) = [e for e in _after(tree, "Relaties") if e.tag == "table"]
    assert not table.xpath(".//th")
    names = [_norm(row.xpath("./td[2]")[0]) for row in table.xpath(".//tr[td]")]
    assert list(dict.fromkeys(name for _, name, _ in _direct(pp))) == names


def _bullets(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    (items,) = [e for e in _after(tree, "Eigenschappen") if e.tag == "ul"][:1]
    labels = [_norm(li.xpath("./b")[0]).rstrip(":") for li in items.xpath("./li")]
    assert [p.property for p in pp.properties] == labels
    assert "Eigenschappen" not in {s.heading for s in pp.sections}


def _grid(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    labels = [_norm(d) for d in tree.xpath("//div[@class='eigenschap-label']")]
    assert [p.property for p in pp.properties] == labels
    assert "Eigenschappen" not in {s.heading for s in pp.sections}


def _text_after(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    (section,) = [s for s in pp.sections if s.heading == "Eigenschappen"]
    assert section.text.startswith("Dit kwaliteitsdoel vervangt ")
    assert pp.properties and not [p for p in pp.properties if "vervangt" in p.value]


def _no_derived(pp: ParsedPage, tree: lxml.html.HtmlElement) -> None:
    assert not [r for r in pp.relations if r.kind == "derived"]
    assert [s.text for s in pp.sections if s.heading == "Afgeleide relaties"] == [NO_DERIVED]


LAYOUT_CHECKS: dict[str, Check] = {
    "relations-split-table": _split,
    "relations-split-ul": _split,
    "relations-split-ul-unlabelled": _split,
    "relations-split-list": _split,
    "relations-header-variants": _header_variants,
    "relations-rowspan": _rowspan,
    "properties-group-rows": _groups,
    "relations-query-limit-table": _query_limit,
    "relations-query-limit-broadtable": _query_limit,
    "relations-headers-hide": _headers_hide,
    "properties-bullets": _bullets,
    "properties-div-grid": _grid,
    "properties-text-after": _text_after,
    "derived-empty-sentence": _no_derived,
}

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
} | {f"smw-{name}-{skin}.html": check for name, check in LAYOUT_CHECKS.items() for skin in SKINS}


@pytest.mark.parametrize("page", SMW_FIXTURES, ids=[p.name for p in SMW_FIXTURES])
def test_what_the_case_is_about(page: Path) -> None:
    assert page.name in CHECKS, f"{page.name}: add a hand-written check"
    CHECKS[page.name](parse_fixture(page), lxml.html.fromstring(page.read_bytes()))


def test_every_case_has_its_fixture() -> None:
    assert sorted(CHECKS) == [p.name for p in SMW_FIXTURES]
    assert sorted(LAYOUT_CHECKS) == sorted(LAYOUTS)


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_a_layout_class_is_one_page_in_every_skin(name: str) -> None:
    """The four renderings of a class hold the same page, and so the same truth."""
    truths = [_truth(FIXTURES / f"smw-{name}-{skin}.html") for skin in SKINS]
    assert all(t["title"] == truths[0]["title"] for t in truths)
    assert [t["fixture_url"] for t in truths] == [
        f"{truths[0]['fixture_url']}".split("?")[0] + f"?useskin={value}"
        for value in SKINS.values()
    ]


def _as_parsed(truth: dict[str, Any]) -> ParsedPage:
    """The truth shaped as ``parse_page``'s answer: what a correct parser returns."""
    page = SimpleNamespace(title=truth["title"], warnings=())
    return cast(ParsedPage, SimpleNamespace(
        page=page,
        properties=tuple(SimpleNamespace(**p) for p in truth["properties"]),
        relations=tuple(SimpleNamespace(**r) for r in truth["relations"]),
        sections=tuple(SimpleNamespace(**s) for s in truth["sections"]),
    ))  # fmt: skip


@pytest.mark.parametrize("page", SMW_FIXTURES, ids=[p.name for p in SMW_FIXTURES])
def test_the_truth_passes_the_hand_written_check(page: Path) -> None:
    """The model's truth agrees with what the rendered HTML shows, read with plain lxml:
    a correct parser passes both tests above (this one needs no parser at all)."""
    CHECKS[page.name](_as_parsed(_truth(page)), lxml.html.fromstring(page.read_bytes()))
