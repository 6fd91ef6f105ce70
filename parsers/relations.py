"""Relaties (``direct``) and Afgeleide relaties (``derived``).

Tables are found by the heading or caption above them ("Relaties", "Afgeleide
relaties"); a table whose header row reads Vertrekpunt | Relatie | Eindpunt(en)
is one too, its kind then taken from the endpoint header (plural: direct,
singular: derived). Columns are found by header text, not position. Each data row
gives one record per endpoint: the endpoint cell is split on its internal links
(commas, line breaks and other text between them are separators); a cell without
links gives one record with its text. Source and target are page titles (see
``parsers.links``); a self-link is the page itself.

An endpoint cell (source or target) with no link and no text - a relation the
wiki lists without any endpoint, or a row cut off mid-link in a damaged page -
gives no record and no warning, as an empty table does: there is no endpoint to
record, and a target "" would read as a page named "".

The older variant is a heading carrying a relation name (``labels.RELATION_NAMES``)
over a list in which every item is exactly one internal link.

A table's class decides nothing: Semantic MediaWiki renders Relaties and Afgeleide
relaties as query tables (``table.smwtable``), like any other query. A relation-headed
table that is neither under a relation heading or caption nor about this page (an
overview listing other pages' relations) is body text (``is_relation_table``).
"""

from __future__ import annotations

from typing import NamedTuple

from lxml import etree

from parsers import labels, problems
from parsers.links import SELF_LINK_CLASS as _SELF_LINK
from parsers.links import Target, classify
from parsers.properties import cells, rows
from parsers.text import line_of, text_of

_LIST_TAGS = ("ul", "ol")
_CELL_TAGS = ("td", "th")
_new = tuple.__new__  # a NamedTuple without its Python-level __new__ (2x faster)


class Relation(NamedTuple):
    """One endpoint of one relation row, before it gets its position."""

    source: str
    relation: str
    target: str
    exists: bool


class Columns(NamedTuple):
    """Cell indexes of the three roles, from the header row (a tuple: one per table)."""

    source: int
    relation: int
    target: int
    width: int
    kind: str  # kind implied by the endpoint header


def columns(table: etree._Element) -> tuple[Columns | None, list[str]]:
    """Roles from the first row when it is a header row; (None, header texts) otherwise.

    Reads the structure only (no markers), so a table that is not a relation
    table stays fit for the body text.
    """
    return _columns(rows(table))


def _columns(table_rows: list[etree._Element]) -> tuple[Columns | None, list[str]]:
    if not table_rows:
        return None, []
    header = cells(table_rows[0])
    if len(header) < 3:
        return None, []
    # the header texts decide, not th vs td: templates write the header row either way
    return roles([line_of(cell) for cell in header])


def roles(header: list[str]) -> tuple[Columns | None, list[str]]:
    """Column roles from header texts: (None, folded texts) when one is missing."""
    texts = [labels.fold(text) for text in header]
    source = relation = target = -1
    kind = ""
    for index, text in enumerate(texts):
        if text in labels.SOURCE_HEADERS and source < 0:
            source = index
        elif text in labels.RELATION_HEADERS and relation < 0:
            relation = index
        elif text in labels.TARGET_HEADERS and target < 0:
            target = index
            kind = labels.TARGET_HEADERS[text]
    if min(source, relation, target) < 0:
        return None, texts
    return _new(Columns, (source, relation, target, len(texts), kind)), texts


def is_relation_table(table: etree._Element, page_title: str) -> bool:
    """A table with the relation header row whose rows are about this page.

    Found without a heading or caption, it must show this page as every data row's
    source (Relaties) or among its targets (Afgeleide relaties); a header row alone
    counts too (an empty block). An overview's query table with the same headers
    lists relations between other pages: that is body text. Its CSS class (SMW's
    ``smwtable``) says nothing either way.
    """
    table_rows = rows(table)
    found, _ = _columns(table_rows)
    if found is None:
        return False
    for row in table_rows[1:]:
        row_cells = [cell for cell in row if cell.tag in _CELL_TAGS]
        if len(row_cells) != found.width:
            continue
        if not (
            _names_page(row_cells[found.source], page_title)
            or _names_page(row_cells[found.target], page_title)
        ):
            return False
    return True


def _names_page(cell: etree._Element, page_title: str) -> bool:
    """The cell links to the page itself (a self-link, or a link to its title)."""
    for anchor in cell.iter("a", "strong"):
        if not labels.SELF_LINK_CLASSES.isdisjoint((anchor.get("class") or "").split()):
            return True
        if anchor.tag == "a" and page_title:
            target = classify(anchor, page_title)
            if isinstance(target, Target) and target.title == page_title:
                return True
    return False


