"""A diff in a few human lines, for the terminal: counts per table, then the first changes.

``nora diff`` prints them after writing the tables (``output.diff``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Mapping

from output.diff import CHANGED, DiffResult

_LABELS = {
    "page_changes": "pages",
    "property_changes": "property values",
    "relation_changes": "relations",
}


def summary_lines(result: DiffResult, elements: Mapping[str, str], limit: int = 20) -> list[str]:
    """A few human lines: counts per table, then the first ``limit`` changes.

    ``elements`` maps titles to element types, so a line reads
    "Kwaliteitsdoel Betrouwbaar (Doel): property Stelling changed".
    """
    counts = result.counts()
    lines = [f"diff {result.old.name} -> {result.new.name}"]
    for name, by_change in counts.items():
        parts = ", ".join(f"{count} {change}" for change, count in by_change.items())
        lines.append(f"  {_LABELS[name]}: {parts}")
    details = list(_change_lines(result, elements))
    if details:
        lines.append("first changes:")
        lines.extend(f"  {line}" for line in details[:limit])
        if len(details) > limit:
            lines.append(f"  ... and {len(details) - limit} more")
    else:
        lines.append("no changes")
    return lines


def _label(title: str, elements: Mapping[str, str]) -> str:
    element = elements.get(title, "")
    return f"{element} {title}" if element and not title.startswith(element) else title


def _change_lines(result: DiffResult, elements: Mapping[str, str]) -> Iterator[str]:
    """Per page (title order): the page change, then its property and relation changes."""
    per_title: dict[str, list[str]] = defaultdict(list)
    for row in result.tables["page_changes"]:
        per_title[row["title"]].append(f"page {row['change']}")
    skip = {row["title"] for row in result.tables["page_changes"] if row["change"] != CHANGED}
    for row in result.tables["property_changes"]:
        if row["title"] not in skip:  # a whole page added/removed is one line
            per_title[row["title"]].append(f"property {row['property']} {row['change']}")
    for row in result.tables["relation_changes"]:
        if row["title"] not in skip:
            # a derived row's source is the other page: name both ends
            ends = f"{row['source']} {row['relation']} -> {row['target']}"
            per_title[row["title"]].append(f"{row['kind']} relation {ends} {row['change']}")
    for title in sorted(per_title):
        for text in per_title[title]:
            yield f"{_label(title, elements)}: {text}"
