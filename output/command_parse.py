"""``nora parse PATH... --out DIR``: saved HTML pages to a snapshot, no network.

Every page is exported, even one the parser warns about; the exit status is
PARTIAL when any page carried a warning, so scripts notice damaged input. Only
regular files are read, up to 32 MiB each (``output.inputs.read_page``); a FIFO,
a device or a file over the cap is skipped with a warning (PARTIAL too).
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from output.checks import Checker
from output.errors import ExportError, UnreadableInputError, storage_failure
from output.inputs import InputFile, find_html_files, read_page
from output.snapshot import SnapshotWriter
from output.status import ExitStatus
from parsers import parse_page

log = logging.getLogger(__name__)

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
    # the one config loader (a command's import: no network stack, and commands sit above
    # both packages once they have their own)
    from scraper.config import ConfigError, read_profile

    try:
        profile = read_profile(args.config, args.profile, os.environ)
    except ConfigError as error:
        print(f"nora parse: {error}", file=sys.stderr)
        return int(ExitStatus.USAGE)
    try:
        files = find_html_files(args.paths)
    except ExportError as error:
        print(f"nora parse: {error}", file=sys.stderr)
        return int(ExitStatus.USAGE)

    warned: list[str] = []
    unreadable: list[str] = []
    checker = Checker()
    try:
        with SnapshotWriter(
            args.out,
            force=args.force,
            command="parse",
            inputs=[f.name for f in files],
            profile=profile,
        ) as writer:
            for item in _progress(files, not args.no_progress):
                try:
                    data = read_page(item.path)
                except UnreadableInputError as error:
                    log.warning("%s", error)
                    unreadable.append(item.name)
                    continue
                except OSError as error:
                    log.error("%s: expected a readable file, found %s", item.name, error)
                    unreadable.append(item.name)
                    continue
                parsed = parse_page(data, item.name, profile)
                if parsed.page.warnings:
                    warned.append(item.name)
                    log.info("%s: %s", item.name, "; ".join(parsed.page.warnings))
                checker.add(parsed, None)  # no SMW data: the Afgeleide relaties checks only
                writer.add(parsed)
            writer.add_rows("checks", checker.finish({}))
            writer.extra.update(
                {
                    "pages": writer.pages,
                    "pages_with_warnings": len(warned),
                    "unreadable": unreadable,
                    "checks": checker.manifest(),
                }
            )
    except ExportError as error:
        print(f"nora parse: {error}", file=sys.stderr)
        return int(ExitStatus.USAGE)
    except OSError as error:
        print(f"nora parse: could not write {args.out}: {error}", file=sys.stderr)
        disk = storage_failure(error) is not None  # a full disk is not a usage error
        return int(ExitStatus.STORAGE if disk else ExitStatus.USAGE)

    tables = writer.manifest["tables"]
    counts = ", ".join(f"{name} {info['rows']}" for name, info in tables.items())
    problems = len(warned) + len(unreadable)
    print(
        f"nora parse: {writer.pages} pages ({counts}); "
        f"{len(warned)} with warnings, {len(unreadable)} unreadable -> {args.out}"
    )
    print(checker.summary.line(str(Path(args.out) / "checks.csv")))
    return int(ExitStatus.PARTIAL if problems else ExitStatus.OK)
