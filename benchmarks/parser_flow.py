"""How one page's HTML flows through the parser modules: a reproducible count.

    python -m benchmarks.parser_flow [FIXTURE ... | --all]

Every parser function call is seen by ``sys.setprofile`` (the parsers are plain
Python).

For each page (default: ``fixtures/bron-vector-caption.html``, a typical element
page with Eigenschappen, Relaties and Afgeleide relaties; ``--all``: every
fixture, edges left out, totals at the end) it traces one ``parse_page`` call
and reports:

- ``modules``: the distinct ``parsers.*`` modules whose Python code ran;
- ``returns``: how often execution came back to a module it had left before.
  The timeline is the module executing after every call and every return
  (only ``parsers.*`` frames count; consecutive repeats collapse); a timeline
  entry whose module appeared earlier is one return. A call down and back up
  counts one return (to the caller);
- ``edges``: distinct caller-module -> callee-module pairs, with call counts;
- ``against the layers``: calls whose callee does not stand below its caller in
  ``LAYERS`` (a block reader calling another block reader, or calling up): the
  calls that go sideways instead of down;
- ``grid outside the grid``: calls to the table-grid helpers (``GRID_HELPERS``:
  a table's rows, a row's cells, its classes, its caption) answered by a module
  other than ``parsers.table``, i.e. by a block reader that others call sideways.

The last line is one JSON object with the numbers per page. Deterministic: the
same code and page give the same counts on any machine.
"""

from __future__ import annotations

import json
import sys
from collections import Counter
from pathlib import Path
from types import FrameType
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PAGES = ("bron-vector-caption.html",)

#: the intended direction of calls, top (0) to bottom: each module calls only lower ones
LAYERS: dict[str, int] = {
    "parsers.page": 0,
    "parsers.extraction": 1,
    # the pipeline: load, stage 1 (walk), stage 3's driver, the accounts
    "parsers.document": 2,
    "parsers.walk": 2,
    "parsers.reading": 2,
    "parsers.digest": 2,
    # stage 2 (blocks) asks the readers' shape tests; stage 3's readers
    "parsers.blocks": 3,
    "parsers.properties": 4,
    "parsers.relations": 4,
    "parsers.conservation": 4,
    "parsers.sections": 4,
    "parsers.metadata": 3,
    "parsers.charset": 3,
    "parsers.nesting": 3,
    # the table model
    "parsers.table": 5,
    "parsers.endpoints": 5,
    # text and link primitives
    "parsers.text": 6,
    "parsers.links": 6,
    # data
    "parsers.labels": 7,
    "parsers.profile": 7,
    "parsers.problems": 7,
    "parsers.records": 7,
    "parsers.harvest": 7,
}


#: function names of the table grid, wherever they are defined
GRID_HELPERS = frozenset({"form", "rows", "cells", "cell_rows", "table_classes", "title_row"})


def _module(frame: FrameType | None) -> str:
    while frame is not None:
        name = frame.f_globals.get("__name__", "")
        if isinstance(name, str) and name.startswith("parsers"):
            return name
        frame = frame.f_back
    return ""


def trace(html: bytes, url: str) -> dict[str, Any]:
    """The flow counts of one ``parse_page(html, url)`` call (module docstring)."""
    from parsers import parse_page

    parse_page(html, url)  # warm: first-call imports and caches are not the flow
    timeline: list[str] = []
    edges: Counter[tuple[str, str]] = Counter()
    stray: Counter[str] = Counter()  # table helpers run outside parsers.table

    def note(module: str) -> None:
        if module and (not timeline or timeline[-1] != module):
            timeline.append(module)

    def profile(frame: FrameType, event: str, arg: object) -> None:
        del arg
        if event == "call":
            callee = frame.f_globals.get("__name__", "")
            if isinstance(callee, str) and callee.startswith("parsers"):
                caller = _module(frame.f_back)
                if caller and caller != callee:
                    edges[(caller, callee)] += 1
                name = frame.f_code.co_name
                if name in GRID_HELPERS and callee != "parsers.table":
                    stray[f"{callee}.{name}"] += 1
                note(callee)
        elif event == "return":
            note(_module(frame.f_back))

    sys.setprofile(profile)
    try:
        parse_page(html, url)
    finally:
        sys.setprofile(None)
    seen: set[str] = set()
    returns = 0
    for module in timeline:
        if module in seen:
            returns += 1
        seen.add(module)
    against = {
        f"{a} -> {b}": n
        for (a, b), n in sorted(edges.items())
        if LAYERS.get(b, 99) <= LAYERS.get(a, 99)
    }
    return {
        "modules": len(seen),
        "module_names": sorted(seen),
        "returns": returns,
        "edges": {f"{a} -> {b}": n for (a, b), n in sorted(edges.items())},
        "against_layers": against,
        "against_layers_calls": sum(against.values()),
        "grid_outside_grid": dict(sorted(stray.items())),
        "grid_outside_grid_calls": sum(stray.values()),
    }


def main(argv: list[str] | None = None) -> int:
    names = list(sys.argv[1:] if argv is None else argv) or list(DEFAULT_PAGES)
    every = names == ["--all"]
    if every:
        pages = sorted((ROOT / "fixtures").iterdir())
        names = [str(p) for p in pages if p.suffix in (".html", ".htm") and p.is_file()]
    results: dict[str, Any] = {}
    for name in names:
        path = Path(name) if Path(name).is_file() else ROOT / "fixtures" / name
        result = trace(path.read_bytes(), path.name)
        results[path.name] = result
        print(
            f"{path.name}: {result['modules']} modules, {result['returns']} returns to a "
            f"module left before, {len(result['edges'])} module edges, "
            f"{result['against_layers_calls']} calls against the layers, "
            f"{result['grid_outside_grid_calls']} grid calls outside parsers.table"
        )
        for edge, count in ({} if every else result["edges"]).items():
            mark = "  <- against the layers" if edge in result["against_layers"] else ""
            print(f"    {edge:48s} {count:6d}{mark}")
    summary = {
        name: {k: v for k, v in r.items() if k not in ("edges", "module_names", "against_layers")}
        for name, r in results.items()
    }
    if every:
        modules = sorted({m for r in results.values() for m in r["module_names"]})
        totals = {
            "pages": len(results),
            "modules": len(modules),
            "returns": sum(r["returns"] for r in results.values()),
            "module_edges": len({e for r in results.values() for e in r["edges"]}),
            "against_layers_calls": sum(r["against_layers_calls"] for r in results.values()),
            "grid_outside_grid_calls": sum(r["grid_outside_grid_calls"] for r in results.values()),
        }
        print(f"all fixtures: {totals}")
        summary = {"all": totals}
    print(json.dumps({"bench": "parser_flow", "pages": summary}, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
