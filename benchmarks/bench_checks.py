"""The checks' one-line summary on the test wiki: unmodified, after a deliberate break, stale.

On throwaway clones of the N-page test wiki (default N=2000, the same wiki and
environment as ``bench_crawl``):

1. a full crawl of the unmodified wiki: its summary should say 0 disagree;
2. a deliberate break: the row template of the hand-written Relaties tables
   (``Sjabloon:Relatie``) edited to render each relation as a line of text, then a
   recrawl: the pages using it show no relations, while SMW still holds them;
3. SMW's default settings (query dependency store off): one page relates to
   another whose Afgeleide relaties are an SMW query, then a recrawl: the other
   page's table stays stale, and the checks name it from the snapshot alone.

Prints each summary line and one JSON line. Environment: BENCH_PAGES (2000),
BENCH_PORT (8095), BENCH_WIKI_DIR (/tmp/nora-bench-wiki-<N>).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.bench_crawl import WIKI_DIR, N, start_wiki  # noqa: E402
from tests.wiki.corpus import build, parse_now  # noqa: E402
from tests.wiki.handle import LoopbackWiki, clone  # noqa: E402

BROKEN_ROW = "{{{relatie}}}: {{{eindpunten}}}<br />"


def crawl(wiki: LoopbackWiki, data: Path) -> tuple[str, str, dict[str, Any]]:
    """One ``nora crawl``: its result line, its checks line, the manifest's checks."""
    cmd = [
        sys.executable, "-m", "commands.cli", "crawl", "--site", wiki.base_url, "--data",
        str(data), "--delay", "0", "--no-progress", "--contact", "benchmark@example.org",
    ]  # fmt: skip
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, check=False)
    lines = done.stdout.strip().splitlines()
    result = next((x for x in lines if x.startswith("nora crawl:")), done.stderr[-300:])
    checks = next((x for x in lines if x.startswith("checks: ")), "")
    manifest = json.loads((data / "snapshots" / "latest" / "manifest.json").read_text("utf-8"))
    return result, re.sub(r" -> .*", "", checks), manifest["extra"]["checks"]


def kinds(summary: dict[str, Any]) -> dict[str, int]:
    return dict(summary.get("by_kind") or {})


def main() -> int:
    start_wiki()
    params = json.loads((WIKI_DIR / "corpus" / "params.json").read_text(encoding="utf-8"))
    corpus = build(params["seed"], params["pages"], parse_now(params["now"]))
    source = LoopbackWiki(WIKI_DIR, "")
    root = Path(tempfile.mkdtemp(prefix="nora-bench-checks-"))
    record: dict[str, Any] = {"benchmark": "checks", "pages": N}
    try:
        wiki = clone(source, root / "wiki")
        try:
            result, line, found = crawl(wiki, root / "data")
            print(f"# unmodified: {result}", file=sys.stderr)
            print(f"unmodified wiki:      {line}")
            record["unmodified"] = {"summary": line, "by_kind": kinds(found)}
            wiki.edit_page("Sjabloon:Relatie", BROKEN_ROW)
            result, line, found = crawl(wiki, root / "data")
            print(f"# after the break: {result}", file=sys.stderr)
            print(f"after the break:      {line}")
            using = sum(
                1 for p in corpus
                if p.kind == "element" and p.rel_style == "table" and p.relations
                and p.ns in (0, 3000)
            )  # fmt: skip
            record["break"] = {"summary": line, "by_kind": kinds(found), "pages_using": using}
        finally:
            wiki.destroy()
        stale = clone(source, root / "stale", query_dependencies=False)
        try:
            crawl(stale, root / "stale-data")
            a, b = pair(corpus)
            stale.set_relations(a, [("Is gerelateerd aan", [b])])
            result, line, found = crawl(stale, root / "stale-data")
            print(f"# stale wiki: {result}", file=sys.stderr)
            print(f"stale (qdep off):     {line}")
            record["stale"] = {"summary": line, "by_kind": kinds(found), "related": [a, b]}
        finally:
            stale.destroy()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    print(json.dumps(record, ensure_ascii=False))
    return 0


def pair(corpus: Any) -> tuple[str, str]:
    """A page with hand-written Relaties and one whose Afgeleide relaties are a query."""
    for b in corpus:
        if b.kind != "element" or b.ns != 0 or b.derived_style != "ask" or b.derived_limit:
            continue
        if not corpus.incoming(b.title):
            continue
        for a in corpus:
            fits = a.kind == "element" and a.ns == 0 and a.rel_style == "table"
            if fits and a is not b and b.title not in a.direct_targets():
                return str(a.title), str(b.title)
    raise RuntimeError("no pair of pages to relate")


if __name__ == "__main__":
    sys.exit(main())
