"""nora report: one self-contained HTML file, hostile wiki content rendered as text.

The snapshots carry the payloads an account holder could put in a title, a
property value, a relation or a URL. The unit tests read the HTML with lxml;
the browser tests load it in headless Chromium, take a screenshot, check the
DOM, and prove that no payload ran: each payload would mark the document, and
a control page with the same payloads unescaped shows that the marks appear
when a payload does run.
"""

from __future__ import annotations

import dataclasses
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import lxml.html
import pyarrow.parquet as pq
import pytest
from PIL import Image

from commands.cli import main
from commands.exits import ExitStatus
from output.charts import clean_svg
from output.checks import VALUE_DIFFERS
from output.errors import ChartError
from parsers.records import CheckRecord, ParsedPage
from tests.browser import dump_dom, screenshot
from tests.history_factory import START, make_page, write_snapshot

MARK = "document.documentElement.setAttribute('data-pwned', '{}')"
SCRIPT = f"<script>{MARK.format('script')}</script>"
IMG = f'<img src=x onerror="{MARK.format("img")}">'
SVG = f'<svg onload="{MARK.format("svg")}"></svg>'
JS_LINK = f"javascript:{MARK.format('link')}"
PAYLOADS = (SCRIPT, IMG, SVG, JS_LINK)
DOEL = "Toegankelijk (Doel)"
BAD_TITLE = f"Kwaad {SCRIPT} {IMG}"
NEW_TITLE = f"Nieuw {SVG} $x^2$"  # $...$ must not be parsed as mathtext by matplotlib


def _with(parsed: ParsedPage, **page: Any) -> ParsedPage:
    return dataclasses.replace(parsed, page=dataclasses.replace(parsed.page, **page))


def _red(parsed: ParsedPage, target: str) -> ParsedPage:
    rels = tuple(dataclasses.replace(r, target_exists=r.target != target) for r in parsed.relations)
    return dataclasses.replace(parsed, relations=rels)


def _pages(night: int) -> list[ParsedPage]:
    doel_value = "Voor iedereen" if night == 0 else f"Voor iedereen {IMG}"
    pages = [
        _red(
            make_page(
                DOEL,
                props=[("Stelling", doel_value), ("Zie ook", JS_LINK, [JS_LINK])],
                relations=[("direct", "Is gerelateerd aan", "Betrouwbaar (Doel)"),
                           ("direct", f"verwijst {SCRIPT}", f"Ontbreekt {IMG}")],
            ),
            f"Ontbreekt {IMG}",
        ),
        make_page("Betrouwbaar (Doel)", relations=[("direct", "steunt", DOEL)]),
        _with(
            make_page(BAD_TITLE, f"Type {SCRIPT}", props=[("Stelling", SVG)],
                      relations=[("direct", JS_LINK, DOEL)]),
            url=JS_LINK,
            warnings=(f"layout: expected a table, found {IMG}",),
        ),
        make_page("Zonder type", ""),
        make_page("Alleen", "Begrip"),
    ]  # fmt: skip
    if night == 0:
        pages.append(make_page("Verdwenen", "Begrip"))
    else:
        pages.append(make_page(NEW_TITLE, "Begrip", relations=[("direct", "r", DOEL)]))
    return sorted(pages, key=lambda p: p.page.title)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("report") / "data"
    write_snapshot(data, _pages(0), when=START)
    # the cross-checks' table, as a crawl writes it (output.checks); hostile text in it too
    checks = [CheckRecord(DOEL, VALUE_DIFFERS, f"Stelling {SCRIPT}", IMG, JS_LINK)]
    write_snapshot(data, _pages(1), when=START + timedelta(days=1), rows={"checks": checks})
    return data


@pytest.fixture(scope="module")
def report(data: Path) -> Path:
    out = data.parent / "report.html"
    assert main(["report", "--data", str(data), "--out", str(out)]) == ExitStatus.OK
    return out


def _html(text: str) -> Any:
    """The parsed document (typed loosely: lxml's stubs are narrower than its API)."""
    return lxml.html.fromstring(text)


def _text(element: Any) -> str:
    """The element's text, a space between elements, whitespace runs as one."""
    return " ".join(" ".join(element.itertext()).split())


def _safe(document: Any) -> list[str]:
    """Everything in a DOM that could run: script elements, on* attributes, script URLs."""
    found = [f"<{e.tag}>" for e in document.iter("script", "iframe", "object", "embed")]
    for element in document.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            if name.lower().startswith("on"):
                found.append(f"<{element.tag} {name}>")
            if name.lower() in ("href", "src", "xlink:href", "action") and not re.match(
                r"^(#|https?://)", value.strip()
            ):
                found.append(f"<{element.tag} {name}={value[:40]!r}>")
    return found


