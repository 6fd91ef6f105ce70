"""``parse_page`` never raises on input: random text and bytes, and damaged fixture pages.

Damage is what saved pages really suffer: cut off at any byte, byte ranges lost,
repeated or swapped, stray tags injected, closing tags missing. Whatever comes
in, a ``ParsedPage`` comes out (warnings on the page row, never an exception).
"""

from __future__ import annotations

import logging
import re
import warnings

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from parsers import (
    PageRecord,
    ParsedPage,
    PropertyRecord,
    RelationRecord,
    SectionRecord,
    parse_page,
    problems,
)
from tests.golden import fixture_pages

FIXTURE_BYTES: list[bytes] = [p.read_bytes() for p in fixture_pages()]
# fixtures with real structure are the ones worth damaging
MUTABLE: list[bytes] = [b for b in FIXTURE_BYTES if len(b) > 1000]

TAGS: list[bytes] = [
    b"<table>",
    b"</table>",
    b"<tr>",
    b"</tr>",
    b"<td>",
    b"<th>",
    b"</td>",
    b"<caption>Eigenschappen",
    b"<h2>",
    b"</h2>",
    b'<h2><span class="mw-headline">Relaties</span></h2>',
    b"<h7>",
    b"<div>",
    b"</div>",
    b'<div class="mw-parser-output">',
    b'<div class="mw-heading mw-heading2"><h2 id="x">',
    b'<div id="mw-content-text">',
    b"<p><b>Label:</b>",
    b"<b>",
    b"</b>",
    b"<li>",
    b"<ul>",
    b"<ol>",
    b"<br>",
    b"<!--",
    b"-->",
    b"<script>",
    b"</script>",
    b"<style>",
    b"<![CDATA[",
    b"&#",
    b"&#x110000;",
    b"&amp",
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b'<a href="/wiki/%ZZ%">',
    b'<a class="new" title="">',
    b'<a href="/index.php?title=&amp;action=edit&amp;redlink=1">',
    b'<a class="mw-selflink">',
    b'<span class="smwttcontent">',
    b'<span class="smw-highlighter">',
    b'<meta charset="klingon">',
    b'<meta charset="windows-1252">',
    b"RLCONF={",
    b'mw.config.set({"wgPageName":',
    b'"wgArticleId":"x"',
    b"<html>",
    b"</html>",
    b"<body>",
    b"<frameset>",
    b"<svg><foreignObject>",
    b"<math>",
    b"<template>",
    b"<table><tr><th>Vertrekpunt</th><th>Relatie</th><th>Eindpunten</th></tr>",
]

EXAMPLES = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _check(result: object) -> None:
    """A well-formed ParsedPage: the right record types all the way down, and no bug.

    ``parse_page`` turns any exception into an ``internal-error`` warning so that it
    never raises: a fuzz case that hits a bug must fail here, not pass as a warning.
    """
    assert isinstance(result, ParsedPage)
    internal = [w for w in result.page.warnings if w.startswith(problems.INTERNAL_ERROR + ":")]
    assert internal == [], internal
    assert isinstance(result.page, PageRecord)
    assert isinstance(result.page.title, str)
    assert isinstance(result.page.warnings, tuple)
    assert all(isinstance(w, str) for w in result.page.warnings)
    assert all(isinstance(p, PropertyRecord) for p in result.properties)
    assert all(isinstance(r, RelationRecord) for r in result.relations)
    assert all(isinstance(s, SectionRecord) for s in result.sections)


def _pos(data: st.DataObject, size: int) -> int:
    return data.draw(st.integers(min_value=0, max_value=max(size, 0)))


def _strip_closing_tags(page: bytes, every: int) -> bytes:
    """Drop every ``every``-th closing tag (1: all of them)."""
    seen = 0

    def drop(match: re.Match[bytes]) -> bytes:
        nonlocal seen
        seen += 1
        return b"" if seen % every == 0 else match[0]

    return re.sub(rb"</[a-zA-Z0-9]+\s*>", drop, page)


