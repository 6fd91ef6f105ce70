"""Relaties and Afgeleide relaties (parsers.relations via parse_page)."""

from __future__ import annotations

import pytest

from parsers import ParsedPage, parse_page, problems
from parsers.profile import from_mapping

HEADER = "<tr><th>Vertrekpunt</th><th>Relatie</th><th>{}</th></tr>"
SELF = '<a class="mw-selflink selflink">Dit</a>'


def page_with(body: str) -> tuple[list[tuple[str, int, str, str, str, bool]], tuple[str, ...]]:
    parsed = parse_page(f'<div class="mw-parser-output">{body}</div>', "/wiki/Dit")
    rows = [
        (r.kind, r.position, r.source, r.relation, r.target, r.target_exists)
        for r in parsed.relations
    ]
    return rows, parsed.page.warnings


def test_one_row_per_endpoint_split_on_links() -> None:
    rows, warnings = page_with(
        '<h2><span class="mw-headline">Relaties</span></h2><table>'
        + HEADER.format("Eindpunten")
        + f"<tr><td>{SELF}</td><td>groepeert</td><td>"
        '<a href="/wiki/A_b" title="A b">x</a>, '
        '<a href="/index.php?title=C&amp;action=edit&amp;redlink=1" class="new"'
        ' title="C (de pagina bestaat niet)">C</a><br><a href="/wiki/D%C3%A9">Dé</a></td></tr>'
        "</table>"
    )
    assert rows == [
        ("direct", 0, "Dit", "groepeert", "A b", True),
        ("direct", 1, "Dit", "groepeert", "C", False),
        ("direct", 2, "Dit", "groepeert", "Dé", True),
    ]
    assert warnings == ()


def test_columns_found_by_header_text_and_derived_positions() -> None:
    rows, _ = page_with(
        '<h2><span class="mw-headline">Afgeleide relaties</span></h2><table>'
        "<tr><th>Relatie</th><th>Eindpunt</th><th>Vertrekpunt</th></tr>"
        '<tr><td>realiseert</td><td>Dit</td><td><a href="/wiki/X" title="X">X</a></td></tr>'
        "</table>"
    )
    assert rows == [("derived", 0, "X", "realiseert", "Dit", True)]


def test_caption_and_header_only_table_give_no_rows_and_no_warning() -> None:
    rows, warnings = page_with(
        "<table><caption>Afgeleide relaties</caption>" + HEADER.format("Eindpunt") + "</table>"
    )
    assert rows == [] and warnings == ()


def test_unknown_headers_and_wrong_cell_count_warn() -> None:
    rows, warnings = page_with(
        '<h2><span class="mw-headline">Relaties</span></h2>'
        "<table><tr><th>Van</th><th>Soort</th></tr></table>"
        "<table>" + HEADER.format("Eindpunten") + "<tr><td>a</td><td>b</td></tr></table>"
    )
    assert rows == []
    # the table without relation headers is handed back to the body text, loudly
    assert [w.split(":")[0] for w in warnings] == ["relation-columns", "relation-row"]
    assert "found Van | Soort; kept as body text" in warnings[0]
    assert "kept as body text: 'a b'" in warnings[1]


def test_announced_table_without_relation_header_warns_relation_columns() -> None:
    rows, warnings = page_with(
        "<table><caption>Relaties</caption><tr><th>Van</th><th>Soort</th></tr></table>"
    )
    assert rows == []
    assert [w.split(":")[0] for w in warnings] == ["relation-columns"]


def test_cell_without_link_gives_its_text() -> None:
    rows, _ = page_with(
        "<table><caption>Relaties</caption>"
        + HEADER.format("Eindpunten")
        + f"<tr><td>{SELF}</td><td>Heeft bron</td><td>Wet X</td></tr></table>"
    )
    assert rows == [("direct", 0, "Dit", "Heeft bron", "Wet X", True)]


def test_old_heading_plus_link_list_variant() -> None:
    rows, _ = page_with(
        '<h2><span class="mw-headline">Is gerelateerd aan</span></h2>'
        '<ul><li><a href="/wiki/A" title="A">A</a></li>'
        '<li><a href="/wiki/B" title="B">B</a></li></ul>'
        '<h2><span class="mw-headline">Grondslag</span></h2><ul><li>Wet</li></ul>'
    )
    assert rows == [
        ("direct", 0, "Dit", "Is gerelateerd aan", "A", True),
        ("direct", 1, "Dit", "Is gerelateerd aan", "B", True),
    ]


