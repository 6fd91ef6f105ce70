"""Relaties (``direct``) and Afgeleide relaties (``derived``).

A relation table is found by its header row - Vertrekpunt | Relatie | Eindpunt(en),
in any order, with more columns allowed - in any of its first rows: a title row
("Relaties", "Afgeleide relaties") may stand above it and then names the kind; header
cells outside any ``tr`` (a template that forgot it) form a row of their own. Without
a title row the kind comes from the block it stands in, else from the endpoint header
(plural: direct, singular: derived). A table's class decides nothing: Semantic
MediaWiki renders Relaties and Afgeleide relaties as query tables (``table.smwtable``)
like any other query, so a relation-headed table found outside a relation block is one
only when its rows are about this page (``is_relation_table``); an overview listing
other pages' relations is body text.

Each data row gives one record per endpoint (``parsers.endpoints``): the endpoint cell
is split on its internal links (commas, line breaks and other separators between them
are not text); a cell without links gives one record with its text. Source and target
are page titles (see ``parsers.links``); a self-link (``a.mw-selflink``, or
``strong.selflink`` before MediaWiki 1.28) is the page itself. When an endpoint cell
holds text beside its links ("Wet X (art. 2), Y"), that cell's whole text is kept with
each of its records (``text``, the ``target_text`` column) and the caller warns. A
link to a redirect keeps the redirect's title: the crawler, which knows the redirects,
resolves it in the snapshot.

An endpoint cell (source or target) with no link and no text - a relation the
wiki lists without any endpoint, or a row cut off mid-link in a damaged page -
gives no record and no warning, as an empty table does: there is no endpoint to
record, and a target "" would read as a page named "". A row with another number of
cells (a full-width "Geen relaties" row) gives no record; its text is handed back.

The older variant is a heading carrying a relation name (``profile.relation_names``)
over lists in which every item is one internal link (empty paragraphs and trailing
separators around them tolerated, a colon after the name dropped).
"""

from __future__ import annotations

from typing import NamedTuple

from lxml import etree

from parsers import endpoints, grid, labels, problems
from parsers.links import Target, classify
from parsers.profile import Profile
from parsers.text import line_of

_LIST_TAGS = ("ul", "ol")
_new = tuple.__new__  # a NamedTuple without its Python-level __new__ (2x faster)
#: how far down a table its header row may stand (title rows above it)
HEADER_SEARCH_ROWS = 3


class Relation(NamedTuple):
    """One endpoint of one relation row, before it gets its position."""

    source: str
    relation: str
    target: str
    exists: bool
    text: str  # the endpoint cell's text when it holds more than its links, else ""


class Columns(NamedTuple):
    """Cell indexes of the three roles, from the header row (a tuple: one per table)."""

    source: int
    relation: int
    target: int
    width: int
    kind: str  # kind implied by the endpoint header


class Header(NamedTuple):
    """Where a relation table's header row stands and what it says."""

    columns: Columns
    at: int  # index of the header row in ``grid.cell_rows``
    kind: str  # named by a title row above the header, else ""


class Read(NamedTuple):
    """What one relation table gave."""

    kind: str
    records: list[Relation]
    warnings: list[str]
    leftovers: list[str]  # visible text of rows that give no record (for the body)


def roles(header: list[str], profile: Profile) -> tuple[Columns | None, list[str]]:
    """Column roles from header texts: (None, folded texts) when one is missing."""
    texts = [labels.fold(text) for text in header]
    targets = profile.target_kinds
    source = relation = target = -1
    kind = ""
    for index, text in enumerate(texts):
        if text in profile.source_headers and source < 0:
            source = index
        elif text in profile.relation_headers and relation < 0:
            relation = index
        elif text in targets and target < 0:
            target = index
            kind = targets[text]
    if min(source, relation, target) < 0:
        return None, texts
    return _new(Columns, (source, relation, target, len(texts), kind)), texts


def find_header(
    table_rows: list[list[etree._Element]], profile: Profile
) -> tuple[Header | None, list[str]]:
    """The header row among the first rows, below title rows; (None, texts seen) if none.

    Reads the structure only (no markers), so a table that is not a relation table
    stays fit for the body text. The header texts decide, not th vs td: templates
    write the header row either way.
    """
    titled = ""
    first: list[str] = []
    for index, row in enumerate(table_rows[:HEADER_SEARCH_ROWS]):
        if len(row) >= 3:
            found, texts = roles([line_of(cell) for cell in row], profile)
            if found is None:
                return None, texts  # a row of data (or of other headers) comes first
            return _new(Header, (found, index, titled)), texts
        texts = [line_of(cell) for cell in row]
        first = first or [labels.fold(text) for text in texts]
        kind = labels.block_kind(" ".join(texts), profile.blocks)
        if kind in (labels.DIRECT, labels.DERIVED):
            titled = kind
    return None, first


