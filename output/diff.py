"""What changed between two snapshots, as tables (the terminal summary is in commands.diff).

Three tables, each one row per change, sorted by page title:

- ``page_changes``: pages added, removed, or changed (their ``content_sha256``
  differs);
- ``property_changes``: property values added, removed or changed (old and
  new value and links). Values of one property on one page are matched in
  order: what both sides share is unchanged, the rest is paired up as
  "changed" and what is left over is "added" or "removed";
- ``relation_changes``: relation rows (kind, source, relation, target) added
  or removed.

Pages that were added or removed contribute all their property values and
relations as added or removed, so the tables are the whole delta: applying
them to the old snapshot gives the new one's values. Both snapshots are read
as Arrow tables sorted by title and walked together in one pass, a batch of
rows at a time, so only the changes pile up in Python objects.

The folder looks like a snapshot (CSV + Parquet per table, ``manifest.json``
with ``"command": "diff"``), written by ``output.tabular.TableWriter`` and
checked by ``nora verify`` like one.
"""

from __future__ import annotations

import os
import shutil
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from output.errors import DiffError, ManifestError
from output.layouts import DIFF_SCHEMA_VERSION, DIFF_SCHEMAS, DIFF_TABLES
from output.manifest import (
    TOOL_NAME,
    file_digest,
    read_manifest,
    tool_version,
    utc_timestamp,
    write_manifest,
)
from output.staging import fsync_dir, make_temp_beside, swap_into_place
from output.tabular import TableWriter

ADDED, REMOVED, CHANGED = "added", "removed", "changed"


@dataclass(frozen=True, slots=True)
class PageInfo:
    element_type: str
    revision_id: int | None
    content_sha256: str


_Value = tuple[str, tuple[str, ...]]  # (value, links)
_Relation = tuple[str, str, str, str]  # (kind, source, relation, target)

_COLUMNS: dict[str, list[str]] = {
    "pages": ["title", "element_type", "revision_id", "content_sha256"],
    "properties": ["title", "position", "property", "value", "links"],
    "relations": ["title", "position", "kind", "source", "relation", "target"],
}
#: rows turned into Python objects at a time while walking a table
_BATCH_ROWS = 16_384


@dataclass(frozen=True, slots=True)
class SnapshotTables:
    """The columns a diff compares, as Arrow tables sorted by title (then position).

    Arrow keeps them compact; Python objects are made one batch at a time
    while the diff walks both snapshots title by title.
    """

    path: Path
    pages: pa.Table
    properties: pa.Table
    relations: pa.Table


@dataclass(slots=True)
class DiffResult:
    """Rows of the three diff tables (dicts keyed by column name) and the counts.

    ``elements`` maps the title of every changed page to its element type
    (for the summary lines).
    """

    old: Path
    new: Path
    tables: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {name: [] for name in DIFF_TABLES}
    )
    elements: dict[str, str] = field(default_factory=dict)

    def counts(self) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {}
        for name, rows in self.tables.items():
            counter = Counter(row["change"] for row in rows)
            out[name] = {change: counter.get(change, 0) for change in (ADDED, REMOVED, CHANGED)}
            if name == "relation_changes":
                del out[name][CHANGED]
        return out


def _read(path: Path, table: str, titles: list[str] | None = None) -> pa.Table:
    file = path / f"{table}.parquet"
    if not file.is_file():
        raise DiffError(path, f"expected {file.name}, found none")
    only = None if titles is None else pc.field("title").isin(pa.array(titles, pa.string()))
    data = pq.read_table(file, columns=_COLUMNS[table], filters=only)
    keys = [("title", "ascending")] + ([("position", "ascending")] if table != "pages" else [])
    return data.sort_by(keys)


def load_snapshot(path: Path, titles: list[str] | None = None) -> SnapshotTables:
    """Read (and sort) the columns a diff needs from one snapshot folder; with ``titles``,
    only those pages' rows (the diff then covers just them)."""
    path = Path(path)
    return SnapshotTables(
        path,
        _read(path, "pages", titles),
        _read(path, "properties", titles),
        _read(path, "relations", titles),
    )


