"""``nora report [SNAPSHOT] [--against OLD] --out FILE.html [--data DIR] [--force]``.

One self-contained HTML file (``output.report``): the wiki at a glance, what
changed since the snapshot before it (or ``--against OLD``), what needs an
editor's eye, and the history as a small time series. SNAPSHOT and OLD are
folders, ids under ``DATA/snapshots`` or ``latest``; the default SNAPSHOT is
``latest`` and the default OLD the complete snapshot just before SNAPSHOT in
``DATA/snapshots``. Both are pinned while they are read. Never touches the network.

Exit statuses: 0 written; 2 no such snapshot, a bad or existing ``--out``
(without ``--force``).
"""

from __future__ import annotations

import argparse
import contextlib
import time
from pathlib import Path

import pyarrow as pa

from commands.exits import ExitStatus, fail, usage
from output.errors import OutputError
from output.history import pin_snapshot
from output.report import render_report, write_report
from output.selection import choose_report, require_complete
from output.terminal import say


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "snapshot", nargs="?", metavar="SNAPSHOT", help="snapshot folder or id (default: latest)"
    )
    parser.add_argument("--data", default="data", metavar="DIR", help="data folder (default: data)")
    parser.add_argument(
        "--against", metavar="OLD", help="compare with this snapshot (default: the one before)"
    )
    parser.add_argument("--out", required=True, metavar="FILE.html", help="the report to write")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")


def run(args: argparse.Namespace) -> int:
    data_dir = Path(args.data)
    started = time.perf_counter()
    try:
        snapshot, old, history = choose_report(data_dir, args.snapshot, args.against)
    except OutputError as error:
        return fail("report", error)
    with contextlib.ExitStack() as stack:
        for path in (snapshot, old):
            if path is not None:
                stack.enter_context(pin_snapshot(path))
        try:
            manifest = require_complete(snapshot)
            if old is not None:
                require_complete(old)
            html = render_report(snapshot, manifest, against=old, history=history)
            write_report(html, Path(args.out), force=args.force)
        except (OutputError, OSError) as error:
            return fail("report", error)
        except pa.ArrowException as error:  # a damaged table the readers did not name
            return usage(
                "report", f"expected readable Parquet tables, found {error} (run nora verify)"
            )
    compared = f" against {old.name}" if old is not None else ""
    say(
        f"nora report: {snapshot.name}{compared}, {len(history)} snapshots of history -> "
        f"{args.out} ({len(html) / 1e6:.1f} MB, {time.perf_counter() - started:.1f}s)"
    )
    return int(ExitStatus.OK)
