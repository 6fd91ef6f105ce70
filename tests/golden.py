"""Golden files for the fixtures: ``python -m tests.golden`` (``make golden``) rewrites them.

Every ``fixtures/*.html`` / ``*.htm`` is parsed with ``parse_page`` (url = the file
name, so a bare fragment takes its title from it) and ``fixtures/<name>.json`` gets
a stable, readable rendering of the result. The diff of the rewritten files is the
review: a golden records what the parser returns, not what is right, so
``tests/fixture_expect.py`` holds hand-written expectations per fixture.

A golden listed in ``WITHHELD`` is not written: the parser's output for that
fixture is known to be wrong, and a golden must never enshrine a bug.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from parsers import PARSER_VERSION, ParsedPage, parse_page

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


LOCK = "goldens.lock.json"
"""``fixtures/goldens.lock.json``: the parser version and a digest of every golden (their
``parser_version`` fields left out). Parser output that changes must come with a new
``PARSER_VERSION`` - that is how ``nora export`` knows old crawls need re-parsing - so
``make golden`` refuses to record changed goldens under the old version, and
``tests/parsers/test_golden.py`` fails when goldens and version disagree."""


def goldens_digest(folder: Path = FIXTURES) -> str:
    """SHA-256 over every golden's content, its ``parser_version`` fields left out."""
    digest = hashlib.sha256()
    for page in fixture_pages(folder):
        target = golden_path(page)
        if not target.exists():
            continue
        data = json.loads(target.read_text(encoding="utf-8"))
        data.get("page", {}).pop("parser_version", None)
        digest.update(page.name.encode() + b"\0")
        digest.update(json.dumps(data, sort_keys=True, ensure_ascii=False).encode() + b"\0")
    return digest.hexdigest()


def read_lock(folder: Path = FIXTURES) -> dict[str, str]:
    path = folder / LOCK
    if not path.exists():
        return {}
    data: dict[str, str] = json.loads(path.read_text(encoding="utf-8"))
    return data


def main(argv: list[str] | None = None) -> int:
    """Rewrite every golden; print one line per fixture and a summary; keep the lock."""
    args = sys.argv[1:] if argv is None else argv
    folder = Path(args[0]) if args else FIXTURES
    counts: dict[str, int] = {}
    for page, state in _written(fixture_pages(folder)):
        key = state.split(":", 1)[0]
        counts[key] = counts.get(key, 0) + 1
        print(f"{state:9s} {page.name}" if key != "withheld" else f"{page.name}: {state}")
    summary = ", ".join(f"{n} {k}" for k, n in sorted(counts.items()))
    print(f"goldens in {folder}: {summary or 'no fixtures'}")
    lock, digest = read_lock(folder), goldens_digest(folder)
    if lock.get("goldens_sha256") == digest and lock.get("parser_version") == PARSER_VERSION:
        return 0
    if lock.get("goldens_sha256") != digest and lock.get("parser_version") == PARSER_VERSION:
        print(
            f"parser output changed but PARSER_VERSION is still {PARSER_VERSION}: raise it in "
            "parsers/records.py (so that nora export knows old crawls need re-parsing), "
            "then run make golden again",
            file=sys.stderr,
        )
        return 1
    record = {"parser_version": PARSER_VERSION, "goldens_sha256": digest}
    (folder / LOCK).write_text(json.dumps(record, indent=2) + "\n", encoding="utf-8")
    print(f"recorded {LOCK}: parser {PARSER_VERSION}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
