"""Placing blocks as properties, relations or body text (parsers.layout)."""

from __future__ import annotations

from lxml import etree

from parsers.blocks import regions
from parsers.layout import Layout
from parsers.text import remove_noise


def laid_out(html: str) -> Layout:
    root = etree.fromstring(
        f'<html><body><div class="mw-parser-output">{html}</div></body></html>', etree.HTMLParser()
    ).find(".//div")
    assert root is not None
    remove_noise(root)
    layout = Layout("Pagina")
    layout.run(regions(root))
    return layout


def test_unplaced_content_under_block_headings_is_a_warning() -> None:
    layout = laid_out(
        "<h2>Eigenschappen</h2><p>Een toelichting die geen eigenschap is.</p>"
        "<h2>Relaties</h2><p>Nog geen relaties.</p>"
    )
    assert [w.split(":")[0] for w in layout.warnings] == ["unplaced", "unplaced"]
    assert layout.sections == [] and layout.properties == []


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
