"""nora package: a WACZ that wacz validate accepts and pywb replays byte for byte.

The archive is made as an incremental crawl leaves it: crawl 2 fetched only
what changed, so its package must take the unchanged pages from crawl 1's WARC
file and still hold every page of that night, and nothing older.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import json
import socket
import sqlite3
import subprocess
import sys
import time
import zipfile
import zlib
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from warcio.archiveiterator import ArchiveIterator
from warcio.timeutils import iso_date_to_timestamp

from commands.cli import main
from commands.exits import ExitStatus
from scraper.archive.reader import read_record
from tests.crawl_support import reference_crawl
from tests.history_factory import START, archive_crawl, synthetic_page

__all__ = ["reference_crawl"]  # a fixture: the shared crawl of the loopback test wiki

DAY2 = START + timedelta(days=1)
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Crawl 1: pages 0-5. Crawl 2: page 1 and 2 changed, page 6 new, page 5 gone,
    pages 0, 3, 4 unchanged (not fetched: their records are in crawl 1's file)."""
    data = tmp_path_factory.mktemp("package") / "data"
    archive_crawl(data, [synthetic_page(n) for n in range(6)], when=START)
    fetched = [synthetic_page(1, version=2), synthetic_page(2, version=2), synthetic_page(6)]
    unchanged = [synthetic_page(n)[0] for n in (0, 3, 4)]
    gone = [synthetic_page(5)[0]]
    archive_crawl(data, fetched, unchanged=unchanged, gone=gone, when=DAY2)
    return data


@pytest.fixture(scope="module")
def wacz(archive: Path) -> Path:
    out = archive.parent / "crawl-2.wacz"
    assert main(["package", "--data", str(archive), "--out", str(out)]) == ExitStatus.OK
    return out


def _expected(data: Path) -> dict[str, tuple[str, str, str, int, str]]:
    """Per title: (url, fetched_at, warc file, offset, body sha256) of crawl 2's view."""
    with sqlite3.connect(data / "state.sqlite") as db:
        rows = db.execute(
            "SELECT title, url, fetched_at, warc_file, warc_offset, sha256 FROM fetches"
            " WHERE id IN (SELECT max(id) FROM fetches WHERE outcome = 'ok' GROUP BY title)"
            " AND title IN (SELECT title FROM listing WHERE crawl_id = 2)"
            " AND title NOT IN (SELECT title FROM fetches WHERE crawl_id = 2 AND outcome = 'gone')"
        ).fetchall()
    return {r[0]: (r[1], r[2], r[3], int(r[4]), r[5]) for r in rows}


