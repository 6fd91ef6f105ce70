"""``nora graph [SNAPSHOT] --out FILE.ttl|FILE.nt [--data DIR] [--format F] [--base URL]``.

The snapshot (default: ``latest``; a folder, an id under ``DATA/snapshots``)
as RDF, Turtle or N-Triples by the file name (or ``--format``), with IRIs from
the wiki's page URLs: ``output.graph``, vocabulary in ``docs/GRAPH.md``.
Never touches the network.

Exit statuses: 0 written; 2 no such snapshot, a bad ``--out`` or ``--base``, or
``--out`` exists (without ``--force``).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from commands.diff import UsageError, resolve_snapshot
from output.errors import ExportError
from output.graph import FORMATS, write_graph
from output.history import latest_snapshot, pin_snapshot, read_complete_manifest, snapshots_dir
from output.status import ExitStatus


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "snapshot", nargs="?", metavar="SNAPSHOT", help="snapshot folder or id (default: latest)"
    )
    parser.add_argument("--data", default="data", metavar="DIR", help="data folder (default: data)")
    parser.add_argument("--out", required=True, metavar="FILE", help="graph file (.ttl or .nt)")
    parser.add_argument("--format", choices=sorted(FORMATS), help="override the file name's")
    parser.add_argument(
        "--base", metavar="URL", help="article URL prefix for IRIs (default: read off the pages)"
    )
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")


def _fail(message: str) -> int:
    print(f"nora graph: {message}", file=sys.stderr)
    return int(ExitStatus.USAGE)


def run(args: argparse.Namespace) -> int:
    data_dir = Path(args.data)
    try:
        if args.snapshot is not None:
            snapshot: Path | None = resolve_snapshot(data_dir, str(args.snapshot))
        else:
            snapshot = latest_snapshot(data_dir)
    except UsageError as error:
        return _fail(str(error))
    if snapshot is None:
        return _fail(f"{snapshots_dir(data_dir)}/latest: expected a snapshot, found none")
    started = time.perf_counter()
    with pin_snapshot(snapshot):
        manifest = read_complete_manifest(snapshot)
        if manifest is None:
            return _fail(f"{snapshot}: expected a complete snapshot, found none or incomplete")
        try:
            result = write_graph(
                snapshot,
                Path(args.out),
                manifest=manifest,
                fmt=args.format,
                base=args.base,
                force=args.force,
            )
        except (ExportError, OSError) as error:
            return _fail(str(error))
    print(
        f"nora graph: {snapshot.name}: {result.triples} triples ({result.format}, IRIs under "
        f"{result.base}) -> {result.out} ({time.perf_counter() - started:.1f}s)"
    )
    return int(ExitStatus.OK)
