"""``nora report``'s one self-contained HTML file: figures, changes, what needs a look.

The page needs no network and no JavaScript: CSS and the plots (inline SVG,
``output.charts``) are in the file, and a Content-Security-Policy forbids
scripts and every load, so a file opened by an auditor cannot call out even if
something slipped through. It should never have to: the template is rendered
by Jinja2 with autoescape on, so every title, value and text from the wiki is
HTML-escaped, and its bidi controls (``U+202E`` and the like, which would reorder
the text around them: ``abc\u202etxt.exe`` read as ``abcexe.txt``) are shown as
marks (``[U+202E]``, ``output.terminal.visible_bidi``); a link goes to the live wiki
only when the page's ``url`` is ``http(s)``. The figures come from
``output.overview``; the changes from ``output.diff`` (the same tables ``nora diff``
writes).
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup

from output import charts
from output.diff import ADDED, CHANGED, REMOVED, diff_snapshots, load_snapshot
from output.errors import ReportError
from output.history import SnapshotInfo
from output.manifest import tool_version
from output.overview import (
    LIMIT,
    TOP,
    Point,
    glance,
    load,
    needs_eye,
    page_urls,
    read_columns,
    timeline,
)
from output.terminal import visible_bidi

TEMPLATES = Path(__file__).resolve().parent / "templates"
#: changed pages whose property and relation changes are listed
CHANGED_PAGES = LIMIT


@dataclass(slots=True)
class PageChanges:
    title: str
    element_type: str
    change: str | None  # added / removed / changed (content hash), None: only values moved
    props: list[dict[str, Any]] = field(default_factory=list)
    rels: list[dict[str, Any]] = field(default_factory=list)


@dataclass(slots=True)
class Changes:
    old: str
    added: list[str]
    removed: list[str]
    changed_total: int
    property_count: int
    relation_count: int
    pages: list[PageChanges]
    more_pages: int


def changes_between(
    old: Path, new: Path, limit: int = CHANGED_PAGES
) -> tuple[Changes, dict[str, str]]:
    """What changed from ``old`` to ``new``, grouped per page, and the old pages' URLs.

    Only pages whose content hash differs (or that are in one snapshot only) are
    diffed: the hash covers a page's values and relations, so the others cannot
    have changed. That keeps a 20,000-page diff to the few hundred that did.
    """
    titles = sorted(_differing(old, new))
    result = diff_snapshots(load_snapshot(old, titles), load_snapshot(new, titles))
    page_rows = result.tables["page_changes"]
    per_page: dict[str, PageChanges] = {}
    for row in page_rows:
        per_page[row["title"]] = PageChanges(row["title"], row["element_type"], row["change"])
    for table, attr in (("property_changes", "props"), ("relation_changes", "rels")):
        for row in result.tables[table]:
            title = row["title"]
            if title not in per_page:
                per_page[title] = PageChanges(title, result.elements.get(title, ""), None)
            getattr(per_page[title], attr).append(row)
    with_values = [
        item
        for _title, item in sorted(per_page.items())
        if item.change != REMOVED and (item.props or item.rels or item.change == CHANGED)
    ]
    old_urls = page_urls(old)
    changes = Changes(
        old=Path(old).name,
        added=sorted(r["title"] for r in page_rows if r["change"] == ADDED),
        removed=sorted(r["title"] for r in page_rows if r["change"] == REMOVED),
        changed_total=sum(1 for r in page_rows if r["change"] == CHANGED),
        property_count=len(result.tables["property_changes"]),
        relation_count=len(result.tables["relation_changes"]),
        pages=with_values[:limit],
        more_pages=max(0, len(with_values) - limit),
    )
    return changes, old_urls


def _differing(old: Path, new: Path) -> set[str]:
    a = read_columns(old, "pages", ["title", "content_sha256"])
    b = read_columns(new, "pages", ["title", "content_sha256"])
    before = dict(zip(a["title"], a["content_sha256"], strict=True))
    after = dict(zip(b["title"], b["content_sha256"], strict=True))
    return {str(t) for t in before.keys() | after.keys() if before.get(t) != after.get(t)}


def _history_chart(points: Sequence[Point]) -> str:
    if len(points) < 2:
        return ""
    return charts.series(
        [p.snapshot for p in points],
        {"pages": [p.pages for p in points], "relations": [p.relations for p in points]},
        {
            "added": [p.added or 0 for p in points],
            "removed": [p.removed or 0 for p in points],
            "changed": [p.changed or 0 for p in points],
        },
        "Pages and relations per snapshot; pages changed per snapshot",
    )


def render_report(
    snapshot: Path,
    manifest: dict[str, Any],
    *,
    against: Path | None,
    history: Sequence[SnapshotInfo],
    now: datetime | None = None,
) -> str:
    """The report's HTML for ``snapshot`` (changes since ``against``, when given)."""
    snapshot = Path(snapshot)
    tables = load(snapshot)
    overview = glance(tables)
    attention = needs_eye(snapshot, tables)
    urls = dict(overview.urls)
    changes: Changes | None = None
    if against is not None:
        changes, old_urls = changes_between(against, snapshot)
        urls = {**old_urls, **urls}
    points = timeline(history)
    extra = manifest.get("extra") or {}
    rows = manifest.get("tables") or {}
    context = {
        "version": tool_version(),
        "snapshot": snapshot.name,
        "created_at": str(manifest.get("created_at") or ""),
        "site": str(extra.get("site") or ""),
        "written_at": (now or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "glance": overview,
        "counts": [(name, int((info or {}).get("rows", 0))) for name, info in rows.items()],
        "attention": attention,
        "changes": changes,
        "history": points,
        "urls": urls,
        "limit": LIMIT,
        "charts": {
            "types": charts.bars(overview.types[:TOP]),
            "relations": charts.bars(overview.relation_names[:TOP], colour="#2f855a"),
            "history": _history_chart(points),
        },
    }
    environment = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        finalize=_shown,
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    return environment.get_template("report.html.j2").render(context)


def _shown(value: object) -> object:
    """Every ``{{ }}`` of the template before it is escaped: bidi controls as marks (the
    charts' SVG too, whose labels are titles)."""
    if isinstance(value, Markup):
        return Markup(visible_bidi(str(value)))  # the marks hold no markup
    if isinstance(value, str):
        return visible_bidi(value)
    return value


def write_report(html: str, out: Path, *, force: bool) -> None:
    """Write ``html`` to ``out`` atomically (beside it, then renamed)."""
    out = Path(out)
    if out.suffix.lower() not in (".html", ".htm"):
        raise ReportError(f"{out}: expected a file name ending in .html, found {out.name}", out)
    if out.exists() and not force:
        raise ReportError(f"{out}: expected a new file, found one already there (use --force)", out)
    if not out.parent.is_dir():
        raise ReportError(f"{out.parent}: expected a folder for the report, found none", out)
    temp = out.with_name(f".{out.name}.{uuid.uuid4().hex}")
    try:
        with temp.open("w", encoding="utf-8", newline="\n") as handle:
            handle.write(html)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, out)
    finally:
        temp.unlink(missing_ok=True)
