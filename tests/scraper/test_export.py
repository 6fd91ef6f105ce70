"""nora export: an archived crawl re-parsed into a snapshot, offline, streaming, in order."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

import scraper.archive.readonly as readonly
import scraper.snapshot.export as export
import scraper.snapshot.pipeline as pipeline
import scraper.snapshot.reparse as reparse
from commands.cli import main
from commands.exits import ExitStatus, crawl_status
from output.history import latest_snapshot, list_snapshots
from output.snapshot import SnapshotWriter
from output.verify import verify_folder
from parsers import parse_page
from scraper.archive.lock import DataLock
from scraper.archive.reader import read_record
from scraper.snapshot.pages import located, resolved
from tests.history_factory import START, archive_crawl, page_url, synthetic_page
from tests.scraper import test_crawl_run as crawl_mock

wiki = crawl_mock.wiki  # the mock wiki fixture, shared with the crawl tests

TABLES = ("pages", "properties", "relations", "sections")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    """Any attempt to reach a host fails loudly (also in forked workers)."""

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError(f"network used: {args!r}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket.socket, "connect_ex", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


Pages = dict[str, tuple[bytes, str]]  # title -> (html, fetched_at)
DAY1, DAY2 = START, START + timedelta(days=1)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def two_crawls(tmp_path: Path) -> tuple[Path, Pages, Pages]:
    """Crawl 1: pages 0-29. Crawl 2: 0-9 unchanged, 10-19 changed, 20-24 gone,
    25-29 deleted (not listed), 30-34 new. Returns the data dir and each crawl's pages."""
    data = tmp_path / "data"
    first = {t: (html, _stamp(DAY1)) for t, html in map(synthetic_page, range(30))}
    archive_crawl(data, [(t, html) for t, (html, _) in first.items()], when=DAY1)
    fetched = [synthetic_page(n, version=2) for n in range(10, 20)]
    fetched += [synthetic_page(n) for n in range(30, 35)]
    unchanged = [synthetic_page(n)[0] for n in range(10)]
    gone = [synthetic_page(n)[0] for n in range(20, 25)]
    archive_crawl(data, fetched, unchanged=unchanged, gone=gone, when=DAY2)
    second = {t: first[t] for t in unchanged} | {t: (h, _stamp(DAY2)) for t, h in fetched}
    return data, first, second


def _expected(tmp_path: Path, pages: Pages, name: str, data: Path, crawl_id: int) -> Path:
    """The snapshot that parsing each page directly, in title order, gives, each page
    row naming where the crawl's state says its record is archived."""
    db = readonly.connect_state(data)
    where = {s.title: (s.warc_file, s.warc_offset) for s in pipeline.page_sources(db, crawl_id)}
    db.close()
    out = tmp_path / name
    with SnapshotWriter(out, command="parse") as writer:
        for title in sorted(pages):
            html, fetched_at = pages[title]
            warc_file, offset = where[title]
            assert warc_file is not None and offset is not None
            parsed = parse_page(html, page_url(title), fetched_at=fetched_at)
            writer.add(resolved(located(parsed, warc_file, offset), {}))  # no redirects here
    return out


def _same_tables(a: Path, b: Path) -> None:
    for table in TABLES:
        for suffix in ("csv", "parquet"):
            assert (a / f"{table}.{suffix}").read_bytes() == (
                b / f"{table}.{suffix}"
            ).read_bytes(), f"{table}.{suffix} differs"