def read_table(
    table: etree._Element, kind: str, page_title: str, where: str
) -> tuple[str, list[Relation], list[str]]:
    """Kind (given, else from the header), records, warnings of one relation table.

    Cells are read directly, not through ``parsers.grid``: a relation cell is
    either plain text (read as is) or links (whose targets are all that is
    needed), so no cell text has to be serialised in the common case.
    """
    table_rows = rows(table)
    found, texts = _columns(table_rows)
    if found is None:
        shown = " | ".join(texts) if texts else "no header row"
        return (
            kind,
            [],
            [
                problems.warning(
                    problems.RELATION_COLUMNS,
                    f"{where}: expected Vertrekpunt | Relatie | Eindpunt(en), found {shown}",
                )
            ],
        )
    kind = kind or found.kind
    records: list[Relation] = []
    warnings: list[str] = []
    width = found.width
    source_at, relation_at, target_at = found.source, found.relation, found.target
    new = _new
    endpoints = _endpoints
    index = 0
    for row in table_rows[1:]:
        index += 1
        row_cells = [cell for cell in row if cell.tag in _CELL_TAGS]
        if len(row_cells) != width:
            if row_cells:
                warnings.append(
                    problems.warning(
                        problems.RELATION_ROW,
                        f"{where} row {index}: expected {width} cells, found {len(row_cells)}",
                    )
                )
            continue
        cell = row_cells[relation_at]
        if len(cell):
            relation = line_of(cell)
        else:  # plain text, as nearly always: line_of inlined
            text = cell.text
            relation = " ".join(text.split()) if text else ""
        targets = endpoints(row_cells[target_at], page_title)
        if not targets:
            continue
        cell = row_cells[source_at]
        if page_title and len(cell) == 1 and _is_self_link(cell[0]):  # every NORA row
            for target, exists in targets:
                records.append(new(Relation, (page_title, relation, target, exists)))
            continue
        for source, _ in endpoints(cell, page_title):
            for target, exists in targets:
                records.append(new(Relation, (source, relation, target, exists)))
    return kind, records, warnings


def _is_self_link(element: etree._Element) -> bool:
    """``<a class="mw-selflink selflink">`` with nothing nested: the page itself."""
    return element.tag == "a" and element.get("class") == _SELF_LINK and not len(element)


def _endpoints(cell: etree._Element, page_title: str) -> list[Target]:
    """Internal link targets of a cell, in order without repeats; else its text.

    Empty (no link and no text): no endpoints, so the row gives no record.
    """
    count = len(cell)
    if count == 1:  # the usual cell: one link and nothing nested (a self-link, a title)
        anchor = cell[0]
        if anchor.tag == "a" and not len(anchor):
            target = classify(anchor, page_title)
            if target.__class__ is Target and target[0]:
                return [target]
            return _text_endpoint(cell)
    if count:
        targets: list[Target] = []
        seen: set[str] = set()
        for anchor in _anchors(cell):
            target = classify(anchor, page_title)
            if target.__class__ is Target:
                title = target[0]
                if title and title not in seen:
                    seen.add(title)
                    targets.append(target)
        if targets:
            return targets
    return _text_endpoint(cell)


def _text_endpoint(cell: etree._Element) -> list[Target]:
    text = _cell_line(cell)
    return [_new(Target, (text, True))] if text else []


def _anchors(cell: etree._Element) -> list[etree._Element]:
    """The ``<a>`` elements below ``cell``, in document order.

    A relation cell usually holds nothing but links and text: then its children
    are read directly, which costs a fraction of setting up lxml's tag-filtered
    descendant iterator. Anything nested (a child with children) takes that
    iterator after all.
    """
    found: list[etree._Element] = []
    for child in cell:
        if len(child):
            return list(cell.iterdescendants("a"))
        if child.tag == "a":
            found.append(child)
    return found


def _cell_line(cell: etree._Element) -> str:
    """The text of a cell without links, on one line, per the text rules."""
    if not len(cell):
        return line_of(cell)
    return " ".join(text_of(cell).split())


def read_list(
    elements: list[etree._Element], relation: str, page_title: str
) -> list[Relation] | None:
    """Records of the older "relation heading + list of links" form, or None if not it."""
    records: list[Relation] = []
    for element in elements:
        if element.tag not in _LIST_TAGS:
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
            if line_of(item) != line_of(anchors[0]):
                return None
            records.append(_new(Relation, (page_title, relation, target.title, target.exists)))
    return records or None
