"""Parse throughput: ``parse_page`` against bare lxml and a BeautifulSoup scraper, in one run.

``python -m benchmarks.bench_parse`` (``make bench-parse``). Over every fixture page
(bytes read once), plus the real MediaWiki sample in /work/shared/samples when it
is there, it times, side by side and in interleaved rounds (so machine noise hits
all of them alike):

- ``lxml``: bare ``lxml.html.fromstring(bytes)``, the floor of any lxml-based parser;
- ``parse_page``: the real extraction, all four tables;
- ``bs4_lxml``: a straightforward BeautifulSoup scraper of the same records (title,
  categories, property label/value pairs, relation rows, section texts) on the
  "lxml" tree builder, as a typical scraper is written;
- ``bs4_html_parser``: the same scraper on Python's "html.parser" builder.

Each measurement repeats the whole page set for about ``TARGET_S`` seconds of this
process's CPU time (``time.process_time``: on a shared machine, wall time also
counts the other processes' turns) with the garbage collector off; best and
median over the rounds are reported. Everything is plain Python (no compiled
build). Must: parse_page >= 0.7x lxml and >= 10x bs4 (lxml builder); goal >= 1.0x
lxml. The last line is the result as JSON. Exit status 1 when a must fails.
"""

from __future__ import annotations

import contextlib
import gc
import json
import logging
import re
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import lxml.html
from bs4 import BeautifulSoup, Tag

from parsers import parse_page
from tests.golden import fixture_pages

# the real MediaWiki sample in the shared folder beside the project, when present
SAMPLES = Path(__file__).resolve().parents[2] / "shared" / "samples"
TARGET_S = 0.4  # seconds per measurement
ROUNDS = 9
MUST_VS_LXML = 0.7
GOAL_VS_LXML = 1.0
MUST_VS_BS4 = 10.0

Page = tuple[str, bytes]

# ---------------------------------------------------------------- the BeautifulSoup baseline
NOISE = "span.mw-editsection, .smwttcontent, span.smwsearch, #toc, script, style, .mw-lingo-tooltip"
HEADINGS = ["h2", "h3", "h4", "h5", "h6"]
PAGE_NAME = re.compile(r'"wgPageName":"((?:[^"\\]|\\.)*)"')
SPACES = re.compile(r"\s+")


