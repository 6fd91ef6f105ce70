"""``nora export`` from a WARC archive vs ``nora parse`` over loose files; memory; verify time.

    python -m benchmarks.bench_archive [--pages 20000] [--small 2000] [--rounds 3] [--keep DIR]

Setup (not timed): N synthetic pages, each a realistic fixture page
(``fixtures/``, 11-18 KB of MediaWiki HTML) retitled, are archived the way
``nora crawl`` leaves them: WARC request/response records written by
``scraper.archive.warc.WarcArchive`` and one crawl's listing and fetch rows in
``state.sqlite`` (the per-record fsync is skipped while building, which
changes no byte of the files). The same pages are also written as loose
``.html`` files. A second archive of ``--small`` pages is built the same way.

Measured, side by side in one run, each command in its own subprocess (as a
user runs it): ``nora export`` with ``--workers 1`` and with 2 workers (or all
CPUs, if more), ``--rounds`` times each, in pairs whose order alternates so drift
in the machine's load falls on both; ``nora parse`` over the loose files (one
process); pages per second of each, and the speed-up of each pair; peak
resident memory (``ru_maxrss`` of the command's process tree: the largest of
the main process and its pool workers) of ``nora export``
at the small and the full size, which must be within 1.5x; and ``nora verify``
of the full snapshot. Prints a table, then one JSON line with every number.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import scraper.archive.warc
from scraper.archive.paths import STATE_NAME
from scraper.archive.state import ListedPage, NewFetch, State
from scraper.archive.warc import WarcArchive
from scraper.snapshot.reparse import default_workers
from tests.history_factory import SITE, START, page_url, synthetic_page

GOAL_MEMORY_RATIO = 1.5
NORA = [sys.executable, "-m", "commands.cli"]

# Runs a command and reports the peak RSS of its whole process tree (KiB on Linux):
# RUSAGE_CHILDREN covers every waited-for descendant, pool workers included.
_MEASURE = (
    "import json, resource, subprocess, sys, time\n"
    "t = time.perf_counter()\n"
    "r = subprocess.run(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)\n"
    "s = time.perf_counter() - t\n"
    "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
    "print(json.dumps({'rc': r.returncode, 'seconds': s, 'out': r.stdout, 'err': r.stderr[-2000:],"
    " 'cpu': u.ru_utime + u.ru_stime, 'maxrss_kib': u.ru_maxrss}))\n"
)


@dataclass(frozen=True, slots=True)
class Run:
    """One command's wall time, CPU time (whole process tree) and peak RSS."""

    rc: int
    seconds: float
    cpu_seconds: float
    peak_mib: float
    out: str
    err: str


def build(data: Path, loose: Path | None, pages: int) -> None:
    """Archive ``pages`` synthetic pages as one crawl (streaming); optionally as loose files."""
    stamp = START.strftime("%Y-%m-%dT%H:%M:%SZ")
    real_durable = scraper.archive.warc._durable
    scraper.archive.warc._durable = lambda fh: fh.flush()  # setup speed only: the same bytes
    try:
        with (
            State.open(data / STATE_NAME) as state,
            WarcArchive(data / "warc", now=lambda: START) as archive,
        ):
            crawl = state.begin_crawl(SITE, stamp, full=True)
            listing = [
                ListedPage(synthetic_page(n)[0], 0, n + 1, 1000 + n, stamp, 0) for n in range(pages)
            ]
            state.store_listing(crawl.id, listing, [])
            if loose is not None:
                loose.mkdir(parents=True)
            for n, listed in enumerate(listing):
                title, html = synthetic_page(n)
                if loose is not None:
                    (loose / f"page-{n:06d}.html").write_bytes(html)
                url = page_url(title)
                record = archive.write_exchange(
                    "GET",
                    url,
                    [("User-Agent", "nora-archive/bench")],
                    200,
                    "OK",
                    [("Content-Type", "text/html; charset=UTF-8")],
                    html,
                    stamp,
                )
                state.record_fetch(
                    NewFetch(
                        crawl.id,
                        listed,
                        url,
                        "new",
                        "ok",
                        stamp,
                        http_status=200,
                        sha256=record.payload_sha256,
                        warc_file=record.warc_file,
                        warc_offset=record.offset,
                    )
                )
            state.finish_crawl(
                crawl.id,
                status="complete",
                finished_at=stamp,
                pages_listed=pages,
                pages_fetched=pages,
                pages_failed=0,
            )
    finally:
        scraper.archive.warc._durable = real_durable


