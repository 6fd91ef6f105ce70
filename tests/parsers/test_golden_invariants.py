"""What holds for every fixture, whatever it captures: positions, clean text, no tooltips."""

from __future__ import annotations

from pathlib import Path

import lxml.html
import pytest

from tests.fixture_checks import all_text
from tests.golden import fixture_pages, parse_fixture

PAGES = fixture_pages()
# label and heading texts of blocks that are never body sections
NOT_SECTIONS = {"Eigenschappen", "Relaties", "Afgeleide relaties", "Inhoud", "Navigatiemenu"}
# block headings that head a section when body text sits under the block itself ("Dit
# kwaliteitsdoel vervangt ..." after a property table, "Er zijn (nog) geen afgeleide
# relaties." in place of an empty query): that text, never the block's own labels
BLOCK_HEADINGS_WITH_TEXT = {"Eigenschappen", "Relaties", "Afgeleide relaties"}
BLOCK_LABELS = ("Vertrekpunt", "Eindpunt")


def _ids(pages: list[Path]) -> list[str]:
    return [p.name for p in pages]


HIDDEN = (
    '//*[contains(concat(" ", normalize-space(@class), " "), " smwttcontent ")'
    ' or contains(concat(" ", normalize-space(@class), " "), " mw-lingo-tooltip ")]'
)


def hidden_definitions(data: bytes) -> list[str]:
    """Tooltip definitions in the raw page, read with plain lxml (not the parser under test)."""
    try:
        root = lxml.html.fromstring(data)
    except (ValueError, lxml.etree.ParserError):
        return []
    found = root.xpath(HIDDEN)
    assert isinstance(found, list)
    return [
        " ".join(el.text_content().split()) for el in found if isinstance(el, lxml.html.HtmlElement)
    ]


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_tooltip_definitions_never_leak(page: Path) -> None:
    hidden = [h for h in hidden_definitions(page.read_bytes()) if len(h) > 8]
    text = all_text(parse_fixture(page))
    assert [h for h in hidden if h in text] == []


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_invariants(page: Path) -> None:
    """What holds for every page, whatever it captures."""
    pp = parse_fixture(page)
    title = pp.page.title
    assert title and "_" not in title
    for rows in (pp.properties, pp.relations, pp.sections):
        assert all(r.title == title for r in rows)
    assert [p.position for p in pp.properties] == list(range(len(pp.properties)))
    assert [s.position for s in pp.sections] == list(range(len(pp.sections)))
    # relation positions run 0.. within each kind (the contract), in page order
    for kind in ("direct", "derived"):
        positions = [r.position for r in pp.relations if r.kind == kind]
        assert positions == list(range(len(positions))), kind
    assert {r.kind for r in pp.relations} <= {"direct", "derived"}
    for text in [p.value for p in pp.properties] + [s.text for s in pp.sections]:
        assert "bewerken]" not in text and "\xa0" not in text and "  " not in text
        assert all(line == line.strip() and line for line in text.split("\n")) or text == ""
        assert not text.endswith("+")
    for name in [r.target for r in pp.relations] + [r.source for r in pp.relations]:
        assert "(de pagina bestaat niet)" not in name and "_" not in name and "%" not in name
    for p in pp.properties:
        assert all(
            "(de pagina bestaat niet)" not in t and not t.startswith("Speciaal:") for t in p.links
        )
    for section in pp.sections:
        if section.heading in BLOCK_HEADINGS_WITH_TEXT:
            assert section.text and not [x for x in BLOCK_LABELS if x in section.text]
        else:
            assert section.heading not in NOT_SECTIONS
    assert all(len(c) > 0 and not c.startswith("Categorie:") for c in pp.page.categories)
    assert len(pp.page.content_sha256) == 64
