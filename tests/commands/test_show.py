"""nora show: one page's archived HTML, headers, records or raw record, by crawl or date."""

from __future__ import annotations

import json
import webbrowser
from datetime import timedelta
from pathlib import Path

import pytest

from commands.cli import main
from commands.exits import ExitStatus
from commands.show import VIEW_POLICY, safe_view
from scraper.snapshot.lookup import VIEW_HEAD
from tests.browser import dump_dom
from tests.history_factory import START, archive_crawl, synthetic_page

DAY2 = START + timedelta(days=1)


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """Two crawls: pages 0-3 on day 1; page 1 changed on day 2, page 0 unchanged."""
    data = tmp_path / "data"
    archive_crawl(data, [synthetic_page(n) for n in range(4)], when=START)
    unchanged = [synthetic_page(n)[0] for n in (0, 2, 3)]
    archive_crawl(data, [synthetic_page(1, version=2)], unchanged=unchanged, when=DAY2)
    return data


def _show(capsysbinary: pytest.CaptureFixture[bytes], *args: str) -> tuple[int, bytes, str]:
    status = main(["show", *args])
    out, err = capsysbinary.readouterr()
    return status, out, err.decode()


def test_default_is_the_newest_html_exactly(
    data: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    title, html = synthetic_page(1, version=2)
    status, out, err = _show(capsysbinary, title, "--data", str(data))
    assert status == ExitStatus.OK
    assert out == html
    assert "crawl 2" in err and ".warc.gz @ " in err


def test_crawl_and_at_choose_the_version_of_that_night(
    data: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    title, old = synthetic_page(1)
    assert _show(capsysbinary, title, "--data", str(data), "--crawl", "1")[1] == old
    day1 = START.strftime("%Y-%m-%d")
    assert _show(capsysbinary, title, "--data", str(data), "--at", day1)[1] == old
    at = (DAY2 - timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert _show(capsysbinary, title, "--data", str(data), "--at", at)[1] == old
    # unchanged on day 2: crawl 2 saw the record crawl 1 wrote
    title0, html0 = synthetic_page(0)
    status, out, err = _show(capsysbinary, title0, "--data", str(data), "--crawl", "2")
    assert (status, out) == (ExitStatus.OK, html0) and "crawl 1" in err


def test_headers_records_and_raw(data: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    title, html = synthetic_page(2)
    status, out, _ = _show(capsysbinary, title.replace(" ", "_"), "--data", str(data), "--headers")
    text = out.decode()
    assert status == ExitStatus.OK
    assert text.startswith("HTTP/1.1 200 OK\n")
    assert "Content-Type: text/html; charset=UTF-8" in text
    assert "WARC-File: nora-" in text and "WARC-Offset: " in text and "Crawl: 1" in text

    status, out, _ = _show(capsysbinary, title, "--data", str(data), "--records")
    records = json.loads(out)
    assert status == ExitStatus.OK
    assert records["page"]["title"] == title
    assert records["page"]["warc_file"].startswith("nora-")
    assert isinstance(records["page"]["warc_offset"], int)
    assert records["properties"], "the template page has properties"

    status, out, _ = _show(capsysbinary, title, "--data", str(data), "--raw")
    assert status == ExitStatus.OK
    assert out.startswith(b"WARC/1.0\r\nWARC-Type: response\r\n")
    assert b"\r\n\r\nHTTP/1.1 200 OK\r\n" in out
    assert out.rstrip(b"\r\n").endswith(html.rstrip(b"\r\n"))


def test_open_writes_a_view_that_cannot_run_scripts(
    data: Path, capsysbinary: pytest.CaptureFixture[bytes], monkeypatch: pytest.MonkeyPatch
) -> None:
    opened: list[str] = []

    def fake_open(url: str) -> bool:
        opened.append(url)
        return True

    monkeypatch.setattr(webbrowser, "open", fake_open)
    title, html = synthetic_page(3)
    status, out, _ = _show(capsysbinary, title, "--data", str(data), "--open")
    assert status == ExitStatus.OK
    path = Path(out.decode().strip())
    try:
        assert opened == [path.as_uri()]
        view = path.read_bytes()
        assert view == VIEW_HEAD.encode() + html  # the page after the policy, as archived
    finally:
        path.unlink()


def test_safe_view_puts_the_policy_before_any_byte_of_the_page() -> None:
    for page in (b"<p>hi</p>", b'<html><HEAD lang="nl"><b>', b"<script>x()</script><head>"):
        assert safe_view(page) == VIEW_HEAD.encode() + page
    assert VIEW_HEAD.startswith("<!DOCTYPE html><html><head>") and VIEW_POLICY in VIEW_HEAD
    # the copy is UTF-8, as its own <meta charset> says, whatever the page declared
    latin = b'<meta charset="windows-1252"><p>caf\xe9 \x93x\x94</p>'
    assert safe_view(latin).endswith("<p>café “x”</p>".encode())


#: what a script of the page would do if it ran: mark the document
MARK = "document.documentElement.setAttribute('data-pwned', '1')"
#: pages whose script ran in Chromium when the policy went where the first ``<head`` was
SCRIPTED = {
    "script-before-head": f"<script>{MARK}</script><html><head><title>t</title></head><body>x",
    "head-in-a-comment": f"<!-- <head> --><script>{MARK}</script><p>x</p>",
    "head-in-a-textarea": f"<textarea><head></textarea><script>{MARK}</script>",
    "head-first": f"<html><head><title>t</title></head><body><script>{MARK}</script></body>",
    "event-handler": f'<p>x</p><img src="data:," onerror="{MARK}"><svg onload="{MARK}"></svg>',
    "many-heads": "<head " * 20_000 + f"><script>{MARK}</script>",
}


@pytest.mark.parametrize("name", sorted(SCRIPTED))
def test_no_script_of_the_page_runs_in_chromium(tmp_path: Path, name: str) -> None:
    page = SCRIPTED[name].encode()
    bare, view = tmp_path / "bare.html", tmp_path / "view.html"
    bare.write_bytes(page)
    view.write_bytes(safe_view(page))
    assert 'data-pwned="1"' in dump_dom(bare), "the check must see a script that runs"
    assert 'data-pwned="1"' not in dump_dom(view), f"{name}: the page's script ran"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Toegankelijk (Doel) n9"], "did you mean: Toegankelijk (Doel) n0"),
        (["Toegankelijk (Doel) n0", "--crawl", "7"], "expected crawl 7, found only crawls [1, 2]"),
        (["Toegankelijk (Doel) n0", "--at", "2026-08-01"], "archived by 2026-08-01T23:59:59Z"),
        (["Toegankelijk (Doel) n0", "--at", "yesterday"], "expected a date (2026-11-29)"),
    ],
)
def test_bad_input_is_one_line_and_usage(
    data: Path, capsysbinary: pytest.CaptureFixture[bytes], args: list[str], message: str
) -> None:
    status, out, err = _show(capsysbinary, *args, "--data", str(data))
    assert status == ExitStatus.USAGE
    assert out == b""
    assert message in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_no_data_folder(tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    status, _, err = _show(capsysbinary, "X", "--data", str(tmp_path / "nope"))
    assert status == ExitStatus.USAGE and "expected a data folder" in err


def test_damaged_record_is_partial(data: Path, capsysbinary: pytest.CaptureFixture[bytes]) -> None:
    title, _ = synthetic_page(1, version=2)
    status, out, _ = _show(capsysbinary, title, "--data", str(data), "--headers")
    fields = dict(line.split(": ", 1) for line in out.decode().splitlines() if ": " in line)
    warc, offset = data / "warc" / fields["WARC-File"], int(fields["WARC-Offset"])
    with warc.open("r+b") as fh:  # garbage inside the record's compressed bytes
        fh.seek(offset + 40)
        fh.write(b"\xff" * 64)
    for extra in ([], ["--raw"]):
        status, out, err = _show(capsysbinary, title, "--data", str(data), *extra)
        assert status == ExitStatus.PARTIAL, extra
        assert out == b"" and "archived record unreadable" in err and "Traceback" not in err
