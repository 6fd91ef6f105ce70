"""The text rules shared with the test-corpus generator (DESIGN.md, team brief).

``value`` and section ``text`` are the visible text: noise removed (tooltip
definitions, edit links, SMW search links, scripts, styles ...); list markers
are not text; every ``<p>``, ``<li>``, ``<tr>``, ``<br>``, heading, ``<div>``,
``<dd>``/``<dt>`` (and the other block elements in ``labels.BLOCK_TAGS``) ends a
line - and starts one, so text before a nested list is its own line; cells of a
row are joined by one space; whitespace runs, U+00A0 included, become one space
(Python's ``str.split()`` notion of whitespace); lines are trimmed, empty lines
dropped, and the rest joined with "\\n".

How, cheaply: lxml's C-level ``iter`` finds the block elements of a subtree and a private
line marker (``labels.LINE_MARK``) is put at the start and end of each; lxml's C
text serialiser then yields the whole text with the markers, which are split on.
Newlines in the HTML source are plain whitespace, never line breaks. Marking twice
only adds empty lines, which are dropped, so overlapping calls are harmless.
"""

from __future__ import annotations

from lxml import etree

from parsers import labels

_MARK = labels.LINE_MARK
_BLOCK_TAGS = frozenset(labels.BLOCK_TAGS)
_CELL_TAGS = frozenset(labels.CELL_TAGS)


def remove_noise(root: etree._Element) -> None:
    """Drop noise elements below ``root``, keeping the text that follows each.

    Noise is found on any element: one pass over the tree. (Measured here: a byte
    search of the page for every noise name, to visit only some tags, or XPath over
    the class attributes, cost more than the pass itself.)
    """
    doomed: list[etree._Element] = []
    classes = labels.NOISE_CLASSES
    div_classes = labels.NOISE_DIV_CLASSES
    noise_tags = _NOISE_TAG_SET
    noise_ids = labels.NOISE_IDS
    clean: set[str] = set()
    for element in root.iter():  # inlined: this loop runs on every page
        value = element.get("class")
        if value is None:  # script, style, or a class-less #toc
            if element.tag in noise_tags or element.get("id") in noise_ids:
                doomed.append(element)
            continue
        if value in clean:
            continue
        tokens = value.split()
        if not classes.isdisjoint(tokens):
            doomed.append(element)
        elif not div_classes.isdisjoint(tokens):
            if element.tag == "div":
                doomed.append(element)
        else:
            clean.add(value)  # class values repeat (brackets, headlines): decided once
    for element in doomed:
        drop(element)


_NOISE_TAG_SET = frozenset(labels.NOISE_TAGS)


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


def mark(element: etree._Element) -> list[etree._Element]:
    """Put line markers around every block and a space after every cell.

    Returns the ``<a>`` elements met on the way, so a caller that also wants the
    links does not walk the subtree twice.
    """
    tag = element.tag
    if tag in _BLOCK_TAGS:
        element.text = _MARK + (element.text or "")
        element.tail = _MARK + (element.tail or "")
    elif tag in _CELL_TAGS:
        element.tail = " " + (element.tail or "")
    if not len(element):
        return [element] if tag == "a" else []
    anchors = line_marks(element)
    return [element, *anchors] if tag == "a" else anchors


def line_marks(element: etree._Element) -> list[etree._Element]:
    """``mark`` for the descendants of ``element`` only (the element itself is a cell).

    Children are walked directly and only a child with children of its own gets
    lxml's descendant iterator (whose set-up costs more than a short loop): the
    order is the same document order as ``element.iterdescendants()``.
    """
    anchors: list[etree._Element] = []
    for child in element:
        tag = child.tag
        if tag == "a":
            anchors.append(child)
        elif tag in _BLOCK_TAGS:
            child.text = _MARK + (child.text or "")
            child.tail = _MARK + (child.tail or "")
        elif tag in _CELL_TAGS:
            child.tail = " " + (child.tail or "")
        if len(child):
            for node in child.iterdescendants():
                tag = node.tag
                if tag == "a":
                    anchors.append(node)
                elif tag in _BLOCK_TAGS:
                    node.text = _MARK + (node.text or "")
                    node.tail = _MARK + (node.tail or "")
                elif tag in _CELL_TAGS:
                    node.tail = " " + (node.tail or "")
    return anchors


def raw_text(element: etree._Element) -> str:
    """All text below ``element`` (markers included, tail excluded)."""
    value = etree.tostring(element, method="text", encoding="unicode", with_tail=False)
    return value if isinstance(value, str) else ""


def text_of(element: etree._Element) -> str:
    """The visible text of ``element`` per the text rules."""
    if not len(element):  # no child elements: most cells; skip marking and serialising
        value = element.text
        return " ".join(value.split()) if value else ""
    mark(element)
    return normalize(raw_text(element))


def line_of(element: etree._Element) -> str:
    """The text of ``element`` on one line (labels, headings, relation names)."""
    if not len(element):
        value = element.text
        return " ".join(value.split()) if value else ""
    for br in element.iter("br"):  # a line break inside a label still separates words
        br.tail = " " + br.tail if br.tail else " "
    return " ".join(raw_text(element).replace(_MARK, " ").split())


def normalize(raw: str) -> str:
    """Apply the whitespace and line rules to marker-separated raw text."""
    if _MARK not in raw:  # one line: the common case for cells
        return " ".join(raw.split())
    # map/filter instead of generator expressions: no Python frame per line
    return "\n".join(filter(None, map(_SPACE_JOIN, map(str.split, raw.split(_MARK)))))


_SPACE_JOIN = " ".join


def inline_text(raw: str) -> str:
    """A single-line text (labels, headings, relation names): all whitespace is one space."""
    return " ".join(raw.replace(_MARK, " ").split())
