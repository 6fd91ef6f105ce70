"""The network seam's waits: Retry-After, maxlag, backoff, the run's time and retry budgets."""

from __future__ import annotations

import json
from datetime import timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
import requests
import responses

from scraper.archive.reader import iter_responses
from scraper.archive.warc import WarcArchive
from scraper.errors import (
    ApiError,
    CrawlDelayTooLong,
    RetriesExhausted,
    RunLimitReached,
    SiteUnreachable,
)
from scraper.net.client import parse_retry_after
from tests.client_support import (
    API,
    ROBOTS,
    SITE,
    T0,
    FakeTime,
    make_client,
    on,
    robots,
)


# -- Retry-After, maxlag, backoff -------------------------------------------------
@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_seconds(fake: FakeTime, mock: responses.RequestsMock, status: int) -> None:
    robots(mock, fake)
    on(mock, fake, f"{SITE}/wiki/A", status, "busy", {"Retry-After": "17"})
    on(mock, fake, f"{SITE}/wiki/A", 200, "done")
    fetched = make_client(fake).get("/wiki/A")
    assert fetched.status == 200 and fetched.body == b"done"
    assert fake.starts[2] - fake.starts[1] == 17.0
    assert fake.sleeps[-1] == 17.0


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_http_date(fake: FakeTime, mock: responses.RequestsMock, status: int) -> None:
    robots(mock, fake)
    when = format_datetime(T0 + timedelta(seconds=42), usegmt=True)
    on(mock, fake, f"{SITE}/wiki/A", status, "busy", {"Retry-After": when})
    on(mock, fake, f"{SITE}/wiki/A", 200, "done")
    make_client(fake).get("/wiki/A")
    # the 503 arrived at fake time 1.0 (after robots + delay): 41 s remain until the date
    assert fake.starts[1] == 1.0
    assert fake.starts[2] == pytest.approx(42.0)


def test_retry_after_is_capped(fake: FakeTime, mock: responses.RequestsMock) -> None:
    robots(mock, fake)
    on(mock, fake, f"{SITE}/wiki/A", 429, "", {"Retry-After": "600"})
    on(mock, fake, f"{SITE}/wiki/A", 200, "done")
    make_client(fake, backoff_cap=60.0).get("/wiki/A")
    assert fake.sleeps[-1] == 60.0


@pytest.mark.parametrize("after", ["86400", "Fri, 01 Jan 2100 00:00:00 GMT"])
def test_retry_after_beyond_the_run_budget_stops_the_run_at_once(
    fake: FakeTime, mock: responses.RequestsMock, after: str
) -> None:
    robots(mock, fake)
    on(mock, fake, f"{SITE}/wiki/A", 503, "", {"Retry-After": after})
    client = make_client(fake, backoff_cap=60.0, retry_wait_budget=1800.0)
    with pytest.raises(RunLimitReached, match="come back later") as info:
        client.get("/wiki/A")
    assert info.value.kind == "retry-wait"
    assert client.retry_waited == 0.0 and len(mock.calls) == 2  # not even the capped 60 s


def test_retry_waits_of_a_run_stay_within_its_budget(
    fake: FakeTime, mock: responses.RequestsMock
) -> None:
    """Pages that alternate with good ones reset the give-up counter, not the budget."""
    robots(mock, fake)
    for i in range(20):
        on(mock, fake, f"{SITE}/wiki/P{i}", 503, "", {"Retry-After": "30"})
        on(mock, fake, f"{SITE}/wiki/P{i}", 200, "ok")
    client = make_client(fake, retry_wait_budget=100.0)
    with pytest.raises(RunLimitReached, match="retry-wait budget") as info:
        for i in range(20):
            assert client.get(f"/wiki/P{i}").status == 200
    assert info.value.kind == "retry-wait" and info.value.url == f"{SITE}/wiki/P3"
    assert client.retry_waited == 90.0  # three waits of 30 s; the fourth would overdraw


