"""The label/value reader: the Eigenschappen block in every shape NORA-PAGES.md lists.

* A table of label/value rows (``th`` or ``td`` labels), read over the table model
  (``parsers.table``; its rows as elements, ``Table.plain``, when nothing spans, so
  no cell grid is made for most tables): a row of two cells is a property; a header
  row "Eigenschap | Waarde", a title row ("Eigenschappen", an infobox name) and group
  rows (one header cell over the whole width, ``<th colspan=2>Algemeen</th>`` ...
  ``Beheer``) are chrome; a one-cell row of data (a description) is handed back to
  the body text with a note; a row of three or more cells is handed back with a
  ``property-row`` warning.
* The "Doel (2020)" infobox (``table.infobox``) of label/value rows.
* "Label: value" paragraphs: a ``<p>`` (or a ``<div>`` of inline content) whose first
  child is ``<b>``/``<strong>`` with text ending in ":" (or followed by ":"); several
  such lines in one paragraph, split by ``<br>`` or by a source line break before the
  bold label, are one property each. A bold lead-in such as "NB:" is not a label.
* A bulleted (or numbered) list whose every item starts with such a bold label.
* A definition list of ``dt`` labels and ``dd`` values.
* A grid of ``div``s: one row ``div`` per property holding a label element and a
  value element.

A label is its text on one line without a trailing ":"; a value follows the text
rules, with its internal link targets (``links``) and external URLs. Nothing here
changes the tree: values are read by serialising the elements that hold them, except
the common ones (a cell of plain text or of one link holding plain text, a line's
childless parts), read from their text and tails directly: the same text, in a few
calls.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from operator import itemgetter
from typing import TYPE_CHECKING

from lxml import etree

from parsers import labels, problems
from parsers.harvest import Harvest, Property
from parsers.links import classify as link_target
from parsers.links import links_of
from parsers.profile import Profile
from parsers.table import Table, Tables
from parsers.text import is_blank, line_of, normalize, raw_text, raw_with_tail

if TYPE_CHECKING:
    from parsers.blocks import Block

_BOLD = ("b", "strong")
_HEADER = "th"  # a header cell (the table model's ``Cell.header``)
_LABEL_LINE_TAGS = ("p", "div")
_LIST_TAGS = ("ul", "ol")
_BLOCKS = frozenset({"p", "div", "table", "ul", "ol", "dl", "h2", "h3", "h4", "h5", "h6"})
_MARK = labels.LINE_MARK
_BLOCK_TAGS = frozenset(labels.BLOCK_TAGS)  # a set: asked for every top-level element
_tostring = etree.tostring
_TITLE = itemgetter(0)  # Target: title
_new = tuple.__new__  # a NamedTuple without its Python-level __new__ (a property per row)


def read(block: Block, page_title: str, profile: Profile, tables: Tables) -> Harvest:
    """Properties of a property block; what is no property goes back to the body."""
    harvest = Harvest()
    for piece in block.pieces:
        element = piece.element
        if element is None:
            harvest.leftovers.append(piece.text)
            continue
        if element.tag == "table":
            _read_table(harvest, tables(element), page_title, block.where, profile)
            continue
        found = read_pairs(element, page_title, profile, known_only=False)
        if found is not None:
            harvest.properties += found
            continue
        harvest.leftovers.append(block_raw(element))
    return harvest


def block_raw(element: etree._Element) -> str:
    """Raw marked text of one top-level element, ending a line when it is a block.
    (``raw_text`` inlined: it runs for every piece of every page. Whether a child is
    there is asked of the first child: ``len`` counts every child, and a paragraph of
    60,000 links took 11 ms to count.)"""
    if next(iter(element), None) is not None:
        raw = _tostring(element, method="text", encoding="unicode", with_tail=False)
    else:
        raw = element.text or ""
    return raw + _MARK if element.tag in _BLOCK_TAGS else raw


# --- tables ------------------------------------------------------------------------------


def is_infobox(table: Table, profile: Profile) -> bool:
    return any(name in profile.infobox_classes for name in table.classes)


def looks_like_property_table(table: Table, profile: Profile) -> bool:
    """A table found without heading or caption whose rows look like label/value pairs.

    Its two-cell rows carry label-shaped first cells (short, not a sentence) and one of
    them a known property label (``profile.property_labels``), or there are at least
    two such rows. A header row "Eigenschap | Waarde" and full-width rows (one cell)
    are allowed; a row of three or more cells, or a header row of anything else, is
    not. So an icon or definition table standing first is passed over, and a
    transposed SMW query of the page's own values (``smwtable``) is one.
    """
    pairs = 0
    known = False
    for index, (_, cells, _) in enumerate(element_rows(table)):
        if len(cells) < 2:
            continue
        if len(cells) > 2:
            return False
        label = labels.fold(line_of(cells[0]))
        if index == 0 and cells[0].tag == _HEADER and cells[1].tag == _HEADER:
            if label in profile.property_headers:
                continue
            return False
        if not is_label_shaped(label):
            return False
        pairs += 1
        known = known or label in profile.property_labels
    return pairs >= 2 or (pairs == 1 and known)


def is_label_shaped(folded: str) -> bool:
    """A folded cell text that can be a property label: short, with letters, no sentence."""
    return (
        0 < len(folded) <= labels.MAX_LABEL_LENGTH
        and len(folded.split()) <= labels.MAX_LABEL_WORDS
        and any(map(str.isalpha, folded))
        and folded[-1] not in ".!?"
    )


def read_table(table: Table, page_title: str, where: str, profile: Profile) -> Harvest:
    """Label/value rows of a property table; chrome rows claimed, the rest handed back."""
    harvest = Harvest()
    _read_table(harvest, table, page_title, where, profile)
    return harvest


#: a table row as its ``tr`` (None for loose cells), its distinct cells and whether it is
#: SMW's query footer (``element_rows``)
ElementRow = tuple[etree._Element | None, tuple[etree._Element, ...], bool]


def element_rows(table: Table) -> Sequence[ElementRow]:
    """Each row of ``table`` as its ``tr``, its distinct cells (left to right) and
    whether it is a query footer: the plain rows where the table has them (no cell
    model made), else read off the grid. (A cell is a header cell when it is a ``th``,
    in either.)"""
    if table.plain is not None:
        return table.plain
    return [
        (row.element, tuple([cell.element for cell in row.cells]), row.footer) for row in table.rows
    ]


def _read_table(
    harvest: Harvest, table: Table, page_title: str, where: str, profile: Profile
) -> None:
    """``read_table`` into ``harvest`` (a block's). Written for the common row, a label
    cell and a value cell of plain text or one link: read in a few calls, over the
    table's elements (``element_rows``)."""
    harvest.claimed.append(table.caption)
    found = harvest.properties
    infobox = is_infobox(table, profile)
    for index, (_, cells, footer) in enumerate(element_rows(table)):
        width = len(cells)
        if not width:
            continue
        if footer:
            harvest.claimed.append(_cells_raw(cells))  # SMW's "... meer resultaten": chrome
            continue
        if width == 2:
            first, second = cells
            # a property, unless it is the header row (both header cells, first row)
            if index or infobox or first.tag != _HEADER or second.tag != _HEADER:
                raw = (first.text or "") if not len(first) else raw_text(first)
                label = _LABELS.get(raw)
                if label is None:
                    label = _label(raw)
                if label:
                    found.append(_cell_property(label, second, page_title))
                    continue
                raw = raw_text(second)
                if not is_blank(raw):
                    harvest.leftovers.append(_MARK + raw + _MARK)
                    harvest.notes.append(
                        problems.warning(
                            problems.FULL_WIDTH_ROW,
                            f"{where} row {index}: a value without label, kept as body text",
                        )
                    )
                continue
        row_text = _cells_raw(cells)
        if is_blank(row_text):
            continue
        if width == 2 or (width == 1 and _is_title_row(cells[0], infobox, profile)):
            harvest.claimed.append(row_text)  # a header, title or group row
            continue
        harvest.leftovers.append(_MARK + row_text + _MARK)
        if width == 1:
            harvest.notes.append(
                problems.warning(
                    problems.FULL_WIDTH_ROW,
                    f"{where} row {index}: kept as body text: "
                    f"{problems.excerpt(normalize(row_text))}",
                )
            )
        else:
            harvest.warnings.append(
                problems.warning(
                    problems.PROPERTY_ROW,
                    f"{where} row {index}: expected 2 cells (label, value), found {width}; "
                    f"kept as body text: {problems.excerpt(normalize(row_text))}",
                )
            )


#: a label cell's raw text -> its label: the labels of a wiki's property tables repeat
#: on every page, so each is read once (short texts only; bounded, cleared when full)
_LABELS: dict[str, str] = {}
_LABELS_KEPT = 4096
_LABEL_KEPT_LENGTH = 200


def _label(raw: str) -> str:
    """The label a label cell's raw text gives, kept in ``_LABELS`` when short."""
    label = " ".join(raw.replace(_MARK, " ").split()).rstrip(":").strip()
    if len(raw) <= _LABEL_KEPT_LENGTH:
        if len(_LABELS) >= _LABELS_KEPT:
            _LABELS.clear()
        _LABELS[raw] = label
    return label


def _cells_raw(cells: Sequence[etree._Element]) -> str:
    return " ".join(map(raw_text, cells))


def _is_title_row(cell: etree._Element, infobox: bool, profile: Profile) -> bool:
    """A one-cell title or group row: a header cell, the block's name, an infobox's name."""
    if cell.tag == _HEADER or infobox:
        return True
    text = labels.fold(line_of(cell))
    return text in profile.property_blocks or not text


# --- label/value pairs outside tables ----------------------------------------------------


def read_pairs(
    element: etree._Element, page_title: str, profile: Profile, *, known_only: bool
) -> list[Property] | None:
    """``element`` read as label/value pairs (lines, a list, a definition list, a grid of
    divs), or None when it is none of those. ``known_only``: a definition list counts
    only with a known property label (before the first heading)."""
    segments = label_paragraph_segments(element, profile)
    if segments is not None:
        return [_segment(segment, page_title) for segment in segments]
    if element.tag == "dl":
        return read_definition_list(element, page_title, profile, known_only=known_only)
    if known_only:
        return None
    if element.tag in _LIST_TAGS:
        return _read_label_list(element, page_title, profile)
    if element.tag == "div":
        return _read_div_grid(element, page_title)
    return None


def has_known_pairs(element: etree._Element, profile: Profile) -> bool:
    """Whether ``read_pairs(..., known_only=True)`` finds properties in ``element``: the
    same tests, without reading the values (the classifier asks it of every piece
    before the first heading; the reader reads the values later)."""
    tag = element.tag
    if tag in _LABEL_LINE_TAGS:
        return _label_paragraph_children(element, profile) is not None
    if tag == "dl":
        return _definition_pairs(element, profile, known_only=True) is not None
    return False


def label_paragraph_segments(
    paragraph: etree._Element, profile: Profile
) -> list[list[etree._Element]] | None:
    """Children of a "Label: value" paragraph (``p`` or ``div``), one list per property;
    None if not one.

    A new property starts at a bold label that follows a ``<br>`` (nothing but
    whitespace between) or a source line break; any other ``<br>`` is part of
    the value.
    """
    children = _label_paragraph_children(paragraph, profile)
    if children is None:
        return None
    segments: list[list[etree._Element]] = [[children[0]]]
    previous = children[0]
    for child in children[1:]:
        before = (previous.tail or "").replace(_MARK, "")
        starts_line = (previous.tag == "br" and (not before or before.isspace())) or (
            _line_break_before(before)
        )
        if starts_line and child.tag in _BOLD and _is_label(child, profile):
            segments.append([])
        segments[-1].append(child)
        previous = child
    return segments


def _label_paragraph_children(
    paragraph: etree._Element, profile: Profile
) -> list[etree._Element] | None:
    """The children of ``paragraph`` when it is a "Label: value" paragraph, else None."""
    # the cheap tests first: most paragraphs do not start with a bold child
    if paragraph.tag not in _LABEL_LINE_TAGS:
        return None
    first = next(iter(paragraph), None)  # not len(): it counts every child
    if first is None or first.tag not in _BOLD:
        return None
    if not is_blank(paragraph.text or ""):
        return None
    children = list(paragraph)
    if not _is_label(children[0], profile):
        return None
    if paragraph.tag != "p" and any(child.tag in _BLOCKS for child in children):
        return None  # a div holding paragraphs or tables is a wrapper, not one line
    return children


def _line_break_before(text: str) -> bool:
    at = text.rfind("\n")
    return at >= 0 and text[at:].isspace()


def _is_label(element: etree._Element, profile: Profile) -> bool:
    if element.tag not in _BOLD:
        return False
    label = line_of(element)
    tail = (element.tail or "").lstrip()
    if label.endswith(":"):
        label = label[:-1].strip()
    elif not tail.startswith(":"):
        return False
    return (
        0 < len(label) <= labels.MAX_LABEL_LENGTH
        and labels.fold(label) not in profile.not_property_labels
    )


def _segment(segment: list[etree._Element], page_title: str) -> Property:
    """One "Label: value" line: the bold label, then the rest up to the next label."""
    bold = segment[0]
    label = line_of(bold).rstrip(":").strip()
    raw = (bold.tail or "").lstrip().removeprefix(":")
    raw += "".join(map(_with_tail, segment[1:]))
    return _value(label, segment[1:], raw, page_title)


def _with_tail(element: etree._Element) -> str:
    """``raw_with_tail``, without serialising an element that holds no other (lxml
    serialises a comment that way too: its text, then its tail)."""
    if not len(element):
        return (element.text or "") + (element.tail or "")
    return raw_with_tail(element)


def _read_label_list(
    element: etree._Element, page_title: str, profile: Profile
) -> list[Property] | None:
    """A list whose every item starts with a bold ``Label:``: one property per item."""
    found: list[Property] = []
    for item in element:
        if item.tag != "li":
            return None
        children = list(item)
        if not is_blank(item.text or "") or not children or not _is_label(children[0], profile):
            return None
        found.append(_segment(children, page_title))
    return found or None


def _read_div_grid(element: etree._Element, page_title: str) -> list[Property] | None:
    """A grid of divs: a row ``div`` per property, holding a label and a value element
    (a wrapper of one grid is looked through; a grid of one row is read as it stands,
    when its row, looked into, is no grid)."""
    if len(element) == 1 and element[0].tag == "div" and is_blank(element.text or ""):
        inner = _read_div_grid(element[0], page_title)
        if inner is not None:
            return inner
    rows = list(element)
    if not rows or not is_blank(element.text or ""):
        return None
    found: list[Property] = []
    for row in rows:
        if row.tag != "div" or len(row) != 2:
            return None
        label_part, value_part = row
        around = (row.text, row.tail, label_part.tail, value_part.tail)
        if not is_blank("".join(filter(None, around))):  # text beside the label and value
            return None
        label = line_of(label_part).rstrip(":").strip()
        if not is_label_shaped(labels.fold(label)):
            return None
        if value_part.tag == "a":  # a link itself
            found.append(_value(label, [value_part], raw_text(value_part), page_title))
        else:
            found.append(_cell_property(label, value_part, page_title))
    return found


def read_definition_list(
    element: etree._Element, page_title: str, profile: Profile, *, known_only: bool
) -> list[Property] | None:
    """Properties of a ``<dl>`` of label (``dt``) and value (``dd``) pairs, or None.

    Every ``dt`` must be label-shaped (and, with ``known_only``, one a known property
    label: a body definition list before the first heading stays body text). A ``dt``
    without ``dd`` is a property with an empty value; several ``dd`` join as lines.
    """
    pairs = _definition_pairs(element, profile, known_only=known_only)
    if pairs is None:
        return None
    return [
        _value(label, values, "".join(_MARK + raw_text(v) + _MARK for v in values), page_title)
        for label, values in pairs
    ]


def _definition_pairs(
    element: etree._Element, profile: Profile, *, known_only: bool
) -> list[tuple[str, list[etree._Element]]] | None:
    """``read_definition_list``'s labels and their ``dd`` elements, or None."""
    if element.tag != "dl" or not is_blank(element.text or ""):
        return None
    pairs: list[tuple[str, list[etree._Element]]] = []
    for child in element:
        if child.tag == "dt":
            label = line_of(child).rstrip(":").strip()
            if not is_label_shaped(labels.fold(label)):
                return None
            pairs.append((label, []))
        elif child.tag == "dd" and pairs:
            pairs[-1][1].append(child)
        else:
            return None
    if not pairs:
        return None
    known = profile.property_labels
    if known_only and not any(labels.fold(lb) in known for lb, _ in pairs):
        return None
    return pairs


def _value(label: str, holders: Iterable[etree._Element], raw: str, page_title: str) -> Property:
    anchors: list[etree._Element] = []
    for holder in holders:
        if len(holder):
            anchors += holder.iter("a")
        elif holder.tag == "a":  # a link itself (a line's value), no tree to search
            anchors.append(holder)
    internal, external = _links(anchors, page_title)
    return _new(Property, (label, normalize(raw), internal, external))


def _cell_property(label: str, cell: etree._Element, page_title: str) -> Property:
    """``_value`` of one table cell (or other element that is no link itself), without
    serialising the common one: plain text, or a link holding plain text."""
    count = len(cell)
    internal: tuple[str, ...] = ()
    external: tuple[str, ...] = ()
    if not count:
        raw = cell.text or ""
    else:
        child = cell[0] if count == 1 else None
        if child is not None and child.tag == "a" and not len(child):
            raw = (cell.text or "") + (child.text or "") + (child.tail or "")
            internal, external = _links([child], page_title)
        else:
            raw = raw_text(cell)
            internal, external = _links(list(cell.iter("a")), page_title)
    value = " ".join(raw.split()) if _MARK not in raw else normalize(raw)
    return _new(Property, (label, value, internal, external))


def _links(
    anchors: list[etree._Element], page_title: str
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The internal link titles and external URLs of ``anchors`` (``links_of``)."""
    if not anchors:
        return (), ()
    if len(anchors) == 1:  # the common value: one link, nothing to keep apart or repeat
        target = link_target(anchors[0], page_title)
        if target is None:
            return (), ()
        if isinstance(target, str):
            return (), (target,)
        return ((target.title,) if target.title else ()), ()
    internal, external = links_of(anchors, page_title)
    return tuple(map(_TITLE, internal)), tuple(external)
