"""The HTML table model: every cell placed in the grid slots it covers.

A table is read the way a browser lays it out, by the WHATWG HTML standard's
"forming a table" algorithm (https://html.spec.whatwg.org/multipage/tables.html#forming-a-table):
a cell covers ``colspan`` x ``rowspan`` slots starting at the first free slot of its
row; ``rowspan=0`` grows to the end of its row group; row groups (``thead``,
``tbody``, ``tfoot``, and a run of rows directly in the table) end the spans started in
them. So a Vertrekpunt cell spanning three rows stands in each of those rows, and a
``<th colspan=2>`` group row is one cell over the whole width, wherever it stands.

Beyond the standard: spanning cells may cover at most ``SPAN_BUDGET_PER_ROW`` slots per
row of the table together (past that a cell covers its own slot only), so a hostile
table of n rows each spanning all n costs linear time, not n * n. For templates that
forget a ``tr``: ``td``/``th`` cells directly
in the table or a row group form a row of their own where they stand. Rows a span
reaches past the last ``tr`` are not reported (their cells are in earlier rows).

A table where no cell of its own spans (no ``rowspan``/``colspan``: most tables) and
every cell stands in a ``tr`` takes a shortcut to the same model: each cell is the slot
at its index in its row. Its rows are kept as elements (``Table.plain``) and its grid
of ``Cell``s is made on first use only: a reader that needs no more than the elements
(the relation reader's common row) never pays for the cell objects.

Only the table's own rows and cells count; a nested table stays inside its cell. The
model is built once per table (``Tables``) and only read afterwards, by whoever asks:
the block classifier and the property and relation readers.
"""

from __future__ import annotations

from typing import NamedTuple

from lxml import etree

from parsers import labels
from parsers.text import line_of

_SECTIONS = frozenset(labels.TABLE_SECTION_TAGS)
_CELL_TAGS = frozenset(labels.CELL_TAGS)
_FOOTER = labels.QUERY_FOOTER_CLASSES
_HEADER_TAG = "th"
_ROWSPAN, _COLSPAN = "rowspan", "colspan"
MAX_COLSPAN = 1000  # the standard's clamps
MAX_ROWSPAN = 65534
SPAN_BUDGET_PER_ROW = 64
"""Slots that spanning cells may cover, per row of the table: far beyond any real
table (a rowspan'd Vertrekpunt, group rows), and it keeps hostile spans linear."""


_new = tuple.__new__  # a NamedTuple without its Python-level __new__ (a cell per slot)


class Cell(NamedTuple):
    """One ``td``/``th`` and the slots it covers (x, y: its top-left slot). Compared by
    identity where it matters (``is``): two cells never share slots."""

    element: etree._Element
    x: int
    y: int
    width: int
    height: int
    header: bool


class Row(NamedTuple):
    """One row of the grid: the cell covering each slot (``None`` for an empty slot).
    (A tuple: made once per row of every table, and only read.)"""

    element: etree._Element | None  # the ``tr`` (None for loose cells)
    y: int
    slots: tuple[Cell | None, ...]
    #: the distinct cells of the row, left to right (a colspan cell once)
    cells: tuple[Cell, ...]
    #: SMW's query footer (``tr.smwfooter``, ``labels.QUERY_FOOTER_CLASSES``): every
    #: reader asks, so it is looked up once, here
    footer: bool = False

    @property
    def classes(self) -> list[str]:
        return (self.element.get("class") or "").split() if self.element is not None else []


#: a row of a table where nothing spans, as the page holds it: its ``tr``, its cells
#: (cell x covers slot x; slots past the last cell are empty) and whether it is SMW's
#: query footer
PlainRow = tuple[etree._Element, tuple[etree._Element, ...], bool]


class Table:
    """A table's caption, width and rows, in document order.

    ``plain``: for a table where nothing spans and every cell stands in a ``tr`` (most
    tables), its rows as elements (``PlainRow``), else None. ``rows`` (the grid of
    ``Cell``s) is then built from them on first use only: a reader that needs no more
    than the elements (the relation reader's common row) never pays for it."""

    __slots__ = ("_rows", "caption", "element", "plain", "width")

    def __init__(
        self,
        element: etree._Element,
        caption: str,
        width: int,
        rows: tuple[Row, ...] | None = None,
        plain: tuple[PlainRow, ...] | None = None,
    ) -> None:
        self.element = element
        self.caption = caption
        self.width = width
        self.plain = plain
        self._rows = rows

    @property
    def rows(self) -> tuple[Row, ...]:
        rows = self._rows
        if rows is None:
            rows = self._rows = _grid(self.plain or (), self.width)
        return rows

    @property
    def classes(self) -> list[str]:
        return (self.element.get("class") or "").split()

    def title_row(self) -> str:
        """The text of a one-cell first row ("Eigenschappen", "Relaties"), or ""."""
        if self.plain is not None:
            if not self.plain:
                return ""
            elements = self.plain[0][1]
            return line_of(elements[0]) if len(elements) == 1 else ""
        if not self.rows:
            return ""
        cells = self.rows[0].cells
        return line_of(cells[0].element) if len(cells) == 1 else ""


