"""What a stage-3 reader hands back for one block: records, and where every text went.

Readers (``parsers.properties``, ``parsers.relations``) receive a classified block
(``parsers.blocks.Block``) and never change the tree. Besides their records they say
what they did with the rest, so that nothing visible goes unaccounted
(``parsers.conservation``): text handed back to the body (``leftovers``, raw marked
text), text they recognised as chrome or as the display text of a record
(``claimed``: header rows, title and group rows, query footers, printout labels, the
display text of a linked endpoint), notes and warnings.

A table reader claims its rows in page order, and with them the texts a row shows that
are fields of its records (a relation cell's text, an unlinked endpoint's text), listed
again in ``recorded``: the account (``parsers.reading``) lets them hold the row only
while the records hold them, so the block's claims read like the page and the usual
block is held by one comparison in page order, while a record the reader failed to
make is still missed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple


class Property(NamedTuple):
    """One label/value pair before it gets its position."""

    label: str
    value: str
    links: tuple[str, ...]
    external_links: tuple[str, ...]


class Relation(NamedTuple):
    """One endpoint of one relation row, before it gets its position."""

    source: str
    relation: str
    target: str
    exists: bool
    text: str  # the endpoint cell's text when it holds more than its links, else ""


@dataclass(slots=True)
class Harvest:
    """Everything one reader got from one block."""

    properties: list[Property] = field(default_factory=list)
    relations: list[tuple[str, Relation]] = field(default_factory=list)  # (kind, record)
    leftovers: list[str] = field(default_factory=list)  # raw marked text for the body
    claimed: list[str] = field(default_factory=list)  # chrome and display texts
    recorded: list[str] = field(default_factory=list)  # records' fields among ``claimed``
    notes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, other: Harvest) -> None:
        self.properties += other.properties
        self.relations += other.relations
        self.leftovers += other.leftovers
        self.claimed += other.claimed
        self.recorded += other.recorded
        self.notes += other.notes
        self.warnings += other.warnings
