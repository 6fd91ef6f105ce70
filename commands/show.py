"""``nora show TITLE [--crawl ID | --at DATE] [--headers | --records | --raw | --open]``.

What the site showed for one page on a given night, without SQL or warcio:

- default: the archived HTML (the body as received, content-coding undone) on
  standard output, and one line on standard error saying which version it is (on a
  terminal, the HTML and ``--raw`` with their control characters escaped:
  ``output.terminal``);
- ``--headers``: the HTTP status line and headers, and where the record is;
- ``--records``: the page parsed again (``parse_page``), as JSON;
- ``--raw``: the WARC record exactly as stored (WARC headers, HTTP headers, body
  with its content-coding), decompressed;
- ``--open``: the HTML written to a temporary file and opened in the default
  browser (``$BROWSER`` is honoured). The copy starts with its own head holding a
  Content-Security-Policy that blocks scripts and every network load, before any
  byte of the page (``scraper.snapshot.lookup.safe_view``): wiki content is written
  by anyone, and the view must not call the live site.

Which version: see ``scraper.snapshot.lookup`` (default the newest; ``--crawl ID`` the one
that crawl saw; ``--at DATE`` the newest archived at or before DATE, a date
alone meaning the end of that day, UTC). Never touches the network.

Exit statuses: 0 shown; 1 the record is unreadable (damaged archive: run
``nora verify --archive DATA/warc``); 2 no data folder, no such page, crawl or
version, or a bad date.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import sys
import tempfile
import webbrowser
from pathlib import Path

from commands.exits import ExitStatus, fail, usage
from commands.flags import crawl_number
from output.terminal import printable_bytes, printable_json, say
from scraper.archive.paths import WARC_DIR
from scraper.archive.reader import read_record
from scraper.errors import ArchiveError, ScraperError
from scraper.snapshot.lookup import (
    VIEW_POLICY,
    ArchivedPage,
    find_archived,
    parse_moment,
    raw_record,
    reparsed,
    safe_view,
)

__all__ = ["VIEW_POLICY", "configure", "run", "safe_view"]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("title", metavar="TITLE", help="page title (spaces or underscores)")
    parser.add_argument("--data", default="data", metavar="DIR", help="data folder (default: data)")
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--crawl", type=crawl_number, metavar="ID", help="the version this crawl saw")
    when.add_argument(
        "--at", metavar="DATE", help="the version archived at or before DATE (UTC; date or ISO)"
    )
    what = parser.add_mutually_exclusive_group()
    what.add_argument("--headers", action="store_true", help="HTTP status and headers only")
    what.add_argument("--records", action="store_true", help="the parsed records, as JSON")
    what.add_argument("--raw", action="store_true", help="the WARC record exactly as stored")
    what.add_argument("--open", action="store_true", help="open the HTML in a browser")


def _where(page: ArchivedPage) -> str:
    return (
        f"{page.title}: crawl {page.crawl_id}, fetched {page.fetched_at}, "
        f"revision {page.revision_id}, {page.warc_file} @ {page.warc_offset}"
    )


def _shown(data: bytes) -> bytes:
    """The bytes exactly when they go to a file or a pipe; escaped for a terminal."""
    return printable_bytes(data) if sys.stdout.isatty() else data


def run(args: argparse.Namespace) -> int:
    data_dir = Path(args.data)
    if not data_dir.is_dir():
        return usage("show", f"{data_dir}: expected a data folder, found none")
    try:
        at = parse_moment(args.at) if args.at is not None else None
    except ValueError as error:
        return usage("show", f"--at: {error}")
    try:
        page = find_archived(data_dir, args.title, crawl_id=args.crawl, at=at)
    except ScraperError as error:
        return fail("show", error)
    warc_dir = data_dir / WARC_DIR
    out = sys.stdout.buffer
    try:
        if args.raw:
            out.write(_shown(raw_record(warc_dir, page.warc_file, page.warc_offset)))
            out.flush()
            return int(ExitStatus.OK)
        head, body = read_record(warc_dir, page.warc_file, page.warc_offset)
    except ArchiveError as error:
        return fail("show", error, prefix=f"{page.title}: archived record unreadable: ")
    if args.headers:
        lines = [f"HTTP/1.1 {head.status} {head.reason}".rstrip()]
        lines += [f"{name}: {value}" for name, value in head.headers]
        lines += [
            "",
            f"WARC-Target-URI: {head.target_uri}",
            f"WARC-Date: {head.fetched_at}",
            f"WARC-File: {page.warc_file}",
            f"WARC-Offset: {page.warc_offset}",
            f"Crawl: {page.crawl_id}",
            f"Body-SHA256: {page.sha256 or ''}",
        ]
        say("\n".join(lines))
        return int(ExitStatus.OK)
    if args.records:
        records = json.dumps(dataclasses.asdict(reparsed(page, body)), indent=2, ensure_ascii=False)
        print(printable_json(records))
        return int(ExitStatus.OK)
    say(_where(page), file=sys.stderr)
    if args.open:
        with tempfile.NamedTemporaryFile(
            "wb", prefix="nora-show-", suffix=".html", delete=False
        ) as handle:
            handle.write(safe_view(body))
        path = Path(handle.name)
        opened = webbrowser.open(path.as_uri())
        say(f"{path}" if opened else f"{path} (no browser found: open it yourself)")
        return int(ExitStatus.OK)
    out.write(_shown(body))
    out.flush()
    return int(ExitStatus.OK)
