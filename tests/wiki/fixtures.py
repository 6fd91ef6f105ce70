"""Save pages of the running SMW test wiki as fixtures, each with the truth of its moment.

    python -m tests.wiki.fixtures [--wiki-dir /tmp/nora-testwiki] [--out fixtures]

For every case in ``CASES`` the first corpus page that fits is fetched and written to
``fixtures/smw-<case>.html``, byte for byte as Semantic MediaWiki 5.1.0 rendered it, with
``fixtures/smw-<case>.truth.json``: the generator's ground truth for that page (what
``parse_page`` must return, derived from the corpus model, never from the parser). A case
also names markup its page must hold, checked with lxml before anything is written, so a
fixture always shows the form it is named for. The goldens (``make golden``) come after.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import requests

from tests.wiki.compare import page_url
from tests.wiki.corpus import build, parse_now
from tests.wiki.model import Page
from tests.wiki.richtext import Info, inlines

ROOT = Path(__file__).resolve().parents[2]


@dataclass(frozen=True)
class Case:
    fits: Callable[[Page], bool]
    markup: tuple[str, ...]  # XPath expressions that must match in the rendered page
    about: str  # for fixtures/README.md


def _element(page: Page) -> bool:
    return page.kind == "element" and page.ns == 0


def _has_info(page: Page) -> bool:
    return any(isinstance(x, Info) for s in page.sections for x in inlines(s.body))


CASES: dict[str, Case] = {
    "relations-ask-table": Case(
        lambda p: _element(p) and p.rel_style == "ask" and p.derived_style == "ask"
        and len(p.relations) >= 2,
        ("//table[contains(@class,'smwtable')]//th//span[@class='smwttcontent']",
         "//table[contains(@class,'smwtable')]//td/a[contains(@class,'mw-selflink')]"),
        "Relaties and Afgeleide relaties as #ask format=table (mainlabel=-): table.smwtable "
        "without thead, property tooltips (span.smw-highlighter) in header cells, endpoints "
        "joined by <br>, SMW's own row order",
    ),
    "relations-broadtable": Case(
        lambda p: _element(p) and p.rel_style == "broadtable" and p.derived_style == "broadtable",
        ("//table[contains(@class,'broadtable')]",),
        "Relaties and Afgeleide relaties as #ask format=broadtable with sep=', '",
    ),
    "relations-template-rows": Case(
        lambda p: _element(p) and p.rel_style == "template" and p.derived_style == "template"
        and bool(p.relations),
        ("//table[contains(@class,'relaties')]//tr[td]",),
        "#ask format=template rows inside a table that a template opens (no smwtable); "
        "endpoints joined by ', '; derived rows name this page only",
    ),
    "relations-main-column-lists": Case(
        lambda p: _element(p) and p.rel_style == "ask-main"
        and any(len(r.targets) > 1 for r in p.relations),
        ("//span[@class='smw-subobject-entity']", "//td[contains(@class,'smwtype')]/ul/li/a"),
        "#ask format=table with SMW's main column (empty header, subobject links) and "
        "sep=ul: several endpoints as a list inside the cell",
    ),
    "relations-empty-query": Case(
        lambda p: _element(p) and p.rel_style == "ask" and not p.relations,
        (),
        "Relaties as an #ask query with no results: SMW prints nothing under the heading",
    ),
    "properties-transposed-ask": Case(
        lambda p: _element(p) and p.prop_style == "ask",
        ("//table[@data-transpose='1']",),
        "Eigenschappen as a transposed #ask of the page's own values (smwtable, th label "
        "with SMW tooltip, td value): a two-column label/value query table",
    ),
    "properties-show-values": Case(
        lambda p: _element(p) and p.prop_style == "show",
        (),
        "Eigenschappen as a hand-written table whose SMW-backed values are #show calls",
    ),
    "factbox-shown": Case(
        lambda p: _element(p) and p.factbox,
        ("//div[@id='mw-data-after-content']//div[@class='smw-factbox']",),
        "__SHOWFACTBOX__: SMW's factbox after #catlinks with its own .mw-parser-output",
    ),
    "lingo-glossary-terms": Case(
        lambda p: _element(p) and p.rel_style == "table",
        ("//h2//a[@class='mw-lingo-term']", "//td//a[@class='mw-lingo-term']",
         "//div[@class='mw-parser-output']/div[@class='mw-lingo-tooltip']"),
        "real Lingo 3.2.4 terms (page and SemanticGlossary backends) in headings, cells and "
        "text; definitions in div.mw-lingo-tooltip after the content, inside the outer of "
        "two nested .mw-parser-output",
    ),
    "old-relation-list-lingo": Case(
        lambda p: _element(p) and p.rel_style == "headings" and bool(p.relations),
        ("//div[@class='mw-parser-output']/div[@class='mw-lingo-tooltip']",),
        "older Begrip template: 'Label: value' paragraphs and relation-name headings over "
        "lists of links, the last list followed by Lingo's definitions",
    ),
    "info-tooltip": Case(
        lambda p: _element(p) and _has_info(p),
        ("//span[@data-type='6']/span[contains(@class,'smwtticon')]",),
        "SMW's #info in body text: an icon with a hidden .smwttcontent, no visible text",
    ),
    "overview-relation-like-query": Case(
        lambda p: p.title == "Overzicht begrippen",
        ("//table[contains(@class,'smwtable')]",),
        "overview page: an #ask table headed Vertrekpunt | Relatie | Eindpunt over other "
        "pages (body text, not relations)",
    ),
}  # fmt: skip


def save(wiki_dir: Path, out: Path) -> list[str]:
    params = json.loads((wiki_dir / "corpus" / "params.json").read_text("utf-8"))
    corpus = build(params["seed"], params["pages"], parse_now(params["now"]))
    truth = {
        p["title"]: p
        for p in json.loads((wiki_dir / "corpus" / "truth.json").read_text("utf-8"))["pages"]
    }
    built = dict(
        line.split("=", 1) for line in (wiki_dir / "built").read_text().splitlines() if "=" in line
    )
    base = f"http://127.0.0.1:{built['port']}"
    session = requests.Session()
    written: list[str] = []
    used: set[str] = set()  # one page, one fixture
    for name, case in CASES.items():
        for page in corpus:
            if page.title in used or not case.fits(page):
                continue
            url = page_url(base, page.title)
            body = session.get(url, timeout=120).content
            tree = lxml.html.fromstring(body)
            if all(tree.xpath(expr) for expr in case.markup):
                break
        else:
            raise LookupError(f"no page renders case {name!r}")
        used.add(page.title)
        (out / f"smw-{name}.html").write_bytes(body)
        record = dict(truth[page.title], fixture_url=url.removeprefix(base))
        (out / f"smw-{name}.truth.json").write_text(
            json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8"
        )
        written.append(f"smw-{name}.html: {page.title} ({case.about})")
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wiki-dir", type=Path, default=Path("/tmp/nora-testwiki"))
    parser.add_argument("--out", type=Path, default=ROOT / "fixtures")
    args = parser.parse_args(argv)
    for line in save(args.wiki_dir, args.out):
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
