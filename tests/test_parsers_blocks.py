"""The content area as headings and blocks, cut into regions (parsers.blocks)."""

from __future__ import annotations

from lxml import etree

from parsers.blocks import regions


def root(html: str) -> etree._Element:
    found = etree.fromstring(
        f'<html><body><div class="mw-parser-output">{html}</div></body></html>', etree.HTMLParser()
    ).find(".//div")
    assert found is not None
    return found


def test_regions_for_both_heading_markups_and_wrappers() -> None:
    cut = regions(
        root(
            "<p>lead</p>"
            '<h2><span class="mw-headline" id="A">A</span></h2><p>a</p>'
            '<div class="mw-heading mw-heading3"><h3 id="B">B</h3></div><table></table>'
            '<div class="kader"><h4>C</h4><p>c</p></div>'
            "<div><p>geen kop</p></div>"
        )
    )
    assert [(r.heading.text, r.heading.level) if r.heading else None for r in cut] == [
        None,
        ("A", 2),
        ("B", 3),
        ("C", 4),
    ]
    # B: the table and the line mark opening the wrapper; C: p, closing mark, plain div
    assert [len(r.blocks) for r in cut] == [1, 1, 2, 3]
    assert cut[2].blocks[0].element is not None and cut[2].blocks[0].element.tag == "table"


def test_loose_text_is_kept_in_order() -> None:
    cut = regions(root("voor <b>vet</b> na"))
    assert [b.text if b.element is None else b.element.tag for b in cut[0].blocks] == [
        "voor ",
        "b",
        " na",
    ]
