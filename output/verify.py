"""Re-check a snapshot (or a diff) folder against its manifest.

A snapshot is only worth keeping if damage to it is noticed. ``verify_folder``
re-hashes every file the manifest lists (SHA-256 and size), re-counts the rows
of every table in both its CSV and its Parquet file, compares each Parquet
schema and CSV header with the schema of the manifest's ``schema_version``,
and checks that the manifest says ``complete: true``. It collects every
problem instead of stopping at the first, so one run tells the whole story.

Files are read in chunks and Parquet files batch by batch: memory does not
grow with the snapshot.
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from output.layouts import layout_for

MANIFEST_FILE = "manifest.json"
#: the problem of a manifest entry that names a file outside the snapshot folder
OUTSIDE = "expected a file inside the snapshot folder, found a path outside it (not read)"
_CHUNK = 1 << 20
#: ragged CSV rows reported one by one before they are only counted
_SHOWN_ROWS = 5
#: the largest field limit the csv module takes (a C long on every platform)
_MAX_FIELD = 2**31 - 1


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a snapshot: the file it is about and what was found."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """What ``verify_folder`` checked and what it found wrong."""

    folder: Path
    kind: str  # manifest "command": parse, crawl, export, diff (or "" when unknown)
    files: int
    bytes: int
    rows: Mapping[str, int]
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_folder(folder: Path) -> VerifyReport:
    """Every problem found in ``folder`` (a snapshot or a diff) against its manifest."""
    folder = Path(folder)
    problems: list[Problem] = []
    rows: dict[str, int] = {}
    if not folder.is_dir():
        problems.append(Problem(str(folder), "expected a snapshot folder, found none"))
        return VerifyReport(folder, "", 0, 0, rows, tuple(problems))
    manifest = _load_manifest(folder, problems)
    if manifest is None:
        return VerifyReport(folder, "", 0, 0, rows, tuple(problems))
    kind = str(manifest.get("command", ""))
    layout = layout_for(manifest)
    if manifest.get("complete") is not True:
        problems.append(
            Problem(
                MANIFEST_FILE,
                f"expected complete: true, found complete: {manifest.get('complete')!r}",
            )
        )
    version = manifest.get("schema_version")
    schemas: Mapping[str, pa.Schema] | None = layout.schemas
    if version != layout.schema_version:
        problems.append(
            Problem(
                MANIFEST_FILE,
                f"expected schema_version {layout.schema_version}, found {version!r} "
                "(no schema known for it: columns not checked)",
            )
        )
        schemas = None
    files = manifest.get("files")
    if not isinstance(files, dict):
        problems.append(Problem(MANIFEST_FILE, "expected a 'files' object, found none"))
        files = {}
    total_bytes = _check_files(folder, files, problems)
    tables = manifest.get("tables")
    if not isinstance(tables, dict):
        problems.append(Problem(MANIFEST_FILE, "expected a 'tables' object, found none"))
        tables = {}
    for name in layout.required:
        if name not in tables:
            problems.append(Problem(MANIFEST_FILE, f"expected table {name!r}, found none"))
    for name in sorted(tables):
        expected_rows = _expected_rows(tables[name])
        schema = schemas.get(name) if schemas is not None else None
        if schemas is not None and schema is None:
            problems.append(Problem(MANIFEST_FILE, f"expected known tables, found {name!r}"))
        counted = _check_table(folder, name, expected_rows, schema, files, problems)
        if counted is not None:
            rows[name] = counted
    listed = set(files) | {MANIFEST_FILE}
    for child in sorted(folder.iterdir()):
        if child.name not in listed:
            problems.append(
                Problem(child.name, "expected only files the manifest lists, found an extra one")
            )
    return VerifyReport(folder, kind, len(files), total_bytes, rows, tuple(problems))


def _load_manifest(folder: Path, problems: list[Problem]) -> dict[str, Any] | None:
    path = folder / MANIFEST_FILE
    try:
        with path.open("rb") as handle:
            manifest = json.load(handle)
    except FileNotFoundError:
        problems.append(Problem(MANIFEST_FILE, "expected a manifest, found none"))
        return None
    except (OSError, ValueError) as error:
        problems.append(Problem(MANIFEST_FILE, f"expected JSON, found {error}"))
        return None
    if not isinstance(manifest, dict):
        problems.append(
            Problem(MANIFEST_FILE, f"expected a JSON object, found {type(manifest).__name__}")
        )
        return None
    return manifest


def _expected_rows(entry: object) -> int | None:
    if isinstance(entry, dict) and isinstance(entry.get("rows"), int):
        return int(entry["rows"])
    return None


def _check_files(folder: Path, files: Mapping[str, Any], problems: list[Problem]) -> int:
    total = 0
    for name in sorted(files):
        entry = files[name]
        path = inside(folder, name)
        if path is None:
            problems.append(Problem(name, OUTSIDE))
            continue
        if not isinstance(entry, dict):
            problems.append(
                Problem(name, "expected {sha256, bytes} in the manifest, found neither")
            )
            continue
        if not path.is_file():
            problems.append(Problem(name, "expected the file, found none"))
            continue
        size = path.stat().st_size
        total += size
        if size != entry.get("bytes"):
            problems.append(Problem(name, f"expected {entry.get('bytes')} bytes, found {size}"))
        digest = sha256_file(path)
        if digest != entry.get("sha256"):
            problems.append(Problem(name, f"expected sha256 {entry.get('sha256')}, found {digest}"))
    return total


def inside(folder: Path, name: str) -> Path | None:
    """``folder / name`` when it stays inside ``folder`` (links followed), else None.

    A manifest is a file anyone may hand us: ``"/etc/hostname"`` or ``"../../x"``
    must not make verify read (and print the digest of) a file elsewhere.
    """
    path = folder / name
    try:
        path.resolve().relative_to(folder.resolve())
    except (ValueError, OSError):
        return None
    return path


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _check_table(
    folder: Path,
    name: str,
    expected_rows: int | None,
    schema: pa.Schema | None,
    files: Mapping[str, Any],
    problems: list[Problem],
) -> int | None:
    """Check one table's Parquet and CSV files; returns the Parquet row count."""
    counted: int | None = None
    if expected_rows is None:
        problems.append(Problem(MANIFEST_FILE, f"expected a row count for {name!r}, found none"))
    for suffix in ("parquet", "csv"):
        file_name = f"{name}.{suffix}"
        if file_name not in files:
            problems.append(
                Problem(MANIFEST_FILE, f"expected {file_name} listed, found it missing")
            )
        path = inside(folder, file_name)
        if path is None or not path.is_file():
            continue  # already reported by the file checks (or just above)
        try:
            if suffix == "parquet":
                rows = _parquet_rows(path, schema, problems)
                counted = rows
            else:
                rows = _csv_rows(path, schema, problems)
        except Exception as error:  # any damage that stops the reader is a finding
            problems.append(Problem(file_name, f"expected a readable {suffix} file, found {error}"))
            continue
        if expected_rows is not None and rows != expected_rows:
            problems.append(Problem(file_name, f"expected {expected_rows} rows, found {rows}"))
    return counted


