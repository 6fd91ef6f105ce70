"""Golden files for the fixtures: ``python -m tests.golden`` (``make golden``) rewrites them.

Every ``fixtures/*.html`` / ``*.htm`` is parsed with ``parse_page`` (url = the file
name, so a bare fragment takes its title from it) and ``fixtures/<name>.json`` gets
a stable, readable rendering of the result. The diff of the rewritten files is the
review: a golden records what the parser returns, not what is right, so
``tests/test_golden.py`` also holds hand-written expectations per fixture.

A golden listed in ``WITHHELD`` is not written: the parser's output for that
fixture is known to be wrong, and a golden must never enshrine a bug.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from parsers import ParsedPage, parse_page

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
PAGE_SUFFIXES = (".html", ".htm")

# fixture file name -> why its golden is withheld (a parser bug it would enshrine)
WITHHELD: dict[str, str] = {}


def fixture_pages(folder: Path = FIXTURES) -> list[Path]:
    """Every saved page in ``folder``, sorted by name so runs are stable."""
    return sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in PAGE_SUFFIXES)


def golden_path(page: Path) -> Path:
    """``fixtures/x.html`` -> ``fixtures/x.json``."""
    return page.with_suffix(".json")


def parse_fixture(page: Path) -> ParsedPage:
    """Parse a fixture the way goldens are made: raw bytes, url = file name."""
    return parse_page(page.read_bytes(), url=page.name)


#: page fields the caller fills in (where the page is archived), never the parser
ARCHIVE_FIELDS = ("warc_file", "warc_offset")
#: relation fields the caller fills in (the target through the wiki's redirects)
RELATION_CALLER_FIELDS = ("target_resolved",)


def to_jsonable(parsed: ParsedPage) -> dict[str, Any]:
    """Records as dicts, tuples as lists (json renders tuples as lists).

    The archive location and the resolved relation targets are left out:
    ``parse_page`` always leaves them empty.
    """
    out = dataclasses.asdict(parsed)
    for name in ARCHIVE_FIELDS:
        out["page"].pop(name, None)
    for relation in out["relations"]:
        for name in RELATION_CALLER_FIELDS:
            relation.pop(name, None)
    return out


def render(parsed: ParsedPage) -> str:
    """The golden text: indent 2, sorted keys, UTF-8 kept, trailing newline."""
    return json.dumps(to_jsonable(parsed), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _written(pages: list[Path]) -> Iterator[tuple[Path, str]]:
    for page in pages:
        if page.name in WITHHELD:
            yield page, f"withheld: {WITHHELD[page.name]}"
            continue
        target = golden_path(page)
        text = render(parse_fixture(page))
        old = target.read_text(encoding="utf-8") if target.exists() else None
        if old != text:
            target.write_text(text, encoding="utf-8", newline="\n")
        yield page, "new" if old is None else ("changed" if old != text else "same")


def main(argv: list[str] | None = None) -> int:
    """Rewrite every golden; print one line per fixture and a summary."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else FIXTURES
    counts: dict[str, int] = {}
    for page, state in _written(fixture_pages(folder)):
        key = state.split(":", 1)[0]
        counts[key] = counts.get(key, 0) + 1
        print(f"{state:9s} {page.name}" if key != "withheld" else f"{page.name}: {state}")
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    print(f"goldens in {folder}: {summary or 'no fixtures'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
