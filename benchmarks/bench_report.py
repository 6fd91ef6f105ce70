"""``nora report`` on synthetic histories of 2,000 and 20,000 pages (goal: under 10 s).

    python -m benchmarks.bench_report [--pages 2000,20000] [--nights 3] [--rounds 3]

For each size a data folder with ``--nights`` published snapshots is made first
(``benchmarks.bench_export.synthetic_pages``: ~8 properties and ~10 relations a
page, a tenth of the relation targets red links; each night 1% of the pages
change a value, 10 disappear and 20 appear). Then the command a user runs,
``nora report --out FILE``, is timed end to end in a fresh process (interpreter
start and imports included), the sizes interleaved round by round on this
shared 2-core machine. It reads the newest snapshot, diffs it against the one
before, and reads every snapshot's pages table for the time series.

The last line is one JSON object with every number; the exit status is 1 when
the best 20,000-page time misses the goal.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.bench_export import synthetic_pages
from output.history import new_snapshot_id, publish
from output.snapshot import SnapshotWriter
from parsers.records import ParsedPage

GOAL_SECONDS = 10.0
GOAL_PAGES = 20_000
START = datetime(2026, 11, 1, 3, 17, tzinfo=UTC)
ROOT = Path(__file__).resolve().parents[1]


def _changed(parsed: ParsedPage, night: int) -> ParsedPage:
    props = tuple(
        dataclasses.replace(p, value=f"{p.value} (herzien {night})") if p.position == 0 else p
        for p in parsed.properties
    )
    page = dataclasses.replace(
        parsed.page, content_sha256=f"{night:02d}{parsed.page.content_sha256[2:]}"
    )
    return dataclasses.replace(parsed, page=page, properties=props)


def night_pages(base: list[ParsedPage], count: int, night: int) -> list[ParsedPage]:
    """The wiki on ``night``: ``count`` pages, 10 gone and 20 new per night, 1% changed."""
    pages = base[10 * night : count + 30 * night]
    out = [_changed(p, night) if i % 100 == night else p for i, p in enumerate(pages)]
    return sorted(out, key=lambda p: (p.page.namespace, p.page.title))


def make_history(data: Path, count: int, nights: int) -> Path:
    base = list(synthetic_pages(count + 30 * nights))
    for night in range(nights):
        when = START + timedelta(days=night)
        out = data / "snapshots" / new_snapshot_id(when)
        extra = {"site": "https://www.noraonline.nl"}
        with SnapshotWriter(
            out, command="crawl", inputs=["synthetic"], extra=extra, created_at=when
        ) as writer:
            for parsed in night_pages(base, count, night):
                writer.add(parsed)
        publish(data, out)
    return data


def time_report(data: Path, out: Path) -> float:
    started = time.perf_counter()
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "commands.cli",
            "report",
            "--data",
            str(data),
            "--out",
            str(out),
            "--force",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"nora report failed ({done.returncode}): {done.stderr[-2000:]}")
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", default="2000,20000", help="comma-separated sizes")
    parser.add_argument("--nights", type=int, default=3, help="snapshots in each history")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs per size")
    args = parser.parse_args(argv)
    sizes = [int(n) for n in args.pages.split(",")]
    root = Path(tempfile.mkdtemp(prefix="nora-bench-report-"))
    try:
        folders = {}
        for size in sizes:
            started = time.perf_counter()
            folders[size] = make_history(root / f"data-{size}", size, args.nights)
            made = time.perf_counter() - started
            print(f"history: {args.nights} snapshots x {size:,} pages ({made:.1f}s)", flush=True)
        times: dict[int, list[float]] = {size: [] for size in sizes}
        report_bytes: dict[int, int] = {}
        for round_ in range(args.rounds):
            for size in sizes:
                out = root / f"report-{size}.html"
                seconds = time_report(folders[size], out)
                times[size].append(seconds)
                report_bytes[size] = out.stat().st_size
                print(f"round {round_ + 1}: {size:>6,} pages: {seconds:.2f}s", flush=True)
        result = {
            "benchmark": "bench-report",
            "nights": args.nights,
            "goal_seconds": GOAL_SECONDS,
            "sizes": {
                str(size): {
                    "best_s": round(min(runs), 2),
                    "median_s": round(statistics.median(runs), 2),
                    "report_bytes": report_bytes[size],
                }
                for size, runs in times.items()
            },
        }
        for size, runs in times.items():
            best, median = min(runs), statistics.median(runs)
            print(
                f"nora report, {size:,} pages, {args.nights} snapshots: best {best:.2f}s, "
                f"median {median:.2f}s, {report_bytes[size] / 1e6:.2f} MB"
            )
        print(json.dumps(result))
        goal = times.get(GOAL_PAGES)
        if goal is not None and min(goal) > GOAL_SECONDS:
            print(f"goal missed: {min(goal):.2f}s > {GOAL_SECONDS}s at {GOAL_PAGES:,} pages")
            return 1
        return 0
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