def test_list_items_with_more_than_a_link_are_body_text() -> None:
    parsed = parse_page(
        '<div class="mw-parser-output"><h2><span class="mw-headline">Bron van</span></h2>'
        '<ul><li><a href="/wiki/W" title="W">W</a> - artikel 2</li></ul></div>',
        "/wiki/Dit",
    )
    assert parsed.relations == ()
    assert [(s.heading, s.text) for s in parsed.sections] == [("Bron van", "W - artikel 2")]


SMW_TABLE = '<table class="sortable wikitable smwtable">'
CLASSES = ("<table>", SMW_TABLE, '<table class="wikitable sortable relaties">')


@pytest.mark.parametrize("opening", CLASSES)
def test_relation_blocks_are_read_whatever_the_table_class(opening: str) -> None:
    # SMW renders Relaties and Afgeleide relaties as query tables (class smwtable)
    rows, warnings = page_with(
        '<h2><span class="mw-headline">Relaties</span></h2>'
        + opening
        + HEADER.format("Eindpunten")
        + f'<tr><td>{SELF}</td><td>realiseert</td><td><a href="/wiki/A">A</a><br>'
        '<a href="/wiki/B">B</a></td></tr></table>'
        '<h2><span class="mw-headline">Afgeleide relaties</span></h2>'
        + opening
        + HEADER.format("Eindpunt")
        + f'<tr><td><a href="/wiki/C">C</a></td><td>groepeert</td><td>{SELF}</td></tr></table>'
    )
    assert rows == [
        ("direct", 0, "Dit", "realiseert", "A", True),
        ("direct", 1, "Dit", "realiseert", "B", True),
        ("derived", 0, "C", "groepeert", "Dit", True),
    ]
    assert warnings == ()


@pytest.mark.parametrize("opening", CLASSES)
def test_unheaded_relation_table_about_this_page_is_relations(opening: str) -> None:
    rows, _ = page_with(
        opening
        + HEADER.format("Eindpunt")
        + f'<tr><td><a href="/wiki/C">C</a></td><td>groepeert</td><td>{SELF}, '
        '<a href="/wiki/E">E</a></td></tr></table>'
    )
    assert rows == [
        ("derived", 0, "C", "groepeert", "Dit", True),
        ("derived", 1, "C", "groepeert", "E", True),
    ]


@pytest.mark.parametrize("opening", CLASSES)
def test_overview_table_of_other_pages_relations_is_body_text(opening: str) -> None:
    # an overview's query with relation-like headers lists relations between other
    # pages: told apart by what its rows are about, never by its class
    body = (
        "<p>Alle relaties.</p>"
        + opening
        + HEADER.format("Eindpunt")
        + '<tr><td><a href="/wiki/A">A</a></td><td>groepeert</td><td><a href="/wiki/B">B</a>'
        "</td></tr>"
        + f'<tr><td><a href="/wiki/C">C</a></td><td>realiseert</td><td>{SELF}</td></tr></table>'
    )
    parsed = parse_page(f'<div class="mw-parser-output">{body}</div>', "/wiki/Dit")
    assert parsed.relations == ()
    assert [s.text for s in parsed.sections] == [
        "Alle relaties.\nVertrekpunt Relatie Eindpunt\nA groepeert B\nC realiseert Dit"
    ]
    assert parsed.page.warnings == ()


def test_empty_endpoint_cell_gives_no_row_and_no_warning() -> None:
    rows, warnings = page_with(
        '<h2><span class="mw-headline">Relaties</span></h2><table>'
        + HEADER.format("Eindpunten")
        + f"<tr><td>{SELF}</td><td>Is relevant binnen</td><td>\n</td></tr>"
        + "<tr><td> </td><td>Groepeert</td><td>Wet X</td></tr>"
        + f"<tr><td>{SELF}</td><td>Heeft bron</td><td><a>\u00a0</a></td></tr>"
        + f"<tr><td>{SELF}</td><td>realiseert</td><td>Wet Y</td></tr>"
        + "</table>"
    )
    assert rows == [("direct", 0, "Dit", "realiseert", "Wet Y", True)]
    assert warnings == ()