class Tables:
    """The model of each table, built on first request and kept for the page."""

    def __init__(self) -> None:
        self._models: dict[etree._Element, Table] = {}

    def __call__(self, element: etree._Element) -> Table:
        model = self._models.get(element)
        if model is None:
            model = form(element)
            self._models[element] = model
        return model


def _span(cell: etree._Element, name: str, default: int, low: int, high: int) -> int:
    value = cell.get(name)
    if value is None:
        return default
    digits = ""
    for char in value.strip():  # the standard's "rules for parsing non-negative integers"
        if not char.isdigit():
            break
        digits += char
    if not digits:
        return default
    return max(low, min(int(digits), high))


class _Former:
    """The forming-a-table algorithm's state (``form``); the grid as a list of rows."""

    def __init__(self, row_count: int) -> None:
        self.row_count = row_count  # a span past the last row only makes empty rows
        #: slots spanning cells may still cover: a table of n rows whose every row starts
        #: a rowspan=n cell would otherwise cost n * n (time linear in the page instead)
        self.span_budget = SPAN_BUDGET_PER_ROW * (row_count + 1)
        self.grid: list[list[Cell | None]] = []
        self.width = 0
        self.y = 0
        self.growing: list[Cell] = []  # rowspan=0 cells of the current row group
        self.rows: list[tuple[etree._Element | None, int]] = []

    def _slot_row(self, y: int) -> list[Cell | None]:
        while len(self.grid) <= y:
            self.grid.append([])
        return self.grid[y]

    def row(self, element: etree._Element | None, cells: list[etree._Element]) -> None:
        current = self._slot_row(self.y)
        self._grow(current)
        if not current and all(
            cell.get(_COLSPAN) is None and cell.get(_ROWSPAN) is None for cell in cells
        ):  # the common row: nothing spans into it, nothing spans out of it
            y = self.y
            current.extend(
                [_new(Cell, (cell, x, y, 1, 1, cell.tag == "th")) for x, cell in enumerate(cells)]
            )
            self.width = max(self.width, len(current))
            self.rows.append((element, y))
            self.y += 1
            return
        x = 0
        for cell in cells:
            while x < len(current) and current[x] is not None:
                x += 1
            colspan = _span(cell, _COLSPAN, 1, 1, MAX_COLSPAN)
            rowspan = _span(cell, _ROWSPAN, 1, 0, MAX_ROWSPAN)
            grows = rowspan == 0
            rowspan = min(rowspan or 1, max(1, self.row_count - self.y))
            if colspan * rowspan > 1:
                if colspan * rowspan > self.span_budget:  # past the budget: one slot
                    colspan = rowspan = 1
                    grows = False
                self.span_budget -= colspan * rowspan
            placed = Cell(cell, x, self.y, colspan, rowspan, cell.tag == "th")
            for dy in range(rowspan):
                _cover(self._slot_row(self.y + dy), x, colspan, placed)
            if grows:
                self.growing.append(placed)
            x += colspan
            self.width = max(self.width, x)
        self.width = max(self.width, len(current))
        self.rows.append((element, self.y))
        self.y += 1

    def _grow(self, current: list[Cell | None]) -> None:
        for cell in self.growing:
            _cover(current, cell.x, cell.width, cell)

    def end_group(self) -> None:
        while self.y < len(self.grid):
            self._grow(self.grid[self.y])
            self.y += 1
        self.growing = []


def _cover(row: list[Cell | None], x: int, width: int, cell: Cell) -> None:
    """Let ``cell`` cover ``width`` slots of ``row`` from ``x`` (slots already covered,
    a table model error, keep their first cell)."""
    if len(row) < x + width:
        row.extend([None] * (x + width - len(row)))
    for at in range(x, x + width):
        if row[at] is None:
            row[at] = cell