def _clean(text: str) -> str:
    lines = (SPACES.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def _target(cell: Tag) -> list[str]:
    anchors = cell.find_all("a")
    if not anchors:
        return [_clean(cell.get_text(" "))]
    out = []
    for a in anchors:
        title = str(a.get("title") or a.get_text())
        out.append(title.removesuffix(" (de pagina bestaat niet)"))
    return out


def bs4_extract(data: bytes, builder: str) -> dict[str, Any]:
    """The records a typical BeautifulSoup scraper would pull from one page."""
    soup = BeautifulSoup(data, builder)
    title = ""
    for script in soup.find_all("script"):
        match = PAGE_NAME.search(script.get_text())
        if match:
            title = json.loads(f'"{match[1]}"').replace("_", " ")
            break
    if not title:
        h1 = soup.find("h1", id="firstHeading")
        title = h1.get_text(strip=True) if isinstance(h1, Tag) else ""
    categories = [a.get_text() for a in soup.select("#catlinks li a")]
    content = soup.select_one(".mw-parser-output") or soup.select_one("#mw-content-text") or soup
    for junk in content.select(NOISE):
        junk.decompose()

    properties: list[tuple[str, str, list[str]]] = []
    relations: list[tuple[str, str, str, str]] = []
    skip: set[int] = set()
    for table in content.find_all("table"):
        rows = table.find_all("tr")
        header = [c.get_text(strip=True) for c in rows[0].find_all("th")] if rows else []
        if "Vertrekpunt" in header:
            kind = "derived" if "Eindpunt" in header else "direct"
            skip.add(id(table))
            for tr in rows[1:]:
                cells = tr.find_all(["td", "th"])
                if len(cells) == 3:
                    for source in _target(cells[0]):
                        for target in _target(cells[2]):
                            relations.append((kind, source, cells[1].get_text(strip=True), target))
            continue
        caption = table.find("caption")
        before = table.find_previous(HEADINGS)
        if not properties and (
            (caption is not None and "Eigenschappen" in caption.get_text())
            or (before is not None and "Eigenschappen" in before.get_text())
        ):
            skip.add(id(table))
            for tr in rows:
                cells = tr.find_all(["th", "td"], recursive=False)
                if len(cells) == 2:
                    links = [str(a.get("title", "")) for a in cells[1].find_all("a")]
                    properties.append(
                        (_clean(cells[0].get_text()), _clean(cells[1].get_text("\n")), links)
                    )
    if not properties:
        for par in content.find_all("p"):
            bold = par.find(["b", "strong"])
            if bold is not None and bold.get_text().strip().endswith(":"):
                label = bold.get_text().strip().rstrip(":")
                bold.extract()
                properties.append(
                    (
                        label,
                        _clean(par.get_text()),
                        [str(a.get("title", "")) for a in par.find_all("a")],
                    )
                )

    sections: list[tuple[str, int, str]] = []
    for heading in content.find_all(HEADINGS):
        name = _clean(heading.get_text())
        if name in ("Eigenschappen", "Relaties", "Afgeleide relaties"):
            continue
        parent = heading.parent
        wrapped = parent is not None and "mw-heading" in (parent.get("class") or [])
        anchor = parent if parent is not None and wrapped else heading
        texts = []
        for sibling in anchor.find_next_siblings():
            if sibling.name in HEADINGS or "mw-heading" in (sibling.get("class") or []):
                break
            if id(sibling) not in skip:
                texts.append(sibling.get_text("\n"))
        sections.append((name, int(heading.name[1]), _clean("\n".join(texts))))
    return {
        "title": title,
        "categories": categories,
        "properties": properties,
        "relations": relations,
        "sections": sections,
    }


# ---------------------------------------------------------------- timing
def _lxml(pages: list[Page]) -> None:
    for _, data in pages:
        # empty or non-HTML input: lxml refuses it, and that refusal is its cost
        with contextlib.suppress(Exception):
            lxml.html.fromstring(data)


def _parse_page(pages: list[Page]) -> None:
    for name, data in pages:
        parse_page(data, url=name)


def _bs4(builder: str) -> Callable[[list[Page]], None]:
    def run(pages: list[Page]) -> None:
        for _, data in pages:
            bs4_extract(data, builder)

    return run


@dataclass
class Method:
    name: str
    run: Callable[[list[Page]], None]
    reps: int = 1
    times: list[float] | None = None  # seconds per single pass over the pages


def _time(method: Method, pages: list[Page]) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        for _ in range(method.reps):
            method.run(pages)
        return (time.process_time() - start) / method.reps
    finally:
        gc.enable()


def measure(
    pages: list[Page], rounds: int = ROUNDS, target_s: float = TARGET_S
) -> dict[str, Method]:
    methods = [
        Method("lxml", _lxml),
        Method("parse_page", _parse_page),
        Method("bs4_lxml", _bs4("lxml")),
        Method("bs4_html_parser", _bs4("html.parser")),
    ]
    for m in methods:  # warm up and calibrate: about target_s per measurement
        one = _time(m, pages)
        m.reps = max(1, round(target_s / max(one, 1e-9)))
        m.times = []
    for _ in range(rounds):
        for m in methods:
            assert m.times is not None
            m.times.append(_time(m, pages))
    return {m.name: m for m in methods}


def bench_pages() -> list[Page]:
    """The pages every parse benchmark times: the fixtures, then the real sample(s)."""
    paths = fixture_pages()
    if SAMPLES.is_dir():
        paths += sorted(SAMPLES.glob("*.html"))
    return [(p.name, p.read_bytes()) for p in paths]


def main(argv: list[str] | None = None) -> int:
    del argv
    # bs4's encoding detector logs every undecodable byte of the damaged fixtures
    logging.getLogger("bs4.dammit").setLevel(logging.ERROR)
    pages = bench_pages()
    size = sum(len(d) for _, d in pages)
    extra = len(pages) - len(fixture_pages())
    print(f"{len(pages)} pages, {size / 1e6:.3f} MB (fixtures + {extra} real sample)")
    sanity = [(parse_page(d, url=n), bs4_extract(d, "lxml")) for n, d in pages]
    for table in ("properties", "relations", "sections"):
        ours = sum(len(getattr(p, table)) for p, _ in sanity)
        theirs = sum(len(b[table]) for _, b in sanity)
        print(f"records found, parse_page vs bs4 scraper: {table} {ours} vs {theirs}")
    started = time.perf_counter()
    results = measure(pages)
    result: dict[str, Any] = {
        "bench": "parse",
        "pages": len(pages),
        "bytes": size,
        "rounds": ROUNDS,
    }
    heads = ("best pages/s", "median pages/s", "best MB/s", "median MB/s")
    print(f"\n{'method':18s} " + " ".join(f"{h:>15s}" for h in heads))
    for name, m in results.items():
        assert m.times is not None
        best, median = min(m.times), statistics.median(m.times)
        row = {
            "best_pages_s": len(pages) / best,
            "median_pages_s": len(pages) / median,
            "best_mb_s": size / best / 1e6,
            "median_mb_s": size / median / 1e6,
        }
        result[name] = {k: round(v, 2) for k, v in row.items()}
        print(
            f"{name:18s} {row['best_pages_s']:15.1f} {row['median_pages_s']:15.1f} "
            f"{row['best_mb_s']:15.2f} {row['median_mb_s']:15.2f}"
        )

    def ratio(a: str, b: str, key: str) -> float:
        return float(result[a][key] / result[b][key])

    ratios = {
        "parse_page/lxml best": ratio("parse_page", "lxml", "best_pages_s"),
        "parse_page/lxml median": ratio("parse_page", "lxml", "median_pages_s"),
        "parse_page/bs4_lxml best": ratio("parse_page", "bs4_lxml", "best_pages_s"),
        "parse_page/bs4_lxml median": ratio("parse_page", "bs4_lxml", "median_pages_s"),
        "parse_page/bs4_html_parser best": ratio("parse_page", "bs4_html_parser", "best_pages_s"),
        "parse_page/bs4_html_parser median": ratio(
            "parse_page", "bs4_html_parser", "median_pages_s"
        ),
    }
    print()
    for k, v in ratios.items():
        print(f"{k:36s} {v:7.2f}x")
    must_lxml = ratios["parse_page/lxml median"] >= MUST_VS_LXML
    must_bs4 = ratios["parse_page/bs4_lxml median"] >= MUST_VS_BS4
    goal_lxml = ratios["parse_page/lxml median"] >= GOAL_VS_LXML
    print(
        f"\nmust parse_page >= {MUST_VS_LXML}x lxml: {'ok' if must_lxml else 'FAILED'}; "
        f"goal >= {GOAL_VS_LXML}x: {'met' if goal_lxml else 'not met'}; "
        f"must >= {MUST_VS_BS4}x bs4 (lxml builder): {'ok' if must_bs4 else 'FAILED'} "
        f"(medians; {time.perf_counter() - started:.1f} s)"
    )
    result["ratios"] = {k: round(v, 3) for k, v in ratios.items()}
    result["must_ok"] = must_lxml and must_bs4
    result["goal_ok"] = goal_lxml
    print(json.dumps(result, sort_keys=True))
    return 0 if must_lxml and must_bs4 else 1


if __name__ == "__main__":
    sys.exit(main())
