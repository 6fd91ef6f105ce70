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
import sys
import time
from pathlib import Path

import pyarrow as pa

from commands.diff import UsageError, resolve_snapshot
from output.diff import DiffError
from output.errors import ExportError
from output.history import (
    SnapshotInfo,
    latest_snapshot,
    list_snapshots,
    pin_snapshot,
    read_complete_manifest,
    snapshots_dir,
)
from output.report import render_report, write_report
from output.status import ExitStatus


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


def _fail(message: str) -> int:
    print(f"nora report: {message}", file=sys.stderr)
    return int(ExitStatus.USAGE)


def _choose(
    data_dir: Path, snapshot: str | None, against: str | None
) -> tuple[Path, Path | None, list[SnapshotInfo]]:
    """The snapshot, the one to compare it with, and the history up to it."""
    if snapshot is None:
        path = latest_snapshot(data_dir)
        if path is None:
            raise UsageError(f"{snapshots_dir(data_dir)}/latest: expected a snapshot, found none")
    else:
        path = resolve_snapshot(data_dir, snapshot)
    known = list_snapshots(data_dir)
    ids = [info.path.resolve() for info in known]
    if path.resolve() in ids:
        history = known[: ids.index(path.resolve()) + 1]
    else:
        manifest = read_complete_manifest(path) or {}
        history = [SnapshotInfo(path.name, path, manifest)]
    if against is not None:
        old: Path | None = resolve_snapshot(data_dir, against)
    else:
        old = history[-2].path if len(history) >= 2 else None
    return path, old, history


def run(args: argparse.Namespace) -> int:
    data_dir = Path(args.data)
    started = time.perf_counter()
    try:
        snapshot, old, history = _choose(data_dir, args.snapshot, args.against)
    except UsageError as error:
        return _fail(str(error))
    with contextlib.ExitStack() as stack:
        for path in (snapshot, old):
            if path is not None:
                stack.enter_context(pin_snapshot(path))
        manifest = read_complete_manifest(snapshot)
        if manifest is None:
            return _fail(f"{snapshot}: expected a complete snapshot, found none or incomplete")
        if old is not None and read_complete_manifest(old) is None:
            return _fail(f"{old}: expected a complete snapshot, found none or incomplete")
        try:
            html = render_report(snapshot, manifest, against=old, history=history)
            write_report(html, Path(args.out), force=args.force)
        except (ExportError, DiffError, OSError) as error:
            return _fail(str(error))
        except pa.ArrowException as error:  # a damaged table the readers did not name
            return _fail(f"expected readable Parquet tables, found {error} (run nora verify)")
    compared = f" against {old.name}" if old is not None else ""
    print(
        f"nora report: {snapshot.name}{compared}, {len(history)} snapshots of history -> "
        f"{args.out} ({len(html) / 1e6:.1f} MB, {time.perf_counter() - started:.1f}s)"
    )
    return int(ExitStatus.OK)