def test_header_row_of_td_cells_is_found_by_its_text() -> None:
    rows, warnings = page_with(
        "<p><b>Relaties</b></p><table>"
        "<tr><td>Vertrekpunt</td><td>Relatie</td><td>Eindpunten</td></tr>"
        f'<tr><td>{SELF}</td><td>Is relevant<br>binnen</td><td><a href="/wiki/E">E</a></td></tr>'
        "</table>"
    )
    assert rows == [("direct", 0, "Dit", "Is relevant binnen", "E", True)]
    assert warnings == ()


def test_title_row_and_header_cells_outside_a_row() -> None:
    rows, warnings = page_with(
        '<table><tr><th colspan="3">Afgeleide relaties</th></tr>'
        "<tr><th>Vertrekpunt</th><th>Relatie</th><th>Eindpunt</th></tr>"
        '<tr><td><a href="/wiki/A">A</a></td><td>groepeert</td><td><a href="/wiki/B">B</a>'
        "</td></tr></table>"
        '<h2><span class="mw-headline">Relaties</span></h2>'
        "<table><th>Vertrekpunt</th><th>Relatie</th><th>Eindpunten</th>"
        f'<tr><td>{SELF}</td><td>realiseert</td><td><a href="/wiki/C">C</a></td></tr></table>'
    )
    # the title row names the block: other pages' rows are still its rows
    assert rows == [
        ("derived", 0, "A", "groepeert", "B", True),
        ("direct", 0, "Dit", "realiseert", "C", True),
    ]
    assert warnings == ()


def test_text_beside_links_is_kept_in_target_text_with_a_warning() -> None:
    parsed = parse_page(
        '<div class="mw-parser-output"><h2><span class="mw-headline">Relaties</span></h2><table>'
        + HEADER.format("Eindpunten")
        + f'<tr><td>{SELF}</td><td>Heeft bron</td><td>Wet X (art. 2), <a href="/wiki/Y">Y</a>'
        '</td></tr><tr><td><strong class="selflink">Dit</strong></td><td>groepeert</td>'
        '<td><a href="/wiki/A">A</a>, <a href="/wiki/B">B</a> en <a href="/wiki/C">C</a></td>'
        "</tr></table></div>",
        "/wiki/Dit",
    )
    assert [(r.source, r.target, r.target_text) for r in parsed.relations] == [
        ("Dit", "Y", "Wet X (art. 2), Y"),
        ("Dit", "A", ""),  # separators and "en" between links are not text
        ("Dit", "B", ""),
        ("Dit", "C", ""),
    ]
    assert [w.split(":")[0] for w in parsed.page.warnings] == ["relation-text"]
    assert "row 1" in parsed.page.warnings[0] and "Wet X (art. 2), Y" in parsed.page.warnings[0]


def test_target_text_is_on_the_cells_first_record_only() -> None:
    """A cell of n links and text is kept once, not n times (linear in the cell)."""
    parsed = parse_page(
        '<div class="mw-parser-output"><h2><span class="mw-headline">Relaties</span></h2><table>'
        + HEADER.format("Eindpunten")
        + f'<tr><td>{SELF}</td><td>Heeft bron</td><td>Wet X: <a href="/wiki/Y">Y</a>, '
        '<a href="/wiki/Z">Z</a> en <a href="/wiki/W">W</a></td></tr>'
        f'<tr><td>{SELF}</td><td>groepeert</td><td>zie <a href="/wiki/V">V</a></td></tr>'
        "</table></div>",
        "/wiki/Dit",
    )
    assert [(r.target, r.target_text) for r in parsed.relations] == [
        ("Y", "Wet X: Y, Z en W"),
        ("Z", ""),
        ("W", ""),
        ("V", "zie V"),
    ]
    assert not any(w.startswith("lost") for w in parsed.page.warnings)


