"""Text from the site never reaches the terminal raw (``output.terminal``).

Each case is one way a hostile wiki's text reached the screen before: an API error
``info`` printed by ``nora crawl`` and again by ``nora status``, a response header
value printed by ``nora show --headers``, a title printed by ``nora diff``, the HTML
``nora show`` writes to a terminal. The servers are loopback ones, bounded in requests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from commands.cli import main
from commands.exits import ExitStatus
from output.terminal import printable, printable_bytes, printable_json, visible_bidi
from tests.history_factory import day, make_page, write_snapshot
from tests.hostile import HostileWiki, Reply, Request, json_reply

ROOT = Path(__file__).resolve().parents[2]
#: an xterm title change, a bell, a screen clear, a C1 CSI and a right-to-left override
HOSTILE = "\x1b]0;pwned\x07\x1b[2J\x9b31m\u202eevil"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


def _clean(text: str) -> None:
    found = [repr(c) for c in RAW if c in text]
    assert not found, f"raw controls reached the terminal: {found}\n{text!r}"


def nora(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "commands.cli", *args],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip


def test_printable_escapes_controls_and_keeps_layout() -> None:
    assert printable("a\tb\nc") == "a\tb\nc"
    assert printable(HOSTILE) == "\\x1b]0;pwned\\x07\\x1b[2J\\x9b31m\\u202eevil"
    assert printable("\r\x00\x7f") == "\\x0d\\x00\\x7f"
    assert printable("Café – ‘één’") == "Café – ‘één’"
    assert printable_bytes(b"<p>\x1b[2J\xff</p>") == b"<p>\\x1b[2J\\xff</p>"
    text = json.dumps({"t": "\x9b\u202e\n"}, ensure_ascii=False)
    assert json.loads(printable_json(text)) == {"t": "\x9b\u202e\n"}
    _clean(printable_json(text))
    assert visible_bidi("abc\u202etxt.exe") == "abc[U+202E]txt.exe"


def test_api_error_info_is_escaped_by_crawl_and_by_status(tmp_path: Path) -> None:
    def refuse(request: Request) -> Reply | None:
        if request.path == "/api.php" and "generator" in request.query:
            return json_reply({"error": {"code": "internal", "info": HOSTILE}})
        return None

    with HostileWiki(misbehave=refuse, max_requests=50) as wiki:
        crawl = nora(
            "crawl", "--site", wiki.url, "--data", str(tmp_path), "--delay", "0",
            "--no-progress", "--contact", "tests@example.org",
        )  # fmt: skip
    assert crawl.returncode == ExitStatus.UNREACHABLE, crawl.stdout + crawl.stderr
    assert "pwned" in crawl.stdout + crawl.stderr  # said, escaped
    _clean(crawl.stdout + crawl.stderr)
    status = nora("status", "--data", str(tmp_path))
    assert "pwned" in status.stdout, status.stdout + status.stderr
    _clean(status.stdout + status.stderr)
    as_json = nora("status", "--data", str(tmp_path), "--json")
    _clean(as_json.stdout + as_json.stderr)
    assert any(HOSTILE in text for text in _strings(json.loads(as_json.stdout)))  # the data kept


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    return [s for item in value for s in _strings(item)] if isinstance(value, list) else []


def test_show_escapes_header_values_and_html_on_a_terminal(tmp_path: Path) -> None:
    def header(request: Request) -> Reply | None:
        if request.path == "/wiki/Alfa":
            page = (
                b"<!DOCTYPE html><html><head><title>Alfa</title></head><body>"
                b"<p>\x1b]0;pwned\x07</p></body></html>"
            )
            return Reply(200, page, (("Content-Type", "text/html; charset=UTF-8"),
                                     ("X-Note", "\x1b]0;pwned\x07\x1b[2J")))  # fmt: skip
        return None

    with HostileWiki(misbehave=header, max_requests=50) as wiki:
        crawl = nora(
            "crawl", "--site", wiki.url, "--data", str(tmp_path), "--delay", "0",
            "--no-progress", "--contact", "tests@example.org", "--no-facts",
        )  # fmt: skip
    assert crawl.returncode in (ExitStatus.OK, ExitStatus.PARTIAL), crawl.stdout + crawl.stderr
    shown = nora("show", "Alfa", "--data", str(tmp_path), "--headers")
    assert shown.returncode == ExitStatus.OK, shown.stderr
    assert "X-Note: \\x1b]0;pwned\\x07\\x1b[2J" in shown.stdout
    _clean(shown.stdout + shown.stderr)
    # piped, the HTML is the archived bytes exactly; on a terminal, escaped
    piped = subprocess.run(
        [sys.executable, "-m", "commands.cli", "show", "Alfa", "--data", str(tmp_path)],
        cwd=ROOT, capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert b"<p>\x1b]0;pwned\x07</p>" in piped.stdout
    on_tty = subprocess.run(
        [sys.executable, "-c", _TTY, "show", "Alfa", "--data", str(tmp_path)],
        cwd=ROOT, capture_output=True, timeout=60, check=False,
    )  # fmt: skip
    assert b"<p>\\x1b]0;pwned\\x07</p>" in on_tty.stdout, on_tty.stdout + on_tty.stderr
    _clean(on_tty.stdout.decode())


#: ``nora`` with standard output taken for a terminal (isatty), as a user's screen is
_TTY = (
    "import sys\n"
    "from commands.cli import main\n"
    "sys.stdout.isatty = lambda: True\n"
    "sys.exit(main(sys.argv[1:]))\n"
)


def test_diff_escapes_titles_taken_from_saved_pages(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    title = "Doel\x1b]0;pwned\x07\x1b[2J (Doel)"
    old = write_snapshot(tmp_path, [make_page(title, props=[("Stelling", "a")])], when=day(0))
    new = write_snapshot(tmp_path, [make_page(title, props=[("Stelling", "b")])], when=day(1))
    status = main(["diff", str(old), str(new), "--out", str(tmp_path / "diff")])
    out, err = capsys.readouterr()
    assert status == ExitStatus.OK, err
    assert "pwned" in out
    _clean(out + err)
