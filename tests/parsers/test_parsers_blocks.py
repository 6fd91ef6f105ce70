"""Stage 1 (parsers.walk: pieces) and stage 2 (parsers.blocks: classified blocks)."""

from __future__ import annotations

from lxml import etree

from parsers.blocks import BODY, PROPERTIES, RELATIONS, classify, regions
from parsers.labels import LINE_MARK
from parsers.profile import NORA
from parsers.reading import read
from parsers.table import Tables
from parsers.walk import walk


def root(html: str) -> etree._Element:
    found = etree.fromstring(
        f'<html><body><div class="mw-parser-output">{html}</div></body></html>', etree.HTMLParser()
    ).find(".//div")
    assert found is not None
    return found


def test_regions_for_both_heading_markups_and_wrappers() -> None:
    cut = regions(
        walk(
            root(
                "<p>lead</p>"
                '<h2><span class="mw-headline" id="A">A</span></h2><p>a</p>'
                '<div class="mw-heading mw-heading3"><h3 id="B">B</h3></div><table></table>'
                '<div class="kader"><h4>C</h4><p>c</p></div>'
                "<div><p>geen kop</p></div>"
            )
        ).pieces
    )
    assert [(h.text, h.level) if h else None for h, _ in cut] == [
        None,
        ("A", 2),
        ("B", 3),
        ("C", 4),
    ]
    table = [p.element for p in cut[2][1] if p.element is not None]
    assert [e.tag for e in table] == ["table"]


def test_loose_text_is_kept_in_order() -> None:
    pieces = walk(root("voor <b>vet</b> na")).pieces
    assert [p.text.lstrip(LINE_MARK) if p.element is None else p.element.tag for p in pieces] == [
        "voor ",
        "b",
        " na",
    ]


def test_walk_sees_query_results_and_the_whole_text() -> None:
    seen = walk(
        root(
            '<p>x<span class="smwttcontent">uitleg</span></p>'
            '<ul class="smw-format ul-format"><li>a</li></ul>'
        )
    )
    assert seen.shows_query_results
    assert not walk(root("<p>x</p>")).shows_query_results


def test_blocks_by_label_with_relation_names_from_sub_headings() -> None:
    html = (
        "<p>lead</p><h2>Eigenschappen</h2><table><tr><th>ID</th><td>1</td></tr></table>"
        "<h2>Relaties</h2><h3>groepeert</h3><ul><li><a href='/wiki/X'>X</a></li></ul>"
        "<h2>Toelichting</h2><p>t</p>"
    )
    blocks = classify(walk(root(html)).pieces, "P", NORA, Tables())
    shape = [(b.kind, b.relation_kind, b.heading, b.relation_name) for b in blocks]
    assert shape == [
        (BODY, "", None, ""),
        (PROPERTIES, "", "Eigenschappen", ""),
        (RELATIONS, "direct", "Relaties", ""),
        (RELATIONS, "direct", "groepeert", "groepeert"),
        (BODY, "", "Toelichting", ""),
    ]


def test_a_captioned_table_in_body_text_is_a_block_of_its_own() -> None:
    html = (
        "<h2>Tekst</h2><p>voor</p><table><caption>Relaties</caption><tr><th>Vertrekpunt</th>"
        "<th>Relatie</th><th>Eindpunt(en)</th></tr></table><p>na</p>"
    )
    blocks = classify(walk(root(html)).pieces, "P", NORA, Tables())
    assert [(b.kind, b.relation_kind, b.region) for b in blocks if b.region] == [
        (BODY, "", 1),
        (RELATIONS, "direct", 1),
        (BODY, "", 1),
    ]


def test_stages_2_and_3_read_only() -> None:
    """After the walk, classifying and reading every kind of block leaves the tree as it
    was (the readers serialise, never move or mark)."""
    tree = root(
        "<p><b>ID:</b> 1<br><b>Status:</b> <a href='/wiki/S'>S</a></p>"
        "<h2>Eigenschappen</h2><table><tr><th colspan=2>Algemeen</th></tr>"
        "<tr><th>ID</th><td>1</td></tr></table><ul><li><b>Bron:</b> x</li></ul>"
        "<dl><dt>Type</dt><dd>y</dd></dl><div><div><div>Eigenaar</div><div>z</div></div></div>"
        "<h2>Relaties</h2><table><tr><th>Vertrekpunt</th><th>Relatie</th><th>Eindpunten</th>"
        "</tr><tr><td rowspan=2><a class='mw-selflink selflink'>P</a></td><td>r</td>"
        "<td><a href='/wiki/A'>A</a></td></tr><tr><td>s</td><td>B, tekst</td></tr></table>"
        "<h3>groepeert</h3><ul><li><a href='/wiki/C'>C</a></li></ul><p>Zie ook.</p>"
    )
    pieces = walk(tree).pieces
    before = etree.tostring(tree)
    tables = Tables()
    blocks = classify(pieces, "P", NORA, tables)
    reading = read(blocks, "P", NORA, tables)
    assert etree.tostring(tree) == before
    assert len(reading.properties) == 6 and len(reading.relations) == 3


def test_walk_hands_on_the_images_left_and_nothing_inside_noise() -> None:
    """The images left once noise is dropped, in document order (the element-type icon
    is looked for among them)."""
    area = root(
        '<p><img src="a.png"><span class="smwttcontent"><img src="uitleg.png"></span></p>'
        '<div class="toc"><img src="toc.png"></div><table><tr><td><img src="b.png">'
        "</td></tr></table>"
    )
    walked = walk(area)
    assert [image.get("src") for image in walked.images] == ["a.png", "b.png"]
    assert [image.get("src") for image in area.iter("img")] == ["a.png", "b.png"]
