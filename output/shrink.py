"""The shrink guard: a snapshot that would lose much of the archive is held, not published.

A site that moves its article path, a listing that comes back short, a layout
change the parsers do not know: each can turn a nightly run into a snapshot with
a fraction of the pages, or with an empty table, that would then become
``latest`` and, after ``nora prune``, the only snapshot left. So before a new
snapshot is published it is compared with the one ``latest`` points at:

- it *shrinks* when it has lost more than ``max_share`` (default 10%) of the
  previous snapshot's pages, or when a table that had rows has none (``checks``
  emptying is good news, and ``facts`` may empty when a crawl runs without them:
  those are ``may_empty``);
- a shrinking snapshot is still written (complete, verifiable, diffable), but
  its manifest says ``extra.shrink.held: true`` and it is not published:
  ``latest`` and the history view stay as they were, ``nora prune`` does not
  count it as a good snapshot, and the command exits HELD (6) saying what
  shrank;
- ``--accept-shrink`` publishes it anyway (``held: false``, the comparison
  still recorded in the manifest).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

#: share of the previous snapshot's pages a new one may lose and still be published
DEFAULT_MAX_SHRINK = 0.10
#: tables that may go from rows to none without holding the snapshot
MAY_EMPTY: tuple[str, ...] = ("checks",)


@dataclass(frozen=True, slots=True)
class Shrink:
    """How a new snapshot compares with the previous one, when it shrank."""

    previous: str  # the previous snapshot's id
    pages_before: int
    pages_after: int
    max_share: float
    emptied: tuple[str, ...]  # tables that had rows and have none
    held: bool  # not published (no --accept-shrink)

    @property
    def lost_share(self) -> float:
        if self.pages_before <= 0:
            return 0.0
        return max(0, self.pages_before - self.pages_after) / self.pages_before

    def describe(self) -> str:
        parts = []
        if self.lost_share > self.max_share:
            parts.append(
                f"{self.pages_before - self.pages_after} of {self.pages_before} pages lost "
                f"({self.lost_share:.0%}, more than the {self.max_share:.0%} allowed)"
            )
        if self.emptied:
            parts.append(f"table(s) emptied: {', '.join(self.emptied)}")
        return f"compared with snapshot {self.previous}: " + "; ".join(parts)

    def as_manifest(self) -> dict[str, Any]:
        return {
            "previous": self.previous,
            "pages_before": self.pages_before,
            "pages_after": self.pages_after,
            "lost_share": round(self.lost_share, 4),
            "max_share": self.max_share,
            "emptied": list(self.emptied),
            "held": self.held,
        }


def _rows(manifest: Mapping[str, Any]) -> dict[str, int]:
    tables = manifest.get("tables")
    if not isinstance(tables, dict):
        return {}
    out: dict[str, int] = {}
    for name, entry in tables.items():
        if isinstance(entry, dict) and isinstance(entry.get("rows"), int):
            out[str(name)] = int(entry["rows"])
    return out


def compare(
    previous_id: str,
    previous: Mapping[str, Any],
    rows: Mapping[str, int],
    *,
    max_share: float = DEFAULT_MAX_SHRINK,
    accept: bool = False,
    may_empty: Iterable[str] = MAY_EMPTY,
) -> Shrink | None:
    """The shrink of a snapshot with ``rows`` per table against ``previous`` (a manifest).

    None when it did not shrink: at most ``max_share`` of the pages lost and no
    table emptied.
    """
    before = _rows(previous)
    pages_before, pages_after = before.get("pages", 0), rows.get("pages", 0)
    allowed = set(may_empty)
    emptied = tuple(
        sorted(
            name
            for name, count in before.items()
            if count > 0 and rows.get(name, 0) == 0 and name not in allowed
        )
    )
    lost = max(0, pages_before - pages_after) / pages_before if pages_before else 0.0
    if lost <= max_share and not emptied:
        return None
    return Shrink(previous_id, pages_before, pages_after, max_share, emptied, held=not accept)


def is_held(manifest: Mapping[str, Any]) -> bool:
    """True for a snapshot the shrink guard kept from being published."""
    extra = manifest.get("extra")
    shrink = extra.get("shrink") if isinstance(extra, dict) else None
    return isinstance(shrink, dict) and shrink.get("held") is True
