"""``parse_page`` on hostile pages: deep nesting, charsets that are not text encodings,
config objects nested past the JSON decoder's recursion limit."""

from __future__ import annotations

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
