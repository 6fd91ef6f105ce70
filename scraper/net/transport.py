"""One GET on the wire: status, headers and the raw body, under a size cap and a deadline.

Kept apart from :mod:`scraper.net.client` (which decides what to do with an answer)
so the only code touching ``requests`` internals is this module. The body
is read with ``raw.stream(decode_content=False)``: exactly the bytes the server
sent (content-coding kept, chunked framing removed by urllib3), which is what
the WARC stores; decoding happens afterwards, under the same cap.

One wall-clock limit holds per request, from connect to the last byte: a socket
timeout bounds each read, but a server dripping its status line, headers or body
a byte at a time never trips it. So ``transfer`` arms a watchdog timer; the
session's connections (``watch_session`` mounts :class:`DeadlineAdapter`) attach
themselves to it when they connect or send, and when the limit passes the timer
shuts their socket down. The blocked read returns at once and ``transfer``
raises a ``Timeout`` saying how long the answer took ("expected the whole answer
within 120 s ...").
"""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import requests
import requests.adapters
import requests.auth
import urllib3
import urllib3.connection
import urllib3.connectionpool

from scraper.errors import ResponseTooLarge
from scraper.net.wire import reason_phrase

#: failures worth another attempt: the network, not our request or our disk
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    requests.exceptions.Timeout,
    requests.exceptions.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    urllib3.exceptions.HTTPError,  # raised by raw.stream(): ProtocolError, ReadTimeoutError
    OSError,  # socket errors (archive writes happen outside transfer())
)
#: a whole answer (connect to last byte) must arrive within timeout * this, however
#: slowly it trickles
TOTAL_TIMEOUT_FACTOR = 4
_CHUNK = 1 << 16


class _NoCredentials(requests.auth.AuthBase):
    """Explicit "no authentication": ``requests`` then never reads ``~/.netrc`` (or a
    URL's user info) to add an ``Authorization`` header nobody configured. Proxies from
    the environment (``HTTPS_PROXY``, ``NO_PROXY``) are still honoured."""

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        return request


_NO_CREDENTIALS = _NoCredentials()


class _Watch:
    """A watchdog for one request: at the deadline, shut down every socket it was given."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.fired = False
        self._connections: list[object] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(max(0.0, seconds), self._fire)
        self._timer.daemon = True

    def start(self) -> None:
        self._timer.start()

    def cancel(self) -> None:
        self._timer.cancel()

    def attach(self, connection: object) -> None:
        with self._lock:
            self._connections.append(connection)
            if self.fired:
                _shut(connection)

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for connection in self._connections:
                _shut(connection)


def _shut(connection: object) -> None:
    sock = getattr(connection, "sock", None)
    if isinstance(sock, socket.socket):
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


_current = threading.local()


def _attach(connection: object) -> None:
    watch: _Watch | None = getattr(_current, "watch", None)
    if watch is not None:
        watch.attach(connection)


@contextlib.contextmanager
def _watching(seconds: float) -> Iterator[_Watch]:
    watch = _Watch(seconds)
    _current.watch = watch
    watch.start()
    try:
        yield watch
    finally:
        watch.cancel()
        _current.watch = None


class _WatchedHTTPConnection(urllib3.connection.HTTPConnection):
    def connect(self) -> None:
        _attach(self)  # the socket appears during connect; the watch finds it there
        super().connect()

    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach(self)  # a kept-alive connection does not connect again
        super().request(*args, **kwargs)


class _WatchedHTTPSConnection(urllib3.connection.HTTPSConnection):
    def connect(self) -> None:
        _attach(self)
        super().connect()

    def request(self, *args: Any, **kwargs: Any) -> None:
        _attach(self)
        super().request(*args, **kwargs)


class _WatchedHTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _WatchedHTTPConnection


class _WatchedHTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_WATCHED_POOLS = {"http": _WatchedHTTPPool, "https": _WatchedHTTPSPool}


class DeadlineAdapter(requests.adapters.HTTPAdapter):
    """An ``HTTPAdapter`` whose connections answer to ``transfer``'s watchdog (proxies too)."""

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = dict(_WATCHED_POOLS)

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if hasattr(manager, "pool_classes_by_scheme"):
            manager.pool_classes_by_scheme = dict(_WATCHED_POOLS)
        return manager


