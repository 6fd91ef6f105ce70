"""Crawl benchmark: requests, wall time and peak memory of ``nora crawl``, beside wikiteam3.

On a real MediaWiki test wiki of N pages (default N=2000, its own folder and port,
started with tests/wiki/testwiki.sh), with ``--delay 0``, counted from the wiki's
access log, each crawl twice, side by side: with SMW's facts (the default) and with
``--no-facts`` (into two data folders, interleaved; the wiki's parser cache is emptied
before each full and each 20-edit crawl, so both of a pair render alike):

- a full crawl (must: <= N + ceil(N/500) per namespace + 10 requests; with facts
  <= 2N + listing + 20, goal N + ceil(N/20) + listing + 10);
- a second crawl with no change (must: <= ceil(N/500) per namespace + 10, <= 16);
- a crawl after 20 pages were edited (that + the 20 and the pages whose body shows
  an SMW query's results, and without facts their relation targets: with facts on
  both versions only targets whose relation changed are refetched, and a body-text
  edit changes none: the 20 and the query pages exactly);
- wikiteam3 (``wikiteam3dumpgenerator --xml --curonly --delay 0 --force``, from a
  separate venv, never a project dependency) dumping the same wiki;
- peak memory (ru_maxrss of the crawl process) at N and, on a synthetic listing
  server on loopback (tiny pages, same API shape), at 2,000 and 20,000 pages.

Prints a table and one JSON line. Environment: BENCH_PAGES (2000), BENCH_PORT
(8095), BENCH_WIKI_DIR (/tmp/nora-bench-wiki-<N>), BENCH_SYNTH_PAGES (20000),
WIKITEAM3 (path of wikiteam3dumpgenerator; /tmp/wt3-venv/bin/... if present),
BENCH_SKIP ("wikiteam3,synthetic" to skip parts).
"""

from __future__ import annotations

import json
import math
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from dataclasses import asdict, dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import pandas as pd  # noqa: E402

from tests.crawl_support import page_requests  # noqa: E402
from tests.wiki.handle import LoopbackWiki, clone  # noqa: E402

N = int(os.environ.get("BENCH_PAGES", "2000"))
PORT = int(os.environ.get("BENCH_PORT", "8095"))
WIKI_DIR = Path(os.environ.get("BENCH_WIKI_DIR", f"/tmp/nora-bench-wiki-{N}"))
#: the throwaway clone every run crawls and edits; WIKI_DIR itself stays pristine, so
#: a second benchmark run starts from the generated corpus, not from the last run's edits
WORK_DIR = WIKI_DIR
SYNTH_N = int(os.environ.get("BENCH_SYNTH_PAGES", "20000"))
SKIP = set(filter(None, os.environ.get("BENCH_SKIP", "").split(",")))
EDITS = 20


@dataclass
class Run:
    name: str
    requests: int
    page_requests: int
    seconds: float
    max_rss_mb: float
    exit_status: int
    limit: int | None = None

    @property
    def ok(self) -> bool:
        # a run that crashed makes few requests: it must not pass the request limit
        return self.exit_status in (0, 1) and (self.limit is None or self.requests <= self.limit)


def sh(*args: str, env: dict[str, str] | None = None, check: bool = True) -> str:
    result = subprocess.run(args, capture_output=True, text=True, env=env, check=False)
    if check and result.returncode != 0:
        raise RuntimeError(f"{args}: exit {result.returncode}\n{result.stderr[-2000:]}")
    return result.stdout


def wiki_env() -> dict[str, str]:
    return {
        **os.environ,
        "WIKI_DIR": str(WIKI_DIR),
        "WIKI_PORT": str(PORT),
        "WIKI_PAGES": str(N),
    }


def start_wiki() -> str:
    started = time.monotonic()
    out = sh("bash", str(ROOT / "tests/wiki/testwiki.sh"), "up", env=wiki_env())
    url = out.strip().splitlines()[-1].strip()
    print(f"# wiki {url} ({N} pages) ready in {time.monotonic() - started:.0f}s", file=sys.stderr)
    return url


def access_lines() -> int:
    with (WORK_DIR / "access.log").open("rb") as fh:
        return sum(1 for _ in fh)


def new_lines(start: int) -> list[str]:
    with (WORK_DIR / "access.log").open(encoding="utf-8", errors="replace") as fh:
        return [line for i, line in enumerate(fh) if i >= start]


