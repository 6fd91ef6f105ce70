"""Rich text of the corpus: one description gives both the wikitext and the expected text.

A value or a body section is a tuple of blocks; a block holds inline pieces. Each piece
knows its wikitext and its visible text (the brief's text rules: tooltip definitions and
SMW search links are not text, list markers are not text, paragraphs, list items, table
rows and ``<br>`` end a line). Keeping both in one place is what makes the ground truth
exact rather than re-derived from HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Text:
    s: str


@dataclass(frozen=True)
class Link:
    """An internal link; ``label`` is the visible text when it differs from the title."""

    title: str
    label: str = ""


@dataclass(frozen=True)
class ExtLink:
    url: str
    label: str = ""


@dataclass(frozen=True)
class Tip:
    """A glossary term as SMW renders it: the term visible, the definition hidden."""

    term: str
    definition: str


@dataclass(frozen=True)
class Lingo:
    """A glossary term written as plain text: the real Lingo extension marks it.

    Lingo 3 wraps the term in ``a.mw-lingo-term`` and appends its definition once,
    after the content, in a hidden ``div.mw-lingo-tooltip``; the definition comes
    from the wiki's glossary (``vocabulary.GLOSSARY``), not from the page.
    """

    term: str


@dataclass(frozen=True)
class Info:
    """SMW's ``{{#info:...}}``: an icon with a hidden text; nothing visible."""

    text: str


@dataclass(frozen=True)
class Search:
    """SMW's trailing "+" search link after a property value."""

    prop: str
    value: str


@dataclass(frozen=True)
class Br:
    pass


Inline = Text | Link | ExtLink | Tip | Lingo | Info | Search | Br
Parts = tuple[Inline, ...]


@dataclass(frozen=True)
class Para:
    parts: Parts


@dataclass(frozen=True)
class ItemList:
    items: tuple[Parts, ...]
    ordered: bool = False


@dataclass(frozen=True)
class DefList:
    pairs: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Table:
    """A body table (not a property or relation table): every row is one text line."""

    header: tuple[str, ...]
    rows: tuple[tuple[Parts, ...], ...]
    css: str = "wikitable"


Block = Para | ItemList | DefList | Table
Blocks = tuple[Block, ...]

_WS = re.compile(r"[ \t\r\f\v\u00a0]+")


def normalize(text: str) -> str:
    """Apply the line rules: whitespace runs become one space, lines trimmed, empties dropped."""
    lines = (_WS.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def inline_wikitext(part: Inline) -> str:
    if isinstance(part, Text):
        return part.s
    if isinstance(part, Link):
        return f"[[{part.title}|{part.label}]]" if part.label else f"[[{part.title}]]"
    if isinstance(part, ExtLink):
        return f"[{part.url} {part.label}]" if part.label else part.url
    if isinstance(part, Tip):
        return f"{{{{Term|{part.term}|{part.definition}}}}}"
    if isinstance(part, Lingo):
        return part.term
    if isinstance(part, Info):
        return f"{{{{#info:{part.text}}}}}"
    if isinstance(part, Search):
        return f"&#160;&#160;{{{{Zoek|{part.prop}|{part.value}}}}}"
    return "<br />"


def inline_text(part: Inline) -> str:
    if isinstance(part, Text):
        return part.s
    if isinstance(part, Link):
        return part.label or part.title
    if isinstance(part, ExtLink):
        return part.label or part.url
    if isinstance(part, Tip | Lingo):
        return part.term
    if isinstance(part, Search):
        return " "
    if isinstance(part, Info):
        return ""
    return "\n"


def parts_wikitext(parts: Parts) -> str:
    return "".join(inline_wikitext(p) for p in parts)


def parts_text(parts: Parts) -> str:
    return "".join(inline_text(p) for p in parts)


def block_wikitext(block: Block) -> str:
    if isinstance(block, Para):
        return parts_wikitext(block.parts)
    if isinstance(block, ItemList):
        marker = "#" if block.ordered else "*"
        return "\n".join(f"{marker} {parts_wikitext(item)}" for item in block.items)
    if isinstance(block, DefList):
        return "\n".join(f"; {term}\n: {text}" for term, text in block.pairs)
    lines = [f'{{| class="{block.css}"']
    if block.header:
        lines.append("! " + " !! ".join(block.header))
    for row in block.rows:
        lines.append("|-")
        lines.append("| " + " || ".join(parts_wikitext(cell) for cell in row))
    lines.append("|}")
    return "\n".join(lines)


def block_text(block: Block) -> str:
    if isinstance(block, Para):
        return parts_text(block.parts)
    if isinstance(block, ItemList):
        return "\n".join(parts_text(item) for item in block.items)
    if isinstance(block, DefList):
        return "\n".join(f"{term}\n{text}" for term, text in block.pairs)
    rows = [" ".join(block.header)] if block.header else []
    rows += [" ".join(normalize(parts_text(cell)) for cell in row) for row in block.rows]
    return "\n".join(rows)


def blocks_wikitext(blocks: Blocks) -> str:
    """Blocks separated by a blank line, so every paragraph is its own ``<p>``."""
    return "\n\n".join(block_wikitext(b) for b in blocks)


def blocks_text(blocks: Blocks) -> str:
    return normalize("\n".join(block_text(b) for b in blocks))


def inlines(blocks: Blocks) -> list[Inline]:
    found: list[Inline] = []
    for block in blocks:
        if isinstance(block, Para):
            found.extend(block.parts)
        elif isinstance(block, ItemList):
            for item in block.items:
                found.extend(item)
        elif isinstance(block, Table):
            for row in block.rows:
                for cell in row:
                    found.extend(cell)
    return found


def blocks_links(blocks: Blocks) -> list[str]:
    """Internal link targets in document order, without repeats (search links are noise)."""
    return list(dict.fromkeys(p.title for p in inlines(blocks) if isinstance(p, Link)))


def blocks_external(blocks: Blocks) -> list[str]:
    return list(dict.fromkeys(p.url for p in inlines(blocks) if isinstance(p, ExtLink)))


def has_lingo(blocks: Blocks) -> list[Lingo]:
    return [p for p in inlines(blocks) if isinstance(p, Lingo)]
