"""A table read in one walk (parsers.grid)."""

from __future__ import annotations

from lxml import etree

from parsers import grid
from parsers.text import normalize


def table(html: str) -> etree._Element:
    found = etree.fromstring(f"<html><body>{html}</body></html>", etree.HTMLParser()).find(
        ".//table"
    )
    assert found is not None
    return found


def test_cells_rows_headers_and_links() -> None:
    rows = grid.read(
        table(
            "<table><caption>Eigenschappen</caption><tbody>"
            "<tr><th>Organisatie</th><td><a href='/wiki/A'>A</a>, <a href='/wiki/B'>B</a></td></tr>"
            "<tr><td>Stappen</td><td><ol><li>een</li><li>twee</li></ol></td></tr>"
            "<tr></tr><tr><td>los</td></tr></tbody></table>"
        )
    )
    assert [len(row) for row in rows] == [2, 2, 0, 1]
    assert rows[0][0].header and not rows[0][1].header
    assert grid.line(rows[0][0].raw) == "Organisatie"
    assert normalize(rows[0][1].raw) == "A, B"
    assert [a.get("href") for a in rows[0][1].anchors] == ["/wiki/A", "/wiki/B"]
    assert normalize(rows[1][1].raw) == "een\ntwee"
    assert grid.line(rows[3][0].raw) == "los"


def test_nested_table_stays_in_its_cell() -> None:
    rows = grid.read(
        table(
            "<table><tr><td>L</td><td><table><tr><td>x</td><td>y</td></tr></table></td></tr></table>"
        )
    )
    assert len(rows) == 1 and len(rows[0]) == 2
    assert normalize(rows[0][1].raw) == "x y"


def test_table_without_rows() -> None:
    assert grid.read(table("<table><caption>Leeg</caption></table>")) == []
