"""The network seam: its User-Agent, robots.txt and settings, against ``responses`` mocks.

Retries are in test_client_retries.py, the on-site guard and caps in
test_client_guards.py, archiving in test_client_archive.py, a real socket in
test_client_loopback.py; the doubles in tests/client_support.py.
"""

from __future__ import annotations

import logging

import pytest
import requests
import responses

from scraper.errors import (
    RobotsDisallowed,
    SiteUnreachable,
)
from scraper.net.client import Client, ClientSettings, user_agent
from tests.client_support import (
    ROBOTS,
    SITE,
    FakeTime,
    make_client,
    on,
    robots,
    urls,
)


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


def test_settings_are_validated() -> None:
    for bad in ({"delay": -1.0}, {"timeout": 0.0}, {"retries": -1}, {"max_bytes": 0}):
        with pytest.raises(ValueError, match="expected"):
            ClientSettings(**bad)
    with pytest.raises(ValueError, match="http"):
        Client(ClientSettings(site="ftp://wiki.example"), None)
