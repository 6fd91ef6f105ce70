"""Save pages of the running SMW test wiki as fixtures, each with the truth of its moment.

    python -m tests.wiki.fixtures [--wiki-dir /tmp/nora-testwiki] [--out fixtures]
                                  [--only smw|layouts]

For every case in ``CASES`` the first corpus page that fits is fetched and written to
``fixtures/smw-<case>.html``, byte for byte as Semantic MediaWiki 5.1.0 rendered it, with
``fixtures/smw-<case>.truth.json``: the generator's ground truth for that page (what
``parse_page`` must return, derived from the corpus model, never from the parser). A case
also names markup its page must hold, checked with lxml before anything is written, so a
fixture always shows the form it is named for. The goldens (``make golden``) come after.

Every layout class of ``LAYOUTS`` is saved once per skin MediaWiki 1.39 ships
(``SKINS``, chosen with ``useskin=``): ``fixtures/smw-<class>-<skin>.html`` with its
``.truth.json``, one page in four skins. Their markup must hold in every skin, and a
class may name markup that must be absent. Their volatile bits (request id, response and
parse times, the parser cache's timestamp) are set to constants (``steady``), so saving
again from the same wiki gives the same bytes.
"""

from __future__ import annotations

import argparse
import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import lxml.html
import requests

from tests.wiki.compare import page_url
from tests.wiki.corpus import build, parse_now
from tests.wiki.model import NO_DERIVED, REL_HEADER_VARIANTS, Corpus, Page
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


# --- layout classes, each in every skin ---------------------------------------------------

# file-name suffix -> useskin value (MediaWiki 1.39's own skins; "vector" is legacy Vector)
SKINS = {"monobook": "monobook", "timeless": "timeless", "vector-2022": "vector-2022",
         "vector-legacy": "vector"}  # fmt: skip


@dataclass(frozen=True)
class Layout:
    fits: Callable[[Corpus, Page], bool]
    markup: tuple[str, ...]  # XPath expressions that must match in every skin
    absent: tuple[str, ...]  # XPath expressions that must match in no skin
    about: str  # for fixtures/README.md


def _relaties(path: str) -> str:
    """XPath of ``path`` among the siblings after the Relaties heading (h2 of any form)."""
    return f"//h2[.//*[@id='Relaties']]/following-sibling::{path}"


def _plain(page: Page) -> bool:
    """An element page without SMW's factbox: the factbox abbreviates long values and keeps
    them whole in a hidden tooltip, which would blur what a class fixture is about."""
    return _element(page) and not page.factbox


def _multi(page: Page) -> bool:
    return len(page.relations) >= 2 and any(len(r.targets) > 1 for r in page.relations)


