"""A small fake MediaWiki on a real loopback socket that misbehaves in one chosen way.

``HostileWiki`` serves what ``nora crawl`` asks for - robots.txt, api.php
(siteinfo with statistics, the ``allpages`` listing with continuation, the
redirect listings) and rendered NORA-like pages with a property table, body
text and a Relaties table - from a ``ThreadingHTTPServer`` on 127.0.0.1. A
test makes it hostile with ``misbehave``: a function that sees each request
first and returns a :class:`Reply` (or None for the normal answer). A reply can
drip its status line and headers, or its body, one byte at a time.

Everything is bounded, so a test can never hang on it:

- ``max_requests``: past it every request gets a plain 503 and ``overflowed``
  is set (a test asserts the client stopped well before);
- ``max_seconds``: a drip stops after this long, and so does the server's
  handler thread; ``close()`` shuts the server down and joins its thread.
"""

from __future__ import annotations

import html
import json
import socket
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit


@dataclass(frozen=True)
class Request:
    path: str  # without the query
    query: dict[str, str]
    headers: tuple[tuple[str, str], ...] = ()  # as sent by the client

    @property
    def title(self) -> str:
        """The page title of an article path request (``/wiki/A_b`` -> ``A b``)."""
        return unquote(self.path.rsplit("/", 1)[-1]).replace("_", " ")


@dataclass(frozen=True)
class Reply:
    status: int = 200
    body: bytes = b""
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "text/html; charset=UTF-8"),)
    drip_head: float | None = None  # seconds between the bytes of status line + headers
    drip_body: float | None = None  # seconds between the bytes of the body
    length: bool = True  # send Content-Length


def json_reply(data: object) -> Reply:
    return Reply(200, json.dumps(data).encode(), (("Content-Type", "application/json"),))


@dataclass
class Page:
    title: str
    page_id: int
    revision: int = 1
    properties: tuple[tuple[str, str], ...] = (("Beschrijving", "Iets"), ("Type", "Bron"))
    targets: tuple[str, ...] = ()
    text: str = "Tekst van de pagina."


def render(page: Page) -> bytes:
    """A page as MediaWiki 1.39 renders a NORA element (what ``parse_page`` reads)."""
    conf = {
        "wgPageName": page.title.replace(" ", "_"),
        "wgTitle": page.title,
        "wgNamespaceNumber": 0,
        "wgArticleId": page.page_id,
        "wgRevisionId": page.revision,
        "wgCurRevisionId": page.revision,
        "wgCategories": [],
    }
    props = "".join(
        f"<tr><th>{html.escape(k)}</th><td>{html.escape(v)}</td></tr>" for k, v in page.properties
    )
    links = "".join(
        f"<tr><td>{html.escape(page.title)}</td><td>is gerelateerd aan</td>"
        f'<td><a href="/wiki/{html.escape(t.replace(" ", "_"))}" title="{html.escape(t)}">'
        f"{html.escape(t)}</a></td></tr>"
        for t in page.targets
    )
    relations = (
        '<h2><span class="mw-headline" id="Relaties">Relaties</span></h2>'
        '<table class="wikitable"><tr><th>Vertrekpunt</th><th>Relatie</th>'
        f"<th>Eindpunten</th></tr>{links}</table>"
        if links
        else ""
    )
    properties = (
        '<h2><span class="mw-headline" id="Eigenschappen">Eigenschappen</span></h2>'
        f'<table class="wikitable">{props}</table>'
        if props
        else ""
    )
    return (
        f"<!DOCTYPE html><html><head><script>RLCONF={json.dumps(conf)};</script></head>"
        f'<body><h1 id="firstHeading">{html.escape(page.title)}</h1>'
        f'<div id="mw-content-text"><div class="mw-parser-output">{properties}'
        f'<h2><span class="mw-headline" id="Toelichting">Toelichting</span></h2>'
        f"<p>{html.escape(page.text)}</p>{relations}</div></div></body></html>"
    ).encode()