def measure(*argv: str) -> Run:
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, *argv], capture_output=True, text=True, check=True
    )
    raw = json.loads(done.stdout)
    if raw["rc"] not in (0, 1):
        raise SystemExit(f"{' '.join(argv)} failed ({raw['rc']}): {raw['err']}")
    return Run(
        int(raw["rc"]), raw["seconds"], raw["cpu"], raw["maxrss_kib"] / 1024, raw["out"], raw["err"]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", type=int, default=20_000)
    parser.add_argument("--small", type=int, default=2_000)
    parser.add_argument("--rounds", type=int, default=3, help="pairs of 1- and 2-worker exports")
    parser.add_argument(
        "--keep", metavar="DIR", help="build in DIR and keep it (default: a temp dir)"
    )
    args = parser.parse_args()
    root = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="bench-archive-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        started = time.perf_counter()
        build(root / "data", root / "loose", args.pages)
        build(root / "small", None, args.small)
        setup_seconds = time.perf_counter() - started
        warc_bytes = sum(p.stat().st_size for p in (root / "data" / "warc").iterdir())
        loose_bytes = sum(p.stat().st_size for p in (root / "loose").iterdir())

        workers = max(2, default_workers())
        load_before = os.getloadavg()[0]
        data, small = str(root / "data"), str(root / "small")
        pairs: list[tuple[Run, Run]] = []
        for round_ in range(max(1, args.rounds)):
            runs_by_workers: dict[int, Run] = {}
            for count in (1, workers) if round_ % 2 == 0 else (workers, 1):
                out = root / f"out-{count}"
                shutil.rmtree(out, ignore_errors=True)
                runs_by_workers[count] = measure(
                    *NORA, "export", "--data", data, "--out", str(out), "--workers", str(count)
                )
            pairs.append((runs_by_workers[1], runs_by_workers[workers]))
        speedups = sorted(one.seconds / many.seconds for one, many in pairs)
        export_one = min((one for one, _ in pairs), key=lambda r: r.seconds)
        export_full = min((many for _, many in pairs), key=lambda r: r.seconds)
        export_small = measure(*NORA, "export", "--data", small, "--out", str(root / "out-small"))
        parse_full = measure(
            *NORA, "parse", str(root / "loose"), "--out", str(root / "out-parse"), "--no-progress"
        )
        verify_full = measure(*NORA, "verify", str(root / f"out-{workers}"))
        load_after = os.getloadavg()[0]
        if verify_full.rc != 0:
            raise SystemExit(f"verify found problems: {verify_full.out}{verify_full.err}")
        same = all(
            (root / f"out-{workers}" / name).read_bytes() == (root / "out-1" / name).read_bytes()
            for name in ("pages.csv", "properties.csv", "relations.csv", "sections.csv")
        )
        runs = {
            "export": (f"{workers} workers", export_full),
            "export_1worker": ("1 worker", export_one),
            "parse": ("1 process", parse_full),
        }
        numbers: dict[str, object] = {
            "pages": args.pages,
            "small_pages": args.small,
            "cpus": workers,
            "load_average": [round(load_before, 2), round(load_after, 2)],
            "setup_seconds": round(setup_seconds, 1),
            "warc_mib": round(warc_bytes / 2**20, 1),
            "loose_mib": round(loose_bytes / 2**20, 1),
        }
        for key, (_how, run) in runs.items():
            numbers[f"{key}_seconds"] = round(run.seconds, 2)
            numbers[f"{key}_pages_per_s"] = round(args.pages / run.seconds, 1)
            numbers[f"{key}_cpu_seconds"] = round(run.cpu_seconds, 2)
        ratio = export_full.peak_mib / export_small.peak_mib
        numbers.update(
            {
                "export_peak_mib_small": round(export_small.peak_mib, 1),
                "export_peak_mib_full": round(export_full.peak_mib, 1),
                "memory_ratio": round(ratio, 2),
                "memory_ok": ratio <= GOAL_MEMORY_RATIO,
                "verify_seconds": round(verify_full.seconds, 2),
                "export_deterministic_across_workers": same,
                "export_speedups": [round(x, 2) for x in speedups],
                "export_speedup_median": round(speedups[len(speedups) // 2], 2),
            }
        )
        print(
            f"{args.pages} pages ({numbers['warc_mib']} MiB WARC, "
            f"{numbers['loose_mib']} MiB loose HTML); load average {load_before:.1f} "
            f"before, {load_after:.1f} after (on {workers} CPUs: other work competes)"
        )
        print(f"{'command':<26}{'parallel':<12}{'seconds':>9}{'pages/s':>10}{'CPU s':>9}")
        labels = {"export": "nora export (archive)", "export_1worker": "nora export (archive)"}
        for key, (how, run) in runs.items():
            name = labels.get(key, "nora parse (loose files)")
            print(
                f"{name:<26}{how:<12}{run.seconds:>9.2f}{args.pages / run.seconds:>10.1f}"
                f"{run.cpu_seconds:>9.2f}"
            )
        print(
            f"export peak memory: {numbers['export_peak_mib_small']} MiB at {args.small} pages, "
            f"{numbers['export_peak_mib_full']} MiB at {args.pages} pages "
            f"(ratio {numbers['memory_ratio']}, goal <= {GOAL_MEMORY_RATIO}: "
            f"{'ok' if numbers['memory_ok'] else 'FAILED'})"
        )
        print(f"nora verify of the {args.pages}-page snapshot: {numbers['verify_seconds']} s")
        print(
            f"export with {workers} workers vs 1, {len(pairs)} pairs side by side: "
            + ", ".join(f"{one.seconds:.1f}/{many.seconds:.1f} s" for one, many in pairs)
            + f" -> {', '.join(f'{x:.2f}x' for x in speedups)} (median "
            f"{numbers['export_speedup_median']:.2f}x; fastest of each shown above)"
        )
        print(f"identical tables with 1 and {workers} workers: {same}")
        print(json.dumps({"benchmark": "archive", **numbers}))
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
