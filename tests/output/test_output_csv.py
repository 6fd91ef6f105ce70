"""output.tabular: CSV built with Arrow kernels equals the csv module's QUOTE_MINIMAL output."""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import given, settings
from hypothesis import strategies as st

from output.schema import SCHEMAS, to_record_batch
from output.tabular import (
    CONTROL_PICTURES,
    CSV_LIST_SEPARATOR,
    TableWriter,
    csv_header,
    csv_raw,
    csv_rows,
    csv_safe,
)
from parsers.records import PropertyRecord, RelationRecord


def _reference(rows: list[list[object]]) -> bytes:
    """What the standard library writes for the same cells after the documented rules."""

    def cell(value: object) -> object:
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, tuple):
            value = CSV_LIST_SEPARATOR.join(value)
        if isinstance(value, int):
            return str(value)  # a plain number: never prefixed
        if isinstance(value, str):
            value = "".join(CONTROL_PICTURES.get(c, c) for c in value)
            return csv_safe(value)
        return value

    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerows([[cell(v) for v in row] for row in rows])
    return out.getvalue().encode("utf-8")


def _props(values: Sequence[str], links: Sequence[tuple[str, ...]]) -> list[PropertyRecord]:
    return [
        PropertyRecord(
            title=f"T{i}", position=i, property="p", value=v, links=ln, external_links=()
        )
        for i, (v, ln) in enumerate(zip(values, links, strict=True))
    ]


def _as_rows(records: list[PropertyRecord]) -> list[list[object]]:
    return [[r.title, r.position, r.property, r.value, r.links, r.external_links] for r in records]


TRICKY = [
    "=SUM(A1:A2)", "+31 6", "-", "-5", "@user", "\tindented", "\rcarriage", "a,b", 'say "hi"',
    "line\nbreak", "crlf\r\nend", "", " leading space", "'already quoted", "é ñ ü — ‘x’", "a|b",
    "trailing,", '"', "=", "x=y", "\x00nul", "\u2028sep",
]  # fmt: skip


def test_tricky_cells_match_the_csv_module() -> None:
    links = [(v,) if i % 3 == 0 else () for i, v in enumerate(TRICKY)]
    records = _props(TRICKY, links)
    assert bytes(csv_rows(to_record_batch("properties", records))) == _reference(_as_rows(records))


#: raw value -> CSV cell, as OWASP's guidance has it
FORMULA_CASES = {
    "=1+1": "'=1+1",
    "@a": "'@a",
    "+31 6": "'+31 6",
    "\tx": "'\tx",
    "\rx": "'\rx",
    "  =cmd|' /C calc'!A0": "'  =cmd|' /C calc'!A0",  # after leading whitespace
    "\n=1+1": "'\n=1+1",
    "\u3000=1+1": "'\u3000=1+1",  # an ideographic space
    "＝1+1": "'＝1+1",  # full-width forms
    "＋1": "'＋1",
    "－1+1": "'－1+1",
    "＠SUM(A1)": "'＠SUM(A1)",
    "﹢1": "'﹢1",  # small forms
    "﹦1": "'﹦1",
    "-2020-01-01": "'-2020-01-01",  # a spreadsheet computes it: -2041
    "- item": "'- item",
    "'=x": "''=x",  # an existing quote is escaped, so the prefix can be undone
    "'plain": "''plain",
    "=x": "'=x",
    # left alone: plain numbers and a lone '-' (a property value meaning "none")
    "-": "-",
    "-1": "-1",
    "-2020": "-2020",
    "+1": "+1",
    "-3.25": "-3.25",
    "1e-3": "1e-3",
    "plain": "plain",
    "a=1": "a=1",
    "": "",
}


def test_formula_cells_get_a_quote_prefix_and_others_do_not() -> None:
    records = _props(list(FORMULA_CASES), [()] * len(FORMULA_CASES))
    text = bytes(csv_rows(to_record_batch("properties", records))).decode()
    values = [row[3] for row in csv.reader(io.StringIO(text, newline=""))]
    assert values == list(FORMULA_CASES.values())
    assert [csv_raw(v) for v in values] == list(FORMULA_CASES)  # the documented inverse


