"""Exit statuses are decided in one place (``commands.exits``), from what happened."""

from __future__ import annotations

import argparse
import errno
import sqlite3
from pathlib import Path

import pytest

from commands import cli
from commands import prune as command_prune
from commands.exits import ExitStatus, crawl_status, fail, status_of
from output.errors import ChartError, HistoryError, OutputError
from scraper.crawl.outcome import CrawlOutcome, Ending
from scraper.errors import (
    CrawlDelayTooLong,
    FetchError,
    ListingTooLong,
    RequestBudgetExhausted,
    RetriesExhausted,
    RobotsDisallowed,
    RunLimitReached,
    RunStop,
    ScraperError,
    SiteUnreachable,
    UnknownNamespace,
)

URL = "http://127.0.0.1:1/wiki/Page"
STOPS = {
    RequestBudgetExhausted(URL, "expected at most 3 requests"): ExitStatus.PARTIAL,
    RunLimitReached(URL, "duration", "--max-duration 25 s"): ExitStatus.STOPPED,
    SiteUnreachable(URL, "robots.txt could not be fetched"): ExitStatus.UNREACHABLE,
    CrawlDelayTooLong(URL, 86400, 60): ExitStatus.REFUSED,
}


@pytest.mark.parametrize("stop", list(STOPS), ids=lambda e: type(e).__name__)
def test_a_run_stop_is_no_fetch_error_and_keeps_its_status(stop: RunStop) -> None:
    # a per-page handler catches FetchError: a stop must pass it untouched
    assert isinstance(stop, RunStop) and not isinstance(stop, FetchError)
    assert status_of(stop, "crawl") == STOPS[stop]
    assert stop.url == URL and str(stop).startswith(f"{URL}: ")


def test_a_failed_request_is_unreachable() -> None:
    assert status_of(RetriesExhausted(URL, 3, "HTTP 503"), "crawl") == ExitStatus.UNREACHABLE


def _outcome(ending: Ending, **counts: object) -> CrawlOutcome:
    return CrawlOutcome(ending, "", 1, **counts)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("outcome", "status"),
    [
        (_outcome(Ending.PUBLISHED), ExitStatus.OK),
        (_outcome(Ending.PLANNED, listed=5), ExitStatus.OK),
        (_outcome(Ending.PUBLISHED, failed=1), ExitStatus.PARTIAL),
        (_outcome(Ending.PUBLISHED, missing=1), ExitStatus.PARTIAL),
        (_outcome(Ending.PUBLISHED, warnings=2), ExitStatus.PARTIAL),
        (_outcome(Ending.PUBLISHED, unreadable=3), ExitStatus.PARTIAL),
        (_outcome(Ending.HELD, failed=1), ExitStatus.HELD),
        *[(_outcome(Ending.STOPPED, error=stop), status) for stop, status in STOPS.items()],
        (_outcome(Ending.STOPPED, error=RobotsDisallowed(URL, "Disallow")), ExitStatus.REFUSED),
        (_outcome(Ending.STOPPED, error=UnknownNamespace("namespaces", "x")), ExitStatus.USAGE),
        (_outcome(Ending.STOPPED, error=ListingTooLong("list", "x")), ExitStatus.UNREACHABLE),
        (
            _outcome(Ending.STOPPED, error=OSError(errno.ENOSPC, "No space left on device")),
            ExitStatus.STORAGE,
        ),
        (
            _outcome(Ending.STOPPED, error=sqlite3.OperationalError("database or disk is full")),
            ExitStatus.STORAGE,
        ),
    ],
)
def test_a_crawl_outcome_gets_its_status_from_the_one_mapping(
    outcome: CrawlOutcome, status: ExitStatus
) -> None:
    assert crawl_status(outcome) == status
    assert outcome.summary(status.name).startswith(f"nora crawl: crawl 1, {status.name}, ")


@pytest.mark.parametrize(
    "bug",
    [
        HistoryError("/data/snapshots/x", "expected a manifest with complete: true, found none"),
        ChartError("expected an <svg> element, found none"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_a_broken_invariant_is_a_bug_not_a_user_error(
    bug: Exception,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert not isinstance(bug, OutputError) and status_of(bug) == ExitStatus.INTERNAL

    def failing(args: argparse.Namespace) -> int:
        try:
            raise bug
        except (ScraperError, OutputError) as error:  # as a command handles its errors
            return fail("prune", error)

    monkeypatch.setattr(command_prune, "run", failing)
    status = cli.main(["prune", "--keep", "1", "--data", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == ExitStatus.INTERNAL
    assert "internal error" in err and type(bug).__name__ in err and "Traceback" not in err
    assert len(list((tmp_path / "logs").glob("nora-error-*.log"))) == 1