def is_relation_table(table: etree._Element, page_title: str, profile: Profile) -> bool:
    """A relation-headed table that is about this page (found outside relation blocks).

    A title row naming the block is enough. Else it must show this page as every
    data row's source (Relaties) or among its targets (Afgeleide relaties); a header
    row alone counts too (an empty block). An overview's query table with the same
    headers lists relations between other pages: that is body text.
    """
    table_rows = grid.cell_rows(table)
    header, _ = find_header(table_rows, profile)
    if header is None:
        return False
    if header.kind:
        return True
    columns = header.columns
    for row in table_rows[header.at + 1 :]:
        if len(row) != columns.width:
            continue
        if not (
            endpoints.names_page(row[columns.source], page_title)
            or endpoints.names_page(row[columns.target], page_title)
        ):
            return False
    return True


def read_table(
    table: etree._Element,
    kind: str,
    page_title: str,
    where: str,
    profile: Profile,
    found_header: tuple[list[list[etree._Element]], Header | None, list[str]] | None = None,
) -> Read:
    """Kind (given, else a title row's, else the header's), records, warnings, leftovers.

    ``found_header``: ``grid.cell_rows`` and ``find_header`` of the table when the caller
    has them already. Cells are read by ``parsers.endpoints``, not ``grid.read``: a
    relation cell is either plain text (read as is) or links (whose targets are all
    that is needed), so no cell text has to be serialised in the common case.
    """
    if found_header is None:
        table_rows = grid.cell_rows(table)
        header, texts = find_header(table_rows, profile)
    else:
        table_rows, header, texts = found_header
    if header is None:
        shown = " | ".join(texts) if texts else "no header row"
        detail = f"{where}: expected {profile.relation_header_hint}, found {shown}"
        return Read(kind, [], [problems.warning(problems.RELATION_COLUMNS, detail)], [])
    found = header.columns
    kind = kind or header.kind or found.kind
    records: list[Relation] = []
    warnings: list[str] = []
    leftovers: list[str] = []
    width = found.width
    source_at, relation_at, target_at = found.source, found.relation, found.target
    new = _new
    read_cell = endpoints.endpoints
    for index, row_cells in enumerate(table_rows[header.at + 1 :], start=header.at + 1):
        if len(row_cells) != width:
            if row_cells:
                text = " ".join(filter(None, (endpoints.cell_line(cell) for cell in row_cells)))
                warnings.append(
                    problems.warning(
                        problems.RELATION_ROW,
                        f"{where} row {index}: expected {width} cells, found "
                        f"{len(row_cells)}"
                        + (f"; kept as body text: {problems.excerpt(text)}" if text else ""),
                    )
                )
                if text:
                    leftovers.append(text)
            continue
        cell = row_cells[relation_at]
        if len(cell):
            relation = line_of(cell)
        else:  # plain text, as nearly always: line_of inlined
            value = cell.text
            relation = " ".join(value.split()) if value else ""
        targets, beside = read_cell(row_cells[target_at], page_title)
        if not targets:
            continue
        if beside:
            warnings.append(
                problems.warning(
                    problems.RELATION_TEXT,
                    f"{where} row {index}: expected only links in the endpoint cell, found "
                    f"text beside them; kept in target_text: {problems.excerpt(beside)}",
                )
            )
        cell = row_cells[source_at]
        if page_title and len(cell) == 1 and endpoints.is_self_link(cell[0]):  # every NORA row
            for target, exists in targets:
                records.append(new(Relation, (page_title, relation, target, exists, beside)))
            continue
        for source, _ in read_cell(cell, page_title)[0]:
            for target, exists in targets:
                records.append(new(Relation, (source, relation, target, exists, beside)))
    return Read(kind, records, warnings, leftovers)


def read_list(
    elements: list[etree._Element], relation: str, page_title: str
) -> list[Relation] | None:
    """Records of the older "relation heading + list of links" form, or None if not it.

    Tolerated around the lists: empty paragraphs (``<p><br></p>``, as MediaWiki
    writes them); in an item: separators after the link ("[[X]],").
    """
    relation = relation.rstrip(": ").strip()
    records: list[Relation] = []
    for element in elements:
        if element.tag not in _LIST_TAGS:
            if _is_empty_paragraph(element):
                continue
            return None
        items = [item for item in element if item.tag == "li"]
        if not items or len(items) != len(element):
            return None
        for item in items:
            anchors = list(item.iter("a"))
            if len(anchors) != 1:
                return None
            target = classify(anchors[0], page_title)
            if not isinstance(target, Target) or not target.title:
                return None
            rest = line_of(item).replace(line_of(anchors[0]), "", 1)
            if endpoints.has_words(rest.replace(".", " ").replace(":", " ")):
                return None
            records.append(_new(Relation, (page_title, relation, target.title, target.exists, "")))
    return records or None


def _is_empty_paragraph(element: etree._Element) -> bool:
    """``<p>`` (or ``div``) holding no text: whitespace and ``<br>`` only."""
    if element.tag not in ("p", "div"):
        return False
    if element.text and not element.text.isspace():
        return False
    for child in element:
        if child.tag != "br" or (child.tail and not child.tail.isspace()):
            return False
    return True