def test_every_payload_is_text(report: Path) -> None:
    html = report.read_text(encoding="utf-8")
    document = _html(html)
    assert _safe(document) == []
    text = _text(document)
    for payload in PAYLOADS:
        assert " ".join(payload.split()) in text, payload
    assert "$x^2$" in text
    policy = document.xpath("//meta[@http-equiv='Content-Security-Policy']/@content")
    assert policy and "default-src 'none'" in policy[0] and "script-src" not in policy[0]


def test_the_sections_an_editor_reads(report: Path, data: Path) -> None:
    document = _html(report.read_text(encoding="utf-8"))
    old, new = sorted(p.name for p in (data / "snapshots").iterdir() if p.name[0].isdigit())
    headings = [_text(h) for h in document.iter("h1", "h2")]
    assert headings == [
        "NORA archive report",
        "The wiki at a glance",
        f"What changed since {old}",
        "What needs an editor's eye",
        "Over the whole history (2 snapshots)",
    ]
    changes = _text(document.get_element_by_id("changes"))
    assert "1 pages added" in changes and "1 pages removed" in changes
    assert "Verdwenen" in changes and "Nieuw" in changes
    assert f"Voor iedereen → Voor iedereen {IMG}" in changes
    attention = _text(document.get_element_by_id("attention"))
    assert "Red links: relation targets that do not exist (1)" in attention
    assert f"Ontbreekt {IMG}" in attention
    assert "Elements without an element type (1) Zonder type" in attention
    assert "Elements without relations (1) element element type Alleen Begrip" in attention
    assert f"Pages with parse warnings (1) page warnings {BAD_TITLE} layout: " in attention
    assert "Checks: where the page and SMW's data disagree (1)" in attention
    history = _text(document.get_element_by_id("history"))
    assert f"{new} 6" in history and f"{old} 6" in history
    assert len(document.xpath("//svg")) == 3  # two bar charts and the time series
    # links go to the live wiki only from http(s) page URLs
    hrefs = {str(a.get("href")) for a in document.iter("a")}
    assert "https://nora.test/wiki/Toegankelijk_(Doel)" in hrefs
    assert not any(h.startswith("javascript") for h in hrefs)


def test_without_history_or_checks(tmp_path: Path) -> None:
    data = tmp_path / "data"
    snap = write_snapshot(data, [make_page("A", relations=[("direct", "r", "B")])])
    (snap / "checks.parquet").unlink()  # a snapshot of a version before the checks
    out = tmp_path / "r.html"
    assert main(["report", "--data", str(data), "--out", str(out)]) == ExitStatus.OK
    text = _text(_html(out.read_text(encoding="utf-8")))
    assert "This is the first snapshot: there is nothing to compare it with." in text
    assert "This snapshot has no checks table." in text


def test_nothing_changed(tmp_path: Path) -> None:
    data = tmp_path / "data"
    pages = [make_page("A", relations=[("direct", "r", "B")]), make_page("B")]
    write_snapshot(data, pages, when=START)
    write_snapshot(data, pages, when=START + timedelta(days=1))
    out = tmp_path / "r.html"
    assert main(["report", "--data", str(data), "--out", str(out)]) == ExitStatus.OK
    text = _text(_html(out.read_text(encoding="utf-8")))
    assert "0 pages added 0 pages removed 0 pages changed" in text
    assert "No page changed." in text


#: a right-to-left override and an isolate: "Besluit\u202etxt.exe" reads "Besluitexe.txt"
BIDI = ("\u202e", "\u2066", "\u2069", "\u202a", "\u200f")


def test_bidi_controls_show_as_marks_in_the_report_and_stay_in_the_tables(
    tmp_path: Path,
) -> None:
    data = tmp_path / "data"
    title = "Besluit\u202etxt.exe (Doel)"
    value = "Voor \u2066iedereen\u2069 \u202agelijk\u200f"
    old = make_page(title, props=[("Stelling", "oud")], relations=[("direct", "r\u202e", "B")])
    new = make_page(title, props=[("Stelling", value)], relations=[("direct", "r\u202e", "C")])
    write_snapshot(data, [old, make_page("B")], when=START)
    snap = write_snapshot(data, [new, make_page("B")], when=START + timedelta(days=1))
    out = tmp_path / "r.html"
    assert main(["report", "--data", str(data), "--out", str(out)]) == ExitStatus.OK
    html = out.read_text(encoding="utf-8")
    assert not [c for c in BIDI if c in html], "a bidi control reached the report"
    assert "Besluit[U+202E]txt.exe (Doel)" in html
    assert "Voor [U+2066]iedereen[U+2069] [U+202A]gelijk[U+200F]" in html
    # the tables keep the value as the site has it, CSV too (README, CSV)
    assert pq.read_table(snap / "pages.parquet").column("title").to_pylist()[0] == title
    assert title in (snap / "pages.csv").read_text(encoding="utf-8")


