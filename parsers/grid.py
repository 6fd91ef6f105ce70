"""The table grid: a table's own rows and cells, and a table read in one walk.

Every block reader that looks at a table (properties, relations, the layout that
decides which table is which) asks this module for its rows and cells: the
structure of a table is known here only, never in a reader others call sideways.

* ``rows``, ``cells``, ``cell_rows``: the structure, read without touching the tree
  (so a table that turns out to be no block's stays fit for the body text);
* ``table_classes``, ``caption``, ``title_row``: what a table says about itself;
* ``read``: the cells' raw text and links in one walk (below).

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
from parsers.text import line_marks, line_of, raw_text

CELL = "\ue002"
_SECTIONS = labels.TABLE_SECTION_TAGS
_CELL_TAGS = ("td", "th")
_CELL_TAG_SET = frozenset(labels.CELL_TAGS)
_new = tuple.__new__  # a NamedTuple without its Python-level __new__ (2x faster)


def rows(table: etree._Element) -> list[etree._Element]:
    """The rows of a table (directly or in thead/tbody/tfoot), not of nested tables.

    Plain child loops: an lxml XPath call costs ~10 us of set-up, more than this.
    """
    found: list[etree._Element] = []
    for child in table:
        tag = child.tag
        if tag == "tr":
            found.append(child)
        elif tag in _SECTIONS:
            found += [row for row in child if row.tag == "tr"]
    return found


def cells(row: etree._Element) -> list[etree._Element]:
    """The ``td``/``th`` children of a table row."""
    return [cell for cell in row if cell.tag == "td" or cell.tag == "th"]


def cell_rows(table: etree._Element) -> list[list[etree._Element]]:
    """The table's own rows as lists of cells, in order (not those of nested tables).

    Rows are ``tr`` elements directly in the table or in thead/tbody/tfoot; cells
    found outside any ``tr`` (a template that forgot it) form a row of their own
    where they stand.
    """
    out: list[list[etree._Element]] = []
    loose: list[etree._Element] = []
    for child in table:
        tag = child.tag
        if tag == "tr":
            if loose:
                out.append(loose)
                loose = []
            out.append([cell for cell in child if cell.tag in _CELL_TAG_SET])
        elif tag in _CELL_TAG_SET:
            loose.append(child)
        elif tag in _SECTIONS:
            for row in child:
                if row.tag == "tr":
                    if loose:
                        out.append(loose)
                        loose = []
                    out.append([cell for cell in row if cell.tag in _CELL_TAG_SET])
                elif row.tag in _CELL_TAG_SET:
                    loose.append(row)
    if loose:
        out.append(loose)
    return out


def table_classes(table: etree._Element) -> list[str]:
    """The class names of a table."""
    return (table.get("class") or "").split()


def caption(table: etree._Element) -> str:
    """A table's caption text on one line, or ""."""
    for child in table:  # the caption is the first child; no ElementPath query
        if child.tag == "caption":
            return line_of(child)
        break
    return ""


def title_row(table: etree._Element) -> str:
    """The text of a table's one-cell first row ("Eigenschappen", "Relaties"), or ""."""
    table_rows = rows(table)
    if not table_rows:
        return ""
    first = cells(table_rows[0])
    if len(first) != 1:
        return ""
    return line_of(first[0])


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
