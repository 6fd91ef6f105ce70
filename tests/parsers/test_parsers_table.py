"""The HTML table model (parsers.table): WHATWG "forming a table"."""

from __future__ import annotations

from lxml import etree

from parsers.table import Tables, form
from parsers.text import line_of
from parsers.walk import walk


def table(html: str) -> etree._Element:
    body = etree.fromstring(f"<html><body><div>{html}</div></body></html>", etree.HTMLParser())
    div = body.find(".//div")
    assert div is not None
    walk(div)
    found = div.find("table")
    assert found is not None
    return found


def grid(html: str) -> list[list[str]]:
    """Each row as the text of the cell in each slot ("" for an empty slot)."""
    return [
        [line_of(cell.element) if cell is not None else "" for cell in row.slots]
        for row in form(table(html)).rows
    ]


def test_rowspan_places_a_cell_in_every_row_it_spans() -> None:
    assert grid(
        "<table><tr><th>V</th><th>R</th><th>E</th></tr>"
        '<tr><td rowspan="3">bron</td><td>a</td><td>X</td></tr>'
        "<tr><td>b</td><td>Y</td></tr><tr><td>c</td><td>Z</td></tr></table>"
    ) == [["V", "R", "E"], ["bron", "a", "X"], ["bron", "b", "Y"], ["bron", "c", "Z"]]


def test_colspan_group_rows_are_one_cell_over_the_width() -> None:
    model = form(
        table(
            '<table><tr><th colspan="2">Algemeen</th></tr><tr><th>ID</th><td>1</td></tr>'
            '<tr><th colspan="2">Beheer</th></tr><tr><th>Status</th><td>ok</td></tr></table>'
        )
    )
    assert model.width == 2
    assert [len(row.cells) for row in model.rows] == [1, 2, 1, 2]
    assert model.rows[2].cells[0].header and model.rows[2].cells[0].width == 2


def test_rowspan_zero_grows_to_the_end_of_its_row_group_only() -> None:
    assert grid(
        '<table><tbody><tr><td rowspan="0">g</td><td>1</td></tr><tr><td>2</td></tr></tbody>'
        "<tbody><tr><td>x</td><td>y</td></tr></tbody></table>"
    ) == [["g", "1"], ["g", "2"], ["x", "y"]]


def test_a_span_past_the_last_row_makes_no_rows() -> None:
    assert grid('<table><tr><td rowspan="9">a</td><td>b</td></tr></table>') == [["a", "b"]]


def test_short_rows_leave_empty_slots_and_loose_cells_form_a_row() -> None:
    assert grid(
        "<table><th>V</th><th>E</th><tr><td>a</td><td>b</td><td>c</td></tr>"
        "<tr><td>d</td></tr></table>"
    ) == [["V", "E", ""], ["a", "b", "c"], ["d", "", ""]]


def test_nested_table_stays_in_its_cell_caption_and_classes() -> None:
    model = form(
        table(
            '<table class="wikitable smwtable"><caption>Eigenschappen</caption>'
            "<tr><td>L</td><td><table><tr><td>x</td><td>y</td></tr></table></td></tr>"
            '<tr class="smwfooter sortbottom"><td colspan="2">meer</td></tr></table>'
        )
    )
    assert model.caption == "Eigenschappen" and "smwtable" in model.classes
    assert len(model.rows) == 2 and model.width == 2
    assert "smwfooter" in model.rows[1].classes


def test_model_is_built_once_per_table() -> None:
    element = table("<table><tr><td>a</td></tr></table>")
    tables = Tables()
    assert tables(element) is tables(element)


def test_a_table_without_spans_gets_the_same_model_as_by_the_full_algorithm() -> None:
    plain = (
        "<table><caption>C</caption><th>V</th><th>E</th>"
        "<thead><tr><th>a</th><th>b</th></tr></thead><tr></tr>"
        "<tbody><tr><td>c</td></tr><td>loose</td></tbody>"
        "<tr><td>d</td><td>e</td><td>f</td></tr></table>"
    )
    fast = form(table(plain))
    # one colspan=1 cell sends the same table through the full algorithm
    full = form(table(plain.replace("<td>d</td>", '<td colspan="1">d</td>')))
    shape = [
        [(c.x, c.y, c.width, c.height, c.header) if c else None for c in r.slots] for r in full.rows
    ]
    assert [
        [(c.x, c.y, c.width, c.height, c.header) if c else None for c in r.slots] for r in fast.rows
    ] == shape
    assert [[line_of(c.element) for c in r.cells] for r in fast.rows] == [
        [line_of(c.element) for c in r.cells] for r in full.rows
    ]
    assert [r.y for r in fast.rows] == [r.y for r in full.rows]
    assert (fast.caption, fast.width) == (full.caption, full.width) == ("C", 3)
    assert [r.element is None for r in fast.rows] == [r.element is None for r in full.rows]


def test_a_table_without_spans_keeps_its_rows_as_elements_and_the_same_model() -> None:
    plain_html = (
        "<table><caption>C</caption><thead><tr><th>a</th><th>b</th></tr></thead>"
        '<tbody><tr><td>c</td></tr><tr class="smwfooter"><td>d</td><td>e</td><td>f</td></tr>'
        "</tbody><tr><td>g</td><th>h</th></tr></table>"
    )
    fast = form(table(plain_html))
    # one colspan=1 cell sends the same table through the full algorithm
    full = form(table(plain_html.replace("<td>g</td>", '<td colspan="1">g</td>')))
    assert fast.plain is not None and full.plain is None
    assert [
        (tr.tag, [line_of(cell) for cell in cells], footer) for tr, cells, footer in fast.plain
    ] == [
        ("tr", ["a", "b"], False),
        ("tr", ["c"], False),
        ("tr", ["d", "e", "f"], True),
        ("tr", ["g", "h"], False),
    ]
    assert [
        [(c.x, c.y, c.width, c.height, c.header) if c else None for c in r.slots] for r in fast.rows
    ] == [
        [(c.x, c.y, c.width, c.height, c.header) if c else None for c in r.slots] for r in full.rows
    ]
    assert [[line_of(c.element) for c in r.cells] for r in fast.rows] == [
        [line_of(c.element) for c in r.cells] for r in full.rows
    ]
    assert [(r.y, r.footer) for r in fast.rows] == [(r.y, r.footer) for r in full.rows]
    assert (fast.caption, fast.width, fast.title_row()) == (full.caption, full.width, "")
    assert fast.rows is fast.rows  # the grid is made once, on first use
