"""The network seam: every politeness and retry rule, against ``responses`` mocks.

A fake clock drives time: ``sleep`` advances it and every mocked answer records
the clock when its request started, so delays are asserted, not slept.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import logging
import random
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

import pytest
import requests
import responses
from warcio.archiveiterator import ArchiveIterator

from scraper.archive.warc import WarcArchive, check_warc, iter_responses, read_record
from scraper.errors import (
    ApiError,
    CrawlDelayTooLong,
    OffSiteError,
    RequestBudgetExhausted,
    ResponseTooLarge,
    RetriesExhausted,
    RobotsDisallowed,
    RunLimitReached,
    SiteUnreachable,
    TooManyRedirects,
)
from scraper.net.client import Client, ClientSettings, parse_retry_after, user_agent

SITE = "https://wiki.example"
ROBOTS = f"{SITE}/robots.txt"
API = f"{SITE}/api.php"
T0 = datetime(2026, 11, 29, 8, 0, 0, tzinfo=UTC)


class FakeTime:
    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.starts: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0
        self.sleeps.append(seconds)
        self.now += seconds

    def wall(self) -> datetime:
        return T0 + timedelta(seconds=self.now)


@pytest.fixture
def fake() -> FakeTime:
    return FakeTime()


@pytest.fixture
def mock() -> Iterator[responses.RequestsMock]:
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


def make_client(fake: FakeTime, archive: WarcArchive | None = None, **overrides: Any) -> Client:
    settings = ClientSettings(**{"site": SITE, "contact": "ops@example.org", **overrides})
    return Client(
        settings, archive, sleep=fake.sleep, clock=fake.clock, rng=random.Random(7), now=fake.wall
    )


def answer(
    fake: FakeTime,
    status: int = 200,
    body: bytes | str = b"",
    headers: dict[str, str] | None = None,
) -> Callable[[requests.PreparedRequest], tuple[int, dict[str, str], bytes | str]]:
    """A responses callback that records the fake time its request started."""

    def callback(_request: requests.PreparedRequest) -> tuple[int, dict[str, str], bytes | str]:
        fake.starts.append(fake.now)
        return status, dict(headers or {}), body

    return callback


def on(
    mock: responses.RequestsMock,
    fake: FakeTime,
    url: str,
    status: int = 200,
    body: bytes | str = b"",
    headers: dict[str, str] | None = None,
) -> None:
    mock.add_callback(responses.GET, url, callback=answer(fake, status, body, headers))


def robots(mock: responses.RequestsMock, fake: FakeTime, text: str = "") -> None:
    on(mock, fake, ROBOTS, 200, text, {"Content-Type": "text/plain"})


def urls(mock: responses.RequestsMock) -> list[str]:
    return [str(call.request.url) for call in mock.calls]


# -- User-Agent -------------------------------------------------------------------
def test_user_agent_format() -> None:
    ua = user_agent("ops@example.org")
    name, contact, lib = ua.split(" ", 2)
    assert name.startswith("nora-archive/") and len(name) > len("nora-archive/")
    assert contact == "(ops@example.org)"
    assert lib == f"python-requests/{requests.__version__}"
    assert user_agent(None) == f"{name} python-requests/{requests.__version__}"


def test_missing_contact_warns_how_to_set_it(
    fake: FakeTime, mock: responses.RequestsMock, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="scraper.net.client"):
        client = make_client(fake, contact=None)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    text = warnings[0].getMessage()
    assert "--contact" in text and "NORA_CONTACT" in text and "contact =" in text
    robots(mock, fake)
    on(mock, fake, f"{SITE}/wiki/A", body="a")
    client.get("/wiki/A")
    assert mock.calls[-1].request.headers["User-Agent"] == user_agent(None)
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="scraper.net.client"):
        make_client(fake)
    assert not caplog.records


# -- robots.txt -------------------------------------------------------------------
def test_robots_disallow_is_honoured_and_never_requested(
    fake: FakeTime, mock: responses.RequestsMock
) -> None:
    robots(mock, fake, "User-agent: *\nDisallow: /wiki/Secret\n")
    on(mock, fake, f"{SITE}/wiki/Open", body="ok")
    client = make_client(fake)
    with pytest.raises(RobotsDisallowed, match="Secret"):
        client.get(f"{SITE}/wiki/Secret_page")
    assert client.get("/wiki/Open").status == 200
    assert urls(mock) == [ROBOTS, f"{SITE}/wiki/Open"]


def test_robots_rules_for_our_agent_and_api_disallowed(
    fake: FakeTime, mock: responses.RequestsMock
) -> None:
    robots(mock, fake, "User-agent: nora-archive\nDisallow: /api.php\n\nUser-agent: *\nAllow: /\n")
    client = make_client(fake)
    with pytest.raises(RobotsDisallowed):
        client.api({"action": "query", "meta": "siteinfo"})
    assert urls(mock) == [ROBOTS]


def test_crawl_delay_raises_the_delay_between_request_starts(
    fake: FakeTime, mock: responses.RequestsMock
) -> None:
    robots(mock, fake, "User-agent: *\nCrawl-delay: 3\n")
    for i in range(4):
        on(mock, fake, f"{SITE}/wiki/P{i}", body=f"p{i}")
    client = make_client(fake, delay=1.0)
    for i in range(4):
        client.get(f"/wiki/P{i}")
    assert client.effective_delay == 3.0
    gaps = [b - a for a, b in zip(fake.starts, fake.starts[1:], strict=False)]
    assert len(gaps) == 4 and all(g >= 3.0 for g in gaps), gaps


def test_delay_between_request_starts_without_crawl_delay(
    fake: FakeTime, mock: responses.RequestsMock
) -> None:
    robots(mock, fake)
    for i in range(3):
        on(mock, fake, f"{SITE}/wiki/P{i}", body=f"p{i}")
    client = make_client(fake, delay=1.5)
    client.get("/wiki/P0")
    fake.now += 0.5  # the caller spent time parsing: only the rest is slept
    client.get("/wiki/P1")
    fake.now += 10.0  # long pause: no sleep needed at all
    client.get("/wiki/P2")
    assert fake.starts == [0.0, 1.5, 3.0, 13.0]
    assert fake.sleeps == [1.5, 1.0]


def test_robots_404_allows_all_and_5xx_means_unreachable(
    fake: FakeTime, mock: responses.RequestsMock
) -> None:
    on(mock, fake, ROBOTS, 404, "not here")
    on(mock, fake, f"{SITE}/wiki/Any", body="x")
    client = make_client(fake)
    policy = client.start()
    assert policy.status == 404 and policy.allowed(f"{SITE}/wiki/Any")
    assert client.get("/wiki/Any").status == 200

    fake2 = FakeTime()
    with responses.RequestsMock() as rsps:
        on(rsps, fake2, ROBOTS, 500, "down")
        client2 = make_client(fake2, retries=2)
        with pytest.raises(SiteUnreachable, match="HTTP 500"):
            client2.get("/wiki/Any")
        assert urls(rsps) == [ROBOTS] * 3


def test_robots_unreachable_network(fake: FakeTime, mock: responses.RequestsMock) -> None:
    mock.add(responses.GET, ROBOTS, body=requests.exceptions.ConnectionError("refused"))
    client = make_client(fake, retries=1)
    with pytest.raises(SiteUnreachable, match="ConnectionError"):
        client.start()
    assert client.requests_made == 2


def test_obey_robots_false_fetches_no_robots(fake: FakeTime, mock: responses.RequestsMock) -> None:
    on(mock, fake, f"{SITE}/wiki/A", body="a")
    client = make_client(fake, obey_robots=False)
    client.get("/wiki/A")
    assert urls(mock) == [f"{SITE}/wiki/A"]


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


# -- on-site guard and redirects --------------------------------------------------
def test_offsite_redirect_is_refused_and_never_requested(
    fake: FakeTime, mock: responses.RequestsMock
) -> None:
    robots(mock, fake)
    on(mock, fake, f"{SITE}/wiki/Jump", 301, "", {"Location": "https://evil.example/x"})
    client = make_client(fake)
    with pytest.raises(OffSiteError, match=r"expected a redirect from .*/wiki/Jump"):
        client.get("/wiki/Jump")
    assert urls(mock) == [ROBOTS, f"{SITE}/wiki/Jump"]


@pytest.mark.parametrize(
    "url",
    ["https://evil.example/wiki/A", "http://wiki.example/wiki/A", "https://wiki.example:8443/A"],
)
def test_offsite_urls_are_refused(fake: FakeTime, mock: responses.RequestsMock, url: str) -> None:
    client = make_client(fake)
    with pytest.raises(OffSiteError):
        client.get(url)
    assert urls(mock) == []


def test_onsite_redirects_are_followed_archived_and_bounded(
    fake: FakeTime, mock: responses.RequestsMock, tmp_path: Path
) -> None:
    robots(mock, fake)
    on(mock, fake, f"{SITE}/wiki/Old", 301, "", {"Location": "/wiki/New"})
    on(mock, fake, f"{SITE}/wiki/New", 200, "new page")
    for i in range(7):
        on(mock, fake, f"{SITE}/loop/{i}", 302, "", {"Location": f"/loop/{i + 1}"})
    with WarcArchive(tmp_path) as archive:
        client = make_client(fake, archive)
        fetched = client.get("/wiki/Old")
        assert (fetched.url, fetched.final_url) == (f"{SITE}/wiki/Old", f"{SITE}/wiki/New")
        assert fetched.body == b"new page"
        with pytest.raises(TooManyRedirects):
            client.get("/loop/0")
    assert urls(mock)[-1] == f"{SITE}/loop/5"  # 1 request + 5 hops, no more
    got = [(r.target_uri, r.status) for p in archive.files() for r, _ in iter_responses(p)]
    assert got[:3] == [(ROBOTS, 200), (f"{SITE}/wiki/Old", 301), (f"{SITE}/wiki/New", 200)]


def test_redirect_into_disallowed_path_is_refused(
    fake: FakeTime, mock: responses.RequestsMock
) -> None:
    robots(mock, fake, "User-agent: *\nDisallow: /private\n")
    on(mock, fake, f"{SITE}/wiki/A", 302, "", {"Location": "/private/x"})
    with pytest.raises(RobotsDisallowed):
        make_client(fake).get("/wiki/A")
    assert urls(mock) == [ROBOTS, f"{SITE}/wiki/A"]


# -- size cap ---------------------------------------------------------------------
def test_size_cap_by_content_length_and_by_stream(
    fake: FakeTime, mock: responses.RequestsMock, tmp_path: Path
) -> None:
    robots(mock, fake)
    on(mock, fake, f"{SITE}/wiki/Big", 200, b"x" * 10, {"Content-Length": "5000"})
    on(mock, fake, f"{SITE}/wiki/Stream", 200, b"y" * 5000)  # no Content-Length
    on(mock, fake, f"{SITE}/wiki/Fits", 200, b"z" * 1000)
    with WarcArchive(tmp_path) as archive:
        client = make_client(fake, archive, max_bytes=1000)
        with pytest.raises(ResponseTooLarge, match="Content-Length 5000"):
            client.get("/wiki/Big")
        with pytest.raises(ResponseTooLarge, match="streamed"):
            client.get("/wiki/Stream")
        assert len(client.get("/wiki/Fits").body) == 1000
    streamed = mock.calls[2].response
    assert isinstance(streamed, requests.Response)
    assert "Content-Length" not in streamed.headers
    stored = [r.target_uri for p in archive.files() for r, _ in iter_responses(p)]
    assert stored == [ROBOTS, f"{SITE}/wiki/Fits"]  # refused answers are not archived


def test_size_cap_after_gzip_decoding(fake: FakeTime, mock: responses.RequestsMock) -> None:
    robots(mock, fake)
    bomb = gzip.compress(b"\0" * 100_000)
    on(mock, fake, f"{SITE}/wiki/Bomb", 200, bomb, {"Content-Encoding": "gzip"})
    client = make_client(fake, max_bytes=10_000)
    assert len(bomb) < 10_000
    with pytest.raises(ResponseTooLarge, match="after gzip decoding"):
        client.get("/wiki/Bomb")


# -- run-level request budget -----------------------------------------------------
def test_max_requests_counts_robots_retries_and_pages(
    fake: FakeTime, mock: responses.RequestsMock
) -> None:
    robots(mock, fake)
    on(mock, fake, f"{SITE}/wiki/A", 503, "")
    on(mock, fake, f"{SITE}/wiki/A", 200, "a")
    on(mock, fake, f"{SITE}/wiki/B", 200, "b")
    client = make_client(fake, max_requests=3)
    client.get("/wiki/A")  # robots + 503 + 200 = 3
    assert client.requests_made == 3
    with pytest.raises(RequestBudgetExhausted, match="at most 3 requests"):
        client.get("/wiki/B")
    assert urls(mock)[-1] == f"{SITE}/wiki/A"


# -- the archive of every exchange ------------------------------------------------
def test_every_exchange_is_archived_as_a_request_response_pair(
    fake: FakeTime, mock: responses.RequestsMock, tmp_path: Path
) -> None:
    robots(mock, fake, "User-agent: *\nAllow: /\n")
    on(
        mock,
        fake,
        API,
        200,
        json.dumps({"query": {"pages": []}}),
        {"Content-Type": "application/json"},
    )
    on(mock, fake, f"{SITE}/wiki/A", 500, "boom")
    on(mock, fake, f"{SITE}/wiki/A", 200, "<html>A</html>", {"Content-Type": "text/html"})
    on(mock, fake, f"{SITE}/wiki/Nope", 404, "no such page")
    with WarcArchive(tmp_path) as archive:
        client = make_client(fake, archive)
        client.api({"action": "query", "list": "allpages"})
        page = client.get("/wiki/A")
        missing = client.get("/wiki/Nope")
    assert page.record is not None and missing.record is not None
    (path,) = archive.files()
    with path.open("rb") as fh:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.http_headers)
            for r in ArchiveIterator(fh)
        ]
    assert [t for t, _, _ in records] == ["warcinfo"] + ["request", "response"] * 5
    assert client.requests_made == 5
    responses_ = [(uri, h.get_statuscode()) for t, uri, h in records if t == "response"]
    assert [s for _, s in responses_] == ["200", "200", "500", "200", "404"]
    requests_ = [h for t, _, h in records if t == "request"]
    assert all(h.get_header("User-Agent") == client.user_agent for h in requests_)
    assert requests_[0].get_header("Host") == "wiki.example"
    head, body = read_record(tmp_path, page.record.warc_file, page.record.offset)
    assert body == b"<html>A</html>" and head.status == 200
    assert head.header("Content-Type") == "text/html"
    assert page.record.payload_sha256 == page.sha256
    assert page.fetched_at == "2026-11-29T08:00:03Z"  # robots 0 s, api 1 s, 500 at 2 s, 200 ...
    assert read_record(tmp_path, missing.record.warc_file, missing.record.offset)[1] == (
        b"no such page"
    )


def test_gzip_body_decoded_for_caller_and_stored_raw(
    fake: FakeTime, mock: responses.RequestsMock, tmp_path: Path
) -> None:
    robots(mock, fake)
    html = b"<html>" + "Eigenschappen caf\u00e9 ".encode() * 200 + b"</html>"
    packed = gzip.compress(html)
    on(mock, fake, f"{SITE}/wiki/G", 200, packed, {"Content-Encoding": "gzip"})
    with WarcArchive(tmp_path) as archive:
        fetched = make_client(fake, archive).get("/wiki/G")
    assert fetched.body == html
    assert fetched.header("content-encoding") == "gzip"
    assert fetched.record is not None
    assert fetched.record.length < len(html)  # stored compressed
    assert read_record(tmp_path, fetched.record.warc_file, fetched.record.offset)[1] == html
    assert mock.calls[-1].request.headers["Accept-Encoding"] == "gzip, deflate"


def test_truncated_gzip_body_is_retried_archived_and_skipped_on_read(
    fake: FakeTime, mock: responses.RequestsMock, tmp_path: Path
) -> None:
    robots(mock, fake)
    html = b"<html>" + b"x" * 3000 + b"</html>"
    packed = gzip.compress(html)
    on(mock, fake, f"{SITE}/wiki/T", 200, packed[: len(packed) // 2], {"Content-Encoding": "gzip"})
    on(mock, fake, f"{SITE}/wiki/T", 200, packed, {"Content-Encoding": "gzip"})
    with WarcArchive(tmp_path) as archive:
        client = make_client(fake, archive)
        fetched = client.get("/wiki/T")
    assert fetched.body == html
    assert client.requests_made == 3
    (path,) = archive.files()
    with path.open("rb") as fh:
        stored = [r.rec_type for r in ArchiveIterator(fh)]
    assert stored.count("response") == 3  # the torn answer is archived: it happened
    readable = [(r.target_uri, b) for r, b in iter_responses(path)]
    assert readable == [(ROBOTS, b""), (f"{SITE}/wiki/T", html)]  # but it is not a usable one


def test_deflate_and_chunked_bodies(
    fake: FakeTime, mock: responses.RequestsMock, tmp_path: Path
) -> None:
    robots(mock, fake)
    text = b"deflated " * 300
    raw_deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    on(mock, fake, f"{SITE}/wiki/D1", 200, zlib.compress(text), {"Content-Encoding": "deflate"})
    on(
        mock,
        fake,
        f"{SITE}/wiki/D2",
        200,
        raw_deflate.compress(text) + raw_deflate.flush(),
        {"Content-Encoding": "deflate"},
    )
    on(mock, fake, f"{SITE}/wiki/C", 200, b"dechunked body", {"Transfer-Encoding": "chunked"})
    with WarcArchive(tmp_path) as archive:
        client = make_client(fake, archive)
        got = [client.get(f"/wiki/{name}") for name in ("D1", "D2", "C")]
    assert [f.body for f in got] == [text, text, b"dechunked body"]
    chunked = got[2].record
    assert chunked is not None
    head, body = read_record(tmp_path, chunked.warc_file, chunked.offset)
    assert body == b"dechunked body"
    assert head.header("Transfer-Encoding") is None
    assert head.header("X-Archive-Orig-Transfer-Encoding") == "chunked"


def test_settings_are_validated() -> None:
    for bad in ({"delay": -1.0}, {"timeout": 0.0}, {"retries": -1}, {"max_bytes": 0}):
        with pytest.raises(ValueError, match="expected"):
            ClientSettings(**bad)
    with pytest.raises(ValueError, match="http"):
        Client(ClientSettings(site="ftp://wiki.example"), None)


# -- a real socket on loopback: what responses cannot imitate ---------------------
class _Wiki(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    hits: ClassVar[dict[str, int]] = {}
    html = b"<html>" + b"Eigenschappen " * 2000 + b"</html>"

    def log_message(self, format: str, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        n = self.hits[self.path] = self.hits.get(self.path, 0) + 1
        if self.path == "/robots.txt":
            self._send(200, b"User-agent: *\nDisallow: /private\n")
        elif self.path == "/chunked-gzip":
            packed = gzip.compress(self.html)
            self.send_response(200)
            self.send_header("Content-Encoding", "gzip")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            for i in range(0, len(packed), 100):
                piece = packed[i : i + 100]
                self.wfile.write(f"{len(piece):x}\r\n".encode() + piece + b"\r\n")
            self.wfile.write(b"0\r\n\r\n")
        elif self.path == "/short" and n == 1:  # promises 1000 bytes, sends 10, hangs up
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.close_connection = True
        elif self.path == "/reset" and n == 1:  # closes without any answer
            self.close_connection = True
        elif self.path == "/stall" and n == 1:  # answers after the client's read timeout
            time.sleep(1.0)
            with contextlib.suppress(OSError):  # the client has hung up by now
                self._send(200, b"late")
        elif self.path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/chunked-gzip")
            self.send_header("Content-Length", "0")
            self.end_headers()
        else:
            self._send(200, f"fine {self.path}".encode())

    def _send(self, status: int, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture
def loopback() -> Iterator[str]:
    _Wiki.hits = {}
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Wiki)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_real_socket_chunked_gzip_truncation_reset_and_stall(
    loopback: str, tmp_path: Path, fake: FakeTime
) -> None:
    settings = ClientSettings(site=loopback, contact="ops@example.org", timeout=0.3, retries=2)
    with (
        WarcArchive(tmp_path) as archive,
        Client(settings, archive, sleep=fake.sleep, clock=fake.clock, now=fake.wall) as client,
    ):
        moved = client.get("/moved")
        assert moved.body == _Wiki.html and moved.final_url == f"{loopback}/chunked-gzip"
        assert client.get("/short").body == b"fine /short"
        assert client.get("/reset").body == b"fine /reset"
        assert client.get("/stall").body == b"fine /stall"
        with pytest.raises(RobotsDisallowed):
            client.get("/private/x")
    assert _Wiki.hits == {
        "/robots.txt": 1,
        "/moved": 1,
        "/chunked-gzip": 1,
        "/short": 2,
        "/reset": 2,
        "/stall": 2,
    }
    assert moved.record is not None
    head, body = read_record(tmp_path, moved.record.warc_file, moved.record.offset)
    assert body == _Wiki.html and head.header("Content-Encoding") == "gzip"
    assert head.header("X-Archive-Orig-Transfer-Encoding") == "chunked"
    stored = [
        (r.target_uri.removeprefix(loopback), r.status)
        for p in archive.files()
        for r, _ in iter_responses(p)
    ]
    # the truncated /short answer is not an exchange that completed: only the retry is stored
    assert stored == [
        ("/robots.txt", 200),
        ("/moved", 302),
        ("/chunked-gzip", 200),
        ("/short", 200),
        ("/reset", 200),
        ("/stall", 200),
    ]
    assert all(check_warc(p) == [] for p in archive.files())


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
