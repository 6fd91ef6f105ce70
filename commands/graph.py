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
import time
from pathlib import Path

from commands.exits import ExitStatus, fail
from output.errors import OutputError
from output.graph import FORMATS, write_graph
from output.history import pin_snapshot
from output.selection import require_complete, snapshot_or_latest
from output.terminal import say


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


def run(args: argparse.Namespace) -> int:
    try:
        snapshot = snapshot_or_latest(Path(args.data), args.snapshot)
    except OutputError as error:
        return fail("graph", error)
    started = time.perf_counter()
    with pin_snapshot(snapshot):
        try:
            result = write_graph(
                snapshot,
                Path(args.out),
                manifest=require_complete(snapshot),
                fmt=args.format,
                base=args.base,
                force=args.force,
            )
        except (OutputError, OSError) as error:
            return fail("graph", error)
    say(
        f"nora graph: {snapshot.name}: {result.triples} triples ({result.format}, IRIs under "
        f"{result.base}) -> {result.out} ({time.perf_counter() - started:.1f}s)"
    )
    return int(ExitStatus.OK)