def _hwm_kib(pid: int) -> int:
    """VmHWM (peak RSS) of a running process, in KiB; 0 once it is gone."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def timed(cmd: list[str], *, cwd: Path = ROOT) -> tuple[int, float, float, str]:
    """Run ``cmd``; exit status, wall seconds, peak RSS in MiB (its own), stdout.

    The peak is the process's VmHWM, polled while it runs: ``ru_maxrss`` from
    wait4 would not do, Linux carries the parent's high-water mark over fork and
    exec, so a small child of a big benchmark process would report the parent's.
    """
    started = time.monotonic()
    peak = 0
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.DEVNULL)
        while proc.poll() is None:
            peak = max(peak, _hwm_kib(proc.pid))
            time.sleep(0.02)
        seconds = time.monotonic() - started
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    return int(proc.returncode), seconds, peak / 1024, text


def crawl(
    site: str,
    data: Path,
    name: str,
    limit: int | None,
    count_from: Any = None,
    flags: tuple[str, ...] = (),
) -> Run:
    start = access_lines() if count_from is None else None
    cmd = [
        sys.executable, "-m", "commands.cli", "crawl", "--site", site, "--data", str(data),
        "--delay", "0", "--no-progress", "--contact", "benchmark@example.org", *flags,
    ]  # fmt: skip
    status, seconds, rss, out = timed(cmd)
    for line in out.strip().splitlines()[-2:] or ["(no output)"]:
        print(f"# {name}: {line}", file=sys.stderr)
    if start is None:  # no access log: the crawler's own count ("requests N")
        found = re.search(r"requests (\d+)", out)
        count = int(found[1]) if found else 0
        return Run(name, count, 0, seconds, rss, status, limit)
    lines = new_lines(start)
    return Run(name, len(lines), sum(page_requests(lines).values()), seconds, rss, status, limit)


def cold_cache() -> None:
    """Empty the work wiki's parser cache, so that each crawl of a pair renders alike."""
    import sqlite3

    with sqlite3.connect(WORK_DIR / "data" / "wikicache.sqlite", timeout=60) as db:
        db.execute("DELETE FROM objectcache WHERE keyname GLOB '*:pcache:*'")


def api_get(site: str, params: dict[str, str]) -> dict[str, Any]:
    query = urllib.parse.urlencode({**params, "format": "json", "formatversion": "2"})
    with urllib.request.urlopen(f"{site}/api.php?{query}", timeout=60) as answer:
        data: dict[str, Any] = json.load(answer)
        return data


