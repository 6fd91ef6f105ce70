"""Stage 1: one walk over the content area that drops noise and marks lines.

The only stage that changes the tree. It

* drops noise (``labels.NOISE_TAGS``, ``NOISE_IDS``, ``NOISE_CLASSES``,
  ``NOISE_DIV_CLASSES``: tooltip definitions, edit links, SMW's search links, the
  table of contents ...), keeping the text that follows each;
* notes the elements that show Semantic MediaWiki query results (SMW 5.1's own
  result markup, ``labels.QUERY_RESULT_CLASSES``: ``table.smwtable``,
  ``.smw-format`` list wrappers, ``tr.smwfooter``);
* then marks lines once over what is left (the markers ``parsers.text`` splits on),
  so every later stage only reads: nothing inside noise is marked (a pass over the
  elements already held costs less than the text writes inside noise did), and the
  text after a dropped element gets the marks it would have had; the same pass notes
  the images left (one pass for both, noise and marks, measured slower than two);
* flattens the area into a run of pieces: headings, top-level elements and the loose
  text between them, in document order.

It hands on what later stages would otherwise search the tree for again: the images
(the element-type icon), the query results, and the list of every element it
visited: held for the page's parse, it
keeps lxml's Python object of each element alive, so the later stages reuse those
objects instead of building new ones on every access (that cost more than reading).

MediaWiki puts headings at the top of ``.mw-parser-output``; templates sometimes wrap
them, or a table, in a ``div``. So the walk descends into a wrapper only when a heading
or a table sits inside it, and otherwise keeps each child whole (a table, a list, a
paragraph, a grid of ``div``s). Both heading markups are recognised: ``h2 >
span.mw-headline`` (MediaWiki <= 1.42) and ``div.mw-heading > h2`` (>= 1.43).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from itertools import islice
from typing import NamedTuple

from lxml import etree

from parsers import labels
from parsers.text import line_of

_STRUCTURE = (*labels.HEADING_TAGS, "table")
_new = tuple.__new__  # a NamedTuple without its Python-level __new__ (a piece per element)
HOLD_LIMIT = 20_000
"""Elements held for the parse at most (``Walk.elements``; a NORA page has a few
hundred). Past it nothing is held: every object alive at once no longer fits the
processor's caches, and time per element grew with the page (a hostile 4.6 MB page
took 5.5x the time of a quarter of it, not 4.5x)."""
_HEADING_WRAPPER = labels.HEADING_WRAPPER_CLASS
_NOISE_TAGS = frozenset(labels.NOISE_TAGS)
_BLOCK_TAGS = frozenset(labels.BLOCK_TAGS)
_CELL_TAGS = frozenset(labels.CELL_TAGS)
#: block elements that never hold content (``br``, ``hr``): their start and end mark
#: meet, so both go in the tail (the text of every element around them is the same)
_VOID_BLOCK_TAGS = frozenset(_BLOCK_TAGS & {tag.decode() for tag in labels.VOID_ELEMENTS})
#: what ``_mark_lines`` puts after an element, by tag (blocks, cells): given to the text
#: after a dropped one, which is not marked itself
_MARKS_AFTER = {
    **dict.fromkeys(_BLOCK_TAGS, labels.LINE_MARK),
    **dict.fromkeys(_VOID_BLOCK_TAGS, labels.LINE_MARK * 2),
    **dict.fromkeys(_CELL_TAGS, " "),
}


class Piece(NamedTuple):
    """A heading, a top-level element, or loose text between elements."""

    element: etree._Element | None
    text: str = ""  # raw text of a loose text piece; the heading's text for headings
    level: int = 0  # heading level, 0 for everything else


@dataclass(frozen=True, slots=True)
class Walk:
    """What stage 1 hands on: the pieces, and what it saw on the way."""

    pieces: tuple[Piece, ...]
    #: the elements that carry SMW's inline query result markup
    #: (``labels.QUERY_RESULT_CLASSES``), in document order; none were dropped as noise
    query_results: list[etree._Element]
    #: every element the walk visited, in document order (none past ``HOLD_LIMIT``).
    #: Held for the page's parse so that the later stages reuse lxml's Python objects
    #: for them: lxml keeps one per element only while something refers to it, and
    #: building it again on every access cost more than the reading did
    elements: list[etree._Element]
    #: the images left in the content (``img``, noise dropped), in document order: the
    #: element-type icon is looked for among them (``parsers.extraction``)
    images: list[etree._Element]

    @property
    def shows_query_results(self) -> bool:
        """The content shows SMW inline query results (anywhere, noise aside)."""
        return bool(self.query_results)


def walk(root: etree._Element) -> Walk:
    """Clean and mark ``root`` (the content area), then flatten it into pieces."""
    elements = list(islice(root.iter(), HOLD_LIMIT + 1))
    if len(elements) > HOLD_LIMIT:  # a huge page: one object at a time, as they come
        elements = []
        results = _drop_noise(root.iter())
    else:
        results = _drop_noise(elements)
    images = _mark_lines(root)
    pieces: list[Piece] = []
    _flatten(root, pieces)
    return Walk(tuple(pieces), results, elements, images)


def _drop_noise(elements: Iterable[etree._Element]) -> list[etree._Element]:
    """Drop noise among ``elements`` (a root and all below it, in document order); the
    elements carrying SMW query result markup. Before the lines are marked, so nothing
    inside noise is marked; a dropped element's own line marks stay with the text after
    it (``drop``): a line break where a block was."""
    doomed: list[etree._Element] = []
    classes = labels.NOISE_CLASSES
    div_classes = labels.NOISE_DIV_CLASSES
    results = labels.QUERY_RESULT_CLASSES
    noise_ids = labels.NOISE_IDS
    noise_tags = _NOISE_TAGS
    found: list[etree._Element] = []
    plain: set[str] = set()  # class values seen to be neither noise nor query results
    for element in elements:
        value = element.get(b"class")  # a bytes name: lxml does not encode it each time
        if value is None:  # script, style, or a class-less #toc
            if element.tag in noise_tags or element.get(b"id") in noise_ids:
                doomed.append(element)
            continue
        if value in plain:  # class values repeat (brackets, headlines): decided once
            continue
        tokens = value.split()
        is_div_noise = not div_classes.isdisjoint(tokens) and element.tag == "div"
        if is_div_noise or not classes.isdisjoint(tokens):
            doomed.append(element)
        elif not results.isdisjoint(tokens):
            found.append(element)
        elif div_classes.isdisjoint(tokens):  # a div-only noise class is decided per tag
            plain.add(value)
    for element in doomed:
        drop(element, _MARKS_AFTER.get(element.tag, ""))
    return found


def _mark_lines(root: etree._Element) -> list[etree._Element]:
    """Put the line marks (``parsers.text``) at the start and end of every block and a
    space after every cell that is not followed by whitespace already; the images
    passed (``Walk.images``)."""
    blocks = _BLOCK_TAGS
    cells = _CELL_TAGS
    mark = labels.LINE_MARK
    two_marks = mark + mark
    voids = _VOID_BLOCK_TAGS
    images: list[etree._Element] = []
    for element in root.iter():
        tag = element.tag
        if tag in blocks:
            tail = element.tail
            if tag in voids:  # nothing inside: both marks go in its tail, one write
                element.tail = two_marks + tail if tail else two_marks
            else:
                text = element.text
                element.text = mark + text if text else mark
                element.tail = mark + tail if tail else mark
        elif tag in cells:
            tail = element.tail
            if not tail:
                element.tail = " "
            elif not tail[0].isspace():  # whitespace separates the cells already
                element.tail = " " + tail
        elif tag == "img":
            images.append(element)
    return images


def drop(element: etree._Element, marks: str = "") -> None:
    """Remove ``element`` and its content but keep its tail text in place, after
    ``marks`` (what the line marking gives an element of its kind after it)."""
    parent = element.getparent()
    if parent is None:
        return
    tail = marks + element.tail if element.tail else marks
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
        out.append(_new(Piece, (None, text, 0)))
    headings = labels.HEADING_TAGS
    containers = labels.CONTAINER_TAGS
    for child in parent:
        tag = child.tag
        if isinstance(tag, str):  # not a comment or processing instruction
            level = headings.get(tag, 0)
            if level:
                out.append(_new(Piece, (child, line_of(child), level)))
            elif tag == "div" and _HEADING_WRAPPER in (child.get("class") or "").split():
                _heading_wrapper(child, out)
            elif tag in containers and _holds_structure(child):
                out.append(_new(Piece, (None, labels.LINE_MARK, 0)))
                _flatten(child, out)
                out.append(_new(Piece, (None, labels.LINE_MARK, 0)))
            else:
                out.append(_new(Piece, (child, "", 0)))
        tail = child.tail
        if tail and not tail.isspace():
            out.append(_new(Piece, (None, tail, 0)))


def _heading_wrapper(wrapper: etree._Element, out: list[Piece]) -> None:
    """``div.mw-heading``: the heading is the h2..h6 inside; anything else is noise."""
    for child in wrapper:
        level = labels.HEADING_TAGS.get(child.tag, 0) if isinstance(child.tag, str) else 0
        if level:
            out.append(_new(Piece, (child, line_of(child), level)))
            return
    out.append(_new(Piece, (wrapper, "", 0)))


def _holds_structure(element: etree._Element) -> bool:
    """A wrapper around a heading or a table (e.g. the floating Doel infobox)."""
    return len(element) > 0 and next(element.iter(*_STRUCTURE), None) is not None
