"""A seeded multi-night simulation: does the nightly incremental crawl drift from the wiki?

    python -m tests.wiki.soak [--nights 12] [--ops 8] [--seed 18] [--wiki DIR] [--keep DIR]

On a throwaway clone of the test wiki (``WIKI_DIR``, default the shared one), night after
night: random editors' operations (``OPERATIONS``), one of them during the crawl, then an
incremental ``nora crawl`` into one data folder, then a full crawl of the same wiki into an
empty folder, and every table of the two snapshots compared row by row (``fetched_at``,
``warc_file`` and ``warc_offset`` left out: when and where a page was archived). The goal
is 0 differences every night. Each night prints one JSON line (the operations, requests of
both crawls, the differences per table and a few differing rows); the exit status is 1
when any night differs.

The incremental crawls run with ``--refresh-days 0`` when the crawler knows the flag, so
the rolling refresh (a backstop) cannot hide what the planner misses.
``make soak`` runs the long version; tests/integration/wiki/test_soak.py a short one.
"""

from __future__ import annotations

import argparse
import functools
import json
import random
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
import requests

from tests.wiki.handle import LoopbackWiki, clone, run_script
from tests.wiki.model import NS_MAIN, Page

ROOT = Path(__file__).resolve().parents[2]
TABLES = ("pages", "properties", "relations", "sections", "facts", "redirects", "checks")
#: columns that say when and where a page was archived, not what it holds
VOLATILE = {"pages": ("fetched_at", "warc_file", "warc_offset")}
OPERATIONS = (
    "body", "property", "overview-value", "relations", "new", "delete", "move",
    "move-no-redirect", "redirect", "template", "category", "recreate", "twice",
)  # fmt: skip
CONTACT = "soak@example.org"


@dataclass
class Night:
    number: int
    operations: list[str] = field(default_factory=list)
    incremental_requests: int = 0
    full_requests: int = 0
    incremental_exit: int = 0
    fetched: str = ""
    differences: dict[str, int] = field(default_factory=dict)
    examples: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(self.differences.values())

    def line(self) -> str:
        return json.dumps(
            {
                "night": self.number,
                "operations": self.operations,
                "incremental_requests": self.incremental_requests,
                "full_requests": self.full_requests,
                "incremental_exit": self.incremental_exit,
                "fetched": self.fetched,
                "differences": self.differences,
                "examples": self.examples[:8],
            },
            ensure_ascii=False,
        )


# --- comparing two snapshots -------------------------------------------------------------


def _cell(value: Any) -> Any:
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, list):
        return tuple(value)
    if value is None or (isinstance(value, float) and value != value):
        return None
    return value


def _rows(snapshot: Path, table: str) -> Counter[tuple[Any, ...]]:
    frame = pd.read_parquet(snapshot / f"{table}.parquet")
    frame = frame.drop(columns=[c for c in VOLATILE.get(table, ()) if c in frame.columns])
    return Counter(tuple(_cell(v) for v in row) for row in frame.itertuples(index=False))


def snapshot_differences(incremental: Path, full: Path) -> tuple[dict[str, int], list[str]]:
    """Rows in one snapshot's table and not in the other's, per table, and examples."""
    counts: dict[str, int] = {}
    examples: list[str] = []
    for table in TABLES:
        a, b = _rows(incremental, table), _rows(full, table)
        only_a, only_b = a - b, b - a
        counts[table] = sum(only_a.values()) + sum(only_b.values())
        for side, rows in (("incremental only", only_a), ("full only", only_b)):
            for row in sorted(rows, key=str)[:3]:
                examples.append(f"{table} {side}: {str(row)[:300]}")
    return counts, examples


# --- the nights --------------------------------------------------------------------------


def crawl_flags(data: Path, site: str, *, delay: float, incremental: bool) -> list[str]:
    flags = ["crawl", "--site", site, "--data", str(data), "--delay", str(delay),
             "--no-progress", "--contact", CONTACT]  # fmt: skip
    if incremental and _knows_refresh_days():
        flags += ["--refresh-days", "0"]
    return flags