def _parquet_rows(path: Path, schema: pa.Schema | None, problems: list[Problem]) -> int:
    parquet = pq.ParquetFile(path)
    found = parquet.schema_arrow
    if schema is not None and not found.equals(schema, check_metadata=False):
        problems.append(
            Problem(
                path.name, f"expected schema {_schema_text(schema)}, found {_schema_text(found)}"
            )
        )
    rows = 0
    # decode every batch, not just the footer's count: damage in a page shows up
    for batch in parquet.iter_batches(batch_size=65536):
        rows += batch.num_rows
    if rows != parquet.metadata.num_rows:
        problems.append(
            Problem(path.name, f"expected {parquet.metadata.num_rows} rows (footer), found {rows}")
        )
    return rows


@contextlib.contextmanager
def _field_limit(size: int) -> Iterator[None]:
    """Let the csv reader take fields as long as the file (its default stops at 131,072).

    The limit is process-wide, so the old one is put back afterwards.
    """
    old = csv.field_size_limit()
    csv.field_size_limit(max(old, min(size + 1, _MAX_FIELD)))
    try:
        yield
    finally:
        csv.field_size_limit(old)


def _csv_rows(path: Path, schema: pa.Schema | None, problems: list[Problem]) -> int:
    with _field_limit(path.stat().st_size), path.open("r", encoding="utf-8", newline="") as handle:
        records: Iterator[list[str]] = csv.reader(handle, strict=True)
        header = next(records, None)
        if header is None:
            problems.append(Problem(path.name, "expected a header row, found an empty file"))
            return 0
        if schema is not None and header != schema.names:
            problems.append(Problem(path.name, f"expected header {schema.names}, found {header}"))
        width = len(header)
        rows = 0
        ragged = 0
        for record in records:
            rows += 1
            if len(record) != width:
                ragged += 1
                if ragged <= _SHOWN_ROWS:
                    problems.append(
                        Problem(
                            path.name, f"row {rows}: expected {width} cells, found {len(record)}"
                        )
                    )
        if ragged > _SHOWN_ROWS:
            problems.append(
                Problem(path.name, f"expected {width} cells per row, found {ragged} rows without")
            )
        return rows


def _schema_text(schema: pa.Schema) -> str:
    return ", ".join(
        f"{field.name}: {field.type}{'' if field.nullable else ' not null'}" for field in schema
    )