def _mutate(page: bytes, data: st.DataObject) -> bytes:
    """Apply one to five random kinds of damage."""
    ops = data.draw(
        st.lists(
            st.sampled_from(["truncate", "delete", "duplicate", "swap", "inject", "strip", "flip"]),
            min_size=1,
            max_size=5,
        )
    )
    for op in ops:
        n = len(page)
        if op == "truncate":
            page = page[: _pos(data, n)]
        elif op == "delete":
            a = _pos(data, n)
            page = page[:a] + page[a + data.draw(st.integers(0, 4000)) :]
        elif op == "duplicate":
            a = _pos(data, n)
            chunk = page[a : a + data.draw(st.integers(1, 4000))]
            b = _pos(data, n)
            page = page[:b] + chunk + page[b:]
        elif op == "swap":
            a, b = sorted((_pos(data, n), _pos(data, n)))
            k = min(data.draw(st.integers(1, 2000)), (b - a) // 2)
            if k > 0:
                page = page[:a] + page[b - k : b] + page[a + k : b - k] + page[a : a + k] + page[b:]
        elif op == "inject":
            a = _pos(data, n)
            tag = data.draw(st.one_of(st.sampled_from(TAGS), st.binary(max_size=40)))
            page = page[:a] + tag + page[a:]
        elif op == "strip":
            page = _strip_closing_tags(page, data.draw(st.integers(1, 5)))
        elif op == "flip" and n:
            a = _pos(data, n - 1)
            page = page[:a] + bytes([page[a] ^ data.draw(st.integers(1, 255))]) + page[a + 1 :]
    return page


@EXAMPLES
@given(st.text(max_size=5000))
def test_random_text(text: str) -> None:
    _check(parse_page(text))
    _check(parse_page(text, "random.html"))


@EXAMPLES
@given(st.binary(max_size=5000))
def test_random_bytes(data: bytes) -> None:
    _check(parse_page(data, "https://www.noraonline.nl/wiki/Random"))


@EXAMPLES
@given(st.lists(st.sampled_from(TAGS), max_size=60), st.text(max_size=200))
def test_tag_soup(tags: list[bytes], text: str) -> None:
    soup = b"".join(tags) + text.encode("utf-8", "surrogatepass")
    _check(parse_page(soup, "soup.html"))
    _check(parse_page(soup.decode("utf-8", "replace"), "soup.html"))


@EXAMPLES
@given(st.sampled_from(MUTABLE), st.data())
def test_mutated_fixture_bytes(page: bytes, data: st.DataObject) -> None:
    _check(parse_page(_mutate(page, data), "mutated.html"))


@EXAMPLES
@given(st.sampled_from(MUTABLE), st.data())
def test_mutated_fixture_text(page: bytes, data: st.DataObject) -> None:
    text = _mutate(page, data).decode("utf-8", "replace")
    _check(parse_page(text, "/wiki/Mutated_page"))


@EXAMPLES
@given(st.sampled_from(MUTABLE), st.data())
def test_truncated_fixture_keeps_a_warning(page: bytes, data: st.DataObject) -> None:
    """A full page cut before </html> says so on its page row."""
    end = page.rfind(b"</html>")
    cut = data.draw(st.integers(min_value=max(end - 20_000, 0), max_value=end)) if end > 0 else 0
    result = parse_page(page[:cut], "cut.html")
    _check(result)
    if end > 0 and cut > page.find(b"<body"):
        assert result.page.warnings, "a full page cut before </html> must carry a warning"


def test_parsing_is_silent(caplog: pytest.LogCaptureFixture) -> None:
    """Parsers are pure: no log records and no Python warnings, even on damaged input."""
    inputs = [
        *FIXTURE_BYTES,
        b"",
        b"\x00\xff" * 100,
        b"<html><body><table><tr><td>",
        "é‘’".encode("cp1252"),
    ]
    caplog.set_level(logging.DEBUG)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for data in inputs:
            _check(parse_page(data, "silent.html"))
    assert caplog.records == [], [r.getMessage() for r in caplog.records]
    assert caught == [], [str(w.message) for w in caught]
