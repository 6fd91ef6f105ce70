"""The Eigenschappen block in its variants (parsers.properties via parse_page)."""

from __future__ import annotations

from lxml import etree

from parsers import parse_page
from parsers.profile import NORA
from parsers.properties import (
    has_known_pairs,
    label_paragraph_segments,
    looks_like_property_table,
    read_pairs,
)
from parsers.table import form


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
    assert not looks_like_property_table(form(table), NORA)
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
    segments = label_paragraph_segments(root, NORA)
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


def test_property_table_without_heading_is_found_by_its_rows_not_by_being_first() -> None:
    # an icon/definition table first, then the property table with a header row and a
    # full-width description row (handed back to the body text, with a warning)
    page = parse_page(
        fragment(
            '<table><tr><td><img src="/images/Bron.png" alt="Bron.png"></td>'
            "<td>Een bron is een document.</td></tr></table>"
            "<table><tr><th>Eigenschap</th><th>Waarde</th></tr>"
            '<tr><td colspan="2">Over deze bron.</td></tr>'
            "<tr><td>ID</td><td>BR01</td></tr><tr><td>Brontype</td><td>Wet</td></tr></table>"
            '<h2><span class="mw-headline">Toelichting</span></h2><p>t</p>'
        ),
        "/wiki/P",
    )
    assert [(p.property, p.value) for p in page.properties] == [("ID", "BR01"), ("Brontype", "Wet")]
    assert page.sections[0].text == "Een bron is een document.\nOver deze bron."
    # nothing lost or misread: a note, not a warning
    assert page.page.warnings == ()
    assert [n.split(":")[0] for n in page.page.notes] == ["full-width-row"]
    assert "kept as body text: 'Over deze bron.'" in page.page.notes[0]


def test_two_column_table_of_sentences_is_not_a_property_table() -> None:
    assert (
        pairs(
            "<table><tr><td>Dit is een zin.</td><td>a</td></tr>"
            "<tr><td>Nog een zin.</td><td>b</td></tr></table>"
        )
        == []
    )
    assert pairs("<table><tr><td>Onbekend</td><td>1</td></tr></table>") == []  # one unknown
    assert pairs("<table><tr><td>Brontype</td><td>Wet</td></tr></table>") == [("Brontype", "Wet")]


def test_label_lines_in_divs_and_definition_lists() -> None:
    assert pairs(
        "<div><b>ID:</b> AP01</div><dl><dt>Status</dt><dd>Actueel</dd>"
        "<dt>Toelichting</dt><dd>een</dd><dd>twee</dd></dl>"
    ) == [("ID", "AP01"), ("Status", "Actueel"), ("Toelichting", "een\ntwee")]
    # a body definition list of unknown terms stays body text
    page = parse_page(fragment("<dl><dt>Dataminimalisatie</dt><dd>minder</dd></dl>"), "/wiki/P")
    assert page.properties == () and page.sections[0].text == "Dataminimalisatie\nminder"
    # under Eigenschappen any label-shaped term is a property
    assert pairs(
        '<h2><span class="mw-headline">Eigenschappen</span></h2>'
        "<dl><dt>Kleur</dt><dd>blauw</dd></dl>"
    ) == [("Kleur", "blauw")]


