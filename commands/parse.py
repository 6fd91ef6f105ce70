"""``nora parse PATH... --out DIR``: saved HTML pages to a snapshot, no network.

Every page is exported, even one the parser warns about; the exit status is
PARTIAL when any page carried a warning, so scripts notice damaged input. Only
regular files are read, up to 32 MiB each (``output.inputs.read_page``); a FIFO,
a device or a file over the cap is skipped with a warning (PARTIAL too).
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Iterable

from commands.exits import ExitStatus, fail
from output.errors import OutputError
from output.inputs import InputFile, find_html_files
from output.saved import snapshot_saved
from output.terminal import say
from scraper.crawl.config import read_profile
from scraper.errors import ScraperError

#: show a progress bar (on a terminal) from this many input files on
PROGRESS_MIN_FILES = 50


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "paths", nargs="+", metavar="PATH", help="HTML files, or folders searched for .html/.htm"
    )
    parser.add_argument(
        "--out", required=True, metavar="DIR", help="snapshot folder to create (must not exist)"
    )
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace DIR if it exists (only once the new one is whole)",
    )
    parser.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    parser.add_argument(
        "--profile", metavar="FILE", help="TOML profile of the wiki's labels (default: NORA Online)"
    )
    parser.add_argument(
        "--config", metavar="FILE", help="TOML config whose profile to use (or $NORA_CONFIG)"
    )


def _progress(files: list[InputFile], enabled: bool) -> Iterable[InputFile]:
    if not (enabled and len(files) >= PROGRESS_MIN_FILES and sys.stderr.isatty()):
        return files
    from tqdm import tqdm

    return tqdm(files, unit="page", file=sys.stderr, leave=False)  # type: ignore[no-any-return]


def run(args: argparse.Namespace) -> int:
    try:
        profile = read_profile(args.config, args.profile, os.environ)
    except ScraperError as error:
        return fail("parse", error)
    try:
        files = find_html_files(args.paths)
    except OutputError as error:
        return fail("parse", error)
    try:
        done = snapshot_saved(
            files,
            args.out,
            force=args.force,
            shown=_progress(files, not args.no_progress),
            profile=profile,
        )
    except OutputError as error:
        return fail("parse", error)
    except OSError as error:
        return fail("parse", error, prefix=f"could not write {args.out}: ")
    tables = done.manifest["tables"]
    counts = ", ".join(f"{name} {info['rows']}" for name, info in tables.items())
    say(
        f"nora parse: {done.pages} pages ({counts}); "
        f"{len(done.warned)} with warnings, {len(done.unreadable)} unreadable -> {args.out}"
    )
    say(done.checks)
    return int(ExitStatus.PARTIAL if done.problems else ExitStatus.OK)
