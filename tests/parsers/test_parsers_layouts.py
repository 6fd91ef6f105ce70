"""Each layout class of issue 17, in small snippets modelled on real SMW 5.1 / MediaWiki
markup (vendor/smw/README.md, SMW's ListResultBuilder and TableResultPrinter, the
fixtures/smw-*.html pages): records, notes, no warning, nothing lost."""

from __future__ import annotations

from parsers import ParsedPage, conservation, parse_page

SELF = '<a class="mw-selflink selflink">Pagina</a>'


def link(title: str) -> str:
    return f'<a href="/wiki/{title.replace(" ", "_")}" title="{title}">{title}</a>'


def parsed(html: str) -> ParsedPage:
    return parse_page(f'<div class="mw-parser-output">{html}</div>', "Pagina.html")


def rels(page: ParsedPage) -> list[tuple[str, str, str, str]]:
    return [(r.kind, r.source, r.relation, r.target) for r in page.relations]


def test_split_per_type_tables_take_the_relation_from_the_sub_heading() -> None:
    page = parsed(
        "<h2>Relaties</h2><h3>groepeert</h3><table class='wikitable'>"
        f"<tr><th>Vertrekpunt</th><th>Eindpunt(en)</th></tr><tr><td>{SELF}</td>"
        f"<td>{link('X')}<br />{link('Y')}</td></tr></table>"
        "<h3>Heeft bron</h3><table><tr><th>vertrek-punt</th><th>EINDPUNT</th></tr>"
        f"<tr><td>{SELF}</td><td>{link('Z')}</td></tr></table>"
    )
    assert rels(page) == [
        ("direct", "Pagina", "groepeert", "X"),
        ("direct", "Pagina", "groepeert", "Y"),
        ("direct", "Pagina", "Heeft bron", "Z"),
    ]
    assert page.sections == () and page.page.warnings == () and page.page.notes == ()


def test_split_per_type_smw_ul_with_printout_labels_and_further_results() -> None:
    label = (
        '<span class="smw-field-label"><span class="smw-highlighter" data-type="1">'
        '<span class="smwtext">Eindpunt</span><span class="smwttcontent">Het eindpunt</span>'
        "</span></span>: "
    )
    page = parsed(
        '<h2>Relaties</h2><h3>Is gerelateerd aan</h3><ul class="smw-format ul-format">'
        f'<li class="smw-row"><span class="smw-field">{label}<span class="smw-value">'
        f'{link("X")}</span>, <span class="smw-value">{link("Y")}</span></span></li>'
        f'<li class="smw-row"><span class="smw-field"><span class="smw-value">{link("W")}'
        "</span></span></li></ul>"
        '<p><a href="/index.php?title=Speciaal:Vragen&amp;q=1" title="Speciaal:Vragen">'
        "... meer resultaten</a></p>"
    )
    assert rels(page) == [
        ("direct", "Pagina", "Is gerelateerd aan", "X"),
        ("direct", "Pagina", "Is gerelateerd aan", "Y"),
        ("direct", "Pagina", "Is gerelateerd aan", "W"),
    ]
    assert page.sections == () and page.page.warnings == ()
    # query results inside a relation block: the plan's relation rules follow them
    assert not page.page.shows_query_results


def test_split_per_type_smw_list_inline_in_one_paragraph() -> None:
    row = (
        '<span class="smw-row"><span class="smw-field"><span class="smw-field-label">Eindpunt'
        '</span>: <span class="smw-value">{}</span></span></span>'
    )
    page = parsed(
        '<h2>Relaties</h2><h3>groepeert</h3><p><span class="smw-format list-format">'
        f"{row.format(link('X'))}, {row.format(link('Y'))}</span></p>"
    )
    assert rels(page) == [
        ("direct", "Pagina", "groepeert", "X"),
        ("direct", "Pagina", "groepeert", "Y"),
    ]
    assert page.sections == () and page.page.warnings == ()


def test_header_label_variants_in_a_caption_only_table() -> None:
    page = parsed(
        "<table><caption>Relaties</caption><tr><th>Vertrekpunt</th><th>Relatie</th>"
        f"<th>Eindpunt(en)</th></tr><tr><td>{SELF}</td><td>realiseert</td><td>{link('X')}</td>"
        "</tr></table><h2>Tekst</h2><p>t</p>"
    )
    assert rels(page) == [("direct", "Pagina", "realiseert", "X")]
    assert [(s.heading, s.text) for s in page.sections] == [("Tekst", "t")]
    assert page.page.warnings == ()


