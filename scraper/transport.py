"""One GET on the wire: status, headers and the raw body, under a size cap and a deadline.

Kept apart from :mod:`scraper.client` (which decides what to do with an answer)
so the only code touching ``requests`` internals is this one function. The body
is read with ``raw.stream(decode_content=False)``: exactly the bytes the server
sent (content-coding kept, chunked framing removed by urllib3), which is what
the WARC stores; decoding happens afterwards, under the same cap.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import urllib3

from scraper.errors import ResponseTooLarge
from scraper.wire import reason_phrase

#: failures worth another attempt: the network, not our request or our disk
TRANSPORT_ERRORS: tuple[type[BaseException], ...] = (
    requests.exceptions.Timeout,
    requests.exceptions.ConnectionError,
    requests.exceptions.ChunkedEncodingError,
    urllib3.exceptions.HTTPError,  # raised by raw.stream(): ProtocolError, ReadTimeoutError
    OSError,  # socket errors (archive writes happen outside transfer())
)
#: a body must arrive within timeout * this, however slowly it trickles
TOTAL_TIMEOUT_FACTOR = 4
_CHUNK = 1 << 16


@dataclass(frozen=True)
class Wire:
    """What one GET put on and took off the wire."""

    status: int
    reason: str
    version: str  # "HTTP/1.1" or "HTTP/1.0"
    headers: tuple[tuple[str, str], ...]  # response headers as received, repeats kept
    request_headers: tuple[tuple[str, str], ...]  # as sent, Host first
    body: bytes  # as sent by the server (content-coding kept)


def transfer(
    session: requests.Session,
    url: str,
    *,
    user_agent: str,
    timeout: float,
    limit: int,
    clock: Callable[[], float],
) -> Wire:
    """GET ``url`` without following redirects; raise ``ResponseTooLarge`` over ``limit``.

    ``timeout`` bounds the connect and every read; ``timeout * TOTAL_TIMEOUT_FACTOR``
    bounds the whole body (a trickle never trips a read timeout). Network failures
    propagate as ``TRANSPORT_ERRORS`` for the caller to retry.
    """
    headers = {"User-Agent": user_agent, "Accept-Encoding": "gzip, deflate"}
    started = clock()
    deadline = started + timeout * TOTAL_TIMEOUT_FACTOR
    with session.get(
        url, headers=headers, timeout=timeout, allow_redirects=False, stream=True
    ) as resp:
        length = resp.headers.get("Content-Length", "").strip()
        if length.isdigit() and int(length) > limit:
            raise ResponseTooLarge(url, limit, f"Content-Length {length}")
        chunks: list[bytes] = []
        received = 0
        for chunk in resp.raw.stream(_CHUNK, decode_content=False):
            received += len(chunk)
            if received > limit:
                raise ResponseTooLarge(url, limit, f"more than {limit} bytes streamed")
            if clock() > deadline:
                raise requests.exceptions.ReadTimeout(
                    f"expected the body within {deadline - started:.0f} s, "
                    f"found {received} bytes so far"
                )
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
