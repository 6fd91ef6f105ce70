"""A fault-injecting HTTP proxy on loopback, between the crawler and the test wiki.

It is an ordinary forward proxy (``requests`` with ``proxies={"http": proxy.url}``
sends ``GET http://host/path``) that, for a seeded random share of requests,
answers with a fault instead of the wiki's answer:

- ``500``: HTTP 500 at once;
- ``503``: HTTP 503 with ``Retry-After: 1``;
- ``reset``: the connection is reset (RST) before any answer;
- ``stall``: nothing is sent for ``stall_seconds`` (longer than the client's
  timeout), then the connection is closed;
- ``truncate``: the wiki's real answer with its full ``Content-Length`` but only
  half of the body, then the connection is closed.

Faults are bounded: at most ``max_faults_per_url`` per URL (so a client with a
few retries always gets through) and ``max_faults`` in all. ``faults`` records
what was injected, in order. Origin-form requests (``GET /path``) go to
``upstream`` when one is given, so the proxy can also front one site directly.
"""

from __future__ import annotations

import http.client
import random
import socket
import struct
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from urllib.parse import urlsplit

FAULTS = ("500", "503", "reset", "stall", "truncate")
_HOP_BY_HOP = {
    "connection",
    "keep-alive",
    "proxy-connection",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
}


class FaultProxy:
    """``with FaultProxy(seed=1, rate=0.3) as proxy: ... proxy.url``."""

    def __init__(
        self,
        *,
        seed: int,
        rate: float = 0.25,
        kinds: tuple[str, ...] = FAULTS,
        max_faults_per_url: int = 2,
        max_faults: int = 200,
        stall_seconds: float = 2.0,
        upstream: str | None = None,
    ) -> None:
        unknown = set(kinds) - set(FAULTS)
        if unknown:
            raise ValueError(f"expected fault kinds from {FAULTS}, found {sorted(unknown)}")
        self.rate = rate
        self.kinds = kinds
        self.max_faults_per_url = max_faults_per_url
        self.max_faults = max_faults
        self.stall_seconds = stall_seconds
        self.upstream = upstream
        self._rng = random.Random(seed)
        self._lock = threading.Lock()
        self._per_url: Counter[str] = Counter()
        self.faults: list[tuple[str, str]] = []  # (kind, url)
        self.forwarded = 0
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> FaultProxy:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def counts(self) -> Counter[str]:
        with self._lock:
            return Counter(kind for kind, _ in self.faults)

    def choose(self, url: str) -> str | None:
        """The fault for this request, or None to forward it (seeded, bounded)."""
        with self._lock:
            if len(self.faults) >= self.max_faults:
                return None
            if self._per_url[url] >= self.max_faults_per_url:
                return None
            if self._rng.random() >= self.rate:
                return None
            kind = self._rng.choice(self.kinds)
            self._per_url[url] += 1
            self.faults.append((kind, url))
            return kind

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return  # quiet: tests read proxy.faults instead

            def setup(self) -> None:
                super().setup()
                # headers and body go out as two writes: without NODELAY, Nagle and
                # delayed ACKs add 40 ms to every keep-alive answer
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self) -> None:
                target = self.path
                if not target.startswith(("http://", "https://")):
                    if proxy.upstream is None:
                        self.send_error(400, "expected an absolute URL (forward proxy)")
                        return
                    target = proxy.upstream.rstrip("/") + target
                kind = proxy.choose(target)
                if kind == "500":
                    self._simple(500, "Internal Server Error", {})
                elif kind == "503":
                    self._simple(503, "Service Unavailable", {"Retry-After": "1"})
                elif kind == "reset":
                    self._reset()
                elif kind == "stall":
                    time.sleep(proxy.stall_seconds)
                    self.close_connection = True
                else:
                    self._forward(target, truncate=kind == "truncate")

            def _simple(self, status: int, reason: str, extra: dict[str, str]) -> None:
                body = f"{status} {reason} (fault proxy)\n".encode()
                self.send_response(status, reason)
                for key, value in extra.items():
                    self.send_header(key, value)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def _reset(self) -> None:
                # SO_LINGER with a zero timeout makes close() send RST, not FIN
                self.connection.setsockopt(
                    socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
                )
                self.close_connection = True

            def _forward(self, target: str, *, truncate: bool) -> None:
                parts = urlsplit(target)
                path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
                headers = {k: v for k, v in self.headers.items() if k.lower() not in _HOP_BY_HOP}
                conn = http.client.HTTPConnection(
                    parts.hostname or "", parts.port or 80, timeout=60
                )
                try:
                    conn.request("GET", path, headers=headers)
                    answer = conn.getresponse()
                    body = answer.read()
                    status, reason = answer.status, answer.reason
                    answer_headers = [
                        (k, v)
                        for k, v in answer.getheaders()
                        if k.lower() not in _HOP_BY_HOP and k.lower() != "content-length"
                    ]
                except (OSError, http.client.HTTPException) as exc:
                    # the wiki itself failed: say so as a proxy does, not by hanging up
                    self._simple(502, "Bad Gateway", {"X-Fault-Proxy-Error": type(exc).__name__})
                    return
                finally:
                    conn.close()
                with proxy._lock:
                    proxy.forwarded += 1
                self.send_response(status, reason)
                for key, value in answer_headers:
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(body)))
                if truncate:
                    self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(body[: len(body) // 2] if truncate else body)
                if truncate:
                    self.wfile.flush()
                    self.close_connection = True

        return Handler