def _groups(table: pa.Table, columns: list[str]) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """(title, rows without the title) per title of a title-sorted table, batch by batch."""
    title: str | None = None
    rows: list[tuple[Any, ...]] = []
    for batch in table.to_batches(max_chunksize=_BATCH_ROWS):
        for row in zip(*(batch.column(name).to_pylist() for name in columns), strict=True):
            if row[0] != title:
                if title is not None:
                    yield title, rows
                title, rows = row[0], []
            rows.append(row[1:])
    if title is not None:
        yield title, rows


def _aligned(
    *streams: Iterator[tuple[str, list[tuple[Any, ...]]]],
) -> Iterator[tuple[str, list[list[tuple[Any, ...]]]]]:
    """Merge title-sorted grouped streams: each title once, with every stream's rows."""
    heads = [next(stream, None) for stream in streams]
    while True:
        present = [head[0] for head in heads if head is not None]
        if not present:
            return
        title = min(present)
        groups: list[list[tuple[Any, ...]]] = []
        for index, head in enumerate(heads):
            if head is not None and head[0] == title:
                groups.append(head[1])
                heads[index] = next(streams[index], None)
            else:
                groups.append([])
        yield title, groups


def _streams(snapshot: SnapshotTables) -> list[Iterator[tuple[str, list[tuple[Any, ...]]]]]:
    return [
        _groups(snapshot.pages, _COLUMNS["pages"]),
        _groups(snapshot.properties, _COLUMNS["properties"]),
        _groups(snapshot.relations, _COLUMNS["relations"]),
    ]


def _page(rows: list[tuple[Any, ...]]) -> PageInfo | None:
    if not rows:
        return None
    element_type, revision, sha = rows[0]  # a title twice in one snapshot: the first counts
    return PageInfo(element_type or "", revision, sha or "")


def _by_property(rows: list[tuple[Any, ...]]) -> dict[str, list[_Value]]:
    grouped: dict[str, list[_Value]] = defaultdict(list)
    for _position, name, value, links in rows:
        grouped[name].append((value or "", tuple(links or ())))
    return grouped


def diff_snapshots(old: SnapshotTables, new: SnapshotTables) -> DiffResult:
    """Every change from ``old`` to ``new``, page by page in title order (one pass)."""
    result = DiffResult(old.path, new.path)
    for title, groups in _aligned(*_streams(old), *_streams(new)):
        old_page, old_props, old_rels, new_page, new_props, new_rels = groups
        before, after = _page(old_page), _page(new_page)
        change: str | None = None
        if before is None and after is not None:
            change = ADDED
        elif after is None and before is not None:
            change = REMOVED
        elif before and after and before.content_sha256 != after.content_sha256:
            change = CHANGED
        info = after or before
        if change is not None and info is not None:
            result.tables["page_changes"].append(
                {
                    "title": title,
                    "change": change,
                    "element_type": info.element_type,
                    "old_revision_id": before.revision_id if before else None,
                    "new_revision_id": after.revision_id if after else None,
                    "old_content_sha256": before.content_sha256 if before else None,
                    "new_content_sha256": after.content_sha256 if after else None,
                }
            )
        found = len(result.tables["property_changes"]) + len(result.tables["relation_changes"])
        if old_props != new_props:
            result.tables["property_changes"].extend(
                _property_changes(title, _by_property(old_props), _by_property(new_props))
            )
        if [r[1:] for r in old_rels] != [r[1:] for r in new_rels]:
            result.tables["relation_changes"].extend(
                _relation_changes(title, [r[1:] for r in old_rels], [r[1:] for r in new_rels])
            )
        changed = found != len(result.tables["property_changes"]) + len(
            result.tables["relation_changes"]
        )
        if (change is not None or changed) and info is not None:
            result.elements[title] = info.element_type
    return result


def _without_common(left: Sequence[Any], right: Sequence[Any]) -> tuple[list[Any], list[Any]]:
    """Both sequences minus the items they share (as multisets), order kept."""
    shared = Counter(left) & Counter(right)
    out: list[list[Any]] = []
    for items in (left, right):
        budget = Counter(shared)
        rest = []
        for item in items:
            if budget[item]:
                budget[item] -= 1
            else:
                rest.append(item)
        out.append(rest)
    return out[0], out[1]