def test_unknown_relation_headers_keep_the_rows_as_body_text() -> None:
    page = parsed(
        "<h2>Relaties</h2><table><tr><th>Van hier</th><th>Soort</th><th>Naar daar</th></tr>"
        f"<tr><td>{SELF}</td><td>realiseert</td><td>{link('X')}</td></tr></table>"
    )
    assert page.relations == ()
    assert "realiseert X" in page.sections[0].text
    assert [w.split(":")[0] for w in page.page.warnings] == ["relation-columns"]


def test_rowspan_source_cell_stands_in_every_row_it_spans() -> None:
    page = parsed(
        "<h2>Relaties</h2><table><tr><th>Vertrekpunt</th><th>Relatie</th><th>Eindpunten</th>"
        f'</tr><tr><td rowspan="3">{SELF}</td><td>a</td><td>{link("X")}</td></tr>'
        f"<tr><td>b</td><td>{link('Y')}</td></tr><tr><td>c</td><td>{link('Z')}</td></tr></table>"
    )
    assert rels(page) == [
        ("direct", "Pagina", "a", "X"),
        ("direct", "Pagina", "b", "Y"),
        ("direct", "Pagina", "c", "Z"),
    ]
    assert page.page.warnings == () and page.sections == ()


def test_several_group_rows_in_a_property_table_and_text_after_it() -> None:
    page = parsed(
        '<h2>Eigenschappen</h2><table><tr><th colspan="2">Algemeen</th></tr>'
        '<tr><th>ID</th><td>1</td></tr><tr><th colspan="2">Beheer</th></tr>'
        "<tr><th>Status</th><td>ok</td></tr></table><p>Dit kwaliteitsdoel vervangt X.</p>"
    )
    assert [(p.property, p.value) for p in page.properties] == [("ID", "1"), ("Status", "ok")]
    assert [(s.heading, s.text) for s in page.sections] == [
        ("Eigenschappen", "Dit kwaliteitsdoel vervangt X.")
    ]
    assert page.page.warnings == ()
    assert [n.split(":")[0] for n in page.page.notes] == ["body-text"]


def test_smwfooter_row_is_query_chrome_in_broadtable() -> None:
    page = parsed(
        '<h2>Relaties</h2><table class="sortable wikitable smwtable broadtable" width="100%">'
        "<tr><th>Vertrekpunt</th><th>Relatie</th><th>Eindpunten</th></tr>"
        f'<tr data-row-number="1"><td>{SELF}</td><td>a</td><td>{link("X")}</td></tr>'
        '<tr class="smwfooter sortbottom"><td colspan="3"><a href="/index.php?title='
        'Speciaal:Vragen&amp;q=1" title="Speciaal:Vragen">... meer resultaten</a></td></tr>'
        "</table>"
    )
    assert rels(page) == [("direct", "Pagina", "a", "X")]
    assert page.sections == () and page.page.warnings == ()
    # the footer says the query reached its limit: the block is a part (a note)
    assert [n.split(": ")[:2] for n in page.page.notes] == [
        ["query-limit", "direct under 'Relaties' (h2)"]
    ]
    assert not page.page.shows_query_results  # a relation block, not the body


def test_headers_hide_is_read_by_position_with_a_note() -> None:
    page = parsed(
        '<h2>Afgeleide relaties</h2><table class="sortable wikitable smwtable">'
        f'<tr data-row-number="1"><td>{link("Q")}</td><td>realiseert</td><td>{SELF}</td></tr>'
        "</table>"
    )
    assert rels(page) == [("derived", "Q", "realiseert", "Pagina")]
    assert page.page.warnings == ()
    assert [n.split(":")[0] for n in page.page.notes] == ["by-position"]


def test_property_bullet_list_with_bold_labels() -> None:
    page = parsed(
        "<h2>Eigenschappen</h2><ul><li><b>ID:</b> NAP01</li>"
        f"<li><b>Beschrijving</b>: Een {link('X')} tekst</li></ul>"
    )
    assert [(p.property, p.value, p.links) for p in page.properties] == [
        ("ID", "NAP01", ()),
        ("Beschrijving", "Een X tekst", ("X",)),
    ]
    assert page.sections == () and page.page.warnings == ()


