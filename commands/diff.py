"""``nora diff [OLD NEW] [--data DIR] [--out DIR]``: what changed between two snapshots.

OLD and NEW are snapshot folders, or snapshot ids (or ``latest``) under
``DATA/snapshots``; without them the two newest complete snapshots are
compared. Both are pinned while they are read, so ``nora prune`` leaves them
alone. The tables go to ``DATA/diffs/<OLD>__<NEW>/`` unless ``--out`` says
otherwise; a summary goes to standard output.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import sys
from collections import defaultdict
from collections.abc import Iterator, Mapping
from pathlib import Path

from output.diff import (
    CHANGED,
    DiffError,
    DiffResult,
    diff_snapshots,
    load_snapshot,
    write_diff,
)
from output.history import (
    list_snapshots,
    pin_snapshot,
    read_complete_manifest,
    snapshots_dir,
)
from output.status import ExitStatus

log = logging.getLogger(__name__)

DIFFS_DIR = "diffs"


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "old", nargs="?", metavar="OLD", help="older snapshot: folder, id or 'latest'"
    )
    parser.add_argument(
        "new", nargs="?", metavar="NEW", help="newer snapshot: folder, id or 'latest'"
    )
    parser.add_argument("--data", default="data", metavar="DIR", help="data folder (default: data)")
    parser.add_argument(
        "--out", metavar="DIR", help="folder for the diff tables (default: DATA/diffs/OLD__NEW)"
    )
    parser.add_argument(
        "--limit",
        type=int,
        default=20,
        metavar="N",
        help="changes listed in the summary (default 20)",
    )


class UsageError(Exception):
    """The command line names no usable pair of snapshots."""


def resolve_snapshot(data_dir: Path, name: str) -> Path:
    """A snapshot folder from a path, an id under DATA/snapshots, or ``latest``."""
    direct = Path(name)
    if direct.is_dir():
        return direct.resolve()
    candidate = snapshots_dir(data_dir) / name
    if candidate.is_dir():
        return candidate.resolve()
    raise UsageError(
        f"{name}: expected a snapshot folder or an id in {snapshots_dir(data_dir)}, found none"
    )


def choose_pair(data_dir: Path, old: str | None, new: str | None) -> tuple[Path, Path]:
    if (old is None) != (new is None):
        raise UsageError("expected OLD and NEW together (or neither), found only one")
    if old is not None and new is not None:
        return resolve_snapshot(data_dir, old), resolve_snapshot(data_dir, new)
    found = list_snapshots(data_dir)
    if len(found) < 2:
        raise UsageError(
            f"{snapshots_dir(data_dir)}: expected two complete snapshots to compare, "
            f"found {len(found)}"
        )
    return found[-2].path, found[-1].path


def run(args: argparse.Namespace) -> int:
    data_dir = Path(args.data)
    try:
        old_path, new_path = choose_pair(data_dir, args.old, args.new)
    except UsageError as error:
        print(f"nora diff: {error}", file=sys.stderr)
        return int(ExitStatus.USAGE)
    out = Path(args.out) if args.out else data_dir / DIFFS_DIR / f"{old_path.name}__{new_path.name}"
    with contextlib.ExitStack() as stack:
        for path in (old_path, new_path):
            stack.enter_context(pin_snapshot(path))
        # checked after pinning: a prune that ran just before is now visible
        for path in (old_path, new_path):
            if read_complete_manifest(path) is None:
                print(
                    f"nora diff: {path}: expected a complete snapshot, found none or incomplete",
                    file=sys.stderr,
                )
                return int(ExitStatus.USAGE)
        try:
            old_view, new_view = load_snapshot(old_path), load_snapshot(new_path)
        except (DiffError, OSError) as error:
            print(f"nora diff: {error}", file=sys.stderr)
            return int(ExitStatus.USAGE)
    result = diff_snapshots(old_view, new_view)
    counts = result.counts()
    try:
        write_diff(
            result,
            out,
            inputs=[str(old_path), str(new_path)],
            extra={"old": old_path.name, "new": new_path.name, "counts": counts},
        )
    except (DiffError, OSError) as error:
        print(f"nora diff: could not write {out}: {error}", file=sys.stderr)
        return int(ExitStatus.USAGE)
    for line in summary_lines(result, result.elements, limit=args.limit):
        print(line)
    print(f"tables: {out}")
    return int(ExitStatus.OK)


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