def _property_changes(
    title: str, old: Mapping[str, Sequence[_Value]], new: Mapping[str, Sequence[_Value]]
) -> Iterator[dict[str, Any]]:
    names = list(old) + [name for name in new if name not in old]
    for name in names:
        before, after = old.get(name, ()), new.get(name, ())
        if list(before) == list(after):
            continue
        removed, added = _without_common(before, after)
        paired = min(len(removed), len(added))
        for (old_value, old_links), (new_value, new_links) in zip(
            removed[:paired], added[:paired], strict=True
        ):
            yield _property_row(title, CHANGED, name, old_value, old_links, new_value, new_links)
        for old_value, old_links in removed[paired:]:
            yield _property_row(title, REMOVED, name, old_value, old_links, None, None)
        for new_value, new_links in added[paired:]:
            yield _property_row(title, ADDED, name, None, None, new_value, new_links)


def _property_row(
    title: str,
    change: str,
    name: str,
    old_value: str | None,
    old_links: tuple[str, ...] | None,
    new_value: str | None,
    new_links: tuple[str, ...] | None,
) -> dict[str, Any]:
    return {
        "title": title,
        "change": change,
        "property": name,
        "old_value": old_value,
        "new_value": new_value,
        "old_links": None if old_links is None else list(old_links),
        "new_links": None if new_links is None else list(new_links),
    }


def _relation_changes(
    title: str, old: Sequence[_Relation], new: Sequence[_Relation]
) -> Iterator[dict[str, Any]]:
    if list(old) == list(new):
        return
    removed, added = _without_common(old, new)
    for change, rows in ((REMOVED, removed), (ADDED, added)):
        for kind, source, relation, target in rows:
            yield {
                "title": title,
                "change": change,
                "kind": kind,
                "source": source,
                "relation": relation,
                "target": target,
            }


def write_diff(
    result: DiffResult,
    out_dir: Path,
    *,
    inputs: Sequence[str],
    extra: Mapping[str, Any],
    created_at: datetime | None = None,
    batch_rows: int = 10_000,
) -> dict[str, Any]:
    """Write the diff tables and manifest to ``out_dir``; returns the manifest.

    An older diff at ``out_dir`` is replaced whole; anything else there (a
    snapshot, a folder of the user's) is refused, so nothing stored is lost.
    """
    target = Path(os.path.abspath(out_dir))
    _refuse_non_diff(target)
    temp = make_temp_beside(target)
    try:
        files: dict[str, dict[str, Any]] = {}
        rows: dict[str, int] = {}
        for name in DIFF_TABLES:
            writer = TableWriter(temp, name, DIFF_SCHEMAS[name])
            try:
                for batch in _batches(result.tables[name], DIFF_SCHEMAS[name], batch_rows):
                    writer.write(batch)
            except BaseException:
                writer.abort()
                raise
            writer.close()
            rows[name] = writer.rows
            for path in (writer.csv_path, writer.parquet_path):
                files[path.name] = file_digest(path)
        manifest: dict[str, Any] = {
            "schema_version": DIFF_SCHEMA_VERSION,
            "tool": TOOL_NAME,
            "tool_version": tool_version(),
            "command": "diff",
            "created_at": utc_timestamp(created_at or datetime.now(UTC)),
            "inputs": list(inputs),
            "extra": dict(extra),
            "tables": {name: {"rows": count} for name, count in rows.items()},
            "files": files,
            "complete": True,
        }
        write_manifest(temp, manifest)
        _swap_into_place(temp, target)
    finally:
        if temp.exists():
            shutil.rmtree(temp, ignore_errors=True)
    return manifest


def _batches(
    rows: Sequence[dict[str, Any]], schema: pa.Schema, size: int
) -> Iterable[pa.RecordBatch]:
    for start in range(0, len(rows), size):
        yield pa.RecordBatch.from_pylist(list(rows[start : start + size]), schema=schema)


def _refuse_non_diff(target: Path) -> None:
    if not (target.exists() or target.is_symlink()):
        return
    try:
        command = read_manifest(target).get("command")
    except (ManifestError, OSError):
        command = None
    if command != "diff":
        raise DiffError(target, "expected no folder or an older diff there, found something else")


def _swap_into_place(temp: Path, target: Path) -> None:
    """Rename ``temp`` to ``target``; an older diff there is removed only afterwards."""
    if not target.exists():
        os.rename(temp, target)
        fsync_dir(target.parent)
        return
    swap_into_place(temp, target)
