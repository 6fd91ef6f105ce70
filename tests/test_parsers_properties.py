"""The Eigenschappen block in its variants (parsers.properties via parse_page)."""

from __future__ import annotations

from lxml import etree

from parsers import parse_page
from parsers.properties import is_bare_property_table, label_paragraph_segments


def fragment(body: str) -> str:
    return f'<div class="mw-parser-output">{body}</div>'


def pairs(html: str) -> list[tuple[str, str]]:
    return [(p.property, p.value) for p in parse_page(fragment(html), "/wiki/P").properties]


def test_heading_th_labels_links_and_externals() -> None:
    page = parse_page(
        fragment(
            '<h2><span class="mw-headline" id="E">Eigenschappen</span></h2>'
            "<table><tr><th>Organisatie</th><td>"
            '<a href="/wiki/Ministerie_van_BZK" title="Ministerie van BZK">BZK</a>, '
            '<a href="/wiki/VNG" title="VNG">VNG</a></td></tr>'
            '<tr><th>Externe verwijzing:</th><td><a class="external text" href="https://a.nl/x">'
            "site</a></td></tr>"
            "<tr><th>Locatie</th><td></td></tr></table>"
            '<h2><span class="mw-headline" id="T">Toelichting</span></h2><p>tekst</p>'
        ),
        "/wiki/P",
    )
    props = page.properties
    assert [(p.position, p.property, p.value) for p in props] == [
        (0, "Organisatie", "BZK, VNG"),
        (1, "Externe verwijzing", "site"),
        (2, "Locatie", ""),
    ]
    assert props[0].links == ("Ministerie van BZK", "VNG")
    assert props[1].external_links == ("https://a.nl/x",)
    assert [s.heading for s in page.sections] == ["Toelichting"]
    assert page.page.warnings == ()


def test_caption_and_td_labels_with_list_value() -> None:
    assert pairs(
        "<table><caption>Eigenschappen</caption>"
        "<tr><td>Implicaties</td><td><ol><li>Een</li><li>Twee</li></ol></td></tr></table>"
    ) == [("Implicaties", "Een\nTwee")]


def test_no_heading_first_two_cell_table_before_any_heading() -> None:
    assert pairs(
        "<p>Intro</p><table><tr><td>ID</td><td>AP01</td></tr>"
        "<tr><td>Stelling</td><td>Zo.</td></tr></table>"
    ) == [("ID", "AP01"), ("Stelling", "Zo.")]


def test_table_with_header_row_is_not_a_property_table() -> None:
    root = etree.fromstring(
        "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>",
        etree.HTMLParser(),
    )
    table = root.find(".//table")
    assert table is not None
    assert not is_bare_property_table(table)
    assert pairs("<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>") == []


def test_label_colon_paragraphs_and_banner_is_body() -> None:
    page = parse_page(
        fragment(
            "<p><b>ID:</b> AP01</p><p><b>Status</b>: Vastgesteld</p>"
            "<p><strong>Toelichting:</strong> regel een<br>regel twee</p>"
            "<p><b>Vastgesteld in:</b>\n</p>"
            "<p><b>NB: Deze pagina maakt deel uit van de Historie van de NORA</b></p>"
        ),
        "/wiki/P",
    )
    assert [(p.property, p.value) for p in page.properties] == [
        ("ID", "AP01"),
        ("Status", "Vastgesteld"),
        ("Toelichting", "regel een\nregel twee"),
        ("Vastgesteld in", ""),
    ]
    assert page.sections[0].text == "NB: Deze pagina maakt deel uit van de Historie van de NORA"
    assert page.page.historical


def test_several_labels_in_one_paragraph_split_at_br() -> None:
    root = etree.fromstring("<p><b>ID:</b> X<br>\n<b>Status:</b> Y</p>", etree.HTMLParser()).find(
        ".//p"
    )
    assert root is not None
    segments = label_paragraph_segments(root)
    assert segments is not None and len(segments) == 2


def test_infobox_in_a_wrapper_with_title_row() -> None:
    assert pairs(
        '<div style="float:right"><table class="infobox"><tr><th colspan="2">Doel</th></tr>'
        "<tr><th>Elementtype</th><td>Doel</td></tr><tr><th>ID</th><td>D1</td></tr></table></div>"
        "<p>Tekst</p>"
    ) == [("Elementtype", "Doel"), ("ID", "D1")]


def test_wrong_row_is_a_warning_not_an_error() -> None:
    page = parse_page(
        fragment(
            "<table><caption>Eigenschappen</caption><tr><td>ID</td><td>1</td></tr>"
            "<tr><td>a</td><td>b</td><td>c</td></tr></table>"
        ),
        "/wiki/P",
    )
    assert [p.property for p in page.properties] == ["ID"]
    assert [w.split(":")[0] for w in page.page.warnings] == ["property-row"]
