"""Placing blocks as properties, relations or body text (parsers.layout)."""

from __future__ import annotations

from lxml import etree

from parsers.blocks import regions
from parsers.layout import Layout
from parsers.profile import NORA
from parsers.text import remove_noise


def laid_out(html: str) -> Layout:
    root = etree.fromstring(
        f'<html><body><div class="mw-parser-output">{html}</div></body></html>', etree.HTMLParser()
    ).find(".//div")
    assert root is not None
    remove_noise(root)
    layout = Layout("Pagina", NORA)
    layout.run(regions(root))
    return layout


def test_content_under_block_headings_is_body_text_and_a_warning() -> None:
    layout = laid_out(
        "<h2>Eigenschappen</h2><p>Een toelichting die geen eigenschap is.</p>"
        "<h2>Relaties</h2><p>Nog geen relaties.</p>"
    )
    assert [w.split(":")[0] for w in layout.warnings] == ["unplaced", "unplaced"]
    assert "under 'Relaties' (h2)" in layout.warnings[1]
    assert "kept as body text: 'Nog geen relaties.'" in layout.warnings[1]
    assert [(s.heading, s.level, s.text) for s in layout.sections] == [
        ("Eigenschappen", 2, "Een toelichting die geen eigenschap is."),
        ("Relaties", 2, "Nog geen relaties."),
    ]
    assert layout.properties == []


def test_sub_headings_inherit_the_block_until_a_heading_of_its_level() -> None:
    layout = laid_out(
        "<h2>Eigenschappen van dit element</h2><h3>Algemeen</h3>"
        "<table><tr><th>ID</th><td>AP01</td></tr></table>"
        "<h3>Extra</h3><p><b>Status:</b> Vastgesteld</p><p>Zie ook de toelichting.</p>"
        "<h2>Relaties (2)</h2><h3>Is gerelateerd aan:</h3>"
        '<ul><li><a href="/wiki/A">A</a>,</li></ul><p><br></p>'
        "<h2>Toelichting</h2><p>t</p>"
    )
    assert [(p.label, p.value) for p in layout.properties] == [
        ("ID", "AP01"),
        ("Status", "Vastgesteld"),
    ]
    assert [(k, r.relation, r.target) for k, r in layout.relations] == [
        ("direct", "Is gerelateerd aan", "A")
    ]
    # the sub-heading holding only the table is no section; the one with text is
    assert [(s.heading, s.level, s.text) for s in layout.sections] == [
        ("Extra", 3, "Zie ook de toelichting."),
        ("Toelichting", 2, "t"),
    ]
    assert [w.split(":")[0] for w in layout.warnings] == ["unplaced"]


def test_pseudo_heading_paragraph_announces_the_table() -> None:
    layout = laid_out(
        "<p><b>Eigenschappen</b></p><table><tr><th>Kop</th><th>Kop 2</th></tr>"
        "<tr><td>ID</td><td>7</td></tr></table><h2>Tekst</h2><p>t</p>"
    )
    assert [(p.label, p.value) for p in layout.properties] == [("ID", "7")]
    assert [s.heading for s in layout.sections] == ["Tekst"]


def test_relation_positions_count_per_kind() -> None:
    header = "<tr><th>Vertrekpunt</th><th>Relatie</th><th>{}</th></tr>"
    row = "<tr><td>Pagina</td><td>r</td><td>{}</td></tr>"
    layout = laid_out(
        "<h2>Relaties</h2><table>" + header.format("Eindpunten") + row.format("A") + "</table>"
        "<h2>Afgeleide relaties</h2><table>"
        + header.format("Eindpunt")
        + row.format("B")
        + row.format("C")
        + "</table>"
    )
    assert [(kind, r.target) for kind, r in layout.relations] == [
        ("direct", "A"),
        ("derived", "B"),
        ("derived", "C"),
    ]