def test_old_relation_list_tolerates_empty_paragraphs_separators_and_a_colon() -> None:
    rows, warnings = page_with(
        '<h2><span class="mw-headline">Is gerelateerd aan:</span></h2>'
        '<ul><li><a href="/wiki/A">A</a>,</li><li><a href="/wiki/B">B</a></li></ul><p><br></p>'
    )
    assert rows == [
        ("direct", 0, "Dit", "Is gerelateerd aan", "A", True),
        ("direct", 1, "Dit", "Is gerelateerd aan", "B", True),
    ]
    assert warnings == ()


def test_full_width_row_in_a_relation_table_is_handed_back() -> None:
    parsed = parse_page(
        '<div class="mw-parser-output"><h2><span class="mw-headline">Relaties</span></h2><table>'
        + HEADER.format("Eindpunten")
        + '<tr><td colspan="3">Geen relaties gevonden.</td></tr></table></div>',
        "/wiki/Dit",
    )
    assert parsed.relations == ()
    assert [(s.heading, s.text) for s in parsed.sections] == [
        ("Relaties", "Geen relaties gevonden.")
    ]
    # nothing lost or misread: a note, not a warning
    assert parsed.page.warnings == ()
    assert "full-width-row" in [n.split(":")[0] for n in parsed.page.notes]


FOOTER = (
    '<tr class="smwfooter sortbottom row-even"><td colspan="3">'
    '<span class="smw-table-furtherresults"><a href="/wiki/Speciaal:Vragen/x/offset%3D2">'
    "... meer resultaten</a></span></td></tr>"
)


def _limited_table(heading: str, endpoint: str, rows: str, footer: str) -> ParsedPage:
    return parse_page(
        f'<div class="mw-parser-output"><h2><span class="mw-headline">{heading}</span></h2>'
        f'<table class="wikitable smwtable">{HEADER.format(endpoint)}{rows}{footer}</table></div>',
        "/wiki/Dit",
    )


@pytest.mark.parametrize(
    ("heading", "endpoint", "kind"),
    [("Relaties", "Eindpunten", "direct"), ("Afgeleide relaties", "Eindpunt", "derived")],
)
def test_a_query_that_reached_its_limit_gets_a_note_naming_the_kind(
    heading: str, endpoint: str, kind: str
) -> None:
    rows = "".join(
        f'<tr><td><a href="/wiki/{s}">{s}</a></td><td>groepeert</td><td>{SELF}</td></tr>'
        for s in ("A", "B")
    )
    parsed = _limited_table(heading, endpoint, rows, FOOTER)
    assert len(parsed.relations) == 2 and {r.kind for r in parsed.relations} == {kind}
    # the footer is chrome: nothing lost, a note and no warning
    assert parsed.page.warnings == ()
    limit_notes = [n for n in parsed.page.notes if n.startswith("query-limit: ")]
    assert limit_notes == [
        f"query-limit: {kind} under {heading!r} (h2): the query shows 2 rows, more exist "
        "(its limit was reached; SMW's data holds them all)"
    ]
    assert problems.query_limited(parsed.page.notes) == {kind}
    assert problems.QUERY_LIMIT in problems.NOTE_CODES
    # without the footer the table is whole: no note
    whole = _limited_table(heading, endpoint, rows, "")
    assert problems.query_limited(whole.page.notes) == frozenset()
    assert not [n for n in whole.page.notes if n.startswith("query-limit")]


def test_header_roles_are_read_per_profile() -> None:
    """Header rows are read once per profile and header texts: the same header row
    names no source column under a profile that calls the source something else."""
    body = (
        '<div class="mw-parser-output"><h2><span class="mw-headline">Relaties</span></h2>'
        "<table>" + HEADER.format("Eindpunt") + f"<tr><td>{SELF}</td><td>groepeert</td>"
        '<td><a href="/wiki/X" title="X">X</a></td></tr></table></div>'
    )
    other = from_mapping({"name": "other", "source_headers": ["Bron"]})
    for _ in range(2):
        nora = parse_page(body, "/wiki/Dit")
        assert [(r.source, r.target) for r in nora.relations] == [("Dit", "X")]
        renamed = parse_page(body, "/wiki/Dit", other)
        assert renamed.relations == ()
        assert any(problems.RELATION_COLUMNS in w for w in renamed.page.warnings)