def form(table: etree._Element) -> Table:
    """The model of ``table`` (module docstring)."""
    unspanned = _form_unspanned(table)
    if unspanned is not None:  # most tables: every cell covers its own slot
        return unspanned
    caption, groups = _row_groups(table)
    row_count = sum(
        1 + sum(1 for row in child if row.tag in ("tr", *_CELL_TAGS))
        if child.tag in _SECTIONS
        else 1
        for child in table
    )
    former = _Former(row_count)
    for group in groups:
        for element, cells in group:
            former.row(element, cells)
        former.end_group()
    width = former.width
    rows = []
    for element, y in former.rows:
        slots = former.grid[y]
        slots = slots + [None] * (width - len(slots))
        distinct: list[Cell] = []
        for cell in slots:
            if cell is not None and (not distinct or distinct[-1] is not cell):
                distinct.append(cell)
        rows.append(_new(Row, (element, y, tuple(slots), tuple(distinct), _is_footer(element))))
    return Table(table, caption, width, rows=tuple(rows))


#: a row as the table holds it: its ``tr`` (None for cells loose in a group) and its cells
_RawRow = tuple[etree._Element | None, list[etree._Element]]


def _row_groups(table: etree._Element) -> tuple[str, list[list[_RawRow]]]:
    """The caption and the rows of ``table`` in their row groups: each ``thead``,
    ``tbody`` or ``tfoot``, and each run of rows directly in the table between them.
    Cells loose in a group (no ``tr``) make a row of their own."""
    caption = ""
    groups: list[list[_RawRow]] = []
    direct: list[_RawRow] = []  # rows directly in the table since the last row group
    loose: list[etree._Element] = []

    def flush(into: list[_RawRow]) -> None:
        if loose:
            into.append((None, list(loose)))
            loose.clear()

    for child in table:
        tag = child.tag
        if tag == "caption" and not caption:
            caption = line_of(child)
        elif tag == "tr":
            flush(direct)
            direct.append((child, [c for c in child if c.tag in _CELL_TAGS]))
        elif tag in _CELL_TAGS:
            loose.append(child)
        elif tag in _SECTIONS:
            flush(direct)
            if direct:
                groups.append(direct)
                direct = []
            section: list[_RawRow] = []
            for row in child:
                if row.tag == "tr":
                    flush(section)
                    section.append((row, [c for c in row if c.tag in _CELL_TAGS]))
                elif row.tag in _CELL_TAGS:
                    loose.append(row)
            flush(section)
            groups.append(section)
    flush(direct)
    if direct:
        groups.append(direct)
    return caption, groups


def _is_footer(row: etree._Element | None) -> bool:
    if row is None:
        return False
    value = row.get("class")
    return value is not None and not _FOOTER.isdisjoint(value.split())


def _form_unspanned(table: etree._Element) -> Table | None:
    """``form`` for a table where no cell of its own spans (has ``rowspan`` or
    ``colspan``) and every cell stands in a ``tr``: each cell is the slot at its index
    in its row, so the grid is the rows themselves, and row groups change nothing. The
    same model as the full algorithm; read in one pass over the table's rows, kept as
    elements (``Table.plain``), its cells made on first use. None as soon as a cell
    spans or stands loose (the full algorithm then)."""
    caption = ""
    trs: list[etree._Element] = []
    for child in table:
        tag = child.tag
        if tag == "tr":
            trs.append(child)
        elif tag in _SECTIONS:
            for grouped in child:
                if grouped.tag == "tr":
                    trs.append(grouped)
                elif grouped.tag in _CELL_TAGS:
                    return None
        elif tag in _CELL_TAGS:
            return None
        elif tag == "caption" and not caption:
            caption = line_of(child)
    width = 0
    plain: list[PlainRow] = []
    for tr in trs:
        cells = []
        for cell in tr:
            if cell.tag in _CELL_TAGS:
                names = cell.keys()  # one call: cheaper than two lookups by name
                if names and (_ROWSPAN in names or _COLSPAN in names):
                    return None
                cells.append(cell)
        classes = tr.get("class")
        footer = classes is not None and not _FOOTER.isdisjoint(classes.split())
        plain.append((tr, tuple(cells), footer))
        if len(cells) > width:
            width = len(cells)
    return Table(table, caption, width, plain=tuple(plain))


def _grid(plain: tuple[PlainRow, ...], width: int) -> tuple[Row, ...]:
    """The rows of an unspanned table's model from its plain rows: each cell in the
    slot at its index, empty slots up to the width."""
    rows = []
    for y, (tr, elements, footer) in enumerate(plain):
        cells = tuple(
            [
                _new(Cell, (cell, x, y, 1, 1, cell.tag == _HEADER_TAG))
                for x, cell in enumerate(elements)
            ]
        )
        slots: tuple[Cell | None, ...] = cells
        if len(cells) < width:
            slots = cells + (None,) * (width - len(cells))
        rows.append(_new(Row, (tr, y, slots, cells, footer)))
    return tuple(rows)
