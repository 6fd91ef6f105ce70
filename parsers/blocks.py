"""Stage 2: the walk's pieces as a list of classified blocks.

A block is a run of pieces under one heading and what it is: a **property** block, a
**relation** block (its kind, ``direct`` or ``derived``, when the heading says it, and
its relation name when a sub-heading names one relation type), or **body** text.
Found by the profile's labels (``Profile.blocks``; NORA: "Eigenschappen", "Relaties",
"Afgeleide relaties"), prefix-matched after folding, so "Eigenschappen van dit element"
and "Relaties (2)" count too:

* a heading carrying a block label opens the block; it runs to the next heading of
  the same or a higher level, so its sub-headings inherit it. Inside a relation block
  every sub-heading names the relation type of what stands under it ("groepeert" over
  a ``Vertrekpunt | Eindpunt`` table or a list of links);
* outside blocks, a heading carrying a known relation name
  (``profile.relation_names``) over nothing but lists of links is the older relation
  list;
* in body text, a table announces itself by its caption, its title row or a
  pseudo-heading (a short paragraph naming a block right before it); a table whose
  header row has the relation columns and whose rows are about this page is a
  relation block too (an overview's query table listing other pages is body text);
  and before the first heading only, the infobox, "Label: value" lines, definition
  lists of known property labels and tables whose rows look like label/value pairs
  are property blocks, wherever they stand there.

A table's CSS class never decides: Semantic MediaWiki renders every query table (a
Relaties block, an Afgeleide relaties block, a page's own properties, an overview) as
``table.sortable.wikitable.smwtable``.

Stage 2 reads only: the classification looks at texts and the table model
(``parsers.table``), never changes the tree.
"""

from __future__ import annotations

import functools
from itertools import compress, count
from operator import itemgetter
from typing import NamedTuple

from lxml import etree

from parsers import labels, properties, relations
from parsers.profile import Profile
from parsers.table import Tables
from parsers.text import inline_text, is_blank, raw_text
from parsers.walk import Piece

BODY, PROPERTIES, RELATIONS = "body", "properties", "relations"
_new = tuple.__new__  # a NamedTuple without its Python-level __new__ (a block per heading)


class Block(NamedTuple):
    """A classified run of pieces (module docstring)."""

    kind: str  # BODY, PROPERTIES or RELATIONS
    relation_kind: str  # DIRECT or DERIVED when the block's heading says so, else ""
    heading: str | None  # the heading the pieces stand under (None: before the first)
    level: int
    pieces: tuple[Piece, ...]
    relation_name: str = ""  # a sub-heading naming the relation type of its table or list
    where: str = ""  # where on the page, for notes and warnings
    region: int = 0  # index of the heading's region: the body text of one heading is one section
    body_region: bool = True  # the heading is a body heading (a section even when empty)
    claimed: tuple[str, ...] = ()  # texts that named the block (a pseudo-heading)


def regions(pieces: tuple[Piece, ...]) -> list[tuple[Piece | None, list[Piece]]]:
    """The pieces cut at every heading: (heading or None, the pieces under it)."""
    out: list[tuple[Piece | None, list[Piece]]] = [(None, [])]
    for piece in pieces:
        if piece.level:
            out.append((piece, []))
        else:
            out[-1][1].append(piece)
    return out


def classify(
    pieces: tuple[Piece, ...], page_title: str, profile: Profile, tables: Tables
) -> list[Block]:
    """The blocks of a page, in document order (module docstring)."""
    out: list[Block] = []
    starts = list(compress(count(), map(_LEVEL, pieces)))  # where the headings stand
    ends = [*starts, len(pieces)]
    lead = pieces[: ends[0]]
    out += _body(0, None, lead, page_title, profile, tables, _has_table(lead))
    scope = ""  # the block kind the current heading stands in ("": none)
    scope_level = 0
    known = _headings(profile.blocks)
    for index, at in enumerate(starts, 1):
        heading = pieces[at]
        _, text, level = heading
        items = pieces[at + 1 : ends[index]]
        if scope and level <= scope_level:
            scope = ""
        seen = known.get((text, level))
        if seen is None:
            seen = _heading(known, text, level, profile.blocks)
        kind, where = seen
        name = ""
        if kind:  # a block's heading: its sub-headings inherit the block
            scope, scope_level = kind, level
        elif scope:
            kind = scope
            name = text  # a sub-heading in a relation block names the relation type
        if kind == labels.PROPERTIES:
            block = (PROPERTIES, "", text, level, items, "", where, index, False, ())
            out.append(_new(Block, block))
        elif kind:
            block = (RELATIONS, kind, text, level, items, name, where, index, False, ())
            out.append(_new(Block, block))
        elif (
            _fold(text) in profile.relation_names
            and relations.is_link_list(
                [p.element for p in items if p.element is not None], page_title, profile
            )
            and all(p.element is not None or is_blank(p.text) for p in items)
        ):
            out.append(
                _new(
                    Block,
                    (RELATIONS, labels.DIRECT, text, level, items, text, where, index, False, ()),
                )
            )
        elif _has_table(items):
            out += _body(index, heading, items, page_title, profile, tables, True)
        else:
            out.append(_new(Block, (BODY, "", text, level, items, "", where, index, True, ())))
    return out


def _has_table(items: tuple[Piece, ...]) -> bool:
    """A region holding a table (the common region, without one, is one body block)."""
    for element in map(_ELEMENT, items):  # noqa: SIM110 (a loop: twice as fast as any())
        if element is not None and element.tag == "table":
            return True
    return False


