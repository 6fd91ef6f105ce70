"""The tables each kind of folder holds, with their schemas: a snapshot, and a diff.

``nora verify`` checks a folder against the layout its manifest names
(``"command": "diff"`` for a diff); ``output.schema`` derives the snapshot's
schemas from the record types, and the diff's tables are declared here, beside
them, so that neither the diff writer nor the verifier needs the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pyarrow as pa

from output.schema import REQUIRED_TABLES, SCHEMA_VERSION, SCHEMAS


@dataclass(frozen=True, slots=True)
class TableLayout:
    """The tables a folder kind must hold, with their schemas, for one version."""

    schema_version: int
    schemas: Mapping[str, pa.Schema]
    required: tuple[str, ...]


#: bump when a diff column is renamed, removed or changes type
DIFF_SCHEMA_VERSION = 1

_LIST = pa.list_(pa.string())

DIFF_SCHEMAS: dict[str, pa.Schema] = {
    "page_changes": pa.schema(
        [
            pa.field("title", pa.string(), nullable=False),
            pa.field("change", pa.string(), nullable=False),  # added | removed | changed
            pa.field("element_type", pa.string(), nullable=False),
            pa.field("old_revision_id", pa.int64()),
            pa.field("new_revision_id", pa.int64()),
            pa.field("old_content_sha256", pa.string()),
            pa.field("new_content_sha256", pa.string()),
        ]
    ),
    "property_changes": pa.schema(
        [
            pa.field("title", pa.string(), nullable=False),
            pa.field("change", pa.string(), nullable=False),  # added | removed | changed
            pa.field("property", pa.string(), nullable=False),
            pa.field("old_value", pa.string()),
            pa.field("new_value", pa.string()),
            pa.field("old_links", _LIST),
            pa.field("new_links", _LIST),
        ]
    ),
    "relation_changes": pa.schema(
        [
            pa.field("title", pa.string(), nullable=False),
            pa.field("change", pa.string(), nullable=False),  # added | removed
            pa.field("kind", pa.string(), nullable=False),
            pa.field("source", pa.string(), nullable=False),
            pa.field("relation", pa.string(), nullable=False),
            pa.field("target", pa.string(), nullable=False),
        ]
    ),
}
DIFF_TABLES: tuple[str, ...] = tuple(DIFF_SCHEMAS)


def snapshot_layout() -> TableLayout:
    return TableLayout(SCHEMA_VERSION, SCHEMAS, REQUIRED_TABLES)


def diff_layout() -> TableLayout:
    """What ``nora verify`` expects of a diff folder."""
    return TableLayout(DIFF_SCHEMA_VERSION, DIFF_SCHEMAS, DIFF_TABLES)


def layout_for(manifest: Mapping[str, Any]) -> TableLayout:
    """The layout of the folder whose manifest this is."""
    return diff_layout() if manifest.get("command") == "diff" else snapshot_layout()