def test_common_values_read_from_their_text_follow_the_text_rules() -> None:
    """A value cell of plain text or of one link is read without serialising it (and a
    line's childless parts, a grid's value): the same text, links and external links
    as the generic path gives, tails and nested markup included."""
    page = parse_page(
        fragment(
            '<h2><span class="mw-headline">Eigenschappen</span></h2><table>'
            "<tr><th>Tekst</th><td> een\u00a0 twee </td></tr>"
            '<tr><th>Link</th><td>zie <a href="/wiki/X_Y" title="X Y">X</a> (2020)</td></tr>'
            '<tr><th>Rood</th><td><a class="new" href="/w/index.php?title=Z&amp;redlink=1" '
            'title="Z (de pagina bestaat niet)">Z</a></td></tr>'
            '<tr><th>Extern</th><td><a class="external text" href="https://a.nl">a</a></td></tr>'
            '<tr><th>Genest</th><td><a href="/wiki/N" title="N"><span>N</span> n</a>.</td></tr>'
            "<tr><th>Vet</th><td><b>vet</b> na</td></tr>"
            "</table>"
            '<div><div><div>Bron:</div><a href="/wiki/B" title="B">B</a></div>'
            "<div><div>Datum</div><span>1 mei</span></div></div>"
            '<p><b>Regel:</b> voor <i>schuin</i> <a href="/wiki/R" title="R">R</a> na</p>'
        ),
        "/wiki/P",
    )
    found = [(p.property, p.value, p.links, p.external_links) for p in page.properties]
    assert found == [
        ("Tekst", "een twee", (), ()),
        ("Link", "zie X (2020)", ("X Y",), ()),
        ("Rood", "Z", ("Z",), ()),
        ("Extern", "a", (), ("https://a.nl",)),
        ("Genest", "N n.", ("N",), ()),
        ("Vet", "vet na", (), ()),
        ("Bron", "B", ("B",), ()),
        ("Datum", "1 mei", (), ()),
        ("Regel", "voor schuin R na", ("R",), ()),
    ]
    assert page.page.warnings == ()


def test_the_classifiers_probe_agrees_with_reading_the_pairs() -> None:
    """``has_known_pairs`` (asked of every piece before the first heading) answers as
    ``read_pairs(known_only=True)`` finding something, without reading the values."""
    shapes = [
        "<p><b>Eigenaar:</b> BZK<br/><b>Status:</b> actief</p>",
        "<p><b>NB:</b> een opmerking</p>",
        "<p>tekst <b>Eigenaar:</b> BZK</p>",
        "<div><b>Eigenaar</b>: BZK</div>",
        "<div><b>Eigenaar:</b> BZK<p>alinea</p></div>",
        "<dl><dt>ID</dt><dd>42</dd></dl>",
        "<dl><dt>Iets anders</dt><dd>42</dd></dl>",
        "<dl><dt>Een zin als label.</dt><dd>42</dd></dl>",
        "<ul><li><b>Eigenaar:</b> BZK</li></ul>",
        "<div><div><span>ID</span><span>42</span></div></div>",
        "<table><tr><th>ID</th><td>42</td></tr></table>",
    ]
    seen = set()
    for shape in shapes:
        element = etree.fromstring(shape)
        found = read_pairs(element, "P", NORA, known_only=True)
        assert has_known_pairs(element, NORA) is bool(found), shape
        seen.add(bool(found))
    assert seen == {True, False}


def test_a_spanned_property_table_reads_as_its_plain_twin() -> None:
    """A table with a span is read over the grid, one without over its plain rows: the
    same rows give the same properties, notes and warnings."""
    rows = (
        "<tr><th>Eigenschap</th><th>Waarde</th></tr>"
        "<tr><th>Algemeen</th></tr>"
        '<tr><th>ID</th><td><a href="/wiki/X" title="X">X</a></td></tr>'
        "<tr><td>Een losse beschrijving.</td></tr>"
        "<tr><td>a</td><td>b</td><td>c</td></tr>"
        '<tr class="smwfooter"><td><a href="/wiki/Q">... meer resultaten</a></td></tr>'
    )
    spanned = rows.replace("<th>Algemeen</th>", '<th colspan="2">Algemeen</th>')
    heading = '<h2><span class="mw-headline" id="E">Eigenschappen</span></h2>'
    plain = parse_page(fragment(f"{heading}<table>{rows}</table>"), "/wiki/P")
    grid = parse_page(fragment(f"{heading}<table>{spanned}</table>"), "/wiki/P")
    assert grid.properties == plain.properties
    assert grid.page.notes == plain.page.notes and grid.page.warnings == plain.page.warnings
    assert [(p.property, p.value) for p in plain.properties] == [("ID", "X")]
    assert plain.page.warnings and plain.page.notes
