"""``nora prune --keep N [--data DIR] [--dry-run]``: retention for snapshots and WARC files.

Keeps the N newest snapshots (and always ``latest``, and any snapshot a
running ``nora diff`` is reading), removes the rest from ``DATA/snapshots``
and the history view, then removes WARC files no kept crawl needs (see
``scraper.archive.prune``). Prints what it freed. Holds the data folder's lock.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from commands.exits import ExitStatus, fail, usage
from output.errors import OutputError
from output.terminal import say
from scraper.archive.prune import prune_locked
from scraper.errors import ScraperError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--keep",
        type=int,
        required=True,
        metavar="N",
        help="snapshots to keep (newest first, N >= 1)",
    )
    parser.add_argument("--data", default="data", metavar="DIR", help="data folder (default: data)")
    parser.add_argument("--dry-run", action="store_true", help="say what would go, remove nothing")


def human_bytes(count: int) -> str:
    size = float(count)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    raise AssertionError("unreachable")


def run(args: argparse.Namespace) -> int:
    data_dir = Path(args.data)
    if args.keep < 1:
        return usage("prune", f"expected --keep of at least 1, found {args.keep}")
    if not data_dir.is_dir():
        return usage("prune", f"{data_dir}: expected a data folder, found none")
    try:
        plan, result = prune_locked(data_dir, args.keep, dry_run=args.dry_run)
    except (ScraperError, OutputError) as error:
        return fail("prune", error)
    verb = "would remove" if args.dry_run else "removed"
    say(
        f"nora prune: {verb} {len(result.removed)} snapshot(s)"
        f" ({human_bytes(result.snapshot_bytes)})"
        f" and {len(result.removed_warc)} WARC file(s) ({human_bytes(result.warc_bytes)});"
        f" freed {human_bytes(result.snapshot_bytes + result.warc_bytes)}"
        f"{' (dry run)' if args.dry_run else ''}"
    )
    for snapshot_id in result.removed:
        say(f"  snapshot {snapshot_id}")
    for name in result.removed_warc:
        say(f"  warc {name}")
    if result.fetch_rows or result.listing_rows:
        say(
            f"  state: {result.fetch_rows} fetch rows, {result.listing_rows} listing rows forgotten"
        )
    kept = ", ".join(s.id for s in plan.keep) or "none"
    say(f"kept {len(plan.keep)} snapshot(s): {kept}; {len(plan.keep_warc)} WARC file(s)")
    if result.warc_pinned:
        say("kept every WARC file (being read by nora package): run prune again later")
    if result.pinned:
        say(f"kept (being read by a diff): {', '.join(result.pinned)}")
    return int(ExitStatus.OK)
