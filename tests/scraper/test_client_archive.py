"""The network seam archives every exchange: request and response pairs, bodies as sent."""

from __future__ import annotations

import gzip
import json
import zlib
from pathlib import Path

import responses
from warcio.archiveiterator import ArchiveIterator

from scraper.archive.reader import iter_responses, read_record
from scraper.archive.warc import WarcArchive
from tests.client_support import (
    API,
    ROBOTS,
    SITE,
    FakeTime,
    make_client,
    on,
    robots,
)


# -- the archive of every exchange ------------------------------------------------
def test_every_exchange_is_archived_as_a_request_response_pair(
    fake: FakeTime, mock: responses.RequestsMock, tmp_path: Path
) -> None:
    robots(mock, fake, "User-agent: *\nAllow: /\n")
    on(
        mock,
        fake,
        API,
        200,
        json.dumps({"query": {"pages": []}}),
        {"Content-Type": "application/json"},
    )
    on(mock, fake, f"{SITE}/wiki/A", 500, "boom")
    on(mock, fake, f"{SITE}/wiki/A", 200, "<html>A</html>", {"Content-Type": "text/html"})
    on(mock, fake, f"{SITE}/wiki/Nope", 404, "no such page")
    with WarcArchive(tmp_path) as archive:
        client = make_client(fake, archive)
        client.api({"action": "query", "list": "allpages"})
        page = client.get("/wiki/A")
        missing = client.get("/wiki/Nope")
    assert page.record is not None and missing.record is not None
    (path,) = archive.files()
    with path.open("rb") as fh:
        records = [
            (r.rec_type, r.rec_headers.get_header("WARC-Target-URI"), r.http_headers)
            for r in ArchiveIterator(fh)
        ]
    assert [t for t, _, _ in records] == ["warcinfo"] + ["request", "response"] * 5
    assert client.requests_made == 5
    responses_ = [(uri, h.get_statuscode()) for t, uri, h in records if t == "response"]
    assert [s for _, s in responses_] == ["200", "200", "500", "200", "404"]
    requests_ = [h for t, _, h in records if t == "request"]
    assert all(h.get_header("User-Agent") == client.user_agent for h in requests_)
    assert requests_[0].get_header("Host") == "wiki.example"
    head, body = read_record(tmp_path, page.record.warc_file, page.record.offset)
    assert body == b"<html>A</html>" and head.status == 200
    assert head.header("Content-Type") == "text/html"
    assert page.record.payload_sha256 == page.sha256
    assert page.fetched_at == "2026-11-29T08:00:03Z"  # robots 0 s, api 1 s, 500 at 2 s, 200 ...
    assert read_record(tmp_path, missing.record.warc_file, missing.record.offset)[1] == (
        b"no such page"
    )


def test_gzip_body_decoded_for_caller_and_stored_raw(
    fake: FakeTime, mock: responses.RequestsMock, tmp_path: Path
) -> None:
    robots(mock, fake)
    html = b"<html>" + "Eigenschappen caf\u00e9 ".encode() * 200 + b"</html>"
    packed = gzip.compress(html)
    on(mock, fake, f"{SITE}/wiki/G", 200, packed, {"Content-Encoding": "gzip"})
    with WarcArchive(tmp_path) as archive:
        fetched = make_client(fake, archive).get("/wiki/G")
    assert fetched.body == html
    assert fetched.header("content-encoding") == "gzip"
    assert fetched.record is not None
    assert fetched.record.length < len(html)  # stored compressed
    assert read_record(tmp_path, fetched.record.warc_file, fetched.record.offset)[1] == html
    assert mock.calls[-1].request.headers["Accept-Encoding"] == "gzip, deflate"


def test_truncated_gzip_body_is_retried_archived_and_skipped_on_read(
    fake: FakeTime, mock: responses.RequestsMock, tmp_path: Path
) -> None:
    robots(mock, fake)
    html = b"<html>" + b"x" * 3000 + b"</html>"
    packed = gzip.compress(html)
    on(mock, fake, f"{SITE}/wiki/T", 200, packed[: len(packed) // 2], {"Content-Encoding": "gzip"})
    on(mock, fake, f"{SITE}/wiki/T", 200, packed, {"Content-Encoding": "gzip"})
    with WarcArchive(tmp_path) as archive:
        client = make_client(fake, archive)
        fetched = client.get("/wiki/T")
    assert fetched.body == html
    assert client.requests_made == 3
    (path,) = archive.files()
    with path.open("rb") as fh:
        stored = [r.rec_type for r in ArchiveIterator(fh)]
    assert stored.count("response") == 3  # the torn answer is archived: it happened
    readable = [(r.target_uri, b) for r, b in iter_responses(path)]
    assert readable == [(ROBOTS, b""), (f"{SITE}/wiki/T", html)]  # but it is not a usable one


def test_deflate_and_chunked_bodies(
    fake: FakeTime, mock: responses.RequestsMock, tmp_path: Path
) -> None:
    robots(mock, fake)
    text = b"deflated " * 300
    raw_deflate = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    on(mock, fake, f"{SITE}/wiki/D1", 200, zlib.compress(text), {"Content-Encoding": "deflate"})
    on(
        mock,
        fake,
        f"{SITE}/wiki/D2",
        200,
        raw_deflate.compress(text) + raw_deflate.flush(),
        {"Content-Encoding": "deflate"},
    )
    on(mock, fake, f"{SITE}/wiki/C", 200, b"dechunked body", {"Transfer-Encoding": "chunked"})
    with WarcArchive(tmp_path) as archive:
        client = make_client(fake, archive)
        got = [client.get(f"/wiki/{name}") for name in ("D1", "D2", "C")]
    assert [f.body for f in got] == [text, text, b"dechunked body"]
    chunked = got[2].record
    assert chunked is not None
    head, body = read_record(tmp_path, chunked.warc_file, chunked.offset)
    assert body == b"dechunked body"
    assert head.header("Transfer-Encoding") is None
    assert head.header("X-Archive-Orig-Transfer-Encoding") == "chunked"
