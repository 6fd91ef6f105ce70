"""Pure parsers: one NORA Online page's HTML in, records out.

No network, files, clock, global configuration or logging happen here.
"""

from __future__ import annotations

from parsers.page import parse_page
from parsers.records import (
    PARSER_VERSION,
    TABLES,
    PageRecord,
    ParsedPage,
    PropertyRecord,
    RelationRecord,
    SectionRecord,
)

__all__ = [
    "PARSER_VERSION",
    "TABLES",
    "PageRecord",
    "ParsedPage",
    "PropertyRecord",
    "RelationRecord",
    "SectionRecord",
    "parse_page",
]
