"""The network seam on a real socket on loopback: what ``responses`` cannot imitate."""

from __future__ import annotations

import contextlib
import gzip
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

import pytest

from scraper.archive.reader import iter_responses, read_record
from scraper.archive.warc import WarcArchive, check_warc
from scraper.errors import (
    RobotsDisallowed,
)
from scraper.net.client import Client, ClientSettings
from tests.client_support import (
    FakeTime,
)


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
