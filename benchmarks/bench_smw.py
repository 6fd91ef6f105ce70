"""What each source of SMW's data costs for N pages, measured side by side on the test wiki.

The three sources issue 10 names (real SMW 5.1.0, the loopback test wiki of N pages,
``--delay 0``, through the crawler's own client, no archive):

- ``action=browsebysubject``: one request a page; it holds the page's subobjects;
- batched ``action=ask`` over a page list, with printouts from the property list
  (``action=smwbrowse&browse=property``): ``[[A||B||...]]`` for the pages and
  ``[[-Has subobject::A||B||...]]`` for their subobjects. SMW counts every title of
  the list against ``$smwgQMaxSize`` (16 by default) and answers with an error past
  it, so each batch is as large as the wiki allows (found by halving, and counted);
- ``Special:ExportRDF`` with ``pages=`` (one title a line, ``backlinks=0``), 50 a
  request (the URL stays under 6,000 characters).

For each: requests, seconds, the property values it gave (user properties, page and
subobjects), and what it leaves out. Rounds alternate the order of the sources.
Prints a table and one JSON line. Environment: BENCH_PAGES (2000), BENCH_PORT (8095),
BENCH_WIKI_DIR (/tmp/nora-bench-wiki-<N>), BENCH_ROUNDS (2).
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_crawl import start_wiki  # noqa: E402
from parsers.facts import Schema, parse_export, parse_property_list, parse_types  # noqa: E402
from scraper.crawl.siteinfo import read_siteinfo  # noqa: E402
from scraper.crawl.smw import BATCH_PAGES, TYPES_QUERY, smw_site  # noqa: E402
from scraper.errors import ApiError  # noqa: E402
from scraper.net.client import Client, ClientSettings  # noqa: E402

N = int(os.environ.get("BENCH_PAGES", "2000"))
WIKI_DIR = Path(os.environ.get("BENCH_WIKI_DIR", f"/tmp/nora-bench-wiki-{N}"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "2"))


@dataclass
class Cost:
    source: str
    pages: int
    requests: int
    seconds: float
    values: int  # values of the wiki's own properties, page and subobjects
    subobjects: bool
    inverse: bool
    types: str
    batch: int  # pages per request


def titles() -> list[str]:
    truth = json.loads((WIKI_DIR / "corpus" / "truth.json").read_text(encoding="utf-8"))
    return [p["title"] for p in truth["pages"] if p["kind"] == "element"]


def properties(client: Client) -> list[str]:
    params = {"action": "smwbrowse", "browse": "property",
              "params": json.dumps({"limit": 500, "offset": 0, "search": ""})}  # fmt: skip
    client.api(params)
    assert client.last is not None
    return sorted(parse_property_list(client.last.body).items)


def browse(client: Client, pages: list[str], own: set[str]) -> tuple[int, int]:
    values = 0
    for title in pages:
        data = client.api({"action": "browsebysubject", "subject": title})
        query: Any = data.get("query") or {}
        for subject in [query, *(query.get("sobj") or [])]:
            for entry in subject.get("data") or []:
                if str(entry.get("property", "")).replace("_", " ") in own:
                    values += len(entry.get("dataitem") or [])
    return len(pages), values


def _ask(client: Client, query: str) -> dict[str, Any]:
    data = client.api({"action": "ask", "query": query})
    found = data.get("query")
    return {str(k): v for k, v in found.items()} if isinstance(found, dict) else {}


def _batched(
    client: Client, pages: list[str], make: Callable[[list[str]], str], start: int
) -> tuple[int, int, int]:
    """(requests, values, batch size) of one kind of ask over ``pages``."""
    size, requests, values, index = start, 0, 0, 0
    while index < len(pages):
        chunk = pages[index : index + size]
        requests += 1
        try:
            result = _ask(client, make(chunk))
        except ApiError:  # over $smwgQMaxSize: SMW refuses the query
            size = max(1, size // 2)
            continue
        for found in (result.get("results") or {}).values():
            values += sum(len(v) for v in (found.get("printouts") or {}).values())
        index += len(chunk)
    return requests, values, size


def ask(client: Client, pages: list[str], own: list[str]) -> tuple[int, int, int]:
    printouts = "".join(f"|?{p}" for p in own)
    r1, v1, size = _batched(client, pages, lambda c: f"[[{'||'.join(c)}]]{printouts}|limit=500",
                            32)  # fmt: skip
    r2, v2, _ = _batched(
        client, pages, lambda c: f"[[-Has subobject::{'||'.join(c)}]]{printouts}|limit=500", 32
    )
    return r1 + r2 + 1, v1 + v2, size  # + the property list


def export(client: Client, pages: list[str], own: set[str], info: Any) -> tuple[int, int]:
    smw = smw_site(info)
    assert smw is not None
    from urllib.parse import urlencode

    types = parse_types(json.dumps({"query": _ask(client, f"{TYPES_QUERY}|limit=500")}))
    schema = Schema(frozenset(own), types.items, smw.namespaces)
    requests, values = 1, 0
    for start in range(0, len(pages), BATCH_PAGES):
        chunk = pages[start : start + BATCH_PAGES]
        query = urlencode({"title": smw.export_title, "pages": "\n".join(chunk), "backlinks": "0"})
        fetched = client.get(f"/index.php?{query}")
        requests += 1
        batch = parse_export(fetched.body, chunk, schema)
        values += sum(len(f) for f in batch.facts.values())
    return requests + 1, values  # + the property list


def measure(site: str) -> list[Cost]:
    settings = ClientSettings(site=site, contact="benchmark@example.org", delay=0.0,
                              max_requests=None)  # fmt: skip
    costs: dict[str, list[Cost]] = {}
    pages = titles()[:N]
    with Client(settings, None) as client:
        info = read_siteinfo(client)
        own = properties(client)
        runs: list[tuple[str, Callable[[], Cost]]] = []

        def timed(name: str, work: Callable[[], tuple[int, ...]], **about: Any) -> Cost:
            started = time.monotonic()
            found = work()
            seconds = time.monotonic() - started
            requests, values = found[0], found[1]
            batch = found[2] if len(found) > 2 else about.pop("batch")
            return Cost(name, len(pages), requests, seconds, values, batch=batch, **about)

        runs = [
            ("browsebysubject", lambda: timed(
                "action=browsebysubject", lambda: browse(client, pages, set(own)), batch=1,
                subobjects=True, inverse=False, types="data-item kind only (page, text, ...)")),
            ("ask", lambda: timed(
                "action=ask, page list + printouts", lambda: ask(client, pages, own),
                subobjects=True, inverse=False,
                types="typeid per printout (_wpg, _txt, ...)")),
            ("rdf", lambda: timed(
                "Special:ExportRDF, pages=", lambda: export(client, pages, set(own), info),
                batch=BATCH_PAGES, subobjects=True, inverse=False,
                types="XSD datatypes; SMW types need the Has type ask")),
        ]  # fmt: skip
        for round_ in range(ROUNDS):
            order = runs if round_ % 2 == 0 else list(reversed(runs))
            for key, run in order:
                costs.setdefault(key, []).append(run())
                print(f"# round {round_}: {costs[key][-1]}", file=sys.stderr)
    return [min(found, key=lambda c: c.seconds) for found in costs.values()]


def main() -> int:
    site = start_wiki()
    costs = measure(site)
    print(f"{'source':36} {'pages':>6} {'requests':>9} {'per page':>9} {'seconds':>8} "
          f"{'values':>7} {'batch':>6}  types")  # fmt: skip
    for c in costs:
        print(f"{c.source:36} {c.pages:>6} {c.requests:>9} {c.requests / c.pages:>9.3f} "
              f"{c.seconds:>8.1f} {c.values:>7} {c.batch:>6}  {c.types}")  # fmt: skip
    goal = math.ceil(N / 20)
    print(f"# goal: at most ceil(N/20) = {goal} extra requests for {N} pages")
    print(json.dumps({"benchmark": "smw-sources", "pages": N, "goal": goal,
                      "sources": [asdict(c) for c in costs]}))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
