"""output.schema: Arrow schemas derived from the record dataclasses, and batch building."""

from __future__ import annotations

import dataclasses
import typing
from dataclasses import dataclass

import pyarrow as pa
import pytest

from output.schema import (
    COLUMNS,
    SCHEMA_VERSION,
    SCHEMAS,
    TABLE_NAMES,
    arrow_field,
    schema_for,
    to_record_batch,
    to_table,
)
from parsers.records import TABLES, PageRecord, PropertyRecord, SectionRecord

#: the required columns of DESIGN.md, in the order they must appear
REQUIRED = {
    "pages": [
        "title", "namespace", "page_id", "revision_id", "url", "element_type", "categories",
        "fetched_at", "content_sha256", "parser_version", "warnings",
    ],
    "properties": ["title", "position", "property", "value", "links"],
    "relations": ["title", "kind", "position", "source", "relation", "target"],
    "sections": ["title", "position", "heading", "level", "text"],
}  # fmt: skip


@dataclass(frozen=True)
class _Every:
    text: str
    count: int
    maybe: int | None
    flag: bool
    names: tuple[str, ...]
    maybe_text: str | None


def test_table_names_and_version() -> None:
    assert TABLE_NAMES == (
        "pages", "properties", "relations", "sections", "facts", "redirects", "checks"
    )  # fmt: skip
    assert tuple(SCHEMAS) == TABLE_NAMES == tuple(TABLES)
    assert SCHEMA_VERSION == 1


@pytest.mark.parametrize("table", list(REQUIRED))
def test_required_columns_present_in_design_order(table: str) -> None:
    names = SCHEMAS[table].names
    assert [n for n in names if n in REQUIRED[table]] == REQUIRED[table]


@pytest.mark.parametrize("table", list(REQUIRED))
def test_columns_follow_dataclass_field_order(table: str) -> None:
    fields = [f.name for f in dataclasses.fields(TABLES[table])]
    assert SCHEMAS[table].names == fields
    assert COLUMNS[table] == tuple(fields)


def test_each_annotation_maps_to_its_arrow_type() -> None:
    schema = schema_for(_Every)
    assert schema == pa.schema(
        [
            pa.field("text", pa.string(), nullable=False),
            pa.field("count", pa.int64(), nullable=False),
            pa.field("maybe", pa.int64(), nullable=True),
            pa.field("flag", pa.bool_(), nullable=False),
            pa.field("names", pa.list_(pa.string()), nullable=False),
            pa.field("maybe_text", pa.string(), nullable=True),
        ]
    )
    for field in schema:
        # equality above ignores nullability in some pyarrow versions: check it directly
        assert field.nullable == (field.name.startswith("maybe"))


def test_record_schemas_use_the_expected_types() -> None:
    pages = SCHEMAS["pages"]
    assert pages.field("title").type == pa.string() and not pages.field("title").nullable
    assert pages.field("namespace").type == pa.int64() and not pages.field("namespace").nullable
    assert pages.field("page_id").type == pa.int64() and pages.field("page_id").nullable
    assert pages.field("categories").type == pa.list_(pa.string())
    assert pages.field("is_redirect").type == pa.bool_()
    assert SCHEMAS["sections"].field("level").type == pa.int64()


@pytest.mark.parametrize(
    "annotation", [bytes, list[str], tuple[int, ...], str | int, int | str | None, dict[str, str]]
)
def test_unsupported_annotations_are_refused(annotation: object) -> None:
    with pytest.raises(TypeError, match="expected"):
        arrow_field("x", annotation)


def test_optional_via_typing_union_is_nullable() -> None:
    field = arrow_field("x", typing.Optional[int])  # noqa: UP045 - the old spelling on purpose
    assert field.type == pa.int64() and field.nullable


def _page(title: str, page_id: int | None) -> PageRecord:
    return PageRecord(
        title=title, namespace=0, page_id=page_id, revision_id=None, url=f"u/{title}",
        element_type="Begrip", categories=("A", "B"), fetched_at="", content_sha256="0" * 64,
        parser_version="1", warnings=(), redirected_from="", is_redirect=False, historical=True,
    )  # fmt: skip


def test_batch_holds_the_values_in_order() -> None:
    batch = to_record_batch("pages", [_page("Één", 7), _page("Twee", None)])
    assert batch.schema == SCHEMAS["pages"]
    assert batch.column("title").to_pylist() == ["Één", "Twee"]
    assert batch.column("page_id").to_pylist() == [7, None]
    assert batch.column("categories").to_pylist() == [["A", "B"], ["A", "B"]]
    assert batch.column("historical").to_pylist() == [True, True]


def test_empty_batch_keeps_the_schema() -> None:
    for name in TABLE_NAMES:
        batch = to_record_batch(name, [])
        assert batch.num_rows == 0 and batch.schema == SCHEMAS[name]
        assert to_table(name, []).schema == SCHEMAS[name]


def test_none_in_a_required_column_is_refused() -> None:
    bad = SectionRecord(title="T", position=0, heading=None, level=0, text="x")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match=r"sections\.heading"):
        to_record_batch("sections", [bad])


def test_wrong_value_type_is_refused() -> None:
    bad = PropertyRecord("T", "first", "p", "v", (), ())  # type: ignore[arg-type]
    with pytest.raises((pa.ArrowInvalid, pa.ArrowTypeError)):
        to_record_batch("properties", [bad])