LAYOUTS: dict[str, Layout] = {
    "relations-split-table": Layout(
        lambda c, p: _plain(p) and p.rel_style == "split-table" and _multi(p),
        (_relaties("h3[1]/following-sibling::*[1][self::table[contains(@class,'smwtable')]]"),
         "//table[contains(@class,'smwtable')][count(.//tr[1]/th) = 2]"),
        (),
        "Relaties split per relation type: an h3 per relation name, each over a two-column "
        "#ask table Vertrekpunt | Eindpunt (endpoints joined by <br>)",
    ),
    "relations-split-ul": Layout(
        lambda c, p: _plain(p) and p.rel_style == "split-ul" and p.rel_item_label and _multi(p),
        ("//ul[contains(@class,'ul-format')]/li/span/span[@class='smw-field-label']"
         "//span[@class='smwttcontent']",
         "//ul[contains(@class,'ul-format')]/li[count(.//span[@class='smw-value']) > 1]"),
        (),
        "Relaties split per relation type, each an #ask format=ul: the item starts with the "
        "printout label 'Eindpunt: ' (with its tooltip), several links joined by ', '",
    ),
    "relations-split-ul-unlabelled": Layout(
        lambda c, p: _plain(p) and p.rel_style == "split-ul" and not p.rel_item_label
        and _multi(p),
        ("//ul[contains(@class,'ul-format')]/li[count(.//span[@class='smw-value']) > 1]",),
        ("//span[@class='smw-field-label']",),
        "as relations-split-ul, the query blanking the label (?Eindpunt=): links only",
    ),
    "relations-split-list": Layout(
        lambda c, p: _plain(p) and p.rel_style == "split-list" and p.rel_item_label
        and _multi(p),
        ("//p/span[contains(@class,'list-format')]//span[@class='smw-field-label']",),
        (),
        "Relaties split per relation type, each an #ask format=list: inline in one "
        "paragraph, 'Eindpunt: ' (with its tooltip) before the links",
    ),
    "relations-header-variants": Layout(
        lambda c, p: _plain(p) and p.rel_style == "caption"
        and p.rel_header == REL_HEADER_VARIANTS[1] and len(p.relations) >= 2,
        ("//table[caption[normalize-space()='Relaties']]//th[normalize-space()='Eindpunt(en)']",),
        ("//h2[.//*[@id='Relaties']]",),
        "a caption-only relation table (no Relaties heading) headed Vertrekpunt | Relatie | "
        "Eindpunt(en), after the last body section",
    ),
    "relations-rowspan": Layout(
        lambda c, p: _plain(p) and p.rel_style == "rowspan" and len(p.relations) == 3,
        (_relaties("table[1]//td[@rowspan='3']"),),
        (),
        "a hand-written Relaties table whose Vertrekpunt cell spans three rows (rows 2-3 "
        "have two cells)",
    ),
    "properties-group-rows": Layout(
        lambda c, p: _plain(p) and p.prop_style == "groups" and len(p.properties) >= 6,
        ("//table[@id='eigenschappen']//th[@colspan='2' and normalize-space()='Algemeen']",
         "//table[@id='eigenschappen']//th[@colspan='2' and normalize-space()='Beheer']"),
        (),
        "a property table with group rows (<th colspan=2>: Algemeen, Inhoud, Beheer) between "
        "its label/value rows",
    ),
    "relations-query-limit-table": Layout(
        lambda c, p: _plain(p) and p.rel_style == "ask" and p.rel_limit > 0
        and not p.rel_searchlabel,
        (_relaties("table[1]//tr[contains(@class,'smwfooter')]"
                   "//a[normalize-space()='... meer resultaten']"),),
        (),
        "Relaties as #ask format=table reaching its limit=: the last row is tr.smwfooter with "
        "SMW's '... meer resultaten' link; the truth holds the rows shown",
    ),
    "relations-query-limit-broadtable": Layout(
        lambda c, p: _plain(p) and p.rel_style == "broadtable" and p.rel_limit > 0
        and bool(p.rel_searchlabel),
        (_relaties("table[1][contains(@class,'broadtable')]//tr[contains(@class,'smwfooter')]"),),
        (),
        "Relaties as #ask format=broadtable reaching its limit=, the footer link reading "
        "the query's searchlabel= text; the truth holds the rows shown",
    ),
    "relations-headers-hide": Layout(
        lambda c, p: _plain(p) and p.rel_style == "ask-nohead" and _multi(p),
        (_relaties("table[1][contains(@class,'smwtable')]//tr[count(td) = 3]"),),
        (_relaties("table[1]//th"),),
        "Relaties as #ask format=table with headers=hide: no header row, three columns "
        "(Vertrekpunt, Relatie, Eindpunt) under the Relaties heading",
    ),
    "properties-bullets": Layout(
        lambda c, p: _plain(p) and p.prop_style == "bullets" and len(p.properties) >= 3,
        ("//h2[.//*[@id='Eigenschappen']]/following-sibling::*[1][self::ul]/li[b]",),
        (),
        "Eigenschappen as a bulleted list, each item starting with a bold 'Label:'",
    ),
    "properties-div-grid": Layout(
        lambda c, p: _plain(p) and p.prop_style == "grid" and len(p.properties) >= 3,
        ("//div[@class='eigenschappen']/div/div[@class='eigenschap-label']",),
        (),
        "Eigenschappen as a grid of divs: a label div and a value div per row",
    ),
    "properties-text-after": Layout(
        lambda c, p: _plain(p) and p.prop_style in ("heading", "show", "ask", "groups")
        and bool(p.props_after) and p.element_type == "Kwaliteitsdoel",
        ("//h2[.//*[@id='Eigenschappen']]/following-sibling::*[1][self::table]"
         "/following-sibling::*[1]"
         "[self::p[starts-with(normalize-space(), 'Dit kwaliteitsdoel vervangt')]]",),
        (),
        "text after the property table under Eigenschappen ('Dit kwaliteitsdoel vervangt "
        "...'): body text of a section headed Eigenschappen, no warning",
    ),
    "derived-empty-sentence": Layout(
        lambda c, p: _plain(p) and c.shows_no_derived(p) and p.derived_style != "static",
        (f"//h2[.//*[@id='Afgeleide_relaties']]/following-sibling::*[1]"
         f"[self::p[normalize-space()='{NO_DERIVED}']]",),
        (),
        f"an empty Afgeleide relaties query printing its default= text ('{NO_DERIVED}'): "
        "body text of a section headed Afgeleide relaties, no warning",
    ),
}  # fmt: skip

