"""Frozen records, one type per exported table.

Field order is column order in every CSV and Parquet file; the Arrow schemas in
``output.schema`` are derived from these annotations, so a new column is added
here and nowhere else.
"""

from __future__ import annotations

from dataclasses import dataclass

PARSER_VERSION = "2.0.0"


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
    target_text: str  # the endpoint cell's text when it holds text beside its links, else ""


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


TABLES: dict[str, type] = {
    "pages": PageRecord,
    "properties": PropertyRecord,
    "relations": RelationRecord,
    "sections": SectionRecord,
}
