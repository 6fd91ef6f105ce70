"""Body text sections: heading, level and text under it.

Rules (team brief): text before the first heading is the section with heading ""
and level 0, emitted only when its text is not empty; every other body heading
(h2..h6, level = the number) gives a section even when its text is empty; the
headings of the property block and of relation tables or lists are not sections
and their tables are not text (``parsers.layout`` decides which blocks are body).
The text of a section is the raw text of its body blocks, joined, then cut into
lines by ``parsers.text.normalize``.
"""

from __future__ import annotations

from typing import NamedTuple

from lxml import etree

from parsers import labels
from parsers.text import line_marks, normalize, raw_text

_MARK = labels.LINE_MARK
_BLOCK_TAGS = frozenset(labels.BLOCK_TAGS)


class Section(NamedTuple):
    """One body section before it gets its position."""

    heading: str
    level: int
    text: str


def block_raw(element: etree._Element) -> str:
    """Raw marked text of one top-level block, with line marks around block elements.

    Only the descendants are marked: the marks of the block itself are the ones
    put around its text here (its tail is never serialised; loose text between
    blocks was read before any marking).
    """
    if len(element):
        line_marks(element)
        raw = raw_text(element)
    else:  # no child elements: the text is all there is (no serialiser call)
        raw = element.text or ""
    if element.tag in _BLOCK_TAGS:
        return _MARK + raw + _MARK
    return raw


def build(heading: str | None, level: int, pieces: list[str]) -> Section | None:
    """A section from its raw pieces; ``None`` for an empty lead section."""
    text = normalize("".join(pieces))
    if heading is None:
        return Section("", 0, text) if text else None
    return Section(heading, level, text)
