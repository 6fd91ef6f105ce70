"""The figures of ``nora report``, computed from a snapshot's tables (and its history).

Pure data: no HTML here (``output.report`` renders it). Lists an editor reads
are cut at ``limit`` rows; the totals always count every row, and the report
says how many were left out and in which table to find them.

- :func:`glance`: pages per element type, relations per relation name, the
  most connected elements;
- :func:`needs_eye`: red links, elements without an element type or without
  relations, pages with parse warnings, and the ``checks`` table when the
  snapshot has one;
- :func:`timeline`: pages and relations per snapshot (from the manifests) and
  pages added, removed and changed per snapshot (from each ``pages`` table's
  titles and content hashes, read one snapshot at a time).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from output.errors import OutputError
from output.history import SnapshotInfo

#: rows of a list shown in the report before "N more"
LIMIT = 200
#: elements in "most connected" and bars in a chart
TOP = 20
#: snapshots whose changes the time series counts (each costs a read of its pages table);
#: older points show their page and relation counts only
CHANGES_SPAN = 90


def read_columns(snapshot: Path, table: str, columns: Sequence[str]) -> dict[str, list[Any]]:
    """The named columns of one table as Python lists; absent columns are all None."""
    file = Path(snapshot) / f"{table}.parquet"
    try:
        schema = pq.read_schema(file)
        present = [c for c in columns if c in schema.names]
        data = pq.read_table(file, columns=present)
    except (OSError, pa.ArrowException) as error:
        found = "none" if not file.exists() else f"{type(error).__name__}: {error}"
        raise OutputError(
            f"{file}: expected a readable Parquet table, found {found} "
            "(nora verify checks a snapshot)",
            file,
        ) from None
    rows = data.num_rows
    return {c: data.column(c).to_pylist() if c in present else [None] * rows for c in columns}


@dataclass(frozen=True, slots=True)
class Listing:
    """A list shown in the report: the first ``limit`` rows and the full count."""

    rows: tuple[tuple[Any, ...], ...]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.rows)


def _listing(rows: Iterable[tuple[Any, ...]], limit: int) -> Listing:
    kept: list[tuple[Any, ...]] = []
    total = 0
    for row in rows:
        total += 1
        if len(kept) < limit:
            kept.append(row)
    return Listing(tuple(kept), total)


@dataclass(frozen=True, slots=True)
class Glance:
    pages: int
    types: tuple[tuple[str, int], ...]  # (element type, pages), most first
    direct: int
    derived: int
    relation_names: tuple[tuple[str, int], ...]  # (relation, direct rows), most first
    connected: tuple[tuple[str, str, int], ...]  # (title, element type, degree)
    urls: dict[str, str]  # title -> page URL (http(s) only), for links
    types_of: dict[str, str]  # title -> element type


@dataclass(frozen=True, slots=True)
class Attention:
    red_links: Listing  # (title, relation, target)
    without_type: Listing  # (title,)
    without_relations: Listing  # (title, element type)
    warnings: Listing  # (title, "; ".join(warnings))
    checks: Listing | None  # (title, kind, detail, html_value, smw_value); None: no table


@dataclass(frozen=True, slots=True)
class Point:
    snapshot: str
    pages: int
    relations: int
    added: int | None  # None for the first snapshot: nothing to compare with
    removed: int | None
    changed: int | None


@dataclass(slots=True)
class Tables:
    """The columns the report needs from one snapshot, read once."""

    pages: dict[str, list[Any]] = field(default_factory=dict)
    relations: dict[str, list[Any]] = field(default_factory=dict)


def load(snapshot: Path) -> Tables:
    return Tables(
        read_columns(
            snapshot,
            "pages",
            ["title", "url", "element_type", "warnings", "is_redirect", "namespace"],
        ),
        read_columns(
            snapshot,
            "relations",
            ["title", "kind", "source", "relation", "target", "target_exists"],
        ),
    )


def _url(value: Any) -> str | None:
    text = str(value or "")
    return text if text.lower().startswith(("https://", "http://")) else None


def page_urls(snapshot: Path) -> dict[str, str]:
    """Title -> page URL (http(s) only) of one snapshot, for links."""
    columns = read_columns(snapshot, "pages", ["title", "url"])
    return {
        str(t): u for t, v in zip(columns["title"], columns["url"], strict=True) if (u := _url(v))
    }


def glance(tables: Tables, top: int = TOP) -> Glance:
    p, r = tables.pages, tables.relations
    types = Counter(str(t or "") for t in p["element_type"])
    direct_names: Counter[str] = Counter()
    degree: Counter[str] = Counter()
    direct = derived = 0
    for kind, source, relation, target in zip(
        r["kind"], r["source"], r["relation"], r["target"], strict=True
    ):
        if kind == "direct":
            direct += 1
            direct_names[relation] += 1
            degree[source] += 1
            if target != source:
                degree[target] += 1
        else:
            derived += 1
    types_of = {str(t): str(e or "") for t, e in zip(p["title"], p["element_type"], strict=True)}
    urls = {str(t): u for t, v in zip(p["title"], p["url"], strict=True) if (u := _url(v))}
    connected = sorted(
        ((t, types_of.get(t, ""), n) for t, n in degree.items() if t in types_of),
        key=lambda row: (-row[2], row[0]),
    )[:top]
    return Glance(
        pages=len(p["title"]),
        types=tuple(sorted(types.items(), key=lambda kv: (-kv[1], kv[0]))),
        direct=direct,
        derived=derived,
        relation_names=tuple(sorted(direct_names.items(), key=lambda kv: (-kv[1], kv[0]))),
        connected=tuple(connected),
        urls=urls,
        types_of=types_of,
    )


def needs_eye(snapshot: Path, tables: Tables, limit: int = LIMIT) -> Attention:
    p, r = tables.pages, tables.relations
    with_relations = set(r["title"]) | set(r["source"]) | set(r["target"])
    elements = [
        (str(t), str(e or ""))
        for t, e, redirect in zip(p["title"], p["element_type"], p["is_redirect"], strict=True)
        if not redirect
    ]
    red = (
        (t, rel, target)
        for t, kind, rel, target, exists in zip(
            r["title"], r["kind"], r["relation"], r["target"], r["target_exists"], strict=True
        )
        if kind == "direct" and exists is False
    )
    checks: Listing | None = None
    if (Path(snapshot) / "checks.parquet").is_file():
        columns = ["title", "kind", "detail", "html_value", "smw_value"]
        c = read_columns(snapshot, "checks", columns)
        checks = _listing(zip(*(c[name] for name in columns), strict=True), limit)
    return Attention(
        red_links=_listing(red, limit),
        without_type=_listing(((t,) for t, e in elements if not e), limit),
        without_relations=_listing(
            ((t, e) for t, e in elements if e and t not in with_relations), limit
        ),
        warnings=_listing(
            ((str(t), "; ".join(w)) for t, w in zip(p["title"], p["warnings"], strict=True) if w),
            limit,
        ),
        checks=checks,
    )


_NONE = (None, None, None)


def _rows(info: SnapshotInfo, table: str) -> int:
    tables = info.manifest.get("tables") or {}
    return int((tables.get(table) or {}).get("rows", 0))


def timeline(snapshots: Sequence[SnapshotInfo], span: int = CHANGES_SPAN) -> list[Point]:
    """One point per snapshot, oldest first. Changes compare each of the last ``span``
    with the one before."""
    points: list[Point] = []
    before: dict[str, str] | None = None
    first_read = max(0, len(snapshots) - span - 1)
    for index, info in enumerate(snapshots):
        if index < first_read:
            points.append(Point(info.id, _rows(info, "pages"), _rows(info, "relations"), *_NONE))
            continue
        columns = read_columns(info.path, "pages", ["title", "content_sha256"])
        now = dict(zip(columns["title"], columns["content_sha256"], strict=True))
        if before is None:
            added = removed = changed = None
        else:
            added = sum(1 for t in now if t not in before)
            removed = sum(1 for t in before if t not in now)
            changed = sum(1 for t, h in now.items() if t in before and before[t] != h)
        points.append(
            Point(info.id, _rows(info, "pages"), _rows(info, "relations"), added, removed, changed)
        )
        before = now
    return points
