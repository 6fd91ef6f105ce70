"""WARC archive: write/read round trip, rotation, torn-tail repair, damage checks."""

from __future__ import annotations

import gzip
import hashlib
import io
import random
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator

from scraper.archive.reader import iter_responses, read_record
from scraper.archive.warc import ArchivedRecord, WarcArchive, check_warc, warc_files
from scraper.errors import ArchiveError

FIXED_NOW = datetime(2026, 11, 29, 8, 0, 0, tzinfo=UTC)


def _now() -> datetime:
    return FIXED_NOW


def _write(archive: WarcArchive, n: int, size: int = 200) -> list[tuple[ArchivedRecord, bytes]]:
    """n exchanges with distinct bodies (varied bytes so gzip cannot squash them to nothing)."""
    out = []
    for i in range(n):
        body = (f"<html><body>page {i} ".encode() + hashlib.sha256(str(i).encode()).digest()) * (
            size // 40 + 1
        )
        rec = archive.write_exchange(
            "GET",
            f"https://wiki.example/wiki/Page_{i}?x=1",
            [("User-Agent", "nora-archive/test"), ("Accept-Encoding", "gzip, deflate")],
            200 if i % 5 else 404,
            "OK" if i % 5 else "Not Found",
            [("Content-Type", "text/html; charset=UTF-8"), ("X-Index", str(i))],
            body,
            f"2026-11-29T08:00:{i % 60:02d}Z",
        )
        out.append((rec, body))
    return out


def test_round_trip_read_record_and_iter(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, now=_now) as archive:
        written = _write(archive, 7)
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == ["nora-20261129T080000Z-00001.warc.gz"]
    for rec, body in written:
        head, data = read_record(tmp_path, rec.warc_file, rec.offset)
        assert data == body
        assert head.target_uri == rec.target_uri
        assert head.status == rec.status
        assert head.header("x-index") == rec.target_uri.split("_")[1].split("?")[0]
        assert head.fetched_at == rec.fetched_at
        assert rec.payload_sha256 == hashlib.sha256(body).hexdigest()
    streamed = list(iter_responses(tmp_path / files[0]))
    assert [r for r, _ in streamed] == [r for r, _ in written]
    assert [b for _, b in streamed] == [b for _, b in written]
    assert check_warc(tmp_path / files[0]) == []


def test_layout_warcinfo_request_response_linked(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, now=_now, info={"site": "https://wiki.example"}) as archive:
        ((rec, _),) = _write(archive, 1)
    path = tmp_path / rec.warc_file
    with path.open("rb") as fh:
        records = [
            (r.rec_type, dict(r.rec_headers.headers), r.http_headers) for r in ArchiveIterator(fh)
        ]
    assert [t for t, _, _ in records] == ["warcinfo", "request", "response"]
    info, req, resp = (h for _, h, _ in records)
    assert req["WARC-Concurrent-To"] == resp["WARC-Record-ID"] == rec.record_id
    assert resp["WARC-Concurrent-To"] == req["WARC-Record-ID"]
    assert req["WARC-Warcinfo-ID"] == info["WARC-Record-ID"]
    assert resp["WARC-Payload-Digest"].startswith("sha1:")
    assert resp["WARC-Block-Digest"].startswith("sha1:")
    assert records[1][2].protocol == "GET"
    assert records[1][2].statusline == "/wiki/Page_0?x=1 HTTP/1.1"
    assert records[2][2].statusline == "404 Not Found"
    # each record is its own gzip member: the response member alone decompresses to one record
    raw = path.read_bytes()[rec.offset : rec.offset + rec.length]
    assert gzip.decompress(raw).startswith(b"WARC/1.0\r\nWARC-Type: response")


def test_rotation_by_size_and_new_file_per_open(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, max_file_bytes=3000, now=_now) as archive:
        written = _write(archive, 12, size=2000)
    names = sorted({r.warc_file for r, _ in written})
    assert len(names) > 2
    assert names == sorted(p.name for p in tmp_path.iterdir())
    assert [int(n.split("-")[-1].split(".")[0]) for n in names] == list(range(1, len(names) + 1))
    for name in names:
        assert check_warc(tmp_path / name) == []
    for rec, body in written:
        assert read_record(tmp_path, rec.warc_file, rec.offset)[1] == body
    # reopening never appends to an old file: the next write starts a new one
    with WarcArchive(tmp_path, max_file_bytes=3000, now=_now) as archive:
        assert archive.repaired is None
        ((rec, _),) = _write(archive, 1)
    assert rec.warc_file not in names
    assert rec.warc_file.endswith(f"-{len(names) + 1:05d}.warc.gz")


def test_iter_responses_from_offset(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, now=_now) as archive:
        written = _write(archive, 6)
    path = tmp_path / written[0][0].warc_file
    tail = list(iter_responses(path, start_offset=written[3][0].offset))
    assert [r.offset for r, _ in tail] == [r.offset for r, _ in written[3:]]
    # an offset at the request record just before a response works too
    after = written[2][0].offset + written[2][0].length
    assert [r for r, _ in iter_responses(path, after)] == [r for r, _ in written[3:]]


