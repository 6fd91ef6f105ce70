"""``parse_page`` on hostile pages: deep nesting, charsets that are not text encodings,
config objects nested past the JSON decoder's recursion limit."""

from __future__ import annotations

import pytest

from parsers import parse_page


def page(inner: str, *, head: str = "", config: str | None = None) -> bytes:
    conf = config if config is not None else '{"wgPageName":"Diep","wgCategories":[]}'
    return (
        f"<!DOCTYPE html><html><head>{head}<script>RLCONF={conf};</script></head><body>"
        '<div id="mw-content-text"><div class="mw-parser-output">'
        f"{inner}"
        '<h2><span class="mw-headline" id="Na">Na</span></h2><p>TEXT AFTER</p>'
        "</div></div></body></html>"
    ).encode()


def test_a_config_nested_past_the_recursion_limit_is_no_crash() -> None:
    parsed = parse_page(
        page("<p>hi</p>", config='{"wgPageName":"X","wgCategories":' + "[" * 100_000)
    )
    assert parsed.page.title == "X"
    assert not any(w.startswith("internal-error") for w in parsed.page.warnings)
    assert [s.text for s in parsed.sections] == ["hi", "TEXT AFTER"]


@pytest.mark.parametrize("charset", ["rot13", "base64", "undefined", "zlib", "hex", "utf-7"])
def test_only_text_encodings_are_honoured(charset: str) -> None:
    body = "<p>Tekst +ADw-script+AD4-alert(1)+ADw-/script+AD4- zichtbaar</p>"
    parsed = parse_page(page(body, head=f'<meta charset="{charset}">'))
    warnings = parsed.page.warnings
    assert not any(w.startswith("internal-error") for w in warnings), warnings
    assert any(w.startswith("encoding:") and "unknown declared charset" in w for w in warnings)
    # read as UTF-8: the UTF-7 payload stays text, it is not a script hiding the text
    assert parsed.sections[0].text.startswith("Tekst +ADw-script+AD4-alert(1)")
    assert parsed.sections[-1].text == "TEXT AFTER"


def test_text_encodings_are_still_honoured() -> None:
    body = "<p>café</p>".encode("cp1252").decode("latin-1")
    parsed = parse_page(
        page(body, head='<meta charset="windows-1252">').replace(b"\xc3\xa9", b"\xe9")
    )
    assert parsed.sections[0].text == "café"
    assert not parsed.page.warnings


@pytest.mark.parametrize(
    "inner",
    [
        "<div>" * 2045 + "deep" + "</div>" * 2045,
        "<div>" * 3000 + "deep" + "</div>" * 3000,
        "<span>" * 6000 + "deep",
        "<b>" * 6000 + "deep",
        "<table><tr><td>" + "<div>" * 2500 + "deep" + "</div>" * 2500 + "</td></tr></table>",
    ],
    ids=["div-2045", "div-3000", "span-6000-unclosed", "b-6000-unclosed", "div-in-table"],
)
def test_nesting_past_the_parser_limit_warns_and_keeps_what_follows(inner: str) -> None:
    """From 2,045 nested divs on, everything after the nesting was dropped silently."""
    parsed = parse_page(page("<p>before</p>" + inner))
    assert any(w.startswith("too-deep:") for w in parsed.page.warnings), parsed.page.warnings
    text = "\n".join(s.text for s in parsed.sections)
    assert "before" in text and "deep" in text and "TEXT AFTER" in text


def test_nesting_the_parser_takes_gives_no_warning() -> None:
    parsed = parse_page(page("<div>" * 2000 + "deep" + "</div>" * 2000))
    assert parsed.page.warnings == ()
    assert [s.heading for s in parsed.sections] == ["", "Na"]
