"""``nora verify [SNAPSHOT] [--data DIR] [--archive DIR]``: check for damage, report it all.

SNAPSHOT is a snapshot (or diff) folder, or an id under ``DATA/snapshots``;
without it and without ``--archive`` the snapshot ``latest`` points at is
checked. ``--archive DIR`` reads every WARC file in DIR to its end (gzip
members, record lengths, digests: see ``scraper.archive.warc.check_warc``). Exit
status PARTIAL when anything is wrong, USAGE when there is nothing to check.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from output.history import latest_snapshot, snapshots_dir
from output.status import ExitStatus
from output.verify import VerifyReport, verify_folder
from scraper.archive.warc import WARC_SUFFIX, check_warc

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


def _snapshot_path(args: argparse.Namespace) -> Path | None:
    if args.snapshot is None:
        return latest_snapshot(Path(args.data))
    name = str(args.snapshot)
    direct = Path(name)
    if direct.exists() or not (snapshots_dir(Path(args.data)) / name).exists():
        return direct
    return snapshots_dir(Path(args.data)) / name


def _print_snapshot(report: VerifyReport, seconds: float) -> None:
    rows = sum(report.rows.values())
    what = report.kind or "snapshot"
    if report.ok:
        print(
            f"OK {report.folder}: {what}, {report.files} files, {report.bytes} bytes, "
            f"{rows} rows in {len(report.rows)} tables ({seconds:.1f}s)"
        )
        return
    print(f"DAMAGED {report.folder}: {len(report.problems)} problem(s)")
    for problem in report.problems[:SHOWN_PROBLEMS]:
        print(f"  {problem}")
    if len(report.problems) > SHOWN_PROBLEMS:
        print(f"  ... and {len(report.problems) - SHOWN_PROBLEMS} more")


def verify_archive(archive: Path) -> tuple[int, list[str]]:
    """Check every WARC file in ``archive``; returns (files checked, problems)."""
    problems: list[str] = []
    files = sorted(p for p in archive.iterdir() if p.name.endswith(WARC_SUFFIX))
    for path in files:
        problems.extend(check_warc(path))
    return len(files), problems


def run(args: argparse.Namespace) -> int:
    damaged = False
    if args.archive is not None:
        archive = Path(args.archive)
        if not archive.is_dir():
            print(
                f"nora verify: {archive}: expected a folder of WARC files, found none",
                file=sys.stderr,
            )
            return int(ExitStatus.USAGE)
        started = time.perf_counter()
        count, problems = verify_archive(archive)
        seconds = time.perf_counter() - started
        if problems:
            damaged = True
            print(f"DAMAGED {archive}: {len(problems)} problem(s) in {count} WARC files")
            for problem in problems[:SHOWN_PROBLEMS]:
                print(f"  {problem}")
            if len(problems) > SHOWN_PROBLEMS:
                print(f"  ... and {len(problems) - SHOWN_PROBLEMS} more")
        else:
            print(f"OK {archive}: {count} WARC files read to the end ({seconds:.1f}s)")
    if args.snapshot is not None or args.archive is None:
        path = _snapshot_path(args)
        if path is None:
            print(
                f"nora verify: {snapshots_dir(Path(args.data))}/latest: expected a snapshot, "
                "found none (name one: nora verify SNAPSHOT)",
                file=sys.stderr,
            )
            return int(ExitStatus.USAGE)
        if not path.is_dir():
            print(f"nora verify: {path}: expected a snapshot folder, found none", file=sys.stderr)
            return int(ExitStatus.USAGE)
        started = time.perf_counter()
        report = verify_folder(path)
        _print_snapshot(report, time.perf_counter() - started)
        damaged = damaged or not report.ok
    return int(ExitStatus.PARTIAL if damaged else ExitStatus.OK)
