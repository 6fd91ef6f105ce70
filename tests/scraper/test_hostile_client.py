"""The network seam against a hostile loopback server (``tests.hostile``): drips.

A server that sends its answer one byte at a time never trips a socket timeout,
so only a wall-clock limit per request (connect to last byte) ends the request.
The limit here is timeout 0.25 s x 4 = 1 s; a drip of the whole answer would
take 20 s or more, and the server stops by itself after ``max_seconds``.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from scraper.archive.reader import iter_responses
from scraper.archive.warc import WarcArchive
from scraper.errors import RetriesExhausted
from scraper.net.client import Client, ClientSettings
from scraper.net.transport import TOTAL_TIMEOUT_FACTOR
from tests.hostile import HostileWiki, Reply, Request

TIMEOUT = 0.25
LIMIT = TIMEOUT * TOTAL_TIMEOUT_FACTOR


def _drip(kind: str) -> object:
    def misbehave(request: Request) -> Reply | None:
        if request.path != "/wiki/Alfa":
            return None
        if kind == "body":  # 1 byte every 0.1 s: 200 bytes would take 20 s
            return Reply(200, b"<html>" + b"x" * 194, drip_body=0.1)
        # status line and headers 1 byte every 0.2 s (each read well within 0.25 s)
        return Reply(200, b"<html>late</html>", drip_head=0.2)

    return misbehave


@pytest.mark.parametrize("kind", ["body", "headers"])
def test_a_drip_ends_at_the_per_request_wall_clock_limit(kind: str, tmp_path: Path) -> None:
    with HostileWiki(misbehave=_drip(kind), max_seconds=25) as wiki:  # type: ignore[arg-type]
        settings = ClientSettings(
            site=wiki.url,
            contact="tests@example.org",
            delay=0.0,
            timeout=TIMEOUT,
            retries=1,
            backoff_base=0.01,
        )
        with WarcArchive(tmp_path) as archive, Client(settings, archive) as client:
            client.start()
            started = time.monotonic()
            with pytest.raises(RetriesExhausted) as info:
                client.get("/wiki/Alfa")
            elapsed = time.monotonic() - started
            assert client.get("/wiki/Beta").status == 200  # the next request is fine
    assert f"expected the whole answer within {LIMIT:.1f} s" in str(info.value)
    assert wiki.count("/wiki/Alfa") == 2  # the first attempt and one retry
    # each attempt ends at its 1 s limit; the whole drip would take 20 s and more
    assert elapsed < 10, elapsed
    # a transfer that broke off is not an exchange: nothing of it is archived
    stored = [r.target_uri for p in archive.files() for r, _ in iter_responses(p)]
    assert stored == [f"{wiki.url}/robots.txt", f"{wiki.url}/wiki/Beta"]


def test_the_watchdog_covers_https_and_proxied_connections_too() -> None:
    """No network: the pools the adapter makes use the watched connection classes."""
    import requests

    from scraper.net.transport import DeadlineAdapter, watch_session

    session = requests.Session()
    watch_session(session)
    adapter = session.get_adapter("https://www.noraonline.nl/")
    assert isinstance(adapter, DeadlineAdapter)
    for url in ("https://www.noraonline.nl/", "http://127.0.0.1:9/"):
        pool = adapter.poolmanager.connection_from_url(url)
        assert pool.ConnectionCls.__name__.startswith("_Watched"), url
    proxied = adapter.proxy_manager_for("http://127.0.0.1:3128")
    assert proxied.connection_from_url("http://wiki.example/").ConnectionCls.__name__.startswith(
        "_Watched"
    )
    before = session.adapters["http://"]
    watch_session(session)  # idempotent: the adapter (and its pools) stay
    assert session.adapters["http://"] is before