@dataclass
class HostileWiki:
    """``with HostileWiki(["A", "B"]) as wiki: ... wiki.url``; see the module docstring."""

    titles: Sequence[str] = ("Alfa", "Beta", "Gamma", "Delta", "Epsilon")
    robots_txt: str = "User-agent: *\nDisallow: /private\n"
    articlepath: str = "/wiki/$1"
    batch: int = 2  # pages per allpages answer (continuation is exercised)
    statistics: dict[str, int] | None = None  # default: pages = articles = len(titles)
    misbehave: Callable[[Request], Reply | None] | None = None
    max_requests: int = 2000
    max_seconds: float = 30.0
    pages: dict[str, Page] = field(default_factory=dict)
    seen: list[str] = field(default_factory=list)  # request paths (with query), in order
    overflowed: bool = False

    def __post_init__(self) -> None:
        for i, title in enumerate(self.titles):
            self.pages.setdefault(title, Page(title, page_id=i + 1, targets=()))
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._closed = threading.Event()

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def __enter__(self) -> HostileWiki:
        self._thread.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._closed.set()  # stops any drip still going
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=10)

    def count(self, prefix: str) -> int:
        with self._lock:
            return sum(1 for path in self.seen if path.startswith(prefix))

    # -- the normal answers -------------------------------------------------------

    def answer(self, request: Request) -> Reply:
        if request.path == "/robots.txt":
            return Reply(200, self.robots_txt.encode(), (("Content-Type", "text/plain"),))
        if request.path == "/api.php":
            return json_reply(self.api(request.query))
        prefix = self.articlepath.split("$1")[0]
        if request.path.startswith(prefix):
            page = self.pages.get(request.title)
            if page is not None:
                return Reply(200, render(page))
        return Reply(404, b"<html><body>Deze pagina bestaat niet</body></html>")

    def api(self, query: dict[str, str]) -> dict[str, Any]:
        if query.get("meta") == "siteinfo":
            stats = self.statistics or {"pages": len(self.pages), "articles": len(self.pages)}
            return {
                "query": {
                    "general": {
                        "server": self.url,
                        "articlepath": self.articlepath,
                        "script": "/index.php",
                        "generator": "MediaWiki 1.39.6",
                        "sitename": "Hostile",
                    },
                    "namespaces": {"0": {"id": 0, "name": "", "content": True}},
                    "statistics": stats,
                }
            }
        if query.get("list") == "allredirects":
            return {"query": {"allredirects": []}}
        if query.get("gapfilterredir") == "redirects":
            return {"query": {"pages": []}}
        titles = sorted(self.pages)
        start = query.get("gapcontinue", "")
        rest = [t for t in titles if t >= start]
        batch, more = rest[: self.batch], rest[self.batch :]
        found = [
            {
                "pageid": self.pages[t].page_id,
                "ns": 0,
                "title": t,
                "lastrevid": self.pages[t].revision,
                "touched": f"2026-01-01T00:00:{self.pages[t].revision:02d}Z",
                "length": 100,
            }
            for t in batch
        ]
        answer: dict[str, Any] = {"query": {"pages": found}}
        if more:
            answer["continue"] = {"gapcontinue": more[0], "continue": "gapcontinue||"}
        return answer

    # -- the server -----------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        wiki = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                return

            def setup(self) -> None:
                super().setup()
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

            def do_GET(self) -> None:
                parts = urlsplit(self.path)
                request = Request(
                    parts.path,
                    dict(parse_qsl(parts.query, keep_blank_values=True)),
                    tuple(self.headers.items()),
                )
                with wiki._lock:
                    wiki.seen.append(self.path)
                    over = len(wiki.seen) > wiki.max_requests
                    wiki.overflowed = wiki.overflowed or over
                if over:
                    reply = Reply(503, b"too many requests for this test")
                else:
                    reply = (wiki.misbehave(request) if wiki.misbehave else None) or wiki.answer(
                        request
                    )
                try:
                    self._send(reply)
                except OSError:  # the client hung up (as it should on a drip)
                    self.close_connection = True

            def _send(self, reply: Reply) -> None:
                reason = "OK" if reply.status == 200 else "Hostile"
                head = [f"HTTP/1.1 {reply.status} {reason}"]
                head += [f"{k}: {v}" for k, v in reply.headers]
                if reply.length:
                    head.append(f"Content-Length: {len(reply.body)}")
                else:
                    head.append("Connection: close")
                raw_head = ("\r\n".join(head) + "\r\n\r\n").encode("latin-1")
                self._write(raw_head, reply.drip_head)
                self._write(reply.body, reply.drip_body)
                if not reply.length:
                    self.close_connection = True

            def _write(self, data: bytes, interval: float | None) -> None:
                if interval is None:
                    self.wfile.write(data)
                    return
                stop = time.monotonic() + wiki.max_seconds
                for i in range(len(data)):
                    if wiki._closed.is_set() or time.monotonic() > stop:
                        self.close_connection = True
                        return
                    self.wfile.write(data[i : i + 1])
                    self.wfile.flush()
                    time.sleep(interval)

        return Handler