_LEVEL = itemgetter(2)
_ELEMENT = itemgetter(0)


#: per set of block labels (a profile's ``blocks``): each heading (text, level) seen
#: -> (the block kind it names, where it stands for notes). Heading texts repeat on
#: every page of a wiki, so each is read once, found by one dict lookup (no key made of
#: the labels per heading); bounded, cleared when full.
_HEADINGS: dict[tuple[tuple[str, str], ...], dict[tuple[str, int], tuple[str, str]]] = {}
_HEADINGS_KEPT = 4096
_LABEL_SETS_KEPT = 64


def _headings(blocks: tuple[tuple[str, str], ...]) -> dict[tuple[str, int], tuple[str, str]]:
    """The headings seen with ``blocks`` (``_HEADINGS``)."""
    known = _HEADINGS.get(blocks)
    if known is None:
        if len(_HEADINGS) >= _LABEL_SETS_KEPT:
            _HEADINGS.clear()
        known = _HEADINGS[blocks] = {}
    return known


def _heading(
    known: dict[tuple[str, int], tuple[str, str]],
    text: str,
    level: int,
    blocks: tuple[tuple[str, str], ...],
) -> tuple[str, str]:
    """(block kind, where) of a heading not seen before, kept in ``known``."""
    if len(known) >= _HEADINGS_KEPT:
        known.clear()
    seen = known[(text, level)] = (labels.block_kind(text, blocks), f"under {text!r} (h{level})")
    return seen


_fold = functools.lru_cache(maxsize=4096)(labels.fold)


def _body(
    region: int,
    heading: Piece | None,
    items: tuple[Piece, ...],
    page_title: str,
    profile: Profile,
    tables: Tables,
    has_table: bool,
) -> list[Block]:
    """A body region: body text, with the tables (and, before the first heading, the
    label/value lines) that announce themselves cut out as blocks of their own.
    (``has_table``: the region holds a table; without one, only the lead's label/value
    lines can be cut out.)"""
    lead = heading is None
    text = heading.text if heading is not None else None
    level = heading.level if heading is not None else 0
    where = f"under {text!r} (h{level})" if heading is not None else "before the first heading"
    out: list[Block] = []
    body: list[Piece] = []
    pending: Piece | None = None  # a pseudo-heading right before a table

    def flush() -> None:
        out.append(_new(Block, (BODY, "", text, level, tuple(body), "", where, region, True, ())))
        body.clear()

    before_table = _before_table(items) if has_table else None

    for at, piece in enumerate(items):
        element = piece.element
        if element is None:
            body.append(piece)
            continue
        if element.tag == "table":
            named = pending
            pending = None
            found = _announced_table(element, named, lead, page_title, profile, tables)
            if found is None:
                if named is not None:
                    body.append(named)
                body.append(piece)
                continue
            kind, relation_kind, by_pending = found
            flush()
            claimed = (
                (raw_text(named.element),)
                if by_pending and named and named.element is not None
                else ()
            )
            if named is not None and not by_pending:
                body.append(named)
                flush()
            out.append(
                _new(
                    Block,
                    (kind, relation_kind, text, level, (piece,), "", where, region, True, claimed),
                )
            )
            continue
        if lead and properties.has_known_pairs(element, profile):
            flush()
            out.append(
                _new(Block, (PROPERTIES, "", text, level, (piece,), "", where, region, True, ()))
            )
            continue
        if pending is not None:
            body.append(pending)
            pending = None
        if (
            before_table is not None
            and before_table[at]
            and _announces(inline_text(raw_text(element)), profile)
        ):
            pending = piece
            continue
        body.append(piece)
    if pending is not None:
        body.append(pending)
    flush()
    return out


def _announced_table(
    element: etree._Element,
    pending: Piece | None,
    lead: bool,
    page_title: str,
    profile: Profile,
    tables: Tables,
) -> tuple[str, str, bool] | None:
    """(block kind, relation kind, named by the pseudo-heading) of a table that
    announces itself, or None for a body table."""
    table = tables(element)
    caption = labels.fold(table.caption)
    pending_label = (
        inline_text(raw_text(pending.element)) if pending and pending.element is not None else ""
    )
    label = caption or pending_label or table.title_row()
    kind = _announces(label, profile)
    by_pending = bool(kind) and not caption and bool(pending_label)
    if kind == labels.PROPERTIES:
        return PROPERTIES, "", by_pending
    if kind:
        return RELATIONS, kind, by_pending
    if lead and (
        properties.is_infobox(table, profile)
        or properties.looks_like_property_table(table, profile)
    ):
        return PROPERTIES, "", False
    if relations.is_about_page(table, page_title, profile):
        return RELATIONS, "", False
    return None


def _announces(label: str, profile: Profile) -> str:
    """The block a caption, title row or pseudo-heading names: a short text only, so a
    sentence starting with "Relaties ..." above a table names nothing."""
    if not label or len(label.split()) > labels.MAX_ANNOUNCEMENT_WORDS:
        return ""
    return labels.block_kind(label, profile.blocks)


def _before_table(items: tuple[Piece, ...]) -> list[bool]:
    """For each piece: the next piece that shows anything is a table (one backward pass,
    so a long region costs linear time)."""
    out = [False] * len(items)
    next_is_table = False
    for at in range(len(items) - 1, -1, -1):
        out[at] = next_is_table
        piece = items[at]
        if piece.element is not None:
            next_is_table = piece.element.tag == "table"
        elif not is_blank(piece.text):
            next_is_table = False
    return out
