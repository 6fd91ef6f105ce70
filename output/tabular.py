"""Table files of a snapshot: one CSV and one Parquet file per table, written in batches.

CSV text is built over whole batches (numpy finds the cells to change, Arrow
kernels change them and join the lines) rather than cell by cell in Python:
that keeps the CSV cost close to the Parquet cost. The result is byte for byte
what ``csv.writer(f, quoting=csv.QUOTE_MINIMAL,
lineterminator="\\r\\n")`` writes for the same cells (a test checks this):

- a cell is quoted when it holds ``,``, ``"``, CR or LF; quotes are doubled;
- list columns are joined with ``|`` (MediaWiki titles cannot contain it);
- None is the empty cell, bools are ``true``/``false``;
- formula safety (OWASP, "CSV injection"), ``csv_safe``: a cell that starts
  with ``=``, ``+``, ``-``, ``@`` or a full-width or small form of them
  (``＝ ＋ － ＠ ﹦ ﹢ ﹣ ﹫``), possibly after leading whitespace, or with TAB
  or CR, gets a leading ``'`` so a spreadsheet shows it as text instead of
  running it - unless it is a plain number (``-5``, ``+3.2``, ``-2020``, ``1e3``)
  or a lone ``-``. A cell that already starts with ``'`` gets one more, so the
  rule is undone exactly by ``csv_raw``: drop one leading ``'`` if there is one.
  Integer columns are plain numbers and are never prefixed;
- C0 control characters other than TAB, LF and CR, and DEL, are written as
  their Unicode control pictures (NUL as ``␀`` U+2400, ... U+241F, DEL as
  ``␡`` U+2421), so no cell holds a NUL or a terminal escape.

This is for CSV only: Parquet keeps the raw value.
"""

from __future__ import annotations

import contextlib
import os
import re
from pathlib import Path
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

#: joins the items of a list column in CSV
CSV_LIST_SEPARATOR = "|"
#: characters that make a spreadsheet treat a cell as a formula (OWASP CSV injection)
FORMULA_START = "=+-@\t\r"
#: their full-width (U+FF1D, U+FF0B, U+FF0D, U+FF20) and small (U+FE66, U+FE62,
#: U+FE63, U+FE6B) forms, which spreadsheets normalise and run too
FORMULA_WIDE = "\uff1d\uff0b\uff0d\uff20\ufe66\ufe62\ufe63\ufe6b"
_FORMULA_RE = re.compile(r"[\t\r]|\s*[=+\-@" + FORMULA_WIDE + "]")
_PLAIN_NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|-")
#: first bytes of the cells csv_safe must look at: the ASCII formula characters, the
#: quote, ASCII whitespace, and the lead bytes of non-ASCII spaces and wide forms
_CANDIDATE = np.zeros(256, dtype=bool)
_CANDIDATE[list(b"=+-@'\t\n\x0b\x0c\r \xc2\xe1\xe2\xe3\xef")] = True
#: C0 controls but TAB, LF, CR; and DEL: written as Unicode control pictures
CONTROL_PICTURES = {
    **{chr(c): chr(0x2400 + c) for c in range(0x20) if c not in (9, 10, 13)},
    "\x7f": "\u2421",
}
_CONTROL = np.zeros(256, dtype=bool)
_CONTROL[[ord(c) for c in CONTROL_PICTURES]] = True
_PICTURE_TO_CONTROL = {v: k for k, v in CONTROL_PICTURES.items()}


def csv_safe(text: str) -> str:
    """The formula rule for one cell (see the module docstring)."""
    if text.startswith("'"):
        return "'" + text
    if _FORMULA_RE.match(text) and not _PLAIN_NUMBER_RE.fullmatch(text):
        return "'" + text
    return text


def csv_raw(cell: str) -> str:
    """Undo the CSV-only rules of one cell read back (after the CSV reader unquoted it)."""
    text = cell[1:] if cell.startswith("'") else cell
    return "".join(_PICTURE_TO_CONTROL.get(c, c) for c in text)


#: Parquet compression: zstd is deterministic for the same input and level
PARQUET_COMPRESSION = "zstd"

_QUOTE, _COMMA, _CR, _LF, _SPACE, _DEL = (ord(c) for c in '",\r\n \x7f')


def csv_header(schema: pa.Schema) -> bytes:
    """The header line of a table's CSV file (column names are plain identifiers)."""
    return (",".join(schema.names) + "\r\n").encode("utf-8")


