"""Compare what ``parse_page`` made of a page with the generator's ground truth.

    python -m tests.wiki.compare [--base-url URL] [--truth PATH] [--limit N]

fetches every page of the running test wiki and prints each disagreement as
``page | field | expected | got``. tests/integration/wiki/test_wiki.py asserts there are none.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any
from urllib.parse import quote

from parsers import ParsedPage

PAGE_FIELDS = ("title", "namespace", "element_type", "categories", "historical", "is_redirect")


def page_url(base_url: str, title: str, *, follow: bool = True) -> str:
    """The short URL MediaWiki itself links to (`wfUrlencode` keeps these characters)."""
    path = quote(title.replace(" ", "_"), safe="/:(),;@$!*~")
    return f"{base_url}/wiki/{path}" + ("" if follow else "?redirect=no")


def actual(parsed: ParsedPage) -> dict[str, Any]:
    page = parsed.page
    return {
        "title": page.title,
        "namespace": page.namespace,
        "element_type": page.element_type,
        "categories": list(page.categories),
        "historical": page.historical,
        "is_redirect": page.is_redirect,
        "redirected_from": page.redirected_from,
        "properties": [
            {
                "property": p.property,
                "value": p.value,
                "links": list(p.links),
                "external_links": list(p.external_links),
            }
            for p in parsed.properties
        ],
        "relations": [
            {
                "kind": r.kind,
                "source": r.source,
                "relation": r.relation,
                "target": r.target,
                "target_exists": r.target_exists,
            }
            for r in parsed.relations
        ],
        "sections": [
            {"heading": s.heading, "level": s.level, "text": s.text} for s in parsed.sections
        ],
        "positions_ok": _positions_ok(parsed),
    }


def _positions_ok(parsed: ParsedPage) -> bool:
    if [p.position for p in parsed.properties] != list(range(len(parsed.properties))):
        return False
    return [s.position for s in parsed.sections] == list(range(len(parsed.sections)))


def differences(
    truth: dict[str, Any], got: dict[str, Any], *, redirected_from: str = ""
) -> list[tuple[str, str, Any, Any]]:
    """(page, field, expected, got) for every field that disagrees."""
    title = truth["title"]
    out: list[tuple[str, str, Any, Any]] = []

    def check(name: str, expected: Any, found: Any) -> None:
        if expected != found:
            out.append((title, name, expected, found))

    check("title", truth["title"], got["title"])
    check("namespace", truth["namespace"], got["namespace"])
    if truth.get("opaque"):
        return out
    for name in PAGE_FIELDS[2:]:
        check(name, truth[name], got[name])
    check("redirected_from", redirected_from, got["redirected_from"])
    check("positions", True, got["positions_ok"])
    for table in ("properties", "relations", "sections"):
        expected = truth[table]
        if expected is None:  # a redirect page's own body is MediaWiki's notice, not content
            continue
        found = got[table]
        if len(expected) != len(found):
            check(f"{table}.count", len(expected), len(found))
        if table == "relations":
            expected, found = _align_rows(expected, found)
        for i, (exp, fnd) in enumerate(zip(expected, found, strict=False)):
            for key in exp:
                if key not in _BOOKKEEPING:
                    check(f"{table}[{i}].{key}", exp[key], fnd.get(key))
    return out


_BOOKKEEPING = frozenset({"row", "ordered"})


def _align_rows(
    expected: list[dict[str, Any]], found: list[dict[str, Any]]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Both sides in one order: per kind, table row by table row; within a row whose
    endpoints SMW lists in its own order (``ordered`` false), sorted by target.

    The parser gives records in page order (Relaties before Afgeleide relaties), so the
    kinds are compared separately and the records of one row are consecutive."""
    exp_out: list[dict[str, Any]] = []
    got_out: list[dict[str, Any]] = []
    for kind in ("direct", "derived"):
        exp_kind = [r for r in expected if r["kind"] == kind]
        got_kind = [r for r in found if r["kind"] == kind]
        at = 0
        while at < len(exp_kind):
            row = exp_kind[at]["row"]
            end = at
            while end < len(exp_kind) and exp_kind[end]["row"] == row:
                end += 1
            exp_row, got_row = exp_kind[at:end], got_kind[at:end]
            if not exp_kind[at].get("ordered", True):
                exp_row = sorted(exp_row, key=lambda r: r["target"])
                got_row = sorted(got_row, key=lambda r: r.get("target", ""))
            exp_out += exp_row
            got_out += got_row
            at = end
        exp_out += exp_kind[at:]
        got_out += got_kind[len(exp_kind) :]
    return exp_out, got_out


def load_truth(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(path.read_text("utf-8"))
    return data


def main(argv: list[str] | None = None) -> int:
    import requests

    from parsers import parse_page

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", default="http://127.0.0.1:8089")
    parser.add_argument("--truth", type=Path, default=Path("/tmp/nora-testwiki/corpus/truth.json"))
    parser.add_argument("--limit", type=int, default=0)
    args = parser.parse_args(argv)
    truth = load_truth(args.truth)
    session = requests.Session()
    problems = 0
    pages = truth["pages"][: args.limit or None]
    for page in pages:
        follow = page["kind"] != "redirect"
        url = page_url(args.base_url, page["title"], follow=follow)
        response = session.get(url, timeout=60)
        if response.status_code != 200:
            print(f"{page['title']} | http | 200 | {response.status_code}")
            problems += 1
            continue
        got = actual(parse_page(response.content, url))
        for row in differences(page, got):
            problems += 1
            print(" | ".join(json.dumps(x, ensure_ascii=False) for x in row))
    print(f"{len(pages)} pages, {problems} differences", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
