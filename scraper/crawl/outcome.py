"""What one run of ``nora crawl`` did, and the one line it prints at the end.

The run says what happened (an ``Ending``, the counts, and the error that stopped it
early, if one did) and in words (``discovery_message`` before the fetch,
``stop_reason`` during it); the exit status is the command's to decide
(``commands.exits.crawl_status``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from output.shrink import Shrink
from scraper.crawl.plan import Plan
from scraper.errors import (
    CrawlDelayTooLong,
    DiscoveryError,
    RequestBudgetExhausted,
    RobotsDisallowed,
    RunLimitReached,
    RunStop,
)


class Ending(Enum):
    """How a run ended."""

    #: its snapshot was written and published (the counts say whether pages fell short)
    PUBLISHED = "published"
    #: its snapshot was written and held back: it would shrink the archive sharply
    HELD = "held"
    #: a dry run: the wiki listed and the plan made, nothing fetched
    PLANNED = "planned"
    #: an error ended it before its snapshot (``CrawlOutcome.error``); the next run resumes
    STOPPED = "stopped"


@dataclass(frozen=True, slots=True)
class CrawlOutcome:
    """What a run did; ``summary()`` is the one line printed at the end."""

    ending: Ending
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
    unreadable: int = 0  # pages whose SMW data could not be read
    plan: Plan | None = None
    checks: str = ""  # the one-line summary of the snapshot's cross-checks
    #: what stopped the run early (a RunStop, robots.txt, an unusable answer, a full disk)
    error: BaseException | None = None

    def summary(self, status: str = "") -> str:
        """The run in one line; ``status`` is the exit status's name (else the ending's)."""
        parts = [
            f"crawl {self.crawl_id}" if self.crawl_id is not None else "crawl",
            status or self.ending.name,
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


def stop_reason(exc: RunStop) -> str:
    """Words for a run that stopped mid-fetch (to be resumed)."""
    if isinstance(exc, RequestBudgetExhausted):
        return "request budget spent"
    if isinstance(exc, RunLimitReached):
        what = "--max-duration" if exc.kind == "duration" else "the retry-wait budget"
        return f"time limit reached ({what})"
    if isinstance(exc, CrawlDelayTooLong):
        return "robots.txt asks for too slow a pace"
    return "the site stopped answering"


def ran_out(exc: Exception) -> bool:
    """A listing that ended on a budget, a time limit or the site's refusal (not a failure)."""
    return isinstance(
        exc, RequestBudgetExhausted | RunLimitReached | RobotsDisallowed | CrawlDelayTooLong
    )
