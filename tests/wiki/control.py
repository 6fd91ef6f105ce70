"""Change a running test wiki the way editors do, and keep the ground truth exact.

The model of a wiki is ``corpus.build(seed, pages, now)`` (params.json) plus the changes
made since, logged one JSON object a line in ``corpus/changes.jsonl``; every operation
appends to that log, saves what changed through MediaWiki's maintenance scripts (so
revisions, recent changes, deletion and move logs are real), runs the job queue (so
pages whose links turned red or blue are re-rendered), and rewrites ``truth.json``.

Which pages change, besides the one operated on (each operation returns all titles it
saved, the operated page first; ``affected`` then lists every page whose ground truth
changed, saved or not):
- Relations are SMW subobjects, and most pages show their Afgeleide relaties as an SMW
  query: when a page's relations change, the query results of its old and new targets
  change *without* a revision of theirs, as on NORA Online. With the query dependency
  store on (``$smwgEnabledQueryDependencyLinksStore``, the test wiki's default) SMW's
  jobs make those pages re-render on their next view; with it off they stay stale until
  purged. Nothing here purges them: what a crawler sees is what SMW does.
- Pages whose Afgeleide relaties are a hand-written table (``derived_style`` "static")
  hold their incoming relations as wikitext: they are saved again with the new table, a
  bot revision with summary "Afgeleide relaties bijgewerkt".
- The rendering of the page operated on is dropped from the parser cache after the jobs
  ran: SMW's queries of a page's own data (its Relaties, a transposed Eigenschappen) run
  while the page is saved, before the new data is stored, so the saved rendering shows
  the old data. (In a browser SMW's post-edit update re-renders it; maintenance scripts
  have no such step.) Not a purge: after a purge SMW refreshes its store on the next
  view and touches the page again, so a crawl would see it change twice.
- Pages linking to a page that is added or deleted change their HTML without any
  revision (red link <-> blue link; ``target_exists`` in the truth), as on a real wiki.
- ``edit_page(title, text)`` saves arbitrary wikitext: that page's truth becomes
  ``opaque`` (only title and namespace are known) and its relations count as removed.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import tempfile
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tests.wiki.corpus import build, parse_now
from tests.wiki.corpus import truth as corpus_truth
from tests.wiki.generator import Generator
from tests.wiki.model import NS_MAIN, NS_PREFIX, Corpus, Page, Relation, Section
from tests.wiki.richtext import Para, Text

USER = "Beheerder"
DERIVED_SUMMARY = "Afgeleide relaties bijgewerkt"
Relations = list[tuple[str, list[str]]]


class ControlError(RuntimeError):
    """A maintenance script failed; carries the title and the script's output."""

    def __init__(self, title: str, what: str, output: str) -> None:
        super().__init__(f"{what} of {title!r} failed: expected exit 0, found: {output[-800:]}")
        self.title = title