# volatile bits of a rendered page -> their constant (per request or per parse)
_VOLATILE = (
    (re.compile(r'("wgRequestId":")[0-9a-zA-Z]+'), r"\g<1>fixture"),
    (re.compile(r'("wgBackendResponseTime":)\d+'), r"\g<1>0"),
    (re.compile(r'("(?:cputime|walltime)":")[0-9.]+'), r"\g<1>0.000"),
    (re.compile(r'("limitreport-intext-parsertime":)[0-9.]+'), r"\g<1>0"),
    (re.compile(r'("timingprofile":\[)[^\]]*'), r"\g<1>"),
    (re.compile(r'("cachereport":\{"timestamp":")\d+'), r"\g<1>20000101000000"),
    (re.compile(r"<!--\s*(?:NewPP limit report|Transclusion expansion|Saved in parser cache)"
                r".*?-->\n?", re.S), ""),
)  # fmt: skip


def steady(body: bytes) -> bytes:
    """The page with its per-request and per-parse values set to constants."""
    text = body.decode("utf-8")
    for pattern, constant in _VOLATILE:
        text = pattern.sub(constant, text)
    return text.encode("utf-8")


def _wiki(wiki_dir: Path) -> tuple[Corpus, dict[str, dict[str, object]], str]:
    params = json.loads((wiki_dir / "corpus" / "params.json").read_text("utf-8"))
    corpus = build(
        params["seed"], params["pages"], parse_now(params["now"]), params.get("labels", "nora")
    )
    truth = {
        p["title"]: p
        for p in json.loads((wiki_dir / "corpus" / "truth.json").read_text("utf-8"))["pages"]
    }
    built = dict(
        line.split("=", 1) for line in (wiki_dir / "built").read_text().splitlines() if "=" in line
    )
    return corpus, truth, f"http://127.0.0.1:{built['port']}"


def _holds(tree: lxml.html.HtmlElement, layout: Layout) -> bool:
    return all(tree.xpath(e) for e in layout.markup) and not any(
        tree.xpath(e) for e in layout.absent
    )


def _cached(session: requests.Session, url: str) -> bytes:
    """The page as its parser-cache copy serves it. A first render may differ: Lingo
    builds its glossary once per PHP worker, from the first page that worker parses."""
    session.get(url, timeout=120)
    return steady(session.get(url, timeout=120).content)


def save_layouts(wiki_dir: Path, out: Path) -> list[str]:
    """Every layout class in every skin: the first page whose renderings all show it."""
    corpus, truth, base = _wiki(wiki_dir)
    session = requests.Session()
    written: list[str] = []
    used: set[str] = set()
    for name, layout in LAYOUTS.items():
        for page in corpus:
            if page.title in used or not layout.fits(corpus, page):
                continue
            url = page_url(base, page.title)
            bodies = {
                skin: _cached(session, f"{url}?useskin={value}") for skin, value in SKINS.items()
            }
            if all(_holds(lxml.html.fromstring(b), layout) for b in bodies.values()):
                break
        else:
            raise LookupError(f"no page renders layout class {name!r} in every skin")
        used.add(page.title)
        for skin, body in bodies.items():
            stem = f"smw-{name}-{skin}"
            (out / f"{stem}.html").write_bytes(body)
            path = f"{url.removeprefix(base)}?useskin={SKINS[skin]}"
            record = dict(truth[page.title], fixture_url=path)
            (out / f"{stem}.truth.json").write_text(
                json.dumps(record, ensure_ascii=False, indent=1, sort_keys=True) + "\n", "utf-8"
            )
        written.append(f"smw-{name}-<skin>.html: {page.title} ({layout.about})")
    return written


def save(wiki_dir: Path, out: Path) -> list[str]:
    corpus, truth, base = _wiki(wiki_dir)
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
    parser.add_argument("--only", choices=("smw", "layouts"), help="one of the two sets")
    args = parser.parse_args(argv)
    lines = [] if args.only == "layouts" else save(args.wiki_dir, args.out)
    lines += [] if args.only == "smw" else save_layouts(args.wiki_dir, args.out)
    for line in lines:
        print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
