"""``nora status [--data DIR] [--max-age HOURS] [--json]``: the data folder's health.

One screen: the last crawl (when, how it ended, requests, pages fetched), the
latest snapshot's age and row counts, pages failing several crawls in a row,
disk use, and whether a process holds the lock (``scraper.crawl.health`` gathers it,
read-only). ``--json`` prints the same as one JSON object.

Exit statuses, for cron mail, systemd ``OnFailure=`` and Nagios/Icinga checks
(which read 1 as WARNING and 2 as CRITICAL):

- 0: healthy;
- 1: needs a look: no snapshot, the latest snapshot is older than ``--max-age``
  hours (default 36: a nightly job plus slack), or the last crawl failed (it
  stopped before finishing and no process holds the lock, or the last run could
  not reach the site or was misconfigured);
- 2: critical: ``state.sqlite`` cannot be read (damaged, or locked by another
  process), no data folder at that path, or a bad flag.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
from pathlib import Path

from commands.exits import ExitStatus, usage
from output.terminal import printable_json, say
from scraper.crawl.health import FAILING_STREAK, Health, gather, problems

DEFAULT_MAX_AGE_HOURS = 36.0
#: failing pages named on the screen before "... and N more"
SHOWN_FAILING = 5


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", default="data", metavar="DIR", help="data folder (default: data)")
    parser.add_argument(
        "--max-age",
        type=float,
        default=DEFAULT_MAX_AGE_HOURS,
        metavar="HOURS",
        help=f"the latest snapshot may be this old (default {DEFAULT_MAX_AGE_HOURS:g})",
    )
    parser.add_argument("--json", action="store_true", help="one JSON object, for machines")


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1000 or unit == "GB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1000
    return f"{value:.1f} TB"  # pragma: no cover


def _duration(start: str, end: str | None) -> str:
    from datetime import datetime

    try:
        a = datetime.fromisoformat(start.replace("Z", "+00:00"))
        b = datetime.fromisoformat((end or "").replace("Z", "+00:00"))
    except ValueError:
        return ""
    seconds = int((b - a).total_seconds())
    return f", took {seconds // 60}m{seconds % 60:02d}s" if seconds >= 0 else ""


def render(health: Health, found: list[str]) -> list[str]:
    """The screen, line by line."""
    verdict = "CRITICAL" if health.state_error else "NEEDS A LOOK" if found else "OK"
    lines = [f"nora status: {health.data_dir}: {verdict} (checked {health.checked_at})"]
    crawl, run = health.crawl, health.last_run
    if crawl is None:
        lines.append("last crawl : none recorded")
    else:
        ended = {
            "running": "running now" if health.lock.held else "stopped before finishing",
            "complete": "complete",
            "partial": "finished, some pages failed or missing",
            "pruned": "pruned",
        }.get(crawl.status, crawl.status)
        finished = f", finished {crawl.finished_at}" if crawl.finished_at else ""
        lines.append(
            f"last crawl : {crawl.id} {ended}; started {crawl.started_at}{finished}"
            f"{_duration(crawl.started_at, crawl.finished_at)}"
        )
        requests = "requests unknown" if crawl.requests is None else f"requests {crawl.requests}"
        runs = f" in {crawl.runs} runs" if crawl.runs > 1 else ""
        lines.append(
            f"             listed {crawl.listed}, fetched {crawl.fetched}, failed {crawl.failed}, "
            f"{requests}{runs}; site {crawl.site}"
        )
    if run is not None:
        message = f": {run.message}" if run.message else ""
        lines.append(f"last run   : {run.ts} {run.status} (exit {run.exit}){message}")
    snap = health.snapshot
    if snap is None:
        lines.append("snapshot   : none")
    else:
        age = "age unknown" if snap.age_hours is None else f"{snap.age_hours:.1f} h old"
        lines.append(
            f"snapshot   : {snap.id}, {age} (at most {health.max_age_hours:g} h)"
            + ("" if snap.complete else ", some pages missing")
        )
        lines.append("             " + ", ".join(f"{t} {n}" for t, n in snap.rows.items()))
    if health.oldest_days is not None:
        lines.append(
            f"freshness  : oldest archived copy: {health.oldest_days:g} days "
            f"({health.oldest_title}, fetched {health.oldest_fetched_at})"
        )
    if health.failing:
        shown = ", ".join(f"{t} ({n})" for t, n in health.failing[:SHOWN_FAILING])
        more = len(health.failing) - SHOWN_FAILING
        lines.append(
            f"failing    : {len(health.failing)} pages failed {FAILING_STREAK}+ crawls in a row: "
            f"{shown}" + (f" ... and {more} more" if more > 0 else "")
        )
    else:
        lines.append(
            f"failing    : {health.failing_now} pages failing now, "
            f"none {FAILING_STREAK}+ crawls in a row"
        )
    d, f = health.disk, health.files
    lines.append(
        f"disk       : warc {_size(d.get('warc', 0))} in {f.get('warc', 0)} files, "
        f"snapshots {_size(d.get('snapshots', 0))}, history {_size(d.get('history', 0))} "
        f"beyond hard links, diffs {_size(d.get('diffs', 0))}, state {_size(d.get('state', 0))}"
    )
    if health.lock.held:
        what = f": {health.lock.command}" if health.lock.command else ""
        lines.append(f"lock       : held by pid {health.lock.pid}{what}")
    else:
        lines.append("lock       : free")
    lines += [f"problem    : {p}" for p in found]
    return lines


def run(args: argparse.Namespace) -> int:
    data_dir = Path(args.data)
    if not data_dir.is_dir():
        return usage("status", f"{data_dir}: expected a data folder, found none")
    if not args.max_age > 0:
        return usage("status", f"expected --max-age > 0, found {args.max_age:g}")
    health = gather(data_dir, max_age_hours=args.max_age)
    found = problems(health)
    status = ExitStatus.PARTIAL if found else ExitStatus.OK
    if health.state_error is not None:  # nothing that reads the state can work: critical
        status = ExitStatus.USAGE
    if args.json:
        out = dataclasses.asdict(health)
        out.update({"ok": not found, "problems": found, "exit_status": int(status)})
        print(printable_json(json.dumps(out, indent=2, ensure_ascii=False)))
    else:
        say("\n".join(render(health, found)))
    return int(status)