class WikiControl:
    """Operations on the wiki in ``wiki_dir`` (built by testwiki.sh); model kept in step."""

    def __init__(self, wiki_dir: Path) -> None:
        self.dir = Path(wiki_dir)
        self.mw = self.dir / "mw"
        self.corpus_dir = self.dir / "corpus"
        self.params: dict[str, Any] = json.loads((self.corpus_dir / "params.json").read_text())
        self.corpus = build(
            self.params["seed"],
            self.params["pages"],
            parse_now(self.params["now"]),
            self.params.get("labels", "nora"),
        )
        self.affected: list[str] = []  # pages whose truth the last operation changed
        log = self.corpus_dir / "changes.jsonl"
        if log.exists():
            for line in log.read_text("utf-8").splitlines():
                if line.strip():
                    apply(self.corpus, json.loads(line))
        # the model's wikitext and truth per title as of the last operation, so each
        # operation renders the model once (after it), not before and after
        self._texts: dict[str, str] | None = None
        self._truths: dict[str, dict[str, Any]] | None = None
        # when the last operation's scripts ended, and the access log's size then
        self._last_work: tuple[float, int] | None = None

    # --- operations ----------------------------------------------------------------------

    def edit_page(self, title: str, text: str) -> list[str]:
        """Save raw wikitext; the page's truth becomes opaque."""
        return self._run({"op": "edit", "title": title, "text": text})

    def touch_page(self, title: str, sentence: str = "Deze pagina is bijgewerkt.") -> list[str]:
        """Append a section "Wijziging" holding ``sentence``: a small, fully known edit."""
        return self._run({"op": "touch", "title": title, "sentence": sentence})

    def set_relations(self, title: str, relations: Relations) -> list[str]:
        """Replace the direct relations of an element page: [(name, [targets])]."""
        rels = [[name, list(targets)] for name, targets in relations]
        return self._run({"op": "relations", "title": title, "relations": rels})

    def add_page(
        self, title: str, element_type: str = "Bouwsteen", relations: Relations | None = None
    ) -> list[str]:
        """Create a generated element page (content seeded by its title)."""
        op: dict[str, Any] = {"op": "add", "title": title, "element_type": element_type}
        if relations is not None:
            op["relations"] = [[name, list(targets)] for name, targets in relations]
        return self._run(op)

    def delete_page(self, title: str) -> list[str]:
        return self._run({"op": "delete", "title": title})

    def move_page(self, old: str, new: str, *, redirect: bool = True) -> list[str]:
        return self._run({"op": "move", "old": old, "new": new, "redirect": redirect})

    def truth(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.corpus_dir / "truth.json").read_text("utf-8"))
        return data

    # --- machinery -----------------------------------------------------------------------

    def _run(self, op: dict[str, Any]) -> list[str]:
        # MediaWiki keeps a cached rendering unless it is older than page_touched, both in
        # whole seconds: a page rendered in the same second as its invalidation stays stale.
        # So nothing rendered before this operation shares a second with what it invalidates:
        # it waits for the next second unless the wiki was quiet since a previous second.
        if self._texts is None or self._truths is None:
            self._texts = {p.title: self.corpus.wikitext(p) for p in self.corpus}
            self._truths = {p.title: self.corpus.truth(p) for p in self.corpus}
        before, truth_before = dict(self._texts), self._truths
        self._texts = self._truths = None  # until this operation completed
        if not self._quiet_since_an_earlier_second():
            _next_second()
        apply(self.corpus, op)
        after = {p.title: self.corpus.wikitext(p) for p in self.corpus}
        main = op.get("title") or op["new"]
        saved: list[str] = []
        if op["op"] == "delete":
            self._script("deleteBatch", ["-u", USER, "-r", "Verwijderd in test"], main,
                         listing=main + "\n")  # fmt: skip
            saved.append(main)
        elif op["op"] == "move":
            flags = ["-u", USER, "-r", "Hernoemd in test"]
            if not op["redirect"]:
                flags.append("--noredirects")
            self._script("moveBatch", flags, main, listing=f"{op['old']}|{op['new']}\n")
            before[op["new"]] = before.pop(op["old"])
            if op["redirect"]:
                before[op["old"]] = after[op["old"]]  # MediaWiki wrote the redirect itself
        else:
            self._save(main, after[main], op.get("summary", "Bewerkt in test"), bot=False)
            before[main] = after[main]
            saved.append(main)
        if op["op"] == "move":
            saved.append(main)
        for title, text in after.items():
            page = self.corpus.pages[title]
            if page.kind == "redirect" or before.get(title) == text:
                continue
            self._save(title, text, DERIVED_SUMMARY, bot=True)
            saved.append(title)
        self._script("runJobs", ["--quiet"], main)
        if op["op"] != "delete":
            self._drop_rendering(main)
        self._last_work = (time.time(), self._log_size())
        with (self.corpus_dir / "changes.jsonl").open("a", encoding="utf-8") as log:
            log.write(json.dumps(op, ensure_ascii=False) + "\n")
        everything = corpus_truth(self.corpus, self.params)
        write_truth_data(everything, self.corpus_dir)
        truth_after = {page["title"]: page for page in everything["pages"]}
        self._texts, self._truths = after, truth_after
        # a row past a reached query limit changes the hidden count only: the page
        # renders the same, so it is not affected
        self.affected = sorted(
            t for t in truth_before.keys() | truth_after.keys()
            if _shown(truth_before.get(t)) != _shown(truth_after.get(t))
        )  # fmt: skip
        return list(dict.fromkeys(saved))

    def _quiet_since_an_earlier_second(self) -> bool:
        """Whether nothing can have rendered a page in the current wall-clock second: the
        last operation's scripts ended in an earlier second and no request came since."""
        if self._last_work is None:
            return False
        ended, log_size = self._last_work
        return int(time.time()) > int(ended) and self._log_size() == log_size

    def _log_size(self) -> int:
        """The access log's size (one line per request, written as the request starts)."""
        try:
            return (self.dir / "access.log").stat().st_size
        except FileNotFoundError:
            return -1

    def _drop_rendering(self, title: str) -> None:
        """Remove a page's cached renderings, so its next view renders it anew."""
        ns = _namespace(title)
        name = title.split(":", 1)[1] if ns != NS_MAIN else title
        with sqlite3.connect(self.dir / "data" / "wiki.sqlite", timeout=60) as db:
            row = db.execute(
                "SELECT page_id FROM page WHERE page_namespace = ? AND page_title = ?",
                (ns, name.replace(" ", "_")),
            ).fetchone()
        if row is None:
            raise ControlError(title, "finding the page", "no such page in the database")
        with sqlite3.connect(self.dir / "data" / "wikicache.sqlite", timeout=60) as cache:
            cache.execute(
                "DELETE FROM objectcache WHERE keyname GLOB ? OR keyname GLOB ?",
                (f"*:pcache:idhash:{row[0]}-*", f"*:pcache:idoptions:{row[0]}"),
            )

    def _save(self, title: str, text: str, summary: str, *, bot: bool) -> None:
        args = ["--user", USER, "--summary", summary] + (["--bot"] if bot else []) + [title]
        self._script("edit", args, title, stdin=text)

    def _script(
        self, name: str, args: list[str], title: str, *, stdin: str = "", listing: str = ""
    ) -> None:
        with tempfile.NamedTemporaryFile("w", suffix=".txt", encoding="utf-8") as fh:
            if listing:
                fh.write(listing)
                fh.flush()
                args = [*args, fh.name]
            done = subprocess.run(
                ["php", f"maintenance/{name}.php", *args],
                cwd=self.mw, input=stdin, capture_output=True, text=True, timeout=300,
            )  # fmt: skip
        if done.returncode != 0:
            raise ControlError(title, name, done.stdout + done.stderr)