def test_gzip_content_coding_is_stored_raw_and_read_decoded(tmp_path: Path) -> None:
    body = b"<html>" + b"gzip me " * 500 + b"</html>"
    raw = gzip.compress(body)
    with WarcArchive(tmp_path, now=_now) as archive:
        rec = archive.write_exchange(
            "GET",
            "https://wiki.example/wiki/G",
            [],
            200,
            "OK",
            [("Content-Encoding", "gzip"), ("Content-Length", str(len(raw)))],
            raw,
            "2026-11-29T08:00:00Z",
            payload_sha256=hashlib.sha256(body).hexdigest(),
        )
    head, data = read_record(tmp_path, rec.warc_file, rec.offset)
    assert data == body
    assert head.header("Content-Encoding") == "gzip"
    ((streamed, streamed_body),) = list(iter_responses(tmp_path / rec.warc_file))
    assert streamed_body == body
    assert streamed.payload_sha256 == rec.payload_sha256
    assert check_warc(tmp_path / rec.warc_file) == []


def test_read_record_at_a_request_offset_is_refused(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, now=_now) as archive:
        written = _write(archive, 2)
    rec = written[1][0]
    request_offset = written[0][0].offset + written[0][0].length
    with pytest.raises(ArchiveError, match="expected a response record, found 'request'"):
        read_record(tmp_path, rec.warc_file, request_offset)
    for delta in range(1, 40):  # inside a gzip member: never mistaken for a record
        with pytest.raises(ArchiveError, match="expected a WARC record"):
            read_record(tmp_path, rec.warc_file, rec.offset + delta)
        with pytest.raises(ArchiveError, match=r"expected (WARC records|a WARC record)"):
            list(iter_responses(tmp_path / rec.warc_file, rec.offset + delta))


def _fresh_file(tmp_path: Path, n: int) -> tuple[Path, list[tuple[ArchivedRecord, bytes]]]:
    with WarcArchive(tmp_path, now=_now) as archive:
        written = _write(archive, n)
    return tmp_path / written[0][0].warc_file, written


def test_repair_cuts_torn_tail_at_many_offsets_of_the_last_exchange(tmp_path: Path) -> None:
    src, written = _fresh_file(tmp_path / "src", 4)
    whole = src.read_bytes()
    last = written[-1][0]
    prev_end = written[-2][0].offset + written[-2][0].length
    # offsets inside the last exchange (request and response members): every byte near
    # the member edges (gzip header, trailer, record separator), every 5th in between
    request_end = last.offset
    edges = (prev_end, request_end, len(whole))
    cuts = [
        cut
        for cut in range(prev_end + 1, len(whole))
        if min(abs(cut - e) for e in edges) < 48 or cut % 5 == 0
    ]
    assert len(cuts) > 150
    for cut in cuts:
        work = tmp_path / f"cut{cut}"
        work.mkdir()
        (work / src.name).write_bytes(whole[:cut])
        with WarcArchive(work, now=_now) as archive:
            repaired = archive.repaired
        assert repaired is not None, cut
        assert repaired.kept_bytes == prev_end
        assert repaired.cut_bytes == cut - prev_end
        assert (work / src.name).stat().st_size == prev_end
        assert check_warc(work / src.name) == []
        assert [r for r, _ in iter_responses(work / src.name)] == [r for r, _ in written[:-1]]
        for f in work.iterdir():
            f.unlink()
        work.rmdir()
    # the untouched file needs no repair
    with WarcArchive(src.parent, now=_now) as archive:
        assert archive.repaired is None
    assert src.read_bytes() == whole
    assert last.offset + last.length == len(whole)


def test_repair_cuts_a_request_without_its_response_and_garbage(tmp_path: Path) -> None:
    src, written = _fresh_file(tmp_path, 3)
    whole = src.read_bytes()
    second_end = written[1][0].offset + written[1][0].length
    request_end = written[2][0].offset  # the last request member ends where its response starts
    src.write_bytes(whole[:request_end])
    with WarcArchive(tmp_path, now=_now) as archive:
        assert archive.repaired is not None
        assert archive.repaired.kept_bytes == second_end
    src.write_bytes(whole + b"\x00garbage after the last member")
    with WarcArchive(tmp_path, now=_now) as archive:
        assert archive.repaired is not None
        assert archive.repaired.kept_bytes == len(whole)
    assert src.read_bytes() == whole


def test_repair_deletes_a_file_torn_inside_its_warcinfo(tmp_path: Path) -> None:
    src, written = _fresh_file(tmp_path, 1)
    first_request = written[0][0].offset - 1  # somewhere before the response
    src.write_bytes(src.read_bytes()[:10])
    assert first_request > 10
    with WarcArchive(tmp_path, now=_now) as archive:
        assert archive.repaired is not None
        assert archive.repaired.kept_bytes == 0
    assert not src.exists()