def test_against_names_the_snapshot_to_compare(data: Path, tmp_path: Path) -> None:
    old, new = sorted(p.name for p in (data / "snapshots").iterdir() if p.name[0].isdigit())
    out = tmp_path / "r.html"
    args = ["report", old, "--against", new, "--data", str(data), "--out", str(out)]
    assert main(args) == ExitStatus.OK
    text = _text(_html(out.read_text(encoding="utf-8")))
    assert f"What changed since {new}" in text and "Over the whole history (1 snapshots)" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "r.txt"], "expected a file name ending in .html"),
        (["nosuch", "--out", "r.html"], "nosuch: expected a snapshot folder or an id"),
        (["--against", "nosuch", "--out", "r.html"], "nosuch: expected a snapshot folder"),
        (["--out", "missing/r.html"], "expected a folder for the report"),
    ],
)
def test_bad_input_is_a_one_line_usage_error(
    data: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["report", "--data", str(data), *args]) == ExitStatus.USAGE
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1, err
    assert main(["report", "--data", str(tmp_path / "none"), "--out", "r.html"]) == 2


def test_charts_refuse_scripted_svg() -> None:
    assert clean_svg("<?xml?><!-- a --><svg><text>&lt;b&gt;</text></svg>") == (
        "<svg><text>&lt;b&gt;</text></svg>"
    )
    text = '<svg><text>&lt;script&gt; onload="x" javascript:x</text></svg>'
    assert clean_svg(text) == text  # escaped text is text
    bad_ones = (
        "<svg><script>x</script></svg>",
        '<svg onload="x"></svg>',
        '<svg xmlns:l="http://www.w3.org/1999/xlink"><use l:href="javascript:x"/></svg>',
        "<g/>",
        "<svg><unclosed></svg>",
    )
    for bad in bad_ones:
        with pytest.raises(ChartError):
            clean_svg(bad)


# -- in a real browser ----------------------------------------------------------------------


def _control(tmp_path: Path) -> Path:
    """The payloads as a careless report would write them: straight into the HTML."""
    page = tmp_path / "control.html"
    body = "".join(f"<p>{p}</p>" for p in (SCRIPT, IMG, SVG))
    page.write_text(f"<!DOCTYPE html><html><body>{body}</body></html>", encoding="utf-8")
    return page


def test_the_browser_check_sees_a_payload_that_runs(tmp_path: Path) -> None:
    dom = _html(dump_dom(_control(tmp_path)))
    assert dom.get("data-pwned") in ("script", "img", "svg")


def test_report_renders_in_chromium_and_no_payload_runs(report: Path, tmp_path: Path) -> None:
    html = report.read_text(encoding="utf-8")
    # once as written, once without its Content-Security-Policy: escaping alone must hold
    bare = tmp_path / "no-policy.html"
    policy = r"<meta http-equiv=\"Content-Security-Policy\"[^>]*>"
    bare.write_text(re.sub(policy, "", html), encoding="utf-8")
    assert "Content-Security-Policy" not in bare.read_text(encoding="utf-8")
    for page in (report, bare):
        dom = _html(dump_dom(page))
        assert dom.get("data-pwned") is None, f"{page.name}: a payload ran"
        assert _safe(dom) == [], page.name
        headings = [_text(h) for h in dom.iter("h2")]
        assert headings[0] == "The wiki at a glance" and len(headings) == 4
        text = _text(dom)
        for payload in PAYLOADS:
            assert " ".join(payload.split()) in text, payload
    shot = screenshot(report, tmp_path / "report.png", height=1600)
    with Image.open(shot) as image:
        assert image.size == (1280, 1600)
        colours = image.convert("RGB").getcolors(maxcolors=1 << 16)
    assert colours is None or len(colours) > 50, "the screenshot is (nearly) blank"


def test_a_damaged_table_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snap = write_snapshot(tmp_path / "data", [make_page("A")])
    (snap / "relations.parquet").write_bytes(b"not parquet")
    args = ["report", "--data", str(tmp_path / "data"), "--out", str(tmp_path / "r.html")]
    assert main(args) == ExitStatus.USAGE
    err = capsys.readouterr().err
    assert "relations.parquet: expected a readable Parquet table, found ArrowInvalid" in err
    assert len(err.strip().splitlines()) == 1 and not (tmp_path / "r.html").exists()
