"""Exit statuses are decided in one place (``commands.exits``), from what happened."""

from __future__ import annotations

import pytest

from commands.exits import status_of
from output.status import ExitStatus
from scraper.errors import (
    CrawlDelayTooLong,
    FetchError,
    RequestBudgetExhausted,
    RetriesExhausted,
    RunLimitReached,
    RunStop,
    SiteUnreachable,
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
