"""The client tests' doubles: a fake clock, a client on it, ``responses`` answers that time-stamp.

A fake clock drives time: ``sleep`` advances it and every mocked answer records
the clock when its request started, so delays are asserted, not slept. The
``fake`` and ``mock`` fixtures (``tests/conftest.py``) hand them to each test.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import requests
import responses

from scraper.archive.warc import WarcArchive
from scraper.net.client import Client, ClientSettings

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
