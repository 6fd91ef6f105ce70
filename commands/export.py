"""``nora export [--data DIR] [--out DIR] [--crawl ID] [--workers N]``: re-parse the archive.

Never touches the network. Without ``--out`` the snapshot goes to
``DATA/snapshots/<new id>/`` and is published (``latest`` and the history
view); with ``--out`` it is written there and left alone. Holds the data
folder's lock, so a crawl or a prune cannot change the archive underneath
(all of it: ``scraper.snapshot.reexport``). The ``property_map`` of the config file (``--config``,
``$NORA_CONFIG``, ``./nora.toml``) overrides the label -> property mapping of the
checks, as for ``nora crawl``.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from commands.exits import ExitStatus, fail, usage
from commands.flags import crawl_number
from output.errors import OutputError
from output.terminal import say
from scraper.crawl.config import read_profile, read_property_map
from scraper.errors import ScraperError
from scraper.snapshot.reexport import reexport
from scraper.snapshot.reparse import default_workers


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="data", metavar="DIR", help="data folder (default: data)")
    parser.add_argument(
        "--out", metavar="DIR", help="snapshot folder to write (default: DATA/snapshots/<new id>)"
    )
    parser.add_argument(
        "--crawl",
        type=crawl_number,
        metavar="ID",
        help="crawl to export (default: the newest finished one)",
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
        return usage("export", f"{data_dir}: expected a data folder, found none")
    if args.workers is not None and args.workers < 1:
        return usage("export", f"expected --workers >= 1, found {args.workers}")
    try:
        property_map = read_property_map(args.config, os.environ)
        profile = read_profile(args.config, args.profile, os.environ)
        with _progress(not args.no_progress) as tick:
            done = reexport(
                data_dir,
                Path(args.out) if args.out else None,
                crawl_id=args.crawl,
                workers=args.workers,
                force=args.force,
                accept_shrink=args.accept_shrink,
                on_page=tick,
                property_map=property_map,
                profile=profile,
            )
    except (ScraperError, OutputError) as error:
        return fail("export", error)
    result, out, held = done.result, done.out, done.held
    tables = result.manifest["tables"]
    counts = ", ".join(f"{name} {info['rows']}" for name, info in tables.items())
    say(
        f"nora export: crawl {result.crawl.id}: {result.pages} pages ({counts}); "
        f"{result.with_warnings} with warnings, {len(result.unreadable)} unreadable -> {out}"
    )
    say(result.checks)
    if held and result.shrink is not None:
        say(
            f"nora export: NOT PUBLISHED: the snapshot would shrink the archive "
            f"({result.shrink.describe()}); it is kept in {out}, latest is unchanged. "
            "To publish it anyway: nora export --accept-shrink",
            file=sys.stderr,
        )
        return int(ExitStatus.HELD)
    problems = result.with_warnings + len(result.unreadable) + result.facts_unreadable
    return int(ExitStatus.PARTIAL if problems else ExitStatus.OK)