def test_property_div_grid() -> None:
    page = parsed(
        '<h2>Eigenschappen</h2><div class="grid"><div class="row"><div class="label">ID</div>'
        '<div class="value">NAP01</div></div><div class="row"><div class="label">Bron</div>'
        f'<div class="value">{link("B")}</div></div></div>'
    )
    assert [(p.property, p.value, p.links) for p in page.properties] == [
        ("ID", "NAP01", ()),
        ("Bron", "B", ("B",)),
    ]
    assert page.sections == () and page.page.warnings == ()


def test_property_div_grid_of_one_row() -> None:
    # the grid's one row is not a wrapper to look through: its label and value are no rows
    page = parsed(
        '<h2>Eigenschappen</h2><div class="grid"><div class="row"><div class="label">ID</div>'
        '<div class="value">NAP01</div></div></div>'
    )
    assert [(p.property, p.value) for p in page.properties] == [("ID", "NAP01")]
    assert page.sections == () and page.page.warnings == () and page.page.notes == ()


def test_empty_block_sentence_is_a_note_not_a_warning() -> None:
    page = parsed("<h2>Afgeleide relaties</h2><p>Er zijn (nog) geen afgeleide relaties.</p>")
    assert [(s.heading, s.text) for s in page.sections] == [
        ("Afgeleide relaties", "Er zijn (nog) geen afgeleide relaties.")
    ]
    assert page.page.warnings == ()
    assert [n.split(":")[0] for n in page.page.notes] == ["body-text"]


def test_a_row_of_three_cells_in_a_property_table_is_kept_with_a_warning() -> None:
    page = parsed(
        "<h2>Eigenschappen</h2><table><tr><th>ID</th><td>1</td></tr>"
        "<tr><th>Status</th><td>ok</td><td>verborgen extra</td></tr></table>"
    )
    assert [w.split(":")[0] for w in page.page.warnings] == ["property-row"]
    assert "verborgen extra" in page.sections[0].text


def test_no_query_results_on_a_plain_page() -> None:
    assert not parsed("<p>tekst</p>").page.shows_query_results


def test_query_results_count_in_body_text_only() -> None:
    """An overview's query list in body text marks the page; the same list under
    Relaties (a relation block rendered by #ask) does not."""
    listing = (
        '<ul class="smw-format ul-format"><li class="smw-row"><span class="smw-field">'
        f'<span class="smw-value">{link("X")}</span></span></li></ul>'
    )
    assert parsed(f"<h2>Overzicht</h2>{listing}").page.shows_query_results
    assert not parsed(f"<h2>Relaties</h2><h3>groepeert</h3>{listing}").page.shows_query_results


def test_conservation_names_the_words_in_no_record() -> None:
    content = "ID 1 Status ok verborgen extra"
    assert conservation.lost(content, ["ID\n1", "Status\nok"]) == "verborgen extra"
    assert conservation.lost(content, ["ID 1", "Status ok", "extra verborgen"]) == ""
    assert conservation.lost("a a b", ["a b"]) == "a"  # counted, not only present


def test_shows_query_results_on_real_smw_renderings() -> None:
    """SMW 5.1's own result markup in body text marks it; query results rendering the
    page's own Eigenschappen or relation blocks, #info, format=template rows and
    hand-written tables do not (fixtures rendered by the real engine,
    tests/wiki/fixtures.py)."""
    from tests.golden import FIXTURES, parse_fixture

    expected = {
        "overview-smw-query-table.html": True,  # table.smwtable in body text
        "smw-relations-ask-table.html": False,  # table.smwtable under Relaties
        "smw-relations-broadtable.html": False,
        "smw-properties-transposed-ask.html": False,  # the page's own Eigenschappen
        "smw-info-tooltip.html": False,  # #info: a tooltip, no query
        "smw-relations-template-rows.html": False,  # format=template writes no SMW markup
        "bron-seed-full-page.html": False,  # a hand-written wikitable
    }
    got = {name: parse_fixture(FIXTURES / name).page.shows_query_results for name in expected}
    assert got == expected