@functools.cache
def _knows_refresh_days() -> bool:
    done = subprocess.run([sys.executable, "-m", "commands.cli", "crawl", "--help"],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip
    return "--refresh-days" in done.stdout


class Soak:
    """The simulation on one wiki clone (see the module docstring)."""

    def __init__(self, wiki: LoopbackWiki, work: Path, seed: int, ops: int, delay: float):
        self.wiki = wiki
        self.work = work
        self.rng = random.Random(seed)
        self.ops = ops
        self.delay = delay
        self.data = work / "incremental"
        self.counter = 0

    # pages to operate on, from the model the control keeps in step with the wiki
    def _elements(self, main_only: bool = False) -> list[Page]:
        pages = [p for p in self.wiki.control().corpus if p.kind == "element"]
        return [p for p in pages if p.ns == NS_MAIN] if main_only else pages

    def _pick(self, main_only: bool = False) -> Page:
        return self.rng.choice(sorted(self._elements(main_only), key=lambda p: p.title))

    def _text(self, page: Page) -> str:
        return self.wiki.control().corpus.wikitext(page)

    def operate(self, kind: str) -> str:
        """Do one operation; returns what was done, in words."""
        self.counter += 1
        n = self.counter
        wiki = self.wiki
        if kind == "body":
            page = self._pick()
            wiki.touch_page(page.title, f"Soak wijziging {n}.")
        elif kind == "twice":
            page = self._pick()
            wiki.touch_page(page.title, f"Soak eerste wijziging {n}.")
            wiki.touch_page(page.title, f"Soak tweede wijziging {n}.")
        elif kind in ("property", "overview-value"):
            pool = [p for p in self._elements() if "Heeft ID=" in self._text(p)]
            if kind == "overview-value":
                pool = [p for p in pool if "Architectuurprincipes" in p.categories] or pool
            page = self.rng.choice(sorted(pool, key=lambda p: p.title))
            text = self._text(page)
            old = re.search(r"Heeft ID=([^|}\s]+)", text)
            assert old is not None
            new_id = f"{old.group(1)}-{n}"
            wiki.edit_page(page.title, re.sub(rf"\b{re.escape(old.group(1))}\b", new_id, text))
        elif kind == "relations":
            page = self._pick()
            names = [r.name for r in page.relations] or ["Is gerelateerd aan"]
            targets = [self._pick().title for _ in range(self.rng.randint(1, 3))]
            if self.rng.random() < 0.2:
                targets.append(f"Nog niet bestaande pagina {n}")  # a red link
            wiki.set_relations(page.title, [(names[0], targets)])
        elif kind == "new":
            kind_of = self._pick().element_type
            title = f"Soak nieuw {n} {kind_of}"
            wiki.add_page(title, kind_of, [("Is gerelateerd aan", [self._pick().title])])
            return f"new {title}"
        elif kind == "delete":
            page = self._pick()
            wiki.delete_page(page.title)
        elif kind in ("move", "move-no-redirect"):
            page = self._pick()
            wiki.move_page(page.title, f"{page.title} (verplaatst {n})",
                           redirect=kind == "move")  # fmt: skip
        elif kind == "redirect":
            redirects = sorted(p.title for p in wiki.control().corpus if p.kind == "redirect")
            target = self._pick().title
            title = self.rng.choice(redirects) if redirects else f"Soak doorverwijzing {n}"
            wiki.edit_page(title, f"#DOORVERWIJZING [[{target}]]")
            return f"redirect {title} -> {target}"
        elif kind == "template":
            raw = requests.get(wiki.base_url + "/index.php",
                               params={"title": "Sjabloon:Historie", "action": "raw"},
                               timeout=60).text  # fmt: skip
            wiki.edit_page("Sjabloon:Historie", raw.rstrip() + f"\n<p>Archiefversie {n}.</p>")
            return "template Sjabloon:Historie"
        elif kind == "category":
            page = self._pick()
            text = self._text(page)
            if page.categories and self.rng.random() < 0.5:
                text = text.replace(f"[[Categorie:{page.categories[0]}]]", "")
            else:
                text += "\n[[Categorie:Architectuurprincipes]]"
            wiki.edit_page(page.title, text)
        elif kind == "recreate":
            page = self._pick()
            wiki.delete_page(page.title)
            wiki.add_page(page.title, page.element_type)
        else:
            raise ValueError(f"unknown operation {kind!r}: expected one of {OPERATIONS}")
        return f"{kind} {page.title}"

    def during_crawl(self) -> tuple[Callable[[], str], list[str]]:
        """An edit to run while the crawl fetches: a page the crawl will fetch late (edited
        now, so it is planned) gets relations to pages it fetches early (also edited now)."""
        mains = sorted(self._elements(main_only=True), key=lambda p: p.title)
        late = self.rng.choice(mains[-len(mains) // 4 :])
        early = [self.rng.choice(mains[: len(mains) // 4]) for _ in range(2)]
        done = []
        for page in (late, *early):
            self.wiki.touch_page(page.title, f"Soak wijziging voor de crawl {self.counter}.")
            done.append(f"body {page.title}")

        def edit() -> str:
            names = [r.name for r in late.relations] or ["Is gerelateerd aan"]
            self.wiki.set_relations(late.title, [(names[0], [p.title for p in early])])
            return f"during-crawl relations {late.title} -> {[p.title for p in early]}"

        return edit, done

    def crawl(self, data: Path, *, incremental: bool) -> tuple[int, int, str, Path]:
        """Run one crawl; returns (exit status, requests, the crawl's summary line, snapshot)."""
        mark = self.wiki.log_mark()
        done = subprocess.run(
            [sys.executable, "-m", "commands.cli",
             *crawl_flags(data, self.wiki.base_url, delay=self.delay if incremental else 0,
                          incremental=incremental)],
            cwd=ROOT, capture_output=True, text=True, timeout=1800,
        )  # fmt: skip
        summary = next((line for line in done.stdout.splitlines() if "nora crawl:" in line), "")
        if done.returncode not in (0, 1):
            raise RuntimeError(f"crawl failed ({done.returncode}): {done.stdout[-1500:]}"
                               f"{done.stderr[-1500:]}")  # fmt: skip
        asked = len(self.wiki.requests_since(mark))
        return done.returncode, asked, summary, data / "snapshots" / "latest"

    def night(self, number: int, during: bool, kinds: list[str] | None = None) -> Night:
        """One night: ``kinds`` of operations (default: ``ops`` at random, the first of
        each night going through every kind in turn), an incremental and a full crawl."""
        result = Night(number)
        if kinds is None:
            kinds = [self.rng.choice(OPERATIONS) for _ in range(self.ops)]
            if number <= len(OPERATIONS) and kinds:  # every kind early on, then at random
                kinds[0] = OPERATIONS[(number - 1) % len(OPERATIONS)]
        for kind in kinds:
            result.operations.append(self.operate(kind))
        edit: Callable[[], str] | None = None
        if during:
            edit, done = self.during_crawl()
            result.operations += done
        with self._while_crawling(edit, result.operations):
            status, asked, summary, snapshot = self.crawl(self.data, incremental=True)
        result.incremental_exit, result.incremental_requests = status, asked
        result.fetched = summary.split("fetched ", 1)[-1].split(",", 1)[0]
        full_data = self.work / f"full-{number}"
        _, result.full_requests, _, full = self.crawl(full_data, incremental=False)
        result.differences, result.examples = snapshot_differences(snapshot, full)
        shutil.rmtree(full_data, ignore_errors=True)
        return result

    @contextmanager
    def _while_crawling(self, edit: Callable[[], str] | None, log: list[str]) -> Iterator[None]:
        """Run ``edit`` once the crawl has fetched its first page."""
        if edit is None:
            yield
            return
        mark = self.wiki.log_mark()
        errors: list[BaseException] = []

        def wait_then_edit() -> None:
            deadline = time.monotonic() + 600
            while time.monotonic() < deadline:
                if any(line.startswith("GET /wiki/") for line in self.wiki.requests_since(mark)):
                    try:
                        log.append(edit())
                    except BaseException as exc:  # reported after the crawl
                        errors.append(exc)
                    return
                time.sleep(0.05)

        thread = threading.Thread(target=wait_then_edit, daemon=True)
        thread.start()
        try:
            yield
        finally:
            thread.join(timeout=600)
        if errors:
            raise errors[0]


def run(
    source: LoopbackWiki, nights: int, ops: int, seed: int, delay: float, work: Path,
    out: Callable[[str], None] = print,
) -> list[Night]:  # fmt: skip
    """The simulation on a clone of ``source``; every night's result, in order."""
    wiki = clone(source, work / "wiki")
    try:
        soak = Soak(wiki, work, seed, ops, delay)
        soak.crawl(soak.data, incremental=True)  # night 0: the first crawl
        results = []
        for number in range(1, nights + 1):
            night = soak.night(number, during=number % 2 == 1)
            out(night.line())
            sys.stdout.flush()
            results.append(night)
        return results
    finally:
        wiki.destroy()


def main(argv: list[str] | None = None) -> int:
    import os

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nights", type=int, default=12)
    parser.add_argument("--ops", type=int, default=8, help="operations a night (default 8)")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--delay", type=float, default=0.3,
                        help="seconds between the incremental crawls' requests")  # fmt: skip
    parser.add_argument("--wiki", type=Path,
                        default=Path(os.environ.get("WIKI_DIR", "/tmp/nora-testwiki")))  # fmt: skip
    parser.add_argument("--keep", type=Path, help="work folder to keep (default: a temporary one)")
    args = parser.parse_args(argv)
    env = {"WIKI_DIR": str(args.wiki), "WIKI_PORT": os.environ.get("WIKI_PORT", "8089")}
    source = LoopbackWiki(args.wiki, run_script(["up"], env))
    work = args.keep or Path(tempfile.mkdtemp(prefix="nora-soak-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        results = run(source, args.nights, args.ops, args.seed, args.delay, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    differing = [n.number for n in results if n.total]
    print(f"seed {args.seed}: {args.nights} nights, "
          f"{sum(len(n.operations) for n in results)} operations, "
          f"nights with differences: {differing or 'none'}", file=sys.stderr)  # fmt: skip
    return 1 if differing else 0


if __name__ == "__main__":
    raise SystemExit(main())
