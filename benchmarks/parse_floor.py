"""The floor under ``parse_page``: what any lxml-based parser of this contract must pay.

``python -m benchmarks.parse_floor`` (``make bench-floor``). Over bench-parse's pages
(the fixtures and the real sample), side by side in interleaved rounds of CPU time with
the garbage collector off (as ``benchmarks.bench_parse`` times), it measures:

- ``lxml``: bare ``lxml.html.fromstring`` of the whole page (bench-parse's reference);
- ``parse_page``: the real extraction;
- the **floor**: the parts that no parser producing the four tables from lxml's tree
  can skip, each done as cheaply as lxml allows and with no logic around it:

  1. ``slice``: libxml2's parse of the content area alone (the bytes ``parsers.document``
     slices out; the head, navigation and footer are never parsed);
  2. ``visit``: every element of the area brought into Python once, its tag and class
     read (noise and SMW's markup are told by class);
  3. ``text``: one C serialisation of the whole area's text;
  4. ``links``: each link's href, title and class read (a link's target is its title,
     else its href; red, self and external links by class);
  5. ``records``: the page's records built from their fields and hashed
     (``parsers.digest``), fields taken from parse_page's output.

The floor leaves out, and so prices at zero: the line structure of texts, the table
model, finding blocks by their labels, the readers' decisions, the conservation
account, notes and warnings. ``floor / lxml`` says how much of the reference's time is
spent before any of that starts, and so what ``parse_page >= 0.7x lxml`` leaves for it.
The last line is the result as JSON.
"""

from __future__ import annotations

import contextlib
import gc
import json
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import fields
from typing import Any

from lxml import etree

from benchmarks.bench_parse import ROUNDS, Page, _lxml, _parse_page, bench_pages
from parsers import charset, document, parse_page
from parsers.digest import content_sha256
from parsers.records import ParsedPage, PropertyRecord, RelationRecord, SectionRecord

TARGET_S = 0.2  # seconds of CPU per measurement


def _slices(pages: list[Page]) -> list[bytes]:
    """The content-area bytes parse_page hands to libxml2, per page."""
    return [document.load(charset.to_utf8(data)[0]).source for _, data in pages]


def _areas(slices: list[bytes]) -> list[etree._Element]:
    areas = []
    for source in slices:
        try:
            tree = etree.fromstring(source, document._PARSER)  # the parser parse_page uses
        except (etree.ParserError, etree.XMLSyntaxError, ValueError):
            continue
        if tree is not None:
            areas.append(tree)
    return areas


def _parse_slices(slices: list[bytes]) -> Callable[[], None]:
    def run() -> None:
        for source in slices:
            with contextlib.suppress(etree.ParserError, etree.XMLSyntaxError, ValueError):
                etree.fromstring(source, document._PARSER)

    return run


def _visit(areas: list[etree._Element]) -> Callable[[], None]:
    def run() -> None:
        for area in areas:
            for element in area.iter():
                element.tag  # noqa: B018  the read is the cost measured
                element.get("class")

    return run


def _text(areas: list[etree._Element]) -> Callable[[], None]:
    def run() -> None:
        for area in areas:
            etree.tostring(area, method="text", encoding="unicode")

    return run


def _links(areas: list[etree._Element]) -> Callable[[], None]:
    def run() -> None:
        for area in areas:
            for anchor in area.iter("a"):
                anchor.get("href")
                anchor.get("title")
                anchor.get("class")

    return run


def _records(parsed: list[ParsedPage]) -> Callable[[], None]:
    rows = [
        (
            p.page.title,
            p.page.element_type,
            p.page.categories,
            [tuple(getattr(r, f.name) for f in fields(r)) for r in p.properties],
            [tuple(getattr(r, f.name) for f in fields(r)) for r in p.relations],
            [tuple(getattr(r, f.name) for f in fields(r)) for r in p.sections],
        )
        for p in parsed
    ]

    def run() -> None:
        for title, element_type, categories, props, rels, sects in rows:
            content_sha256(
                title,
                element_type,
                categories,
                tuple(PropertyRecord(*r) for r in props),
                tuple(RelationRecord(*r) for r in rels),
                tuple(SectionRecord(*r) for r in sects),
            )

    return run


def _time(run: Callable[[], None], reps: int) -> float:
    gc.collect()
    gc.disable()
    try:
        start = time.process_time()
        for _ in range(reps):
            run()
        return (time.process_time() - start) / reps
    finally:
        gc.enable()


def main(argv: list[str] | None = None) -> int:
    del argv
    pages = bench_pages()
    slices = _slices(pages)
    areas = _areas(slices)
    parsed = [parse_page(data, url=name) for name, data in pages]
    methods: dict[str, Callable[[], None]] = {
        "lxml": lambda: _lxml(pages),
        "parse_page": lambda: _parse_page(pages),
        "slice": _parse_slices(slices),
        "visit": _visit(areas),
        "text": _text(areas),
        "links": _links(areas),
        "records": _records(parsed),
    }
    once = {name: _time(run, 1) for name, run in methods.items()}  # warm-up and calibration
    reps = {name: max(1, round(TARGET_S / max(t, 1e-9))) for name, t in once.items()}
    times: dict[str, list[float]] = {name: [] for name in methods}
    for _ in range(ROUNDS):
        for name, run in methods.items():
            times[name].append(_time(run, reps[name]))
    median = {name: statistics.median(t) * 1000 for name, t in times.items()}
    floor_parts = ("slice", "visit", "text", "links", "records")
    floor = sum(median[name] for name in floor_parts)
    lxml_ms = median["lxml"]
    must = lxml_ms / 0.7
    elements = sum(1 for area in areas for _ in area.iter())
    print(f"{len(pages)} pages, {elements} elements in their content areas")
    print("CPU ms per pass over the pages, medians:")
    for name in ("lxml", "parse_page", *floor_parts):
        print(f"  {name:12s} {median[name]:7.2f}")
    print(f"  {'floor':12s} {floor:7.2f}  (the sum of slice .. records)")
    print(
        f"\nfloor / lxml {floor / lxml_ms:.2f}; "
        f"parse_page / lxml {median['parse_page'] / lxml_ms:.2f}\n"
        f"parse_page >= 0.7x lxml means <= {must:.1f} ms a pass: {must - floor:.1f} ms left above "
        f"the floor for line structure, the table model, blocks, readers, conservation and "
        f"warnings; parse_page spends {median['parse_page'] - floor:.1f} ms on them"
    )
    result: dict[str, Any] = {
        "bench": "parse_floor",
        "pages": len(pages),
        "elements": elements,
        "ms": {k: round(v, 2) for k, v in median.items()},
        "floor_ms": round(floor, 2),
        "floor_vs_lxml": round(floor / lxml_ms, 3),
        "parse_page_vs_lxml_time": round(median["parse_page"] / lxml_ms, 3),
        "left_above_floor_at_0_7x_ms": round(must - floor, 2),
        "parse_page_above_floor_ms": round(median["parse_page"] - floor, 2),
    }
    print(json.dumps(result, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
