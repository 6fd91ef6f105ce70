"""What one run of ``nora crawl`` did, and the one line it prints at the end.

Also how each way a run can stop maps to an exit status and a message
(``discovery_status``/``discovery_message`` before the fetch, ``stop_reason``
during it), so the statuses of README's table are decided in one place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from output.shrink import Shrink
from output.status import ExitStatus
from scraper.crawl.plan import Plan
from scraper.errors import (
    CrawlDelayTooLong,
    DiscoveryError,
    RequestBudgetExhausted,
    RobotsDisallowed,
    RunLimitReached,
    RunStop,
)


@dataclass(frozen=True, slots=True)
class CrawlOutcome:
    """What a run did; ``summary()`` is the one line printed at the end."""

    status: ExitStatus
    message: str
    crawl_id: int | None = None
    snapshot_dir: Path | None = None
    listed: int = 0
    fetched: int = 0
    failed: int = 0
    gone: int = 0
    kept_previous: int = 0
    missing: int = 0
    warnings: int = 0
    requests: int = 0
    seconds: float = 0.0
    plan: Plan | None = None
    checks: str = ""  # the one-line summary of the snapshot's cross-checks

    def summary(self) -> str:
        parts = [
            f"crawl {self.crawl_id}" if self.crawl_id is not None else "crawl",
            self.status.name,
            f"listed {self.listed}",
            f"fetched {self.fetched}",
            f"failed {self.failed}",
        ]
        if self.gone:
            parts.append(f"gone {self.gone}")
        if self.kept_previous:
            parts.append(f"kept previous {self.kept_previous}")
        if self.missing:
            parts.append(f"missing {self.missing}")
        parts += [f"requests {self.requests}", f"{self.seconds:.1f}s"]
        if self.snapshot_dir is not None:
            parts.append(f"snapshot {self.snapshot_dir}")
        return "nora crawl: " + ", ".join(parts) + (f" - {self.message}" if self.message else "")


def discovery_status(exc: Exception) -> ExitStatus:
    """A spent --max-requests budget is PARTIAL (run again), not an unreachable site;
    a spent time limit is STOPPED; a site that forbids the crawl REFUSED."""
    if isinstance(exc, RequestBudgetExhausted):
        return ExitStatus.PARTIAL
    if isinstance(exc, RunLimitReached):
        return ExitStatus.STOPPED
    if isinstance(exc, RobotsDisallowed | CrawlDelayTooLong):
        return ExitStatus.REFUSED
    return ExitStatus.UNREACHABLE


def discovery_message(exc: Exception) -> str:
    """What a run that stopped before its listing says."""
    if isinstance(exc, RobotsDisallowed):
        return (
            f"robots.txt forbids the crawl: {exc.url} is disallowed for nora-archive "
            "(the site's operators ask not to be crawled; nothing was fetched but robots.txt)"
        )
    if isinstance(exc, CrawlDelayTooLong):
        return f"robots.txt asks for too slow a pace: {exc}"
    if isinstance(exc, RunLimitReached):
        return f"time limit reached: {exc}; run again to continue"
    if isinstance(exc, DiscoveryError):
        return f"the site's answer cannot be used: {exc}"
    return f"site unreachable: {exc}"


def shrink_text(shrink: Mapping[str, Any]) -> str:
    """``output.shrink.Shrink.describe`` from the manifest form."""
    return Shrink(
        str(shrink.get("previous", "?")),
        int(shrink.get("pages_before", 0)),
        int(shrink.get("pages_after", 0)),
        float(shrink.get("max_share", 0.0)),
        tuple(shrink.get("emptied") or ()),
        bool(shrink.get("held")),
    ).describe()


def http_error(status: int) -> str:
    if status in (404, 410):
        return f"HTTP {status}: listed by the API, but not served at its article URL"
    return f"HTTP {status}"


def stop_reason(exc: RunStop) -> tuple[ExitStatus, str]:
    """Status and words for a run that stopped mid-fetch (to be resumed)."""
    if isinstance(exc, RequestBudgetExhausted):
        return ExitStatus.PARTIAL, "request budget spent"
    if isinstance(exc, RunLimitReached):
        what = "--max-duration" if exc.kind == "duration" else "the retry-wait budget"
        return ExitStatus.STOPPED, f"time limit reached ({what})"
    if isinstance(exc, CrawlDelayTooLong):
        return ExitStatus.REFUSED, "robots.txt asks for too slow a pace"
    return ExitStatus.UNREACHABLE, "the site stopped answering"
