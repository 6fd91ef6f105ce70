"""The network seam's refusals: off-site URLs and redirects, the size cap, the request budget."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import requests
import responses

from scraper.archive.reader import iter_responses
from scraper.archive.warc import WarcArchive
from scraper.errors import (
    OffSiteError,
    RequestBudgetExhausted,
    ResponseTooLarge,
    RobotsDisallowed,
    TooManyRedirects,
)
from tests.client_support import (
    ROBOTS,
    SITE,
    FakeTime,
    make_client,
    on,
    robots,
    urls,
)


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