def write_truth_data(data: dict[str, Any], out: Path) -> None:
    """``corpus.write_truth`` for a truth already computed (``corpus.truth``)."""
    tmp = out / "truth.json.tmp"
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=0), "utf-8")
    tmp.replace(out / "truth.json")


def _next_second() -> None:
    """Sleep into the next wall-clock second (at most one second)."""
    time.sleep(1.02 - time.time() % 1)


def apply(corpus: Corpus, op: dict[str, Any]) -> None:
    """Apply one logged operation to the model (also used to replay the log)."""
    kind = op["op"]
    now = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    if kind == "edit":
        old = corpus.pages.get(op["title"])
        ns = old.ns if old else _namespace(op["title"])
        corpus.put(Page(title=op["title"], ns=ns, kind="raw", raw_text=op["text"], timestamp=now))
    elif kind == "touch":
        page = corpus.pages[op["title"]]
        extra = Section("Wijziging", 2, (Para((Text(op["sentence"]),)),))
        corpus.put(replace(page, sections=(*page.sections, extra), timestamp=now))
    elif kind == "relations":
        page = corpus.pages[op["title"]]
        rels = tuple(Relation(name, tuple(targets)) for name, targets in op["relations"])
        corpus.put(replace(page, relations=rels, timestamp=now))
    elif kind == "add":
        corpus.put(_new_page(corpus, op, now))
    elif kind == "delete":
        corpus.remove(op["title"])
    elif kind == "move":
        _move(corpus, op["old"], op["new"], redirect=op["redirect"], now=now)
    else:
        raise ValueError(f"unknown operation {kind!r}: expected edit, touch, relations, add, "
                         "delete or move")  # fmt: skip


def _namespace(title: str) -> int:
    for ns, prefix in NS_PREFIX.items():  # FS, Werkruimte, Sjabloon (a template edit) ...
        if title.startswith(prefix):
            return ns
    return NS_MAIN


def _new_page(corpus: Corpus, op: dict[str, Any], now: str) -> Page:
    seed = sum(op["title"].encode("utf-8")) * 7919 + len(op["title"])
    gen = Generator(seed, parse_now(None))
    for page in corpus:
        if page.kind == "element":
            gen.register(page.title, page.element_type)
    page = gen.element(op["title"], op["element_type"], _namespace(op["title"]), "NEW-01",
                       prop_style="caption")  # fmt: skip
    if "relations" in op:
        rels = tuple(Relation(name, tuple(targets)) for name, targets in op["relations"])
        page = replace(page, relations=rels)
    return replace(page, timestamp=now, revisions=1)


def _move(corpus: Corpus, old: str, new: str, *, redirect: bool, now: str) -> None:
    """Rename in place (the page keeps its position), leaving a redirect if asked."""
    pages = list(corpus.pages.values())
    corpus.pages.clear()
    for page in pages:
        if page.title == old:
            page = replace(page, title=new, ns=_namespace(new), timestamp=now)
        corpus.put(page)
    if redirect:
        corpus.put(Page(title=old, ns=_namespace(old), kind="redirect", redirect=new,
                        timestamp=now))  # fmt: skip


def _shown(truth: dict[str, Any] | None) -> dict[str, Any] | None:
    """A page's truth without what its rendering does not show (rows past a query limit)."""
    if truth is None:
        return None
    return {key: value for key, value in truth.items() if key != "hidden_relations"}
