"""``nora verify [SNAPSHOT] [--data DIR] [--archive DIR]``: check for damage, report it all.

SNAPSHOT is a snapshot (or diff) folder, or an id under ``DATA/snapshots``;
without it and without ``--archive`` the snapshot ``latest`` points at is
checked. ``--archive DIR`` reads every WARC file in DIR to its end (gzip
members, record lengths, digests: see ``scraper.archive.warc.check_warc``). Exit
status PARTIAL when anything is wrong, USAGE when there is nothing to check (no
snapshot, or a folder without WARC files: nothing checked is not OK).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from commands.exits import ExitStatus, usage
from output.history import snapshots_dir
from output.selection import verify_target
from output.terminal import say
from output.verify import VerifyReport, verify_folder
from scraper.archive.warc import WARC_SUFFIX, check_archive

#: problems printed per target before "... and N more"
SHOWN_PROBLEMS = 50


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "snapshot", nargs="?", metavar="SNAPSHOT", help="snapshot folder or id (default: latest)"
    )
    parser.add_argument("--data", default="data", metavar="DIR", help="data folder (default: data)")
    parser.add_argument(
        "--archive", metavar="DIR", help="check every WARC file in DIR (e.g. DATA/warc) to its end"
    )


def _print_snapshot(report: VerifyReport, seconds: float) -> None:
    rows = sum(report.rows.values())
    what = report.kind or "snapshot"
    if report.ok:
        say(
            f"OK {report.folder}: {what}, {report.files} files, {report.bytes} bytes, "
            f"{rows} rows in {len(report.rows)} tables ({seconds:.1f}s)"
        )
        return
    say(f"DAMAGED {report.folder}: {len(report.problems)} problem(s)")
    for problem in report.problems[:SHOWN_PROBLEMS]:
        say(f"  {problem}")
    if len(report.problems) > SHOWN_PROBLEMS:
        say(f"  ... and {len(report.problems) - SHOWN_PROBLEMS} more")


def run(args: argparse.Namespace) -> int:
    damaged = False
    if args.archive is not None:
        archive = Path(args.archive)
        if not archive.is_dir():
            return usage("verify", f"{archive}: expected a folder of WARC files, found none")
        started = time.perf_counter()
        count, problems = check_archive(archive)
        seconds = time.perf_counter() - started
        if count == 0:  # nothing checked is not OK
            return usage(
                "verify", f"{archive}: expected WARC files (*{WARC_SUFFIX}) to check, found none"
            )
        if problems:
            damaged = True
            say(f"DAMAGED {archive}: {len(problems)} problem(s) in {count} WARC files")
            for problem in problems[:SHOWN_PROBLEMS]:
                say(f"  {problem}")
            if len(problems) > SHOWN_PROBLEMS:
                say(f"  ... and {len(problems) - SHOWN_PROBLEMS} more")
        else:
            say(f"OK {archive}: {count} WARC files read to the end ({seconds:.1f}s)")
    if args.snapshot is not None or args.archive is None:
        path = verify_target(Path(args.data), args.snapshot)
        if path is None:
            return usage(
                "verify",
                f"{snapshots_dir(Path(args.data))}/latest: expected a snapshot, "
                "found none (name one: nora verify SNAPSHOT)",
            )
        if not path.is_dir():
            return usage("verify", f"{path}: expected a snapshot folder, found none")
        started = time.perf_counter()
        report = verify_folder(path)
        _print_snapshot(report, time.perf_counter() - started)
        damaged = damaged or not report.ok
    return int(ExitStatus.PARTIAL if damaged else ExitStatus.OK)
