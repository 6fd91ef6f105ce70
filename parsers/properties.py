"""The Eigenschappen block: label/value pairs in every variant of NORA-PAGES.md.

* A two-column table (``th`` or ``td`` labels) under an "Eigenschappen" heading,
  with "Eigenschappen" as caption (or as a one-cell title row), or - with no
  heading at all - a table before any section heading whose rows look like
  label/value pairs (``looks_like_property_table``), wherever it stands there. A
  header row "Eigenschap | Waarde" is skipped; a full-width row is handed back to
  the body text with a warning.
* The "Doel (2020)" infobox (``table.infobox``) of label/value rows.
* "Label: value" paragraphs: a ``<p>`` (or a ``<div>`` of inline content) whose
  first child is ``<b>``/``<strong>`` with text ending in ":" (or followed by
  ":"); several such lines in one paragraph, split by ``<br>`` or by a source line
  break before the bold label, are one property each. A bold lead-in such as
  "NB:" is not a label.
* A definition list of ``dt`` labels and ``dd`` values (``read_definition_list``).

A label is its cell's text on one line without a trailing ":"; a value follows
the text rules, with its internal link targets (``links``) and external URLs.
"""

from __future__ import annotations

from typing import NamedTuple

from lxml import etree

from parsers import grid, labels, problems
from parsers.links import links_of
from parsers.profile import Profile
from parsers.text import line_of, mark, normalize, raw_text, text_of

_BOLD = ("b", "strong")
_LABEL_LINE_TAGS = ("p", "div")
_BLOCKS = frozenset({"p", "div", "table", "ul", "ol", "dl", "h2", "h3", "h4", "h5", "h6"})
_new = tuple.__new__  # a NamedTuple without its Python-level __new__ (2x faster)


class Property(NamedTuple):
    """One label/value pair before it gets its position."""

    label: str
    value: str
    links: tuple[str, ...]
    external_links: tuple[str, ...]


def is_infobox(table: etree._Element, profile: Profile) -> bool:
    return any(name in profile.infobox_classes for name in grid.table_classes(table))


def looks_like_property_table(table: etree._Element, profile: Profile) -> bool:
    """A table found without heading or caption whose rows look like label/value pairs.

    Its two-cell rows carry label-shaped first cells (short, not a sentence) and one of
    them a known property label (``profile.property_labels``), or there are at
    least two such rows. A header row "Eigenschap | Waarde" and full-width rows (one
    cell) are allowed; a row of three or more cells, or a header row of anything else,
    is not. So an icon or definition table standing first is passed over, and a
    transposed SMW query of the page's own values (``smwtable``) is one. Structure
    only: a table that is not one stays fit for the body text.
    """
    pairs = 0
    known = False
    for index, row in enumerate(grid.rows(table)):
        row_cells = grid.cells(row)
        if len(row_cells) < 2:
            continue
        if len(row_cells) > 2:
            return False
        label = labels.fold(line_of(row_cells[0]))
        if index == 0 and all(cell.tag == "th" for cell in row_cells):
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
        and any(c.isalpha() for c in folded)
        and folded[-1] not in ".!?"
    )


def read_table(
    table: etree._Element, page_title: str, where: str, profile: Profile
) -> tuple[list[Property], list[str], list[str]]:
    """Label/value rows of a property table, warnings, and the raw marked text of rows
    that are no property (a full-width description row): handed back to the body."""
    found: list[Property] = []
    warnings: list[str] = []
    leftovers: list[str] = []
    infobox = is_infobox(table, profile)
    for index, row in enumerate(grid.read(table)):
        width = len(row)
        header = width == 2 and index == 0 and row[0].header and row[1].header and not infobox
        if header and labels.fold(grid.line(row[0].raw)) in profile.property_headers:
            continue  # "Eigenschap | Waarde"
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
        if not width or _is_title_row(row, index, infobox, profile):
            continue
        text = normalize("".join(cell.raw for cell in row))
        detail = f"{where} row {index}: expected 2 cells (label, value), found {width}"
        if text:
            leftovers.append("".join(labels.LINE_MARK + cell.raw for cell in row))
            detail += f"; kept as body text: {problems.excerpt(text)}"
        warnings.append(problems.warning(problems.PROPERTY_ROW, detail))
    return found, warnings, leftovers


def _is_title_row(row: list[grid.Cell], index: int, infobox: bool, profile: Profile) -> bool:
    """A one-cell title row ("Eigenschappen", an infobox name or image), or a header row."""
    if index == 0 and all(cell.header for cell in row):
        return True
    if len(row) == 1:
        cell_text = labels.fold(grid.line(row[0].raw))
        return infobox or cell_text in profile.property_blocks or not cell_text
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


def label_paragraph_segments(
    paragraph: etree._Element, profile: Profile
) -> list[list[etree._Element]] | None:
    """Children of a "Label: value" paragraph (``p`` or ``div``), one list per property;
    None if not one.

    A new property starts at a bold label that follows a ``<br>`` (nothing but
    whitespace between) or a source line break; any other ``<br>`` is part of
    the value. Checked without touching the tree, so a paragraph that is not a
    property block stays intact for the body text.
    """
    if paragraph.tag not in _LABEL_LINE_TAGS or (paragraph.text and not paragraph.text.isspace()):
        return None
    children = list(paragraph)
    if not children or not _is_label(children[0], profile):
        return None
    if paragraph.tag != "p" and any(child.tag in _BLOCKS for child in children):
        return None  # a div holding paragraphs or tables is a wrapper, not one line
    segments: list[list[etree._Element]] = [[children[0]]]
    previous = children[0]
    for child in children[1:]:
        before = previous.tail or ""
        starts_line = (previous.tag == "br" and (not before or before.isspace())) or (
            _line_break_before(before)
        )
        if starts_line and child.tag in _BOLD and _is_label(child, profile):
            segments.append([])
        segments[-1].append(child)
        previous = child
    return segments


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


def read_definition_list(
    element: etree._Element, page_title: str, profile: Profile, *, known_only: bool
) -> list[Property] | None:
    """Properties of a ``<dl>`` of label (``dt``) and value (``dd``) pairs, or None.

    Every ``dt`` must be label-shaped (and, with ``known_only``, one a known property
    label: a body definition list before the first heading stays body text). A ``dt``
    without ``dd`` is a property with an empty value; several ``dd`` join as lines.
    """
    if element.tag != "dl" or (element.text and not element.text.isspace()):
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
    found: list[Property] = []
    for label, values in pairs:
        holder = etree.Element("div")
        for value in values:
            holder.append(value)  # moves the dd, with its tail
        found.append(_value(label, holder, page_title))
    return found


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