def edit_pages(site: str, truth: dict[str, Any]) -> tuple[list[str], set[str]]:
    """Add a sentence to 20 element pages (edit.php); return them and their targets."""
    elements = sorted(
        (p for p in truth["pages"] if p["kind"] == "element" and p["namespace"] == 0),
        key=lambda p: p["title"],
    )
    chosen = elements[:: max(1, len(elements) // EDITS)][:EDITS]
    targets: set[str] = set()
    for page in chosen:
        answer = api_get(
            site,
            {"action": "query", "prop": "revisions", "rvprop": "content", "rvslots": "main",
             "titles": page["title"]},
        )  # fmt: skip
        text = answer["query"]["pages"][0]["revisions"][0]["slots"]["main"]["content"]
        subprocess.run(
            ["php", "maintenance/edit.php", "-s", "benchmark edit", page["title"]],
            # at the top, in the lead text: appended, it would land in the last
            # section, which may be a relation list, and change the page's relations
            input="Bewerkt door de benchmark.\n\n" + text,
            text=True,
            cwd=WORK_DIR / "mw",
            capture_output=True,
            check=True,
        )
        targets.update(page["direct_targets"])
    return [p["title"] for p in chosen], targets


def wikiteam3(site: str) -> Run | None:
    exe = os.environ.get("WIKITEAM3") or "/tmp/wt3-venv/bin/wikiteam3dumpgenerator"
    if "wikiteam3" in SKIP or not Path(exe).exists():
        print(f"# wikiteam3 skipped ({exe} missing)", file=sys.stderr)
        return None
    out_dir = Path(tempfile.mkdtemp(prefix="wt3-"))
    start = access_lines()
    cmd = [
        exe, "--xml", "--curonly", "--delay", "0", "--force", "--path", str(out_dir / "dump"),
        "--api", f"{site}/api.php", "--index", f"{site}/index.php", site,
    ]  # fmt: skip
    status, seconds, rss, _out = timed(cmd, cwd=out_dir)
    lines = new_lines(start)
    shutil.rmtree(out_dir, ignore_errors=True)
    return Run("wikiteam3 --xml --curonly", len(lines), 0, seconds, rss, status)


# -- a synthetic listing server: the API shape of MediaWiki, tiny pages -------------------


def synthetic_server(pages: int) -> ThreadingHTTPServer:
    titles = [f"Element {i:06d}" for i in range(pages)]

    def render(i: int) -> bytes:
        title = titles[i]
        target = titles[(i * 7 + 1) % pages]
        conf = {"wgPageName": title.replace(" ", "_"), "wgTitle": title,
                "wgNamespaceNumber": 0, "wgArticleId": i + 1, "wgRevisionId": i + 1,
                "wgCategories": ["Bouwstenen"]}  # fmt: skip
        return (
            f"<!DOCTYPE html><html><head><script>RLCONF={json.dumps(conf)};</script></head>"
            f'<body><h1 id="firstHeading">{title}</h1><div id="mw-content-text">'
            f'<div class="mw-parser-output"><p>Tekst van {title}.</p>'
            f'<h2><span class="mw-headline">Relaties</span></h2><table class="wikitable">'
            "<tr><th>Vertrekpunt</th><th>Relatie</th><th>Eindpunten</th></tr>"
            f'<tr><td><a class="mw-selflink selflink">{title}</a></td><td>realiseert</td>'
            f'<td><a href="/wiki/{target.replace(" ", "_")}" title="{target}">{target}</a>'
            "</td></tr></table></div></div></body></html>"
        ).encode()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            return

        def setup(self) -> None:
            super().setup()
            # headers and body go out as two writes: without NODELAY, Nagle and
            # delayed ACKs add 40 ms to every keep-alive answer
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def do_GET(self) -> None:
            parts = urllib.parse.urlsplit(self.path)
            params = dict(urllib.parse.parse_qsl(parts.query, keep_blank_values=True))
            if parts.path == "/api.php":
                self.send(200, "application/json", json.dumps(self.api(params)).encode())
            elif parts.path.startswith("/wiki/"):
                title = urllib.parse.unquote(parts.path[6:]).replace("_", " ")
                match = re.fullmatch(r"Element (\d{6})", title)
                if match is None or int(match[1]) >= pages:
                    self.send(404, "text/html", b"<html>niet gevonden</html>")
                else:
                    self.send(200, "text/html; charset=UTF-8", render(int(match[1])))
            else:
                self.send(404, "text/plain", b"not found")

        def api(self, params: dict[str, str]) -> dict[str, Any]:
            if params.get("meta") == "siteinfo":
                host = self.headers.get("Host", "")
                return {"query": {
                    "general": {"server": f"http://{host}", "articlepath": "/wiki/$1",
                                "generator": "synthetic", "sitename": "synthetic"},
                    "namespaces": {"0": {"id": 0, "name": "", "content": True}},
                }}  # fmt: skip
            if params.get("list"):
                key = "allpages" if params["list"] == "allpages" else "allredirects"
                return {"batchcomplete": True, "query": {key: []}}
            start = int(params.get("gapcontinue", "0") or 0)
            batch = range(start, min(start + 500, pages))
            answer: dict[str, Any] = {"query": {"pages": [
                {"pageid": i + 1, "ns": 0, "title": titles[i], "lastrevid": i + 1,
                 "touched": "2026-11-01T00:00:00Z", "length": 500}
                for i in batch
            ]}}  # fmt: skip
            if start + 500 < pages:
                answer["continue"] = {"gapcontinue": str(start + 500), "continue": "gapcontinue||"}
            return answer

        def send(self, status: int, ctype: str, body: bytes) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def synthetic_memory(pages: int) -> tuple[Run, Run]:
    server = synthetic_server(pages)
    host, port = server.server_address[:2]
    site = f"http://{host!s}:{port}"
    data = Path(tempfile.mkdtemp(prefix=f"nora-bench-synth-{pages}-"))
    try:
        full = crawl(site, data / "d", f"synthetic full crawl, {pages} pages", None, count_from=0)
        again = crawl(site, data / "d", f"synthetic no-change crawl, {pages}", None, count_from=0)
    finally:
        server.shutdown()
        shutil.rmtree(data, ignore_errors=True)
    return full, again


def listing_requests(pages: int, namespaces: int) -> int:
    return namespaces * max(1, math.ceil(pages / 500))


def main() -> int:
    global WORK_DIR
    start_wiki()
    work = clone(LoopbackWiki(WIKI_DIR, ""), Path(tempfile.mkdtemp(prefix="nora-bench-")) / "wiki")
    WORK_DIR, site = work.dir, work.base_url
    try:
        return measure(site)
    finally:
        work.destroy()
        shutil.rmtree(work.dir.parent, ignore_errors=True)


def measure(site: str) -> int:
    truth = json.loads((WIKI_DIR / "corpus" / "truth.json").read_text(encoding="utf-8"))
    info = api_get(site, {"action": "query", "meta": "siteinfo", "siprop": "namespaces"})
    content = [n["id"] for n in info["query"]["namespaces"].values() if n.get("content")]
    listed = sum(1 for p in truth["pages"] if p["namespace"] in content and not p["is_redirect"])
    per_ns = sum(
        max(1, math.ceil(sum(1 for p in truth["pages"] if p["namespace"] == ns) / 500))
        for ns in content
    )
    root = Path(tempfile.mkdtemp(prefix="nora-bench-crawl-"))
    both = {"facts": (root / "facts", ()), "no facts": (root / "nofacts", ("--no-facts",))}
    runs: list[Run] = []
    extra: dict[str, Any] = {}
    try:
        # full: with facts <= 2N + listing + 20 (must), N + ceil(N/20) + listing + 10 (goal)
        limits = {"facts": listed + math.ceil(listed / 20) + per_ns + 10,
                  "no facts": listed + per_ns + 10}  # fmt: skip
        for mode, (data, flags) in both.items():
            name = f"nora crawl: full ({listed} pages), {mode}"
            cold_cache()  # the second crawl of the pair must not find the first's renderings
            runs.append(crawl(site, data, name, limits[mode], flags=flags))
        for mode, (data, flags) in both.items():
            runs.append(crawl(site, data, f"nora crawl: no change, {mode}", per_ns + 10,
                              flags=flags))  # fmt: skip
        edited, targets = edit_pages(site, truth)
        titles = {p["title"] for p in truth["pages"] if p["namespace"] in content}
        redirects = {p["title"]: p["redirect_target"] for p in truth["pages"] if p["is_redirect"]}
        resolved = {redirects.get(t, t) for t in targets} & titles
        shown = pd.read_parquet(both["facts"][0] / "snapshots" / "latest" / "pages.parquet")
        query = set(shown.loc[shown["shows_query_results"], "title"]) - set(edited)
        expected = {"facts": set(edited) | query, "no facts": set(edited) | resolved | query}
        for mode, (data, flags) in both.items():
            cold_cache()
            start = access_lines()
            smw = math.ceil(len(expected[mode]) / 20) + 2 if mode == "facts" else 0
            limit = per_ns + 10 + len(expected[mode]) + smw
            run = crawl(site, data, f"nora crawl: {EDITS} edited, {mode}", limit, flags=flags)
            fetched = set(page_requests(new_lines(start)))
            runs.append(run)
            extra[mode] = {
                "edited": len(edited),
                "query_pages": len(query),
                "relation_targets": len(expected[mode] - set(edited) - query),
                "expected_page_fetches": len(expected[mode]),
                "fetched_exactly_expected": fetched == expected[mode],
                "unexpected": sorted(fetched - expected[mode])[:10],
                "not_fetched": sorted(expected[mode] - fetched)[:10],
            }
    finally:
        shutil.rmtree(root, ignore_errors=True)
    wt3 = wikiteam3(site)
    if wt3 is not None:
        runs.append(wt3)
    if "synthetic" not in SKIP:
        for pages in (2000, SYNTH_N):
            runs.extend(synthetic_memory(pages))

    print(f"{'run':48} {'requests':>9} {'pages':>6} {'limit':>7} {'seconds':>8} {'peak MiB':>9}")
    for r in runs:
        bound = "" if r.limit is None else str(r.limit)
        mark = "" if r.ok else "  OVER LIMIT"
        print(f"{r.name:48} {r.requests:>9} {r.page_requests:>6} {bound:>7} {r.seconds:>8.1f} "
              f"{r.max_rss_mb:>9.1f}{mark}")  # fmt: skip
    print(f"# 20-edit recrawl: {json.dumps(extra)}")
    record = {"benchmark": "crawl", "pages": N, "listed": listed, "runs": [
        {**asdict(r), "ok": r.ok} for r in runs], **extra}  # fmt: skip
    print(json.dumps(record))
    exact = all(e["fetched_exactly_expected"] for e in extra.values())
    return 0 if all(r.ok for r in runs) and exact else 1


if __name__ == "__main__":
    sys.exit(main())