def _text_cells(column: pa.Array) -> pa.Array:
    """Text made spreadsheet-safe and quoted as QUOTE_MINIMAL does; None as the empty cell.

    Which cells need the formula prefix or quotes is found with numpy over the
    column's UTF-8 bytes at once (every character involved is ASCII, so a byte
    test is exact); Arrow kernels then touch only columns that need a change.
    """
    cells = column.fill_null("")
    if len(cells) == 0:
        return cells
    _, offsets_buffer, data_buffer = cells.buffers()
    offsets = np.frombuffer(offsets_buffer, dtype=np.int32)[
        cells.offset : cells.offset + len(cells) + 1
    ].astype(np.int64)
    base = int(offsets[0])
    offsets -= base
    if data_buffer is None or offsets[-1] == 0:
        return cells  # every cell is empty
    data = np.frombuffer(data_buffer, dtype=np.uint8)[base : base + int(offsets[-1])]
    # '"', ',', CR, LF and the C0 controls are all below '-' (45) and most such bytes
    # are spaces: two cheap passes leave a sparse set to test exactly
    candidates = np.flatnonzero((data <= _COMMA) & (data != _SPACE))
    found = data[candidates]
    if _CONTROL[found].any() or (data == _DEL).any():  # rare: replace, start over once
        present = {chr(b) for b in np.unique(data[_CONTROL[data]]).tolist()}
        for control in sorted(present):
            cells = pc.replace_substring(cells, control, CONTROL_PICTURES[control])
        return _text_cells(cells)
    starts, ends = offsets[:-1], offsets[1:]

    first = data[np.minimum(starts, len(data) - 1)]
    formula = (ends > starts) & _CANDIDATE[first]
    for index in np.flatnonzero(formula).tolist():  # sparse: decide each exactly
        text = cells[index].as_py()
        formula[index] = csv_safe(text) is not text
    is_quote = found == _QUOTE
    special = candidates[is_quote | (found == _COMMA) | (found == _CR) | (found == _LF)]
    quote = np.zeros(len(cells), dtype=bool)
    # the cell holding each special byte: the first whose end lies beyond it
    quote[np.searchsorted(ends, special, side="right")] = True

    if formula.any():
        prefixed = pc.binary_join_element_wise("'", cells, "")
        cells = pc.if_else(pa.array(formula), prefixed, cells)
    if quote.any():
        doubled = pc.replace_substring(cells, '"', '""') if is_quote.any() else cells
        wrapped = pc.binary_join_element_wise('"', doubled, '"', "")
        cells = pc.if_else(pa.array(quote), wrapped, cells)
    return cells


def csv_cells(column: pa.Array, field: pa.Field) -> pa.Array:
    """One column of a batch as CSV cell text (a string array without nulls)."""
    kind = field.type
    if pa.types.is_string(kind):
        return _text_cells(column)
    if pa.types.is_list(kind):
        return _text_cells(pc.binary_join(column, CSV_LIST_SEPARATOR))
    if pa.types.is_boolean(kind):
        return pc.cast(column, pa.string()).fill_null("")
    if pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_date(kind):
        # plain numbers and ISO dates (2022-06-07): never a formula (-1 stays a number)
        return pc.cast(column, pa.string()).fill_null("")
    raise TypeError(
        f"{field.name}: expected string, list, integer, float, date or bool, found {kind}"
    )


def csv_rows(batch: pa.RecordBatch) -> memoryview:
    """The CSV lines of a batch (no header), as bytes ready to be written."""
    if batch.num_rows == 0:
        return memoryview(b"")
    cells = [csv_cells(col, field) for col, field in zip(batch.columns, batch.schema, strict=True)]
    lines = pc.binary_join_element_wise(*cells, ",")
    lines = pc.binary_join_element_wise(lines, "\r\n", "")
    # The value buffer of a string array is its values back to back: the CSV body.
    _, offsets_buffer, data_buffer = lines.buffers()
    offsets = memoryview(offsets_buffer).cast("B").cast("i")
    start, end = offsets[lines.offset], offsets[lines.offset + len(lines)]
    return memoryview(data_buffer).cast("B")[start:end]


class TableWriter:
    """Writes one table as ``NAME.csv`` and ``NAME.parquet`` in a folder, batch by batch.

    CSV lines go to disk with every batch; Parquet batches are held until
    ``row_group_rows`` rows are pending and then written as one row group, so
    row groups are large enough to read efficiently while memory stays bounded.
    """

    def __init__(
        self, folder: Path, name: str, schema: pa.Schema, *, row_group_rows: int = 50_000
    ) -> None:
        self.name = name
        self.schema = schema
        self.rows = 0
        self.csv_path = folder / f"{name}.csv"
        self.parquet_path = folder / f"{name}.parquet"
        self._row_group_rows = row_group_rows
        self._pending: list[pa.RecordBatch] = []
        self._pending_rows = 0
        self._csv: BinaryIO = open(self.csv_path, "wb")  # noqa: SIM115 - closed in close()
        self._csv.write(csv_header(schema))
        self._parquet = pq.ParquetWriter(
            str(self.parquet_path),
            schema,
            compression=PARQUET_COMPRESSION,
            write_statistics=True,
        )

    def write(self, batch: pa.RecordBatch) -> None:
        """Append a batch (which must carry this table's schema) to both files."""
        if batch.num_rows == 0:
            return
        self._csv.write(csv_rows(batch))
        self._pending.append(batch)
        self._pending_rows += batch.num_rows
        self.rows += batch.num_rows
        if self._pending_rows >= self._row_group_rows:
            self._flush_row_group()

    def _flush_row_group(self) -> None:
        if self._pending:
            table = pa.Table.from_batches(self._pending, schema=self.schema)
            self._parquet.write_table(table, row_group_size=max(self._pending_rows, 1))
            self._pending, self._pending_rows = [], 0

    def close(self) -> None:
        """Write what is pending, close both files and force them to disk."""
        self._flush_row_group()
        self._parquet.close()  # an empty table still gets a file with its schema
        self._csv.flush()
        os.fsync(self._csv.fileno())
        self._csv.close()

    def abort(self) -> None:
        """Close both files without caring whether what was written is whole."""
        for closer in (self._parquet.close, self._csv.close):
            with contextlib.suppress(Exception):  # the folder is about to be removed
                closer()
