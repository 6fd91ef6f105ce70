"""Parsing makes no network access: every fixture parses with the socket layer cut off.

Parsers are pure (DESIGN.md): a page that references a DTD, a stylesheet, an image
or an external link must never make the parser fetch it. Also, importing
``parsers`` must not pull in an HTTP client.
"""

from __future__ import annotations

import socket
import subprocess
import sys
from pathlib import Path
from typing import NoReturn

import pytest

from parsers import ParsedPage, parse_page
from tests.golden import fixture_pages
from tests.offline import NetworkUsed, cut_network

PAGES = fixture_pages()
SAMPLES = Path(__file__).resolve().parents[3] / "shared" / "samples"
HTTP_CLIENTS = ("requests", "urllib3", "httpx", "http.client", "aiohttp", "urllib.request")


@pytest.fixture
def no_network(monkeypatch: pytest.MonkeyPatch) -> None:
    cut_network(monkeypatch)


def test_guard_really_blocks(no_network: None) -> None:
    """The guard itself works, so the tests below cannot pass vacuously."""
    with pytest.raises(NetworkUsed):
        socket.create_connection(("127.0.0.1", 9))
    with pytest.raises(NetworkUsed):
        socket.getaddrinfo("www.noraonline.nl", 443)


def _offline(parsed: ParsedPage) -> ParsedPage:
    """A parse that reached the guard would show as an internal error, or not return."""
    assert not [w for w in parsed.page.warnings if w.startswith("internal-error")]
    return parsed


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_fixture_parses_offline(page: Path, no_network: None) -> None:
    data = page.read_bytes()
    _offline(parse_page(data, url=f"https://www.noraonline.nl/wiki/{page.stem}"))
    _offline(parse_page(data.decode("utf-8", "replace"), url=page.name))


def test_the_guard_is_not_swallowed_by_parse_page(monkeypatch: pytest.MonkeyPatch) -> None:
    """If parsing did reach the socket layer, the test would go red, not pass."""
    import parsers.page

    def reach_out(*args: object, **kwargs: object) -> NoReturn:
        socket.create_connection(("127.0.0.1", 9))
        raise AssertionError("unreachable")

    cut_network(monkeypatch)
    # parsers.page calls extract through its module globals, so it can be replaced
    monkeypatch.setattr(parsers.page, "extract", reach_out)
    with pytest.raises(NetworkUsed):
        parse_page(PAGES[0].read_bytes(), url=PAGES[0].name)


def test_page_with_external_references_parses_offline(no_network: None) -> None:
    """DOCTYPE with a system id, XML entities, external images and stylesheets stay unfetched."""
    page = (
        '<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN" '
        '"http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd" [<!ENTITY ext SYSTEM '
        '"http://127.0.0.1:9/entity">]><html><head>'
        '<link rel="stylesheet" href="http://127.0.0.1:9/s.css"/>'
        '<base href="http://127.0.0.1:9/"/></head><body>'
        '<div id="mw-content-text"><div class="mw-parser-output">'
        '<img src="http://127.0.0.1:9/x.png"/><p>&ext; <a href="http://127.0.0.1:9/wiki/X">X</a></p>'
        "</div></div></body></html>"
    )
    _offline(parse_page(page, url="external.html"))


def test_real_sample_parses_offline(no_network: None) -> None:
    samples = sorted(SAMPLES.glob("*.html")) if SAMPLES.is_dir() else []
    if not samples:
        pytest.skip(f"no real MediaWiki sample in {SAMPLES}")
    for sample in samples:
        _offline(parse_page(sample.read_bytes(), url=sample.name))


def test_importing_parsers_pulls_in_no_http_client() -> None:
    """In a fresh interpreter: import parsers and parse a page, then look at sys.modules."""
    code = (
        "import sys\n"
        "from parsers import parse_page\n"
        "page = b'<html><body><div id=\"mw-content-text\"><p>x</p></div></body></html>'\n"
        "parse_page(page, 'x.html')\n"
        f"print(','.join(m for m in {HTTP_CLIENTS!r} if m in sys.modules))\n"
    )
    root = Path(__file__).resolve().parents[2]
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert done.stdout.strip() == "", f"parsers imported HTTP clients: {done.stdout.strip()}"
