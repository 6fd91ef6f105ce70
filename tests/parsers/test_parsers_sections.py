"""Body sections (parsers.blocks, parsers.reading via parse_page)."""

from __future__ import annotations

from parsers import parse_page


def sections(body: str) -> list[tuple[str, int, str]]:
    parsed = parse_page(f'<div class="mw-parser-output">{body}</div>', "/wiki/P")
    return [(s.heading, s.level, s.text) for s in parsed.sections]


def test_lead_text_and_every_heading_even_empty() -> None:
    assert sections(
        "<p>Intro<br>regel</p>"
        '<h2><span class="mw-headline" id="A">A</span><span class="mw-editsection">'
        '[<a href="/e">bewerken</a>]</span></h2><p>een</p>'
        '<h3><span class="mw-headline" id="B">B</span></h3>'
        '<h4><span class="mw-headline" id="C">C</span></h4><p>drie</p>'
    ) == [("", 0, "Intro\nregel"), ("A", 2, "een"), ("B", 3, ""), ("C", 4, "drie")]


def test_empty_lead_is_not_a_section() -> None:
    assert sections('<p> </p><h2><span class="mw-headline">A</span></h2>x') == [("A", 2, "x")]


def test_mediawiki_143_heading_markup() -> None:
    assert sections(
        '<div class="mw-heading mw-heading2"><h2 id="Toelichting">Toelichting</h2>'
        '<span class="mw-editsection">[<a href="/e">bewerken</a>]</span></div><p>tekst</p>'
        '<div class="mw-heading mw-heading3"><h3 id="Sub">Sub</h3></div><p>meer</p>'
    ) == [("Toelichting", 2, "tekst"), ("Sub", 3, "meer")]


def test_property_and_relation_blocks_are_not_sections() -> None:
    assert sections(
        '<h2><span class="mw-headline">Eigenschappen</span></h2>'
        "<table><tr><th>ID</th><td>1</td></tr></table>"
        '<h2><span class="mw-headline">Toelichting</span></h2><p>t</p>'
        '<h2><span class="mw-headline">Relaties</span></h2>'
        "<table><tr><th>Vertrekpunt</th><th>Relatie</th><th>Eindpunten</th></tr></table>"
    ) == [("Toelichting", 2, "t")]


def test_heading_wrapped_in_a_div_and_loose_text() -> None:
    assert sections(
        'los <b>vet</b> tekst<div class="kader"><h2><span class="mw-headline">K</span></h2>'
        "<p>binnen</p></div>"
    ) == [("", 0, "los vet tekst"), ("K", 2, "binnen")]


def test_body_table_is_text_rows_as_lines() -> None:
    assert sections(
        '<h2><span class="mw-headline">V</span></h2>'
        "<table><tr><th>Wie</th><th>Wat</th></tr><tr><td>A</td><td>B</td></tr></table>"
    ) == [("V", 2, "Wie Wat\nA B")]
