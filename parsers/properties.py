"""The Eigenschappen block: label/value pairs in every variant of NORA-PAGES.md.

* A two-column table (``th`` or ``td`` labels) under an "Eigenschappen" heading,
  with "Eigenschappen" as caption (or as a one-cell title row), or - with no
  heading at all - the first table before any section heading whose rows all
  have two cells and that has no header row (``is_bare_property_table``).
* The "Doel (2020)" infobox (``table.infobox``) of label/value rows.
* "Label: value" paragraphs: a ``<p>`` whose first child is ``<b>``/``<strong>``
  with text ending in ":" (or followed by ":"); several such lines in one
  paragraph, split by ``<br>`` or by a source line break before the bold label,
  are one property each. A bold lead-in such as "NB:" is not a label.

A label is its cell's text on one line without a trailing ":"; a value follows
the text rules, with its internal link targets (``links``) and external URLs.
"""

from __future__ import annotations

from typing import NamedTuple

from lxml import etree

from parsers import grid, labels, problems
from parsers.links import links_of
from parsers.text import line_of, mark, normalize, raw_text, text_of

_SECTIONS = ("thead", "tbody", "tfoot")


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


_BOLD = ("b", "strong")
_new = tuple.__new__  # a NamedTuple without its Python-level __new__ (2x faster)


class Property(NamedTuple):
    """One label/value pair before it gets its position."""

    label: str
    value: str
    links: tuple[str, ...]
    external_links: tuple[str, ...]


def cells(row: etree._Element) -> list[etree._Element]:
    """The ``td``/``th`` children of a table row."""
    return [cell for cell in row if cell.tag == "td" or cell.tag == "th"]


def table_classes(table: etree._Element) -> list[str]:
    return (table.get("class") or "").split()


def caption_label(table: etree._Element) -> str:
    """Folded caption text of a table, or ""."""
    for child in table:  # the caption is the first child; no ElementPath query
        if child.tag == "caption":
            return labels.fold(line_of(child))
        break
    return ""


def is_infobox(table: etree._Element) -> bool:
    return any(name in labels.INFOBOX_CLASSES for name in table_classes(table))


def is_bare_property_table(table: etree._Element) -> bool:
    """Every row has exactly two cells and the first row is not a header row.

    A transposed SMW query of the page's own values (``smwtable``) is one too.
    """
    table_rows = rows(table)
    if not table_rows:
        return False
    for index, row in enumerate(table_rows):
        row_cells = cells(row)
        if len(row_cells) != 2:
            return False
        if index == 0 and all(cell.tag == "th" for cell in row_cells):
            return False
    return True


def read_table(
    table: etree._Element, page_title: str, where: str
) -> tuple[list[Property], list[str]]:
    """Label/value rows of a property table; other rows become warnings."""
    found: list[Property] = []
    warnings: list[str] = []
    infobox = is_infobox(table)
    for index, row in enumerate(grid.read(table)):
        width = len(row)
        if width == 2 and not (index == 0 and row[0].header and row[1].header and not infobox):
            label = grid.line(row[0].raw).rstrip(":").strip()
            value = row[1]
            if not label:
                if normalize(value.raw):
                    warnings.append(
                        problems.warning(
                            problems.PROPERTY_ROW,
                            f"{where} row {index}: expected a label, found an empty cell",
                        )
                    )
                continue
            if value.anchors:
                internal, external = links_of(value.anchors, page_title)
                links = tuple([target.title for target in internal])
                found.append(_new(Property, (label, normalize(value.raw), links, tuple(external))))
            else:
                found.append(_new(Property, (label, normalize(value.raw), (), ())))
            continue
        if not width or _is_title_row(row, index, infobox):
            continue
        warnings.append(
            problems.warning(
                problems.PROPERTY_ROW,
                f"{where} row {index}: expected 2 cells (label, value), found {width}",
            )
        )
    return found, warnings


def _is_title_row(row: list[grid.Cell], index: int, infobox: bool) -> bool:
    """A one-cell title row ("Eigenschappen", an infobox name or image), or a header row."""
    if index == 0 and all(cell.header for cell in row):
        return True
    if len(row) == 1:
        cell_text = labels.fold(grid.line(row[0].raw))
        return infobox or cell_text in labels.PROPERTY_BLOCK_LABELS or not cell_text
    return False


def _value(label: str, element: etree._Element, page_title: str) -> Property:
    if not len(element):  # plain text: no links to look for
        return Property(label, text_of(element), (), ())
    anchors = mark(element)  # one walk marks lines and finds the links
    internal, external = links_of(anchors, page_title)
    return Property(
        label,
        normalize(raw_text(element)),
        tuple(target.title for target in internal),
        tuple(external),
    )


def label_paragraph_segments(paragraph: etree._Element) -> list[list[etree._Element]] | None:
    """Children of a "Label: value" paragraph, one list per property; None if not one.

    A new property starts at a bold label that follows a ``<br>`` (nothing but
    whitespace between) or a source line break; any other ``<br>`` is part of
    the value. Checked without touching the tree, so a paragraph that is not a
    property block stays intact for the body text.
    """
    if paragraph.tag != "p" or (paragraph.text and not paragraph.text.isspace()):
        return None
    children = list(paragraph)
    if not children or not _is_label(children[0]):
        return None
    segments: list[list[etree._Element]] = [[children[0]]]
    previous = children[0]
    for child in children[1:]:
        before = previous.tail or ""
        starts_line = (previous.tag == "br" and (not before or before.isspace())) or (
            _line_break_before(before)
        )
        if starts_line and child.tag in _BOLD and _is_label(child):
            segments.append([])
        segments[-1].append(child)
        previous = child
    return segments


def _line_break_before(text: str) -> bool:
    at = text.rfind("\n")
    return at >= 0 and text[at:].isspace()


def _is_label(element: etree._Element) -> bool:
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
        and labels.fold(label) not in labels.NOT_PROPERTY_LABELS
    )


def read_label_paragraph(segments: list[list[etree._Element]], page_title: str) -> list[Property]:
    """One property per segment; moves each segment into its own element to read it."""
    found: list[Property] = []
    for segment in segments:
        bold = segment[0]
        label = line_of(bold).rstrip(":").strip()
        holder = etree.Element("p")
        holder.text = (bold.tail or "").lstrip().removeprefix(":")
        for child in segment[1:]:
            holder.append(child)  # moves the child, with its tail
        found.append(_value(label, holder, page_title))
    return found
