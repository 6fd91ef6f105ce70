"""Stage 3: each classified block handed to its reader; the page's records and accounts.

Property blocks go to ``parsers.properties``, relation blocks to ``parsers.relations``,
body blocks become section text. What a reader hands back (``Harvest.leftovers``: a
paragraph after a property table, "Er zijn (nog) geen afgeleide relaties." under
Afgeleide relaties, a one-cell row) joins the body text under the heading it stands
under, in order; inside a property or relation block that earns a ``body-text`` note,
not a warning: nothing is lost or misread.

Sections: text before the first heading is the section with heading "" and level 0
when it holds text; every body heading gives a section, even an empty one; a block's
heading gives one only when text was handed back under it.

Conservation (``parsers.conservation``), per block a reader took: every visible word of
its pieces must be in the reader's records, in what it handed back to the body, or in
its claims (chrome such as header rows, title and group rows, query footers and
printout labels; the display text of linked endpoints); else a ``lost`` warning names
the words. Body blocks become section text as they are, and the walk's pieces cover
the whole content area, so that accounts for every visible text of the page
(tests/parsers/test_conservation.py checks the whole page too).
"""

from __future__ import annotations

from collections import _count_elements as count_into  # type: ignore[attr-defined]
from dataclasses import dataclass, field
from itertools import chain
from operator import itemgetter

from parsers import conservation, problems, properties, relations
from parsers.blocks import BODY, PROPERTIES, Block
from parsers.harvest import Harvest, Property, Relation
from parsers.profile import Profile
from parsers.sections import Section
from parsers.table import Tables
from parsers.text import normalize

_LABEL_VALUE = itemgetter(0, 1)  # Property: label, value
_RECORD = itemgetter(1)  # (kind, Relation): the relation
_ENDPOINTS = itemgetter(0, 2)  # Relation: source, target
_RELATION = itemgetter(1)  # Relation: relation
_TEXT = itemgetter(4)  # Relation: text


@dataclass(slots=True)
class Reading:
    """The records of one page before they get their positions, and its accounts."""

    properties: list[Property] = field(default_factory=list)
    relations: list[tuple[str, Relation]] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read(blocks: list[Block], page_title: str, profile: Profile, tables: Tables) -> Reading:
    """Run the readers over ``blocks``, accounting for every text of the blocks they take."""
    reading = Reading()
    block_raw = properties.block_raw
    texts: dict[int, list[str]] = {}
    regions: dict[int, Block] = {}
    for block in blocks:
        first = regions.setdefault(block.region, block)
        raw = texts.setdefault(block.region, [])
        if block.kind == BODY:
            raw += [
                piece.text if piece.element is None else block_raw(piece.element)
                for piece in block.pieces
            ]
            continue
        reader = properties.read if block.kind == PROPERTIES else relations.read
        harvest: Harvest = reader(block, page_title, profile, tables)
        reading.properties += harvest.properties
        reading.relations += harvest.relations
        reading.warnings += harvest.warnings
        reading.notes += harvest.notes
        raw += harvest.leftovers
        _account(block, harvest, reading)
        if first.body_region or not harvest.leftovers:
            continue  # text handed back under a body heading is that section's, no note
        left = normalize("".join(harvest.leftovers))
        if left:
            reading.notes.append(
                problems.warning(
                    problems.BODY_TEXT,
                    f"{block.where}: kept as body text: {problems.excerpt(left)}",
                )
            )
    for region, block in regions.items():
        text = normalize("".join(texts[region]))
        if block.heading is None:
            if text:
                reading.sections.append(Section("", 0, text))
        elif block.body_region or text:
            reading.sections.append(Section(block.heading, block.level, text))
    return reading


def _account(block: Block, harvest: Harvest, reading: Reading) -> None:
    """Conservation for one block a reader took: every word of its pieces is in the
    reader's records, claims or leftovers, or a ``lost`` warning says which are not.
    (Body blocks go to the sections as they are, by construction.)

    A table reader claims its rows as the page shows them, its records' own fields
    among them (``Harvest.recorded``): when the records hold those fields, the claims
    and leftovers alone are asked first, which for the usual relation block is one
    comparison in page order. When they do not hold the block, the claims without the
    records' fields, the records and the endpoints' titles decide, so a record the
    reader failed to make is named exactly as if nothing had stood for it."""
    block_raw = properties.block_raw
    shown = "".join(
        [
            piece.text if piece.element is None else block_raw(piece.element)
            for piece in block.pieces
        ]
    )
    records = list(map(_RECORD, harvest.relations))
    claimed = harvest.claimed
    recorded = harvest.recorded
    if recorded:
        if _records_hold(recorded, records):
            # every field that stands for a record is a record's: the claims read alone
            accounted = [*block.claimed, *claimed, *harvest.leftovers]
            accounted += chain.from_iterable(map(_LABEL_VALUE, harvest.properties))
            if not conservation.lost(shown, accounted):
                return
        claimed = _without(claimed, recorded)
    # only the words count: the fields as they are, gathered in C (map, chain)
    accounted = [*block.claimed, *claimed, *harvest.leftovers]
    accounted += chain.from_iterable(map(_LABEL_VALUE, harvest.properties))
    accounted += map(_RELATION, records)
    accounted += dict.fromkeys(map(_TEXT, records))  # a cell's text once, however many links
    # the endpoints' titles last: a linked cell's display text is claimed already, so
    # they are counted only when the rest does not hold the block (conservation.lost)
    endpoints = chain.from_iterable(map(_ENDPOINTS, records))  # read only when needed
    lost = conservation.lost(shown, accounted, endpoints)
    if lost:
        reading.warnings.append(
            problems.warning(
                problems.LOST,
                f"{block.where}: visible text in no record: {problems.excerpt(lost)}",
            )
        )


def _records_hold(recorded: list[str], records: list[Relation]) -> bool:
    """Every text a reader claimed as a record's field is one of the records' fields, as
    many times: a relation (the usual table: one record per row, the same list), a
    cell's text or an endpoint's title, counted as the full account counts them."""
    relations = list(map(_RELATION, records))
    if recorded == relations:
        return True
    need: dict[str, int] = {}
    held: dict[str, int] = {}
    count_into(need, recorded)
    count_into(held, relations)
    if conservation.covers(held, need):  # a row with several records, lists beside tables
        return True
    count_into(held, dict.fromkeys(map(_TEXT, records)))  # unlinked cells' texts, rarely
    count_into(held, chain.from_iterable(map(_ENDPOINTS, records)))
    return conservation.covers(held, need)


def _without(claimed: list[str], recorded: list[str]) -> list[str]:
    """``claimed`` less the records' fields among it (as many of each as recorded): the
    texts the reader claimed as chrome or display text."""
    surplus: dict[str, int] = {}
    count_into(surplus, recorded)
    kept: list[str] = []
    for text in claimed:  # bounded by the claims
        left = surplus.get(text)
        if left:
            surplus[text] = left - 1
        else:
            kept.append(text)
    return kept
