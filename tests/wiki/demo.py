"""``make demo``: the whole pipeline, offline, against the loopback test wiki.

1. bring the shared test wiki up (tests/wiki/testwiki.sh) and clone it, so the demo's
   edits never touch the wiki the tests read;
2. ``nora crawl`` the clone into ``DEMO_DATA`` (default ``data/demo``, emptied first);
3. edit a page (a new section) and rewire another one's relations;
4. ``nora crawl`` again: only the changed pages and their relation targets are fetched;
5. ``nora export`` (re-parse the archive, no network), ``nora verify`` the snapshot and
   the WARC archive, ``nora diff`` the two crawl snapshots.

Prints every command and its summary; exits non-zero when a step fails.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tests.wiki.handle import LoopbackWiki, clone, run_script

ROOT = Path(__file__).resolve().parents[2]


def step(title: str) -> None:
    print(f"\n== {title}", flush=True)


def nora(*args: str, ok: tuple[int, ...] = (0, 1)) -> int:
    """Run one ``nora`` command, echo it and its output; fail the demo on other statuses."""
    print("$ nora " + " ".join(args), flush=True)
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "commands.cli", *args], cwd=ROOT, text=True, capture_output=True
    )
    output = (done.stdout + done.stderr).strip().splitlines()
    shown = [line for line in output if not line.startswith("INFO ")]
    for line in shown[-15:]:
        print(f"  {line}")
    print(f"  (exit {done.returncode}, {time.monotonic() - started:.1f}s)", flush=True)
    if done.returncode not in ok:
        raise SystemExit(f"demo failed at: nora {' '.join(args)}")
    return done.returncode


def main() -> int:
    data = Path(os.environ.get("DEMO_DATA", ROOT / "data" / "demo")).resolve()
    shared_dir = Path(os.environ.get("WIKI_DIR", "/tmp/nora-testwiki"))
    env = {
        "WIKI_DIR": str(shared_dir),
        "WIKI_PORT": os.environ.get("WIKI_PORT", "8089"),
        "WIKI_PAGES": os.environ.get("WIKI_PAGES", "300"),
    }
    step("test wiki: up, then a throwaway clone for the demo's edits")
    shared = LoopbackWiki(shared_dir, run_script(["up"], env, timeout=900))
    wiki = clone(shared, Path(tempfile.mkdtemp(prefix="nora-demo-wiki-")))
    print(f"  shared wiki {shared.base_url}, demo clone {wiki.base_url}")
    try:
        shutil.rmtree(data, ignore_errors=True)
        crawl = ("crawl", "--site", wiki.base_url, "--data", str(data), "--delay", "0",
                 "--no-progress", "--contact", "demo@example.org")  # fmt: skip

        step("first crawl: every page")
        mark = wiki.log_mark()
        nora(*crawl)
        print(f"  the wiki saw {len(wiki.requests_since(mark))} requests")
        first = (data / "snapshots" / "latest").resolve()

        step("edit the wiki: a new section on one page, new relations on another")
        elements = sorted(
            p["title"] for p in wiki.truth["pages"]
            if p["kind"] == "element" and p["namespace"] == 0
        )  # fmt: skip
        touched, rewired, target = elements[1], elements[2], elements[3]
        saved = wiki.touch_page(touched, "Deze zin kwam erbij in de demo.")
        saved += wiki.set_relations(rewired, [("Is gerelateerd aan", [target])])
        print(f"  saved: {', '.join(dict.fromkeys(saved))}")

        step("second crawl: only what changed, and the pages whose derived relations moved")
        mark = wiki.log_mark()
        nora("crawl", "--dry-run", *crawl[1:])
        nora(*crawl)
        pages = [line for line in wiki.requests_since(mark) if " /wiki/" in line]
        print(f"  pages fetched: {len(pages)}")
        for line in pages:
            print(f"    {line}")
        second = (data / "snapshots" / "latest").resolve()

        step("export: re-parse the archive into a new snapshot (no network)")
        nora("export", "--data", str(data), "--out", str(data / "export"), "--no-progress")
        step("verify: the snapshot against its manifest, and the WARC archive")
        nora("verify", str(second), "--data", str(data), ok=(0,))
        nora("verify", "--archive", str(data / "warc"), "--data", str(data), ok=(0,))
        step("diff: what changed between the two crawls")
        nora("diff", str(first), str(second), "--data", str(data))
        step(f"done: data in {data}")
        return 0
    finally:
        wiki.destroy()


if __name__ == "__main__":
    sys.exit(main())