def test_check_warc_catches_flipped_byte_truncation_and_garbage(tmp_path: Path) -> None:
    src, written = _fresh_file(tmp_path, 3)
    whole = src.read_bytes()
    assert check_warc(src) == []
    rec = written[1][0]

    # a flipped byte inside a compressed member: gzip CRC or inflate error
    flipped = bytearray(whole)
    flipped[rec.offset + rec.length // 2] ^= 0x55
    src.write_bytes(bytes(flipped))
    problems = check_warc(src)
    assert problems and f"offset {rec.offset}" in problems[0]

    src.write_bytes(whole[:-7])
    problems = check_warc(src)
    assert problems and "truncated" in problems[0]

    src.write_bytes(whole + b"trailing garbage")
    problems = check_warc(src)
    assert problems and "expected a gzip member" in problems[0]
    assert f"offset {len(whole)}" in problems[0]


def test_check_warc_catches_tampered_payload_with_valid_gzip(tmp_path: Path) -> None:
    """A record re-compressed after an edit passes gzip checks; the digests catch it."""
    src, written = _fresh_file(tmp_path, 2)
    whole = src.read_bytes()
    rec = written[0][0]
    member = gzip.decompress(whole[rec.offset : rec.offset + rec.length])
    tampered = member.replace(b"page 0", b"page X")
    assert tampered != member and len(tampered) == len(member)
    src.write_bytes(
        whole[: rec.offset] + gzip.compress(tampered) + whole[rec.offset + rec.length :]
    )
    problems = check_warc(src)
    assert any("digest failed" in p for p in problems), problems


def test_check_warc_catches_a_member_holding_half_a_record(tmp_path: Path) -> None:
    src, written = _fresh_file(tmp_path, 2)
    whole = src.read_bytes()
    rec = written[1][0]
    member = gzip.decompress(whole[rec.offset : rec.offset + rec.length])
    for cut in (len(member) // 2, len(member) - 10):  # inside the header, inside the body
        src.write_bytes(whole[: rec.offset] + gzip.compress(member[:cut]))
        problems = check_warc(src)
        assert problems and "expected one complete WARC record per gzip member" in problems[0]


def test_files_in_sequence_order_and_empty_leftover_removed(tmp_path: Path) -> None:
    later = datetime(2027, 1, 1, tzinfo=UTC)
    with WarcArchive(tmp_path, now=lambda: later) as archive:
        ((first, _),) = _write(archive, 1)
    # the clock went backwards: the next file's name sorts first, its sequence does not
    with WarcArchive(tmp_path, now=_now) as archive:
        ((second, _),) = _write(archive, 1)
    assert second.warc_file < first.warc_file
    assert [p.name for p in warc_files(tmp_path)] == [first.warc_file, second.warc_file]
    # a run killed right after creating its file leaves 0 bytes: removed on open
    empty = tmp_path / "nora-20261129T090000Z-00003.warc.gz"
    empty.write_bytes(b"")
    with WarcArchive(tmp_path, now=_now) as archive:
        assert archive.repaired is None
    assert not empty.exists()
    assert warc_files(tmp_path / "elsewhere") == []


class _FailingFile(io.BufferedWriter):
    """Writes half of the next buffer, then fails like a full disk."""

    fail_next = False

    def write(self, data: Any) -> int:
        if self.fail_next:
            self.fail_next = False
            super().write(bytes(data)[: len(data) // 2])
            raise OSError(28, "No space left on device")
        return super().write(data)


def test_failed_write_is_cut_back_so_the_file_stays_sound(tmp_path: Path) -> None:
    with WarcArchive(tmp_path, now=_now) as archive:
        ((first, _),) = _write(archive, 1)
        path = tmp_path / first.warc_file
        raw = archive._fh
        assert raw is not None
        failing = _FailingFile(raw.raw)  # type: ignore[attr-defined]
        archive._fh = failing
        failing.fail_next = True
        with pytest.raises(OSError, match="No space"):
            _write(archive, 1)
        size_after_failure = path.stat().st_size
        ((third, _),) = _write(archive, 1)
    assert size_after_failure == first.offset + first.length
    assert third.offset > first.offset and third.warc_file == first.warc_file
    assert check_warc(path) == []
    assert [r.offset for r, _ in iter_responses(path)] == [first.offset, third.offset]


def test_members_larger_than_the_read_chunk(tmp_path: Path) -> None:
    """Incompressible bodies make gzip members span many 64 KiB reads."""
    bodies = [random.Random(seed).randbytes(300_000) for seed in range(3)]
    with WarcArchive(tmp_path, now=_now) as archive:
        recs = [
            archive.write_exchange(
                "GET", f"https://wiki.example/f{i}", [], 200, "OK", [], body, "2026-11-29T08:00:00Z"
            )
            for i, body in enumerate(bodies)
        ]
    path = tmp_path / recs[0].warc_file
    assert all(r.length > 3 * 65536 for r in recs)
    assert check_warc(path) == []
    assert [b for _, b in iter_responses(path)] == bodies
    whole = path.read_bytes()
    path.write_bytes(whole[: recs[2].offset + recs[2].length // 2])
    with WarcArchive(tmp_path, now=_now) as archive:
        assert archive.repaired is not None
        assert archive.repaired.kept_bytes == recs[1].offset + recs[1].length
    assert [b for _, b in iter_responses(path)] == bodies[:2]
