"""Stage 1: one walk over the content area that drops noise and marks lines.

The only stage that changes the tree. It

* drops noise (``labels.NOISE_TAGS``, ``NOISE_IDS``, ``NOISE_CLASSES``,
  ``NOISE_DIV_CLASSES``: tooltip definitions, edit links, SMW's search links, the
  table of contents ...), keeping the text that follows each;
* notes whether the content shows Semantic MediaWiki query results (SMW 5.1's own
  result markup, ``labels.QUERY_RESULT_CLASSES``: ``table.smwtable``,
  ``.smw-format`` list wrappers, ``tr.smwfooter``);
* marks lines once over the whole area (the markers ``parsers.text`` splits on), in
  the same pass as the noise, so every later stage only reads;
* flattens the area into a run of pieces: headings, top-level elements and the loose
  text between them, in document order.

MediaWiki puts headings at the top of ``.mw-parser-output``; templates sometimes wrap
them, or a table, in a ``div``. So the walk descends into a wrapper only when a heading
or a table sits inside it, and otherwise keeps each child whole (a table, a list, a
paragraph, a grid of ``div``s). Both heading markups are recognised: ``h2 >
span.mw-headline`` (MediaWiki <= 1.42) and ``div.mw-heading > h2`` (>= 1.43).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from lxml import etree

from parsers import labels
from parsers.text import line_of

_STRUCTURE = (*labels.HEADING_TAGS, "table")
_HEADING_WRAPPER = labels.HEADING_WRAPPER_CLASS
_NOISE_TAGS = frozenset(labels.NOISE_TAGS)
_BLOCK_TAGS = frozenset(labels.BLOCK_TAGS)
_CELL_TAGS = frozenset(labels.CELL_TAGS)


class Piece(NamedTuple):
    """A heading, a top-level element, or loose text between elements."""

    element: etree._Element | None
    text: str = ""  # raw text of a loose text piece; the heading's text for headings
    level: int = 0  # heading level, 0 for everything else


@dataclass(frozen=True, slots=True)
class Walk:
    """What stage 1 hands on: the pieces, and what it saw on the way."""

    pieces: tuple[Piece, ...]
    #: the content shows SMW inline query results
    shows_query_results: bool


def walk(root: etree._Element) -> Walk:
    """Clean and mark ``root`` (the content area), then flatten it into pieces."""
    shows_results = _drop_noise(root)
    pieces: list[Piece] = []
    _flatten(root, pieces)
    return Walk(tuple(pieces), shows_results)


def _drop_noise(root: etree._Element) -> bool:
    """Drop noise below ``root`` and mark lines, in one pass; whether SMW query result
    markup was seen. (A dropped block's line marks stay with the text after it: a line
    break where a block was.)"""
    doomed: list[etree._Element] = []
    classes = labels.NOISE_CLASSES
    div_classes = labels.NOISE_DIV_CLASSES
    results = labels.QUERY_RESULT_CLASSES
    noise_ids = labels.NOISE_IDS
    shows_results = False
    plain: set[str] = set()  # class values seen to be neither noise nor query results
    blocks = _BLOCK_TAGS
    cells = _CELL_TAGS
    mark = labels.LINE_MARK
    for element in root.iter():
        tag = element.tag
        if tag in blocks:
            element.text = mark + (element.text or "")
            element.tail = mark + (element.tail or "")
        elif tag in cells:
            element.tail = " " + (element.tail or "")
        value = element.get("class")
        if value is None:  # script, style, or a class-less #toc
            if element.tag in _NOISE_TAGS or element.get("id") in noise_ids:
                doomed.append(element)
            continue
        if value in plain:  # class values repeat (brackets, headlines): decided once
            continue
        tokens = value.split()
        is_div_noise = element.tag == "div" and not div_classes.isdisjoint(tokens)
        if is_div_noise or not classes.isdisjoint(tokens):
            doomed.append(element)
        elif not results.isdisjoint(tokens):
            shows_results = True
        elif div_classes.isdisjoint(tokens):  # a div-only noise class is decided per tag
            plain.add(value)
    for element in doomed:
        drop(element)
    return shows_results


def drop(element: etree._Element) -> None:
    """Remove ``element`` and its content but keep its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    if tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)


def _flatten(parent: etree._Element, out: list[Piece]) -> None:
    text = parent.text
    if text and not text.isspace():
        out.append(Piece(None, text))
    headings = labels.HEADING_TAGS
    containers = labels.CONTAINER_TAGS
    for child in parent:
        tag = child.tag
        if isinstance(tag, str):  # not a comment or processing instruction
            level = headings.get(tag, 0)
            if level:
                out.append(Piece(child, line_of(child), level))
            elif tag == "div" and _HEADING_WRAPPER in (child.get("class") or "").split():
                _heading_wrapper(child, out)
            elif tag in containers and _holds_structure(child):
                out.append(Piece(None, labels.LINE_MARK))
                _flatten(child, out)
                out.append(Piece(None, labels.LINE_MARK))
            else:
                out.append(Piece(child))
        tail = child.tail
        if tail and not tail.isspace():
            out.append(Piece(None, tail))


def _heading_wrapper(wrapper: etree._Element, out: list[Piece]) -> None:
    """``div.mw-heading``: the heading is the h2..h6 inside; anything else is noise."""
    for child in wrapper:
        level = labels.HEADING_TAGS.get(child.tag, 0) if isinstance(child.tag, str) else 0
        if level:
            out.append(Piece(child, line_of(child), level))
            return
    out.append(Piece(wrapper))


def _holds_structure(element: etree._Element) -> bool:
    """A wrapper around a heading or a table (e.g. the floating Doel infobox)."""
    return len(element) > 0 and next(element.iter(*_STRUCTURE), None) is not None
