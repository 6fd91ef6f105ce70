"""Arrow schemas of the snapshot tables, derived in one place from the record types.

``parsers.records`` is the single source of truth: field order is column order
and each annotation maps to one Arrow type, so a new column needs no edit here.
The schemas are explicit so that Parquet types never depend on the data (an
empty table or an all-null column keeps its type).
"""

from __future__ import annotations

import dataclasses
import datetime
import types
import typing
from collections.abc import Callable, Sequence
from operator import attrgetter
from typing import Any

import pyarrow as pa

from parsers.records import CORE_TABLES, TABLES, ParsedPage

#: bump when a column is renamed, removed or changes type (adding one is compatible)
SCHEMA_VERSION = 1

#: table names in the order files are written and listed in the manifest
TABLE_NAMES: tuple[str, ...] = tuple(TABLES)
#: the tables a snapshot must hold to verify (older snapshots lack facts, redirects, checks)
REQUIRED_TABLES: tuple[str, ...] = CORE_TABLES

_SCALARS: dict[object, pa.DataType] = {
    str: pa.string(),
    int: pa.int64(),
    bool: pa.bool_(),
    float: pa.float64(),
    datetime.date: pa.date32(),
}


def arrow_field(name: str, annotation: object) -> pa.Field:
    """The Arrow field for one dataclass annotation.

    ``str``/``int``/``bool``/``float``/``datetime.date`` (``string``, ``int64``, ``bool``,
    ``float64``, ``date32``) are non-null; ``X | None`` is the nullable ``X``;
    ``tuple[str, ...]`` is a non-null ``list<string>``. Anything else is a
    programming error in ``parsers.records`` and fails at import time.
    """
    nullable = False
    args = typing.get_args(annotation)
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        rest = [a for a in args if a is not type(None)]
        if len(rest) != 1 or len(args) != 2:
            raise TypeError(f"{name}: expected X | None, found {annotation!r}")
        annotation, nullable = rest[0], True
        args = typing.get_args(annotation)
    if annotation in _SCALARS:
        return pa.field(name, _SCALARS[annotation], nullable=nullable)
    if typing.get_origin(annotation) is tuple and args == (str, Ellipsis):
        return pa.field(name, pa.list_(pa.string()), nullable=nullable)
    raise TypeError(
        f"{name}: expected str, int, bool, float, date, X | None or tuple[str, ...], "
        f"found {annotation!r}"
    )


def schema_for(record_type: type) -> pa.Schema:
    """The Arrow schema of one record type, columns in field order."""
    hints = typing.get_type_hints(record_type)
    return pa.schema([arrow_field(f.name, hints[f.name]) for f in dataclasses.fields(record_type)])


SCHEMAS: dict[str, pa.Schema] = {name: schema_for(cls) for name, cls in TABLES.items()}

COLUMNS: dict[str, tuple[str, ...]] = {
    name: tuple(schema.names) for name, schema in SCHEMAS.items()
}

# One attrgetter per column, mapped over the records into a list: no per-row
# tuples are built, which keeps both the time and the garbage collector's work
# proportional to the number of cells.
_GETTERS: dict[str, tuple[Callable[[Any], Any], ...]] = {
    name: tuple(attrgetter(column) for column in cols) for name, cols in COLUMNS.items()
}


def to_record_batch(table: str, records: Sequence[object]) -> pa.RecordBatch:
    """Records of one table as a RecordBatch with that table's explicit schema."""
    schema = SCHEMAS[table]
    arrays = []
    for getter, field in zip(_GETTERS[table], schema, strict=True):
        array = pa.array(list(map(getter, records)), type=field.type)
        if array.null_count and not field.nullable:
            raise ValueError(f"{table}.{field.name}: expected no None, found {array.null_count}")
        arrays.append(array)
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def page_batches(pages: Sequence[ParsedPage]) -> dict[str, pa.RecordBatch]:
    """The rows of parsed pages as one batch per table a page gives (``SnapshotWriter.add``)."""
    return {
        "pages": to_record_batch("pages", [p.page for p in pages]),
        "properties": to_record_batch("properties", [r for p in pages for r in p.properties]),
        "relations": to_record_batch("relations", [r for p in pages for r in p.relations]),
        "sections": to_record_batch("sections", [r for p in pages for r in p.sections]),
    }


def to_table(table: str, records: Sequence[object]) -> pa.Table:
    """Records of one table as a pyarrow Table with that table's explicit schema."""
    return pa.Table.from_batches([to_record_batch(table, records)], schema=SCHEMAS[table])
