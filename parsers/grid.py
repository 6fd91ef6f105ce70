"""A table read in one walk: rows of cells with their raw text and links.

Reading a property or relation table cell by cell from Python costs several
lxml calls per cell (children, text, links, serialisation), which made the
tables the most expensive part of a page. Instead each cell of the table's own
rows gets a private marker (``CELL``) at the start of its text,
the content of the cells that have child elements is line-marked in the same
walk that collects their ``<a>`` elements, and the whole table is serialised
once; splitting that string on the cell marker gives every cell's raw text, in
row order (the row lengths are known from the walk).

Only the table's own rows (directly or in thead/tbody/tfoot) and their
``td``/``th`` are cells; a nested table stays inside its cell's text.
A table read this way must not be serialised as body text afterwards (its
markers would show): callers decide from the structure first, then read.
"""

from __future__ import annotations

from typing import NamedTuple

from lxml import etree

from parsers import labels
from parsers.text import line_marks, raw_text

CELL = "\ue002"
_SECTIONS = labels.TABLE_SECTION_TAGS
_CELL_TAGS = ("td", "th")
_new = tuple.__new__  # a NamedTuple without its Python-level __new__ (2x faster)


class Cell(NamedTuple):
    """One cell: raw marked text (see ``parsers.text.normalize``), links, header flag."""

    raw: str
    anchors: list[etree._Element]
    header: bool


def read(table: etree._Element) -> list[list[Cell]]:
    """Rows of cells of ``table``, in order; rows without cells are kept empty."""
    shapes: list[list[tuple[list[etree._Element], bool]]] = []
    for child in table:
        tag = child.tag
        if tag == "tr":
            shapes.append(_mark_row(child))
        elif tag in _SECTIONS:
            for row in child:
                if row.tag == "tr":
                    shapes.append(_mark_row(row))
    if not shapes:
        return []
    texts = raw_text(table).split(CELL)
    at = 1  # texts[0] is what precedes the first cell (caption, whitespace)
    grid: list[list[Cell]] = []
    for shape in shapes:
        row_texts = texts[at : at + len(shape)]
        grid.append(
            [
                _new(Cell, (text, anchors, header))
                for (anchors, header), text in zip(shape, row_texts, strict=False)
            ]
        )
        at += len(shape)
    return grid


def _mark_row(row: etree._Element) -> list[tuple[list[etree._Element], bool]]:
    shape: list[tuple[list[etree._Element], bool]] = []
    for cell in row:
        tag = cell.tag
        if tag in _CELL_TAGS:
            cell.text = CELL + (cell.text or "")
            anchors = line_marks(cell) if len(cell) else []
            shape.append((anchors, tag == "th"))
    return shape


def line(raw: str) -> str:
    """A cell's text on one line (labels, relation names, header texts)."""
    return " ".join(raw.replace(labels.LINE_MARK, " ").split())
