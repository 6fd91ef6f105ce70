"""``nora package [--crawl ID] --out FILE.wacz [--data DIR] [--force]``: a crawl as a WACZ.

The complete wiki as crawl ID (default: the newest finished one) saw it, in the
Webrecorder format that ``wacz validate``, pywb and ReplayWeb.page read: see
``scraper.snapshot.package``. Never touches the network.

Exit statuses: 0 written; 1 written, but some listed pages have no archived
version (named on stderr); 2 no data folder or state, no such crawl, a bad or
existing ``--out`` (without ``--force``), or an unreadable archive record.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from commands.exits import ExitStatus, fail, usage
from commands.flags import crawl_number
from output.terminal import say
from scraper.errors import ScraperError
from scraper.snapshot.package import package_crawl


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="data", metavar="DIR", help="data folder (default: data)")
    parser.add_argument(
        "--crawl",
        type=crawl_number,
        metavar="ID",
        help="crawl to package (default: the newest finished)",
    )
    parser.add_argument("--out", required=True, metavar="FILE.wacz", help="the WACZ to write")
    parser.add_argument("--force", action="store_true", help="replace --out if it exists")


def run(args: argparse.Namespace) -> int:
    data_dir = Path(args.data)
    if not data_dir.is_dir():
        return usage("package", f"{data_dir}: expected a data folder, found none")
    started = time.perf_counter()
    try:
        result = package_crawl(data_dir, Path(args.out), crawl_id=args.crawl, force=args.force)
    except (ScraperError, OSError) as error:
        return fail("package", error)
    seconds = time.perf_counter() - started
    say(
        f"nora package: crawl {result.crawl.id}: {result.pages} pages, {result.records} "
        f"records from {result.source_files} WARC files -> {result.out} "
        f"({result.wacz_bytes / 1e6:.1f} MB, {seconds:.1f}s)"
    )
    if result.missing:
        shown = ", ".join(result.missing[:5])
        say(
            f"nora package: {len(result.missing)} listed pages have no archived version: {shown}",
            file=sys.stderr,
        )
        return int(ExitStatus.PARTIAL)
    return int(ExitStatus.OK)
