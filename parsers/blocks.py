"""The content area as a flat run of headings and top-level blocks, cut into regions.

MediaWiki puts headings at the top of ``.mw-parser-output``; templates sometimes
wrap them, or a table, in a ``div``. So the walk descends into a wrapper only when
a heading or a table sits inside it, and otherwise keeps each child whole (a table, a list, a
paragraph). Both heading markups are recognised: ``h2 > span.mw-headline``
(MediaWiki <= 1.42, the edit link inside the heading) and ``div.mw-heading > h2``
(>= 1.43, the edit link beside it); edit links are noise and already gone.

A region is a heading (``None`` for the text before the first one) and the blocks
up to the next heading of any level.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from lxml import etree

from parsers import labels
from parsers.text import line_of

_STRUCTURE = (*labels.HEADING_TAGS, "table")
_HEADING_WRAPPER = labels.HEADING_WRAPPER_CLASS
_MARK = labels.LINE_MARK


class Block(NamedTuple):
    """A heading, a top-level element, or loose text between elements.

    A tuple, built with ``_new``: a page has dozens, and a dataclass ``__init__``
    cost several times as much.
    """

    element: etree._Element | None
    text: str = ""  # raw text of a loose text block; heading text for headings
    level: int = 0  # heading level, 0 for non-headings


_new = tuple.__new__


@dataclass(slots=True)
class Region:
    """A heading (or ``None`` before the first heading) and the blocks under it."""

    heading: Block | None
    blocks: list[Block] = field(default_factory=list)


_MARK_BLOCK = Block(None, _MARK)


def regions(root: etree._Element) -> list[Region]:
    """Cut the content area into regions, in document order."""
    out = [Region(None)]
    flat: list[Block] = []
    _walk(root, flat)
    for block in flat:
        if block.level:
            out.append(Region(block))
        else:
            out[-1].blocks.append(block)
    return out


def _walk(parent: etree._Element, out: list[Block]) -> None:
    text = parent.text
    if text and not text.isspace():
        out.append(_new(Block, (None, text, 0)))
    headings = labels.HEADING_TAGS
    containers = labels.CONTAINER_TAGS
    for child in parent:
        tag = child.tag
        if isinstance(tag, str):  # not a comment or processing instruction
            level = headings.get(tag, 0)
            if level:
                out.append(_new(Block, (child, line_of(child), level)))
            elif tag == "div" and _HEADING_WRAPPER in (child.get("class") or "").split():
                _heading_wrapper(child, out)
            elif tag in containers and _holds_structure(child):
                out.append(_MARK_BLOCK)
                _walk(child, out)
                out.append(_MARK_BLOCK)
            else:
                out.append(_new(Block, (child, "", 0)))
        tail = child.tail
        if tail and not tail.isspace():
            out.append(_new(Block, (None, tail, 0)))


def _heading_wrapper(wrapper: etree._Element, out: list[Block]) -> None:
    """``div.mw-heading``: the heading is the h2..h6 inside; anything else is noise."""
    for child in wrapper:
        level = labels.HEADING_TAGS.get(child.tag, 0) if isinstance(child.tag, str) else 0
        if level:
            out.append(_new(Block, (child, line_of(child), level)))
            return
    out.append(_new(Block, (wrapper, "", 0)))


def _holds_structure(element: etree._Element) -> bool:
    """A wrapper around a heading or a table (e.g. the floating Doel infobox)."""
    return len(element) > 0 and next(element.iter(*_STRUCTURE), None) is not None