def test_control_characters_become_control_pictures() -> None:
    records = _props(["a\x00b", "\x1b[31mred", "del\x7f", "tab\tlf\ncr\r"], [()] * 4)
    text = bytes(csv_rows(to_record_batch("properties", records))).decode()
    assert "\x00" not in text and "\x1b" not in text and "\x7f" not in text
    values = [row[3] for row in csv.reader(io.StringIO(text, newline=""))]
    assert values == ["a\u2400b", "\u241b[31mred", "del\u2421", "tab\tlf\ncr\r"]
    assert [csv_raw(v) for v in values] == [r.value for r in records]


def test_bools_ints_and_lists() -> None:
    records = [RelationRecord("A", "direct", 3, "A", "R", "B", False, "")]
    line = bytes(csv_rows(to_record_batch("relations", records)))
    assert line == b"A,direct,3,A,R,B,false,,\r\n"  # target_resolved: filled in by the crawl
    props = _props(["v"], [("X", "Y z", "=f")])
    assert bytes(csv_rows(to_record_batch("properties", props))) == b"T0,0,p,v,X|Y z|=f,\r\n"


def test_integer_columns_stay_numbers() -> None:
    schema = pa.schema([pa.field("n", pa.int64()), pa.field("m", pa.int64())])
    batch = pa.RecordBatch.from_pylist([{"n": -1, "m": 12}, {"n": 0, "m": -300}], schema=schema)
    assert bytes(csv_rows(batch)) == b"-1,12\r\n0,-300\r\n"


def test_nullable_columns_are_empty_cells() -> None:
    schema = pa.schema(
        [
            pa.field("n", pa.int64()),
            pa.field("s", pa.string()),
            pa.field("l", pa.list_(pa.string())),
        ]
    )
    batch = pa.RecordBatch.from_pylist([{"n": None, "s": None, "l": None}], schema=schema)
    assert bytes(csv_rows(batch)) == b",,\r\n"


def test_header_is_the_column_names() -> None:
    assert csv_header(SCHEMAS["sections"]) == b"title,position,heading,level,text\r\n"


_TEXT = st.one_of(
    st.text(max_size=30),
    st.text(alphabet="=+-@\t\r\n,\"' |aé€\x00\x1b1.＝－\u3000", max_size=12),
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(_TEXT, st.lists(_TEXT.filter(lambda s: "|" not in s), max_size=3)),
        min_size=1,
        max_size=20,
    ),
    st.data(),
)
def test_any_text_matches_the_csv_module(
    cells: list[tuple[str, list[str]]], data: st.DataObject
) -> None:
    records = _props([c[0] for c in cells], [tuple(c[1]) for c in cells])
    batch = to_record_batch("properties", records)
    assert bytes(csv_rows(batch)) == _reference(_as_rows(records))
    # a slice of a batch (non-zero array offsets) gives the lines of just those rows
    start = data.draw(st.integers(0, len(records)))
    length = data.draw(st.integers(0, len(records) - start))
    expected = _reference(_as_rows(records[start : start + length])) if length else b""
    assert bytes(csv_rows(batch.slice(start, length))) == expected


def test_table_writer_csv_does_not_depend_on_batching(tmp_path: Path) -> None:
    records = _props([f"={i}" if i % 4 == 0 else f"v{i}\n" for i in range(25)], [("L",)] * 25)
    outputs = []
    for size, group in ((25, 1000), (4, 6), (1, 1)):
        folder = tmp_path / f"b{size}"
        folder.mkdir()
        writer = TableWriter(folder, "properties", SCHEMAS["properties"], row_group_rows=group)
        for start in range(0, len(records), size):
            writer.write(to_record_batch("properties", records[start : start + size]))
        writer.close()
        assert writer.rows == 25
        table = pq.read_table(writer.parquet_path)
        assert table.schema == SCHEMAS["properties"]
        assert table.column("value").to_pylist() == [r.value for r in records]  # raw in Parquet
        outputs.append(writer.csv_path.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]
    assert outputs[0] == csv_header(SCHEMAS["properties"]) + _reference(_as_rows(records))
