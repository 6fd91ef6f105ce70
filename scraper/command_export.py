"""``nora export [--data DIR] [--out DIR] [--crawl ID] [--workers N]``: re-parse the archive.

Never touches the network. Without ``--out`` the snapshot goes to
``DATA/snapshots/<new id>/`` and is published (``latest`` and the history
view); with ``--out`` it is written there and left alone. Holds the data
folder's lock, so a crawl or a prune cannot change the archive underneath.
Before it exports, relation targets that another parser version computed are
recomputed from the archive (``scraper.targets``), so the next crawl plans with
what this parser reads. The ``property_map`` of the config file (``--config``,
``$NORA_CONFIG``, ``./nora.toml``) overrides the label -> property mapping of the
checks, as for ``nora crawl``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

from output.errors import ExportError as OutputError
from output.history import new_snapshot_dir, publish, shrink_against_latest
from output.shrink import DEFAULT_MAX_SHRINK, Shrink
from output.status import ExitStatus
from scraper.config import ConfigError, read_profile, read_property_map
from scraper.export import STATE_NAME, WARC_DIR, ExportError, default_workers, export_crawl
from scraper.lock import DataFolderError, DataLock, LockedError
from scraper.state import State, StateError
from scraper.targets import refresh_targets


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="data", metavar="DIR", help="data folder (default: data)")
    parser.add_argument(
        "--out", metavar="DIR", help="snapshot folder to write (default: DATA/snapshots/<new id>)"
    )
    parser.add_argument(
        "--crawl", type=int, metavar="ID", help="crawl to export (default: the newest finished one)"
    )
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help=f"parser processes (default: the CPUs available, here {default_workers()})",
    )
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")
    parser.add_argument(
        "--accept-shrink",
        action="store_true",
        help="publish even if the snapshot has 10%% fewer pages than latest or empties a table",
    )
    parser.add_argument(
        "--config",
        help="TOML config file for property_map (default $NORA_CONFIG, else ./nora.toml)",
    )
    parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    parser.add_argument(
        "--profile", metavar="FILE", help="TOML profile of the wiki's labels (default: config's)"
    )


@contextlib.contextmanager
def _progress(enabled: bool) -> Iterator[Callable[[], None] | None]:
    """A page counter on a terminal (pages/s and count; the total is not known up front)."""
    if not (enabled and sys.stderr.isatty()):
        yield None
        return
    from tqdm import tqdm

    with tqdm(unit="page", file=sys.stderr, leave=False) as bar:
        yield lambda: bar.update(1)


def run(args: argparse.Namespace) -> int:
    data_dir = Path(args.data)
    if not data_dir.is_dir():
        print(f"nora export: {data_dir}: expected a data folder, found none", file=sys.stderr)
        return int(ExitStatus.USAGE)
    if args.workers is not None and args.workers < 1:
        print(f"nora export: expected --workers >= 1, found {args.workers}", file=sys.stderr)
        return int(ExitStatus.USAGE)
    try:
        property_map = read_property_map(args.config, os.environ)
        profile = read_profile(args.config, args.profile, os.environ)
    except ConfigError as error:
        print(f"nora export: {error}", file=sys.stderr)
        return int(ExitStatus.USAGE)
    try:
        with DataLock(data_dir, "export"):
            if (data_dir / STATE_NAME).is_file():
                with State.open(data_dir / STATE_NAME) as state:
                    refresh_targets(state, data_dir / WARC_DIR)
            out = Path(args.out) if args.out else new_snapshot_dir(data_dir, datetime.now(UTC))
            guard = None
            if not args.out:  # only a snapshot to be published is compared with latest

                def guard(rows: Mapping[str, int]) -> Shrink | None:
                    return shrink_against_latest(
                        data_dir, rows, max_share=DEFAULT_MAX_SHRINK, accept=args.accept_shrink
                    )

            with _progress(not args.no_progress) as tick:
                result = export_crawl(
                    data_dir,
                    out,
                    crawl_id=args.crawl,
                    workers=args.workers,
                    force=args.force,
                    on_page=tick,
                    guard=guard,
                    property_map=property_map,
                    profile=profile,
                )
            held = result.shrink is not None and result.shrink.held
            if not args.out and not held:
                publish(data_dir, out)
    except LockedError as error:
        print(f"nora export: {error}", file=sys.stderr)
        return int(ExitStatus.LOCKED)
    except DataFolderError as error:
        print(f"nora export: {error}", file=sys.stderr)
        return int(ExitStatus.USAGE)
    except (ExportError, OutputError, StateError) as error:
        print(f"nora export: {error}", file=sys.stderr)
        return int(ExitStatus.USAGE)
    tables = result.manifest["tables"]
    counts = ", ".join(f"{name} {info['rows']}" for name, info in tables.items())
    print(
        f"nora export: crawl {result.crawl.id}: {result.pages} pages ({counts}); "
        f"{result.with_warnings} with warnings, {len(result.unreadable)} unreadable -> {out}"
    )
    print(result.checks)
    if held and result.shrink is not None:
        print(
            f"nora export: NOT PUBLISHED: the snapshot would shrink the archive "
            f"({result.shrink.describe()}); it is kept in {out}, latest is unchanged. "
            "To publish it anyway: nora export --accept-shrink",
            file=sys.stderr,
        )
        return int(ExitStatus.HELD)
    problems = result.with_warnings + len(result.unreadable)
    return int(ExitStatus.PARTIAL if problems else ExitStatus.OK)
