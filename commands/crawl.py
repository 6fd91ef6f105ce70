"""``nora crawl``: discover, fetch what changed, archive it, write and publish a snapshot.

Exit statuses (``commands.exits.ExitStatus``, decided by ``crawl_status``): 0 OK,
1 PARTIAL (some pages failed or have no archived version, or ``--max-requests`` ran
out: run again to continue), 2 USAGE (bad flags or config, unknown namespace), 3 LOCKED (another
crawl holds ``DATA/crawl.lock``), 4 UNREACHABLE (robots.txt, siteinfo or the
listing could not be fetched), 5 REFUSED (robots.txt forbids the crawl or asks
for a Crawl-delay over ``--max-crawl-delay``), 6 HELD (the snapshot would shrink
the archive sharply: written, not published), 7 STOPPED (``--max-duration`` or
the retry-wait budget ran out: run again to continue), 8 STORAGE (the disk
filled: nothing stored is lost), 9 DAMAGED (state.sqlite is no readable database),
70 INTERNAL (a bug). Every run appends its line to ``DATA/logs/runs.jsonl``, one
that crashed too.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from commands.exits import ExitStatus, crawl_status, fail, status_of
from output.errors import OutputError
from output.terminal import say
from scraper.crawl.config import build_config
from scraper.crawl.journal import append_run, run_entry
from scraper.crawl.outcome import CrawlOutcome
from scraper.crawl.progress import Progress, wants_bar
from scraper.errors import ScraperError


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", help="wiki base URL (default https://www.noraonline.nl)")
    parser.add_argument(
        "--data", help="data folder: warc/, state.sqlite, snapshots/ (default ./data)"
    )
    parser.add_argument(
        "--config", help="TOML config file (default $NORA_CONFIG, else ./nora.toml if present)"
    )
    parser.add_argument(
        "--contact", help="operator e-mail or URL for the User-Agent ($NORA_CONTACT)"
    )
    parser.add_argument("--delay", type=float, help="seconds between requests (default 1.0)")
    parser.add_argument(
        "--namespace",
        action="append",
        default=[],
        metavar="N",
        help="also crawl this namespace (name or number; repeatable); content namespaces always",
    )
    parser.add_argument(
        "--exclude-namespace",
        action="append",
        default=[],
        metavar="N",
        help="do not crawl this namespace (name or number; repeatable)",
    )
    parser.add_argument("--full", action="store_true", help="refetch every page, changed or not")
    parser.add_argument(
        "--dry-run", action="store_true", help="list the wiki and print the plan; fetch no pages"
    )
    parser.add_argument("--max-requests", type=int, help="stop after this many HTTP requests")
    parser.add_argument(
        "--max-duration",
        metavar="TIME",
        help="stop fetching after this long, to be resumed by the next run "
        "(seconds, or 90m, 6h; default 6h)",
    )
    parser.add_argument(
        "--max-crawl-delay",
        type=float,
        metavar="S",
        help="stop when robots.txt asks for a longer Crawl-delay (default 60)",
    )
    parser.add_argument(
        "--retry-wait-budget",
        type=float,
        metavar="S",
        help="seconds of retry waits (Retry-After, backoff) a run may spend in all (default 1800)",
    )
    parser.add_argument(
        "--max-shrink",
        metavar="SHARE",
        help="hold back a snapshot that loses more than this share of the pages "
        "(0.1 or 10%%; default 10%%) or empties a table",
    )
    parser.add_argument(
        "--accept-shrink",
        action="store_true",
        help="publish the snapshot even if it shrinks the archive sharply",
    )
    parser.add_argument(
        "--no-facts",
        action="store_true",
        help="do not ask Semantic MediaWiki for its data (no facts table, no SMW checks)",
    )
    parser.add_argument(
        "--refresh-days",
        type=int,
        metavar="K",
        help="refetch every page at least every K nights, ceil(N/K) unchanged pages a night, "
        "oldest archived copy first (default 14; 0: off)",
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")
    parser.add_argument(
        "--profile", metavar="FILE", help="TOML profile of the wiki's labels (default: NORA Online)"
    )


def run(args: argparse.Namespace) -> int:
    from scraper.crawl.config import parse_namespace_ref
    from scraper.crawl.run import Crawler

    try:
        config = build_config(
            config_file=args.config,
            flags={
                "site": args.site,
                "data_dir": args.data,
                "contact": args.contact,
                "delay": args.delay,
                "namespaces": [parse_namespace_ref(n) for n in args.namespace],
                "exclude_namespaces": [parse_namespace_ref(n) for n in args.exclude_namespace],
                "max_requests": args.max_requests,
                "max_duration": args.max_duration,
                "max_crawl_delay": args.max_crawl_delay,
                "retry_wait_budget": args.retry_wait_budget,
                "max_shrink": args.max_shrink,
                "facts": False if args.no_facts else None,
                "refresh_days": args.refresh_days,
                "profile": args.profile,
            },
        )
    except ScraperError as exc:
        return fail("crawl", exc)
    bar = wants_bar(args.no_progress)
    crawler = Crawler(
        config,
        full=args.full,
        dry_run=args.dry_run,
        progress=lambda path: Progress(path, bar=bar),
        accept_shrink=args.accept_shrink,
    )
    try:
        outcome = crawler.run()
    except Exception as exc:  # every run leaves its journal line, a crash too
        what = str(exc) if isinstance(exc, ScraperError | OutputError) else repr(exc)
        _journal(config.data_dir, status_of(exc, "crawl"), what, dry_run=args.dry_run)
        if isinstance(exc, ScraperError | OutputError):
            return fail("crawl", exc)
        raise  # the entry point (commands.cli) reports it: one line, its status
    status = crawl_status(outcome)
    if args.dry_run and status == ExitStatus.OK:
        say(outcome.message)
    else:
        say(outcome.summary(status.name))
        if outcome.checks:
            say(outcome.checks)
    _journal(config.data_dir, status, outcome.message, outcome, dry_run=args.dry_run)
    return int(status)


def _journal(
    data_dir: Path,
    status: ExitStatus,
    message: str,
    outcome: CrawlOutcome | None = None,
    *,
    dry_run: bool,
) -> None:
    """One line in DATA/logs/runs.jsonl for ``nora status`` (not for a dry run)."""
    if dry_run:
        return
    try:
        append_run(data_dir, run_entry(status.name, int(status), message, outcome))
    except OSError as exc:  # the run's own result stands; only the journal is short
        say(f"nora crawl: could not write the run journal: {exc}", file=sys.stderr)