def test_max_duration_refuses_requests_and_waits_past_it(
    fake: FakeTime, mock: responses.RequestsMock
) -> None:
    robots(mock, fake)
    for i in range(5):
        on(mock, fake, f"{SITE}/wiki/P{i}", 200, "ok")
    client = make_client(fake, delay=10.0, max_duration=25.0)
    client.get("/wiki/P0")  # robots at 0, P0 at 10, P1 at 20
    client.get("/wiki/P1")
    with pytest.raises(RunLimitReached, match="--max-duration 25 s") as info:
        client.get("/wiki/P2")  # would start at 30
    assert info.value.kind == "duration" and fake.now == 20.0


def test_crawl_delay_over_the_cap_stops_before_any_other_request(
    fake: FakeTime, mock: responses.RequestsMock
) -> None:
    mock.add(responses.GET, ROBOTS, body="User-agent: *\nCrawl-delay: 86400\n")
    with pytest.raises(CrawlDelayTooLong, match="found 86400 s"):
        make_client(fake, max_crawl_delay=60.0).get("/wiki/A")
    assert fake.sleeps == [] and len(mock.calls) == 1


def test_crawl_delay_at_the_cap_is_obeyed(fake: FakeTime, mock: responses.RequestsMock) -> None:
    robots(mock, fake, "User-agent: *\nCrawl-delay: 60\n")
    on(mock, fake, f"{SITE}/wiki/A", 200, "ok")
    client = make_client(fake, max_crawl_delay=60.0)
    assert client.get("/wiki/A").status == 200
    assert fake.sleeps == [60.0] and client.effective_delay == 60.0


def test_parse_retry_after() -> None:
    assert parse_retry_after("120", T0) == 120.0
    assert parse_retry_after(format_datetime(T0 + timedelta(seconds=30), usegmt=True), T0) == 30.0
    assert parse_retry_after(format_datetime(T0 - timedelta(seconds=30), usegmt=True), T0) == 0.0
    assert parse_retry_after("soon", T0) is None
    assert parse_retry_after(None, T0) is None


def test_maxlag_error_with_http_200_is_waited_out(
    fake: FakeTime, mock: responses.RequestsMock, tmp_path: Path
) -> None:
    robots(mock, fake)
    lagged = {"error": {"code": "maxlag", "info": "Waiting for db1: 7 seconds lagged", "lag": 7}}
    on(mock, fake, API, 200, json.dumps(lagged), {"Retry-After": "5", "X-Database-Lag": "7"})
    on(mock, fake, API, 200, json.dumps({"batchcomplete": True, "query": {"general": {}}}))
    with WarcArchive(tmp_path) as archive:
        client = make_client(fake, archive)
        data = client.api({"action": "query", "meta": "siteinfo"})
    assert data == {"batchcomplete": True, "query": {"general": {}}}
    assert fake.starts[2] - fake.starts[1] == 5.0
    sent = str(mock.calls[1].request.url)
    assert "action=query" in sent and "format=json" in sent
    assert "formatversion=2" in sent and "maxlag=5" in sent
    statuses = [r.status for path in archive.files() for r, _ in iter_responses(path)]
    assert statuses == [200, 200, 200]  # robots, the maxlag answer, the result


def test_maxlag_without_retry_after_uses_lag_and_budget_ends(
    fake: FakeTime, mock: responses.RequestsMock
) -> None:
    robots(mock, fake)
    lagged = {"error": {"code": "maxlag", "info": "lagged", "lag": 4}}
    on(mock, fake, API, 200, json.dumps(lagged))
    client = make_client(fake, retries=2)
    with pytest.raises(RetriesExhausted, match="maxlag") as info:
        client.api({"action": "query"})
    assert info.value.attempts == 3
    assert fake.sleeps[-2:] == [4.0, 4.0]


def test_other_api_errors_and_bad_json(fake: FakeTime, mock: responses.RequestsMock) -> None:
    robots(mock, fake)
    err = {"error": {"code": "badvalue", "info": "Unrecognized value for parameter list"}}
    on(mock, fake, API, 200, json.dumps(err))
    on(mock, fake, API, 200, "<html>not json</html>")
    client = make_client(fake)
    with pytest.raises(ApiError) as info:
        client.api({"action": "query", "list": "nope"})
    assert info.value.code == "badvalue" and "Unrecognized" in info.value.info
    with pytest.raises(ApiError, match="badjson"):
        client.api({"action": "query"})
    assert client.requests_made == 3  # neither was retried