def test_export_latest_crawl_offline_in_parallel(
    two_crawls: tuple[Path, Pages, Pages],
    tmp_path: Path,
    no_network: None,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data, _first, second = two_crawls
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_PAGES", 1)
    monkeypatch.setattr(reparse, "CHUNK_PAGES", 3)
    assert main(["export", "--data", str(data), "--workers", "2"]) == ExitStatus.OK
    out = latest_snapshot(data)
    assert out is not None and out.parent == (data / "snapshots").resolve()
    manifest = verify_folder(out)
    assert manifest.ok, manifest.problems
    assert manifest.rows["pages"] == 25
    _same_tables(out, _expected(tmp_path, second, "expected-2", data, 2))
    titles = pq.read_table(out / "pages.parquet", columns=["title"]).column(0).to_pylist()
    assert titles == sorted(second)
    # each page row says where its record is: reading it back gives the page's HTML
    rows = pq.read_table(out / "pages.parquet", columns=["title", "warc_file", "warc_offset"])
    for title, warc_file, offset in zip(*(c.to_pylist() for c in rows.columns), strict=True):
        assert read_record(data / "warc", warc_file, offset)[1] == second[title][0], title
    assert "crawl 2: 25 pages" in capsys.readouterr().out
    assert [s.id for s in list_snapshots(data)] == [out.name]
    assert (data / "history" / "pages" / f"snapshot={out.name}" / "part-0.parquet").is_file()


def test_export_an_earlier_crawl_to_a_folder(
    two_crawls: tuple[Path, Pages, Pages], tmp_path: Path, no_network: None
) -> None:
    data, first, _second = two_crawls
    out = tmp_path / "crawl-1"
    assert main(["export", "--data", str(data), "--crawl", "1", "--out", str(out)]) == 0
    _same_tables(out, _expected(tmp_path, first, "expected-1", data, 1))
    assert latest_snapshot(data) is None  # --out: not published


def test_one_worker_and_two_give_identical_files(
    two_crawls: tuple[Path, Pages, Pages],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data, _first, _second = two_crawls
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_PAGES", 1)
    monkeypatch.setattr(reparse, "CHUNK_PAGES", 2)
    serial = export.export_crawl(data, tmp_path / "serial", workers=1)
    pooled = export.export_crawl(data, tmp_path / "pooled", workers=2)
    assert serial.manifest["extra"]["workers"] == 1 and pooled.manifest["extra"]["workers"] == 2
    assert serial.manifest["files"] == pooled.manifest["files"]


def test_unreadable_records_are_reported_and_the_rest_exported(
    two_crawls: tuple[Path, Pages, Pages],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    data, _first, _second = two_crawls
    (warc,) = sorted((data / "warc").glob("*-00002.warc.gz"))
    content = bytearray(warc.read_bytes())
    content[len(content) // 2 : len(content) // 2 + 64] = b"\0" * 64  # smash a record
    warc.write_bytes(bytes(content))
    out = tmp_path / "out"
    assert main(["export", "--data", str(data), "--out", str(out)]) == ExitStatus.PARTIAL
    assert "1 unreadable" in capsys.readouterr().out
    report = verify_folder(out)
    assert report.ok and report.rows["pages"] == 24


def test_export_refuses_without_a_crawl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["export", "--data", str(tmp_path / "nowhere")]) == ExitStatus.USAGE
    tmp_path.joinpath("data").mkdir()
    assert main(["export", "--data", str(tmp_path / "data")]) == ExitStatus.USAGE
    assert "expected state.sqlite" in capsys.readouterr().err


def test_unknown_crawl_is_a_usage_error(
    two_crawls: tuple[Path, Pages, Pages], capsys: pytest.CaptureFixture[str]
) -> None:
    data, _first, _second = two_crawls
    assert main(["export", "--data", str(data), "--crawl", "7"]) == ExitStatus.USAGE
    assert "expected crawl 7, found only crawls [1, 2]" in capsys.readouterr().err


def test_export_refuses_while_another_run_holds_the_lock(
    two_crawls: tuple[Path, Pages, Pages],
) -> None:
    data, _first, _second = two_crawls
    with DataLock(data):  # flock: a second open file description conflicts, same process or not
        assert main(["export", "--data", str(data)]) == ExitStatus.LOCKED
    assert main(["export", "--data", str(data)]) == ExitStatus.OK


def test_reading_ahead_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The pool never holds more than a few chunks of pages beyond what was written."""
    data = tmp_path / "data"
    pages = [synthetic_page(n) for n in range(60)]
    archive_crawl(data, pages)
    monkeypatch.setattr(reparse, "CHUNK_PAGES", 2)
    # the chunks out and unconsumed, and the one the feeder is filling
    limit = reparse.CHUNK_PAGES * (reparse.CHUNKS_AHEAD * 2 + 1)
    produced = 0
    db = readonly.connect_state(data)

    def counting() -> Iterator[reparse.PageSource]:
        nonlocal produced
        for source in pipeline.page_sources(db, 1):
            produced += 1
            yield source

    consumed = 0
    ahead = []
    for chunk in reparse.parsed_chunks(counting(), data / "warc", workers=2, parallel=True):
        assert chunk.unreadable == () and chunk.pages == chunk.read <= reparse.CHUNK_PAGES
        consumed += chunk.read
        ahead.append(produced - consumed)
    db.close()
    assert consumed == 60
    assert max(ahead) <= limit
    assert max(ahead) > 0  # the pool did read ahead


# -- against a real crawl ------------------------------------------------------------------


def test_export_gives_each_crawls_own_snapshot(
    tmp_path: Path, wiki: crawl_mock.MockWiki, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Crawl a mock wiki twice (an edit, a new and a deleted page in between); exporting
    each crawl offline, with the pool, gives byte-identical tables to its own snapshot."""
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_PAGES", 1)
    crawl_mock.seed(wiki)
    first = crawl_mock.crawl(tmp_path)
    wiki.edit("A", ["D"])
    wiki.add("F", ["E"])
    del wiki.pages["C"]
    second = crawl_mock.crawl(tmp_path)
    assert crawl_status(first) == crawl_status(second) == ExitStatus.OK
    for outcome in (first, second):
        out = tmp_path / f"export-{outcome.crawl_id}"
        result = export.export_crawl(tmp_path, out, crawl_id=outcome.crawl_id, workers=2)
        assert result.unreadable == []
        _same_tables(out, outcome.snapshot_dir)
