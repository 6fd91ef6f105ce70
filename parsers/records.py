"""Frozen records, one type per exported table.

Field order is column order in every CSV and Parquet file; the Arrow schemas in
``output.schema`` are derived from these annotations, so a new column is added
here and nowhere else.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import repeat
from typing import Any, TypeVar

PARSER_VERSION = "3.1.0"


@dataclass(frozen=True, slots=True)
class PageRecord:
    """One row of ``pages``: what is known about the page as a whole."""

    title: str
    namespace: int
    page_id: int | None
    revision_id: int | None
    url: str
    element_type: str
    categories: tuple[str, ...]
    fetched_at: str
    content_sha256: str
    parser_version: str
    warnings: tuple[str, ...]
    redirected_from: str
    is_redirect: bool
    historical: bool
    #: what an operator may want to know although nothing was lost or misread ("code:
    #: detail", codes in ``parsers.problems.NOTE_CODES``): text in a property or relation
    #: block kept as body text, a relation table read by column position ...
    notes: tuple[str, ...] = ()
    #: the body text renders Semantic MediaWiki inline query results (SMW's own result
    #: markup: ``table.smwtable``, ``.smw-format`` lists, ``tr.smwfooter``) in a body
    #: block: an overview of other pages' values. Query results that render the page's
    #: own property or relation blocks do not count (the crawl plan follows those by
    #: their relation targets); the plan refetches a page with it on any wiki change
    shows_query_results: bool = False
    #: where the page's archived response record is (filled in by the crawl/export side,
    #: never by the parser): WARC file name under DATA/warc and byte offset; "" / None
    #: for pages parsed from loose files
    warc_file: str = ""
    warc_offset: int | None = None


@dataclass(frozen=True, slots=True)
class PropertyRecord:
    """One row of ``properties``: one label/value pair of the Eigenschappen block."""

    title: str
    position: int
    property: str
    value: str
    links: tuple[str, ...]
    external_links: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RelationRecord:
    """One row of ``relations``: one endpoint of one relation row."""

    title: str
    kind: str  # "direct" (Relaties) or "derived" (Afgeleide relaties)
    position: int
    source: str
    relation: str
    target: str
    target_exists: bool  # False for a red link (page does not exist yet)
    #: the endpoint cell's text when it holds text beside its links, on the first record
    #: of its row only (else "": one copy per cell, not one per link)
    target_text: str
    #: ``target`` followed through the wiki's redirects, so joins to ``pages`` work (filled
    #: in by the crawl/export side, which knows the redirects; never by the parser)
    target_resolved: str = ""


@dataclass(frozen=True, slots=True)
class SectionRecord:
    """One row of ``sections``: the body text under one heading."""

    title: str
    position: int
    heading: str
    level: int
    text: str


@dataclass(frozen=True, slots=True)
class ParsedPage:
    """Everything ``parse_page`` extracts from one page."""

    page: PageRecord
    properties: tuple[PropertyRecord, ...]
    relations: tuple[RelationRecord, ...]
    sections: tuple[SectionRecord, ...]


@dataclass(frozen=True, slots=True)
class FactRecord:
    """One row of ``facts``: one value of one property in SMW's own data for a page.

    ``subject`` is the page itself or one of its subobjects (``Title#name``). Made by
    ``parsers.facts`` from SMW's answers, never from the page's HTML.
    """

    title: str
    position: int  # 0-based order within the page (subject, property, then SMW's order)
    subject: str
    property: str  # SMW property name, e.g. "Heeft beschrijving"
    type: str  # SMW type id: "_wpg" (page), "_txt", "_dat", "_num", "_uri", ...; "" unknown
    value: str  # the value as text (a page's title, a date in ISO 8601, a number, a URL)
    target: str  # for page values the target page title, else ""
    number: float | None  # numbers (and the Julian day count SMW gives no more): the number
    date: datetime.date | None  # dates at day precision or finer: the day


@dataclass(frozen=True, slots=True)
class RedirectRecord:
    """One row of ``redirects``: a redirect page and the page it points to (the listing)."""

    from_title: str
    to_title: str


@dataclass(frozen=True, slots=True)
class CheckRecord:
    """One row of ``checks``: one disagreement the cross-checks found (``output.checks``)."""

    title: str  # the page the disagreement is about ("" for one about a label)
    kind: str  # see output.checks.KINDS
    detail: str  # what was compared, in words
    html_value: str  # what the page shows ("" for nothing)
    smw_value: str  # what SMW's data holds, or the other page's row ("" for nothing)


TABLES: dict[str, type] = {
    "pages": PageRecord,
    "properties": PropertyRecord,
    "relations": RelationRecord,
    "sections": SectionRecord,
    "facts": FactRecord,
    "redirects": RedirectRecord,
    "checks": CheckRecord,
}
#: the tables every snapshot has held from the start (a snapshot without the others is old)
CORE_TABLES: tuple[str, ...] = ("pages", "properties", "relations", "sections")


Record = TypeVar("Record")
_consume: Callable[[Iterable[Any]], None] = deque(
    maxlen=0
).extend  # runs an iterator to its end in C
_Setter = Callable[[Any, Any], None]
_LAYOUTS: dict[type, tuple[tuple[_Setter, ...], tuple[Any, ...]]] = {}
_COLUMNWISE_FROM = 6  # fewer records: the constructor per record costs less than the setup


def columnwise(cls: type[Record], count: int, *columns: Iterable[Any]) -> tuple[Record, ...]:
    """``count`` records of the frozen dataclass ``cls``, made column by column.

    ``columns`` give the fields in field order, ``count`` values each (a field with a
    default may be left out at the end), and are read in field order, each to its end:
    an iterator column may count as it goes. The records equal those of ``cls(...)``: each
    slot is set once by its own descriptor, the way the frozen ``__init__`` does it by
    ``object.__setattr__``, but per column in one C loop (``map``) instead of a Python
    call per record: half the cost of ~1 us per record (the parse makes thousands).
    A handful of records is made by the constructor (``map(cls, *columns)``).
    """
    if count < _COLUMNWISE_FROM:
        return tuple(map(cls, *columns))
    layout = _LAYOUTS.get(cls)
    if layout is None:
        fields = dataclasses.fields(cls)  # type: ignore[arg-type]
        setters = tuple(cls.__dict__[field.name].__set__ for field in fields)
        layout = _LAYOUTS[cls] = (setters, tuple(field.default for field in fields))
    setters, defaults = layout
    if len(columns) > len(setters) or dataclasses.MISSING in defaults[len(columns) :]:
        raise TypeError(f"{cls.__name__}: expected a column per field, defaults aside")
    records: tuple[Record, ...] = tuple(map(object.__new__, repeat(cls, count)))  # type: ignore[call-overload]
    for setter, column in zip(setters, columns, strict=False):  # the fields given
        _consume(map(setter, records, column))
    for setter, default in zip(setters[len(columns) :], defaults[len(columns) :], strict=True):
        _consume(map(setter, records, repeat(default, count)))
    return records