def watch_session(session: requests.Session) -> None:
    """Mount :class:`DeadlineAdapter` for http and https unless the session has it."""
    for prefix in ("http://", "https://"):
        if not isinstance(session.adapters.get(prefix), DeadlineAdapter):
            session.mount(prefix, DeadlineAdapter())


@dataclass(frozen=True)
class Wire:
    """What one GET put on and took off the wire."""

    status: int
    reason: str
    version: str  # "HTTP/1.1" or "HTTP/1.0"
    headers: tuple[tuple[str, str], ...]  # response headers as received, repeats kept
    request_headers: tuple[tuple[str, str], ...]  # as sent, Host first
    body: bytes  # as sent by the server (content-coding kept)


class _Drip(requests.exceptions.ReadTimeout):
    """An answer cut at its wall-clock limit that arrived far below any usable rate.

    Not a blip but the site's state: the client retries it at most once.
    """


#: what ``transfer`` raises for an answer that drips (a subset of TRANSPORT_ERRORS)
DRIP_ERRORS: tuple[type[BaseException], ...] = (_Drip,)


def transfer(
    session: requests.Session,
    url: str,
    *,
    user_agent: str,
    timeout: float,
    limit: int,
    clock: Callable[[], float],
    total: float | None = None,
    min_rate: float = 0.0,
) -> Wire:
    """GET ``url`` without following redirects; raise ``ResponseTooLarge`` over ``limit``.

    ``timeout`` bounds the connect and every read; ``total`` (default ``timeout *
    TOTAL_TIMEOUT_FACTOR``) bounds the whole exchange, connect to last byte, however
    slowly the status line, headers or body trickle in (a watchdog shuts the socket
    down: see the module docstring). Network failures propagate as
    ``TRANSPORT_ERRORS`` for the caller to retry; an answer cut at that limit after
    arriving at under ``min_rate`` bytes a second raises one of ``DRIP_ERRORS``.
    """
    headers = {"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"}
    seconds = timeout * TOTAL_TIMEOUT_FACTOR if total is None else total
    started = clock()
    deadline = started + seconds
    received = [0]  # body bytes so far, for the rate of an answer cut at the deadline
    with _watching(seconds) as watch:
        try:
            return _get(session, url, headers, timeout, limit, clock, deadline, received)
        except TRANSPORT_ERRORS as error:
            cut = watch.fired or isinstance(error, _PastDeadline)
            if not cut:
                raise
            rate = received[0] / max(clock() - started, 1e-9)
            kind = _Drip if rate < min_rate else requests.exceptions.ReadTimeout
            raise kind(
                f"expected the whole answer within {seconds:.1f} s (connect to last byte), "
                f"found it still arriving ({received[0]} bytes of body, {rate:.0f} bytes/s); "
                "the connection was closed"
            ) from error


class _PastDeadline(requests.exceptions.ReadTimeout):
    """The body was still arriving, chunk by chunk, at the wall-clock limit."""


def _get(
    session: requests.Session,
    url: str,
    headers: dict[str, str],
    timeout: float,
    limit: int,
    clock: Callable[[], float],
    deadline: float,
    received: list[int],
) -> Wire:
    with session.get(
        url,
        headers=headers,
        timeout=timeout,
        allow_redirects=False,
        stream=True,
        auth=_NO_CREDENTIALS,
    ) as resp:
        length = resp.headers.get("Content-Length", "").strip()
        if length.isdigit() and int(length) > limit:
            raise ResponseTooLarge(url, limit, f"Content-Length {length}")
        chunks: list[bytes] = []
        for chunk in resp.raw.stream(_CHUNK, decode_content=False):
            received[0] += len(chunk)
            if received[0] > limit:
                raise ResponseTooLarge(url, limit, f"more than {limit} bytes streamed")
            if clock() > deadline:
                raise _PastDeadline(f"found {received[0]} bytes of body at the deadline")
            chunks.append(chunk)
        return Wire(
            status=resp.status_code,
            reason=resp.reason or reason_phrase(resp.status_code),
            version="HTTP/1.0" if resp.raw.version == 10 else "HTTP/1.1",
            headers=tuple((str(k), str(v)) for k, v in resp.raw.headers.items()),
            request_headers=(
                ("Host", urlsplit(url).netloc),
                *((str(k), str(v)) for k, v in resp.request.headers.items()),
            ),
            body=b"".join(chunks),
        )