def test_the_package_is_valid_for_the_formats_own_validator(wacz: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "wacz", "validate", "-f", str(wacz)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation succeeded, the passed WACZ is valid" in result.stdout
    with zipfile.ZipFile(wacz) as zf:
        names = set(zf.namelist())
        package = json.loads(zf.read("datapackage.json"))
    assert {"indexes/index.cdx.gz", "indexes/index.idx", "pages/pages.jsonl"} <= names
    assert "archive/nora-crawl-2.warc.gz" in names
    assert {r["path"] for r in package["resources"]} == names - {
        "datapackage.json",
        "datapackage-digest.json",
    }
    assert all(r["hash"].startswith("sha256:") for r in package["resources"])


def test_an_incremental_crawl_packages_the_whole_wiki_of_that_night(
    archive: Path, wacz: Path
) -> None:
    expected = _expected(archive)
    assert len(expected) == 6  # pages 0-4 and 6; 5 is gone
    files = {where[2] for where in expected.values()}
    assert len(files) == 2, "unchanged pages come from crawl 1's WARC file"
    with zipfile.ZipFile(wacz) as zf:
        lines = zf.read("pages/pages.jsonl").decode().splitlines()
        warc = zf.read("archive/nora-crawl-2.warc.gz")
    pages = {p["title"]: p for p in map(json.loads, lines[1:])}
    assert json.loads(lines[0])["format"] == "json-pages-1.0"
    assert set(pages) == set(expected)
    for title, (url, fetched_at, *_rest) in expected.items():
        assert (pages[title]["url"], pages[title]["ts"]) == (url, fetched_at)
    responses: dict[str, bytes] = {}
    types: list[str] = []
    for record in ArchiveIterator(_stream(warc)):
        types.append(record.rec_type)
        if record.rec_type == "response":
            uri = record.rec_headers.get_header("WARC-Target-URI")
            assert uri not in responses, f"{uri}: more than one version packaged"
            responses[uri] = record.content_stream().read()
    assert types[0] == "warcinfo"
    assert types.count("warcinfo") == 3  # the package's own + one per source file
    assert types.count("request") == types.count("response") == 6
    by_url = {url: (title, f, o, sha) for title, (url, _ts, f, o, sha) in expected.items()}
    assert set(responses) == set(by_url)
    for url, body in responses.items():
        title, warc_file, offset, sha = by_url[url]
        assert hashlib.sha256(body).hexdigest() == sha, title
        assert body == read_record(archive / "warc", warc_file, offset)[1], title


def test_records_are_copied_byte_for_byte(archive: Path, wacz: Path) -> None:
    """Each gzip member of the package's page records is the archive's own member."""
    with zipfile.ZipFile(wacz) as zf:
        warc = zf.read("archive/nora-crawl-2.warc.gz")
    for _title, (_url, _ts, warc_file, offset, _sha) in _expected(archive).items():
        source = (archive / "warc" / warc_file).read_bytes()
        member = _member(source, offset)
        assert member in warc


def _member(data: bytes, offset: int) -> bytes:
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    inflater.decompress(data[offset:])
    return data[offset : len(data) - len(inflater.unused_data)]


def _stream(data: bytes) -> Any:
    import io

    return io.BytesIO(data)


# -- replay in pywb ---------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def pywb(wacz: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[int]:
    """pywb 2.10 on loopback, serving the package as collection ``nora``."""
    root = tmp_path_factory.mktemp("pywb")
    for args in (["init", "nora"], ["add", "--unpack-wacz", "nora", str(wacz)]):
        done = subprocess.run(
            [str(BIN / "wb-manager"), *args], cwd=root, capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, done.stdout + done.stderr
    port = _free_port()
    log = (root / "wayback.log").open("wb")
    server = subprocess.Popen(
        [str(BIN / "wayback"), "--bind", "127.0.0.1", "-p", str(port)],
        cwd=root,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            assert server.poll() is None, (root / "wayback.log").read_text(errors="replace")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=1):
                    break
            except OSError:
                assert time.monotonic() < deadline, "pywb did not start in 120 s"
                time.sleep(0.2)
        yield port
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=20)
        log.close()


def _get(port: int, path: str) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = connection.getresponse()
        body = response.read()
        headers = {k.lower(): v for k, v in response.getheaders()}
        if headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        return response.status, headers, body
    finally:
        connection.close()


def test_pywb_replays_three_pages_byte_identical(archive: Path, pywb: int) -> None:
    expected = _expected(archive)
    # one page unchanged since crawl 1 (crawl 1's file), one changed and one new in crawl 2
    chosen = [synthetic_page(0)[0], synthetic_page(1)[0], synthetic_page(6)[0]]
    assert len({expected[t][2] for t in chosen}) == 2
    identical = 0
    for title in chosen:
        url, fetched_at, warc_file, offset, sha = expected[title]
        stamp = iso_date_to_timestamp(fetched_at)
        status, headers, body = _get(pywb, f"/nora/{stamp}id_/{url}")
        assert status == 200, (title, status, body[:300])
        stored = read_record(archive / "warc", warc_file, offset)[1]
        assert hashlib.sha256(stored).hexdigest() == sha
        assert body == stored, f"{title}: pywb replayed other bytes than the archive stored"
        assert headers["memento-datetime"] == _http_date(fetched_at)
        identical += 1
    assert identical == 3


def _http_date(iso: str) -> str:
    from email.utils import format_datetime

    from scraper.snapshot.lookup import parse_moment

    return format_datetime(parse_moment(iso), usegmt=True)


# -- the command line ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (["--out", "x.zip"], "expected a file name ending in .wacz"),
        (["--out", "{existing}"], "expected a new file, found one already there"),
        (["--out", "y.wacz", "--crawl", "9"], "expected crawl 9, found only crawls [1, 2]"),
        (["--out", "nowhere/y.wacz"], "expected a folder for the package"),
    ],
)
def test_bad_input_is_a_one_line_usage_error(
    archive: Path,
    wacz: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    extra: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    args = [a.replace("{existing}", str(wacz)) for a in extra]
    assert main(["package", "--data", str(archive), *args]) == ExitStatus.USAGE
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


def test_pages_never_archived_make_it_partial(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    archive_crawl(data, [synthetic_page(0)], unchanged=["Nooit Opgehaald"])
    out = tmp_path / "p.wacz"
    assert main(["package", "--data", str(data), "--out", str(out)]) == ExitStatus.PARTIAL
    assert "1 listed pages have no archived version: Nooit Opgehaald" in capsys.readouterr().err
    assert out.is_file()
    assert [p for p in tmp_path.iterdir() if p.name.startswith(".")] == []


@pytest.mark.wiki
def test_a_crawl_of_the_test_wiki_packages_and_validates(
    reference_crawl: Path, tmp_path: Path
) -> None:
    """The real crawl of the 300-page loopback MediaWiki: every snapshot page packaged."""
    import pyarrow.parquet as pq

    data = reference_crawl.parent.parent
    out = tmp_path / "wiki.wacz"
    assert main(["package", "--data", str(data), "--out", str(out)]) == ExitStatus.OK
    done = subprocess.run(
        [sys.executable, "-m", "wacz", "validate", "-f", str(out)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    with zipfile.ZipFile(out) as zf:
        listed = {
            json.loads(line)["title"] for line in zf.read("pages/pages.jsonl").splitlines()[1:]
        }
    titles = set(
        pq.read_table(reference_crawl / "pages.parquet", columns=["title"]).column(0).to_pylist()
    )
    assert listed == titles


def test_a_crawl_writing_the_newest_file_does_not_stop_a_package(tmp_path: Path) -> None:
    """Bytes a running crawl is appending (a torn member for now) come after every record
    the package needs; the walk stops before them."""
    data = tmp_path / "data"
    archive_crawl(data, [synthetic_page(n) for n in range(3)])
    (newest,) = (data / "warc").iterdir()
    with newest.open("ab") as fh:
        fh.write(b"\x1f\x8b\x08\x00torn")
    out = tmp_path / "p.wacz"
    assert main(["package", "--data", str(data), "--out", str(out)]) == ExitStatus.OK
    with zipfile.ZipFile(out) as zf:
        assert len(zf.read("pages/pages.jsonl").splitlines()) == 4