def test_5xx_backoff_is_jittered_capped_then_exhausted(
    fake: FakeTime, mock: responses.RequestsMock
) -> None:
    robots(mock, fake)
    on(mock, fake, f"{SITE}/wiki/A", 500, "oops")
    client = make_client(fake, retries=6, backoff_base=2.0, backoff_cap=20.0, delay=0.0)
    with pytest.raises(RetriesExhausted) as info:
        client.get("/wiki/A")
    assert info.value.attempts == 7
    assert info.value.last_cause == "HTTP 500"
    assert client.requests_made == 8  # robots + 7 attempts
    waits = fake.sleeps
    assert len(waits) == 6
    ceilings = [min(20.0, 2.0 * 2**n) for n in range(6)]
    for wait, ceiling in zip(waits, ceilings, strict=True):
        assert ceiling / 2 <= wait <= ceiling
    assert max(waits) <= 20.0
    assert len({w / c for w, c in zip(waits, ceilings, strict=True)}) > 1  # jittered


def test_5xx_then_success(fake: FakeTime, mock: responses.RequestsMock) -> None:
    robots(mock, fake)
    for status in (502, 504, 500):
        on(mock, fake, f"{SITE}/wiki/A", status, "bad gateway")
    on(mock, fake, f"{SITE}/wiki/A", 200, "fine")
    fetched = make_client(fake).get("/wiki/A")
    assert fetched.status == 200 and fetched.body == b"fine"


def test_timeouts_and_connection_errors_are_retried(
    fake: FakeTime, mock: responses.RequestsMock
) -> None:
    robots(mock, fake)
    page = f"{SITE}/wiki/A"
    mock.add(responses.GET, page, body=requests.exceptions.ReadTimeout("read timed out"))
    mock.add(responses.GET, page, body=requests.exceptions.ConnectTimeout("connect timed out"))
    mock.add(responses.GET, page, body=requests.exceptions.ConnectionError("reset by peer"))
    on(mock, fake, page, 200, "fine")
    client = make_client(fake)
    assert client.get(page).body == b"fine"
    assert client.requests_made == 5
    assert len(fake.sleeps) >= 3

    mock.replace(responses.GET, page, body=requests.exceptions.ConnectionError("down"))
    with pytest.raises(RetriesExhausted, match="ConnectionError"):
        make_client(fake, retries=1, obey_robots=False).get(page)


def test_404_and_410_are_answers_not_errors(fake: FakeTime, mock: responses.RequestsMock) -> None:
    robots(mock, fake)
    on(mock, fake, f"{SITE}/wiki/Gone", 410, "gone")
    on(mock, fake, f"{SITE}/wiki/Missing", 404, "missing")
    client = make_client(fake)
    assert client.get("/wiki/Gone").status == 410
    assert client.get("/wiki/Missing").status == 404
    assert client.requests_made == 3


def test_consecutive_exhausted_requests_mean_the_site_is_down(
    fake: FakeTime, mock: responses.RequestsMock
) -> None:
    robots(mock, fake)
    for i in range(5):
        on(mock, fake, f"{SITE}/wiki/P{i}", 500, "down")
    on(mock, fake, f"{SITE}/wiki/Ok", 200, "ok")
    client = make_client(fake, retries=1, give_up_after=3)
    with pytest.raises(RetriesExhausted):
        client.get("/wiki/P0")
    assert client.get("/wiki/Ok").status == 200  # an answer resets the count
    for name in ("P1", "P2"):
        with pytest.raises(RetriesExhausted) as info:
            client.get(f"/wiki/{name}")
        assert not isinstance(info.value, SiteUnreachable)
    with pytest.raises(SiteUnreachable, match="3 requests in a row") as down:
        client.get("/wiki/P3")
    assert isinstance(down.value.__cause__, RetriesExhausted)
