"""The text rules shared with the test-corpus generator (DESIGN.md, team brief).

``value`` and section ``text`` are the visible text: noise removed (tooltip
definitions, edit links, SMW search links, scripts, styles ...); list markers
are not text; every ``<p>``, ``<li>``, ``<tr>``, ``<br>``, heading, ``<div>``,
``<dd>``/``<dt>`` (and the other block elements in ``labels.BLOCK_TAGS``) ends a
line - and starts one, so text before a nested list is its own line; cells of a
row are joined by one space; whitespace runs, U+00A0 included, become one space
(Python's ``str.split()`` notion of whitespace); lines are trimmed, empty lines
dropped, and the rest joined with "\\n".

How: the first stage (``parsers.walk``) puts a private line marker
(``labels.LINE_MARK``) at the start and end of every block element (both in the tail
of an empty one, ``br`` and ``hr``: the same text around it, one write) and a space
after every cell whose tail does not start with whitespace already, once, over the
whole content area (``parsers.walk``). From then on
the tree is only read: lxml's C text serialiser yields any element's text with the
markers, which are split on. Newlines in the HTML source are plain whitespace,
never line breaks.
"""

from __future__ import annotations

from lxml import etree

from parsers import labels

_MARK = labels.LINE_MARK


def raw_text(element: etree._Element) -> str:
    """All text below ``element`` (markers included, tail excluded)."""
    if not len(element):  # no child elements (most cells): the text is all there is
        return element.text or ""
    value = etree.tostring(element, method="text", encoding="unicode", with_tail=False)
    return value if isinstance(value, str) else ""


def raw_with_tail(element: etree._Element) -> str:
    """All text below ``element`` and the text after it up to its next sibling."""
    value = etree.tostring(element, method="text", encoding="unicode", with_tail=True)
    return value if isinstance(value, str) else ""


def text_of(element: etree._Element) -> str:
    """The visible text of ``element`` per the text rules."""
    return normalize(raw_text(element))


def line_of(element: etree._Element) -> str:
    """The text of ``element`` on one line (labels, headings, relation names)."""
    return inline_text(raw_text(element))


def normalize(raw: str) -> str:
    """Apply the whitespace and line rules to marker-separated raw text."""
    if _MARK not in raw:
        return " ".join(raw.split())
    return "\n".join(filter(None, map(" ".join, map(str.split, raw.split(_MARK)))))


def inline_text(raw: str) -> str:
    """A single-line text (labels, headings, relation names): all whitespace is one space."""
    return " ".join(raw.replace(_MARK, " ").split())


def is_blank(raw: str) -> bool:
    """Raw text that shows nothing: whitespace and line marks only."""
    return not raw.replace(_MARK, " ").strip()
