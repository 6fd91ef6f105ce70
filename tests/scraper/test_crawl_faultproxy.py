"""The fault proxy itself: each fault as a client meets it, seeded and bounded."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from tests.faultproxy import FAULTS, FaultProxy

BODY = b"<html><body>" + b"x" * 5000 + b"</body></html>"


@pytest.fixture
def upstream() -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(BODY)))
            self.end_headers()
            self.wfile.write(BODY)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def get(session: requests.Session, url: str) -> str:
    """What the client sees: a status, or the kind of failure."""
    try:
        answer = session.get(url, timeout=0.5)
        if len(answer.content) != len(BODY) and answer.status_code == 200:
            return "short body"
        return str(answer.status_code)
    except requests.exceptions.ChunkedEncodingError:
        return "truncated"
    except requests.exceptions.ReadTimeout:
        return "timeout"
    except requests.exceptions.ConnectionError:
        return "connection error"


@pytest.mark.parametrize(
    ("kind", "seen"),
    [
        ("500", {"500"}),
        ("503", {"503"}),
        ("reset", {"connection error"}),
        ("stall", {"timeout"}),
        ("truncate", {"truncated", "connection error"}),
    ],
)
def test_each_fault_then_the_real_answer(upstream: str, kind: str, seen: set[str]) -> None:
    with FaultProxy(seed=1, rate=1.0, kinds=(kind,), max_faults_per_url=1, stall_seconds=1.0) as p:
        session = requests.Session()
        session.trust_env = False
        session.proxies = {"http": p.url}
        assert get(session, f"{upstream}/wiki/A") in seen
        assert get(session, f"{upstream}/wiki/A") == "200"  # bounded: one fault per URL
        assert p.faults == [(kind, f"{upstream}/wiki/A")]
        assert p.forwarded == (2 if kind == "truncate" else 1)


def test_faults_are_seeded_and_bounded(upstream: str) -> None:
    def run() -> list[tuple[str, str]]:
        with FaultProxy(seed=42, rate=0.5, max_faults=6, stall_seconds=0.6) as p:
            session = requests.Session()
            session.trust_env = False
            session.proxies = {"http": p.url}
            for i in range(30):
                get(session, f"{upstream}/wiki/P{i}")
            return list(p.faults)

    first = run()
    assert len(first) == 6  # max_faults
    assert {kind for kind, _ in first} <= set(FAULTS)
    assert run() == first  # same seed, same faults on the same requests


def test_unknown_kind_is_refused() -> None:
    with pytest.raises(ValueError, match="expected fault kinds"):
        FaultProxy(seed=1, kinds=("flood",))
