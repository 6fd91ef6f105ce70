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
from pathlib import Path

from commands.exits import ExitStatus, fail
from output.diff import diff_snapshots, load_snapshot, write_diff
from output.errors import OutputError
from output.history import pin_snapshot
from output.selection import choose_pair, diff_folder, require_complete
from output.summary import summary_lines
from output.terminal import say


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


def run(args: argparse.Namespace) -> int:
    data_dir = Path(args.data)
    try:
        old_path, new_path = choose_pair(data_dir, args.old, args.new)
    except OutputError as error:
        return fail("diff", error)
    out = Path(args.out) if args.out else diff_folder(data_dir, old_path, new_path)
    with contextlib.ExitStack() as stack:
        for path in (old_path, new_path):
            stack.enter_context(pin_snapshot(path))
        # checked after pinning: a prune that ran just before is now visible
        try:
            for path in (old_path, new_path):
                require_complete(path)
            old_view, new_view = load_snapshot(old_path), load_snapshot(new_path)
        except (OutputError, OSError) as error:
            return fail("diff", error)
    result = diff_snapshots(old_view, new_view)
    counts = result.counts()
    try:
        write_diff(
            result,
            out,
            inputs=[str(old_path), str(new_path)],
            extra={"old": old_path.name, "new": new_path.name, "counts": counts},
        )
    except (OutputError, OSError) as error:
        return fail("diff", error, prefix=f"could not write {out}: ")
    for line in summary_lines(result, result.elements, limit=args.limit):
        say(line)
    say(f"tables: {out}")
    return int(ExitStatus.OK)
