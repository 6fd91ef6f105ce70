"""Generate the NORA-like test corpus: an XML dump to import, icons, and the ground truth.

    python -m tests.wiki.corpus --pages 300 --out DIR [--seed 1729] [--now 2026-11-29T08:00:00Z]
        [--labels nora|gemma|renamed]

writes into DIR:
  dump.xml     SMW property pages, the glossary, templates, a hidden category, N element
               pages and the tricky pages
               (tests/wiki/tricky.py), several with older revisions, dated within 80 days
  main.wiki    the text of Hoofdpagina (saved after the import with edit.php, because the
               installer's own Hoofdpagina revision is newer than anything imported)
  icons/       one PNG per element type, imported as Bestand:<Type>.png
  truth.json   {"meta": {...}, "pages": [...]}: per page what parse_page must return
  params.json  seed, pages, now (and labels, when not NORA's): enough to rebuild the same
               corpus (control.py does)

``--labels`` (testwiki.sh: WIKI_LABELS) renders the same pages and SMW data under another
label set (``vocabulary.LABEL_SETS``): GEMMA Online's words, or every heading, header and
property label renamed. NORA's (the default) gives the files it always gave.

Same seed, page count and --now give the same files byte for byte.
"""

from __future__ import annotations

import argparse
import hashlib
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from tests.wiki import vocabulary as v
from tests.wiki.dump import DumpPage, Revision, write_dump, write_png
from tests.wiki.generator import Generator
from tests.wiki.model import BANNER, NS_MAIN, Corpus, Page, relabel, relation_header
from tests.wiki.tricky import add_tricky, build_tricky, main_page

DEFAULT_SEED = 1729
USERS = ("NORA Redactie", "Architectuurteam", "Beheerder NORA")

TEMPLATES = {
    "Sjabloon:Elementtype": '<div class="elementtype">[[Bestand:{{{1}}}.png|32px|{{{2}}}]]</div>',
    "Sjabloon:Historie": f"<div class=\"historie\">'''{BANNER}'''</div>",
    "Sjabloon:Term": '<span class="smw-highlighter" data-type="1" data-state="inline">'
    '{{{1}}}<span class="smwttcontent">{{{2}}}</span></span>',
    "Sjabloon:Zoek": '<span class="smwsearch">[[Speciaal:ZoekenOpEigenschap/{{{1}}}/{{{2}}}|+]]'
    "</span>",
    "Sjabloon:Relaties begin": '<table class="wikitable sortable relaties">\n'
    "<tr><th>Vertrekpunt</th><th>Relatie</th><th>Eindpunten</th></tr>",
    "Sjabloon:Relatie": "<tr><td>[[{{FULLPAGENAME}}]]</td><td>{{{relatie}}}</td>"
    "<td>{{{eindpunten}}}</td></tr>",
    "Sjabloon:Afgeleide relaties begin": '<table class="wikitable sortable afgeleide-relaties">\n'
    "<tr><th>Vertrekpunt</th><th>Relatie</th><th>Eindpunt</th></tr>",
    "Sjabloon:Afgeleide relatie": "<tr><td>[[{{{vertrekpunt}}}]]</td><td>{{{relatie}}}</td>"
    "<td>[[{{FULLPAGENAME}}]]</td></tr>",
    "Sjabloon:Tabel einde": "</table>",
    # rows of #ask ... |format=template |named args=yes (the opener and closer above)
    "Sjabloon:Relatierij": "<tr><td>{{{Vertrekpunt|}}}</td><td>{{{Relatie|}}}</td>"
    "<td>{{{Eindpunt|}}}</td></tr>",
    "Sjabloon:Afgeleide relatierij": "<tr><td>{{{Vertrekpunt|}}}</td><td>{{{Relatie|}}}</td>"
    "<td>[[{{FULLPAGENAME}}]]</td></tr>",
}


def templates(labels: v.LabelSet) -> dict[str, str]:
    """``TEMPLATES`` with the relation tables' header rows in ``labels``' words."""
    if labels.is_nora:
        return dict(TEMPLATES)
    source, name, target = relation_header(labels.header, labels)
    head = f"<tr><th>{source}</th><th>{name}</th><th>{{}}</th></tr>"
    return TEMPLATES | {
        "Sjabloon:Relaties begin": '<table class="wikitable sortable relaties">\n'
        + head.format(target),
        "Sjabloon:Afgeleide relaties begin": '<table class="wikitable sortable '
        'afgeleide-relaties">\n' + head.format(labels.derived_target),
    }


CATEGORIES = {"Categorie:Onderhoud": "Pagina's die onderhoud nodig hebben.\n__HIDDENCAT__"}


def smw_support() -> dict[str, str]:
    """Property pages (types, descriptions) and the glossary: Lingo's page, SG's pages.

    Kept outside the content namespaces: the crawler lists only those, and the truth
    covers exactly what it lists.
    """
    pages: dict[str, str] = {}
    types = {name: kind for name, kind in v.SMW_PROPERTIES.values()} | v.REL_PROPERTIES
    for name, kind in types.items():
        text = f"[[Heeft type::{kind}]]"
        if name in v.PROPERTY_DESCRIPTIONS:
            text += f"\n[[Has property description::{v.PROPERTY_DESCRIPTIONS[name]}@nl]]"
        pages[f"Eigenschap:{name}"] = text + "\n"
    lingo = [f";{term}:{definition}" for term, definition, source in v.GLOSSARY if source == "page"]
    pages[f"Project:{v.LINGO_PAGE}"] = "\n".join(lingo) + "\n"
    for term, definition, source in v.GLOSSARY:
        if source == "sg":
            pages[f"Project:{v.GLOSSARY_PAGE_PREFIX}{term}"] = (
                f"{{{{#set: Glossary-Term={term} |Glossary-Definition={definition} }}}}\n"
            )
    return pages


def parse_now(text: str | None) -> datetime:
    if not text:
        return datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)


def build(seed: int, pages: int, now: datetime, labels: str = "nora") -> Corpus:
    """The whole corpus model for (seed, pages, now) under the label set named ``labels``;
    pure and deterministic."""
    words = v.LABEL_SETS[labels]
    gen = Generator(seed, now)
    count: dict[str, int] = {}
    specs: list[tuple[str, str]] = []
    for _ in range(pages):
        etype = gen.pick_type(count)
        title = gen.element_title(etype, count)
        gen.register(title, etype)
        specs.append((title, etype))
    stubs = add_tricky(gen, [])
    for title in ("Hoofdpagina", "Lege pagina", "Overzicht architectuurprincipes"):
        gen.taken.add(title)
    corpus = Corpus(labels=words)
    corpus.support.update(smw_support())  # first: property types before any page uses them
    corpus.support.update(templates(words))
    corpus.support.update(CATEGORIES)
    ids: dict[str, int] = {}
    for title, etype in specs:
        ids[etype] = ids.get(etype, 0) + 1
        prefix = v.ID_PREFIX.get(etype, etype[:2].upper() + "-")
        corpus.add(gen.element(title, etype, NS_MAIN, f"{prefix}{ids[etype]:02d}"))
    for page in build_tricky(gen, stubs, list(corpus)):
        corpus.add(page)
    corpus.add(main_page(gen))
    for page in list(corpus):
        stamp, revisions = gen.timestamp()
        if page.title == "Hoofdpagina":
            stamp, revisions = "", 1
        corpus.put(relabel(replace(page, timestamp=stamp, revisions=revisions), words))
    return corpus


def revisions(corpus: Corpus, page: Page) -> tuple[Revision, ...]:
    """Older revisions hold the page with fewer sections, an hour to days earlier."""
    rng_key = int(hashlib.md5(page.title.encode("utf-8")).hexdigest()[:8], 16)
    latest = datetime.strptime(page.timestamp, "%Y-%m-%dT%H:%M:%SZ")
    out: list[Revision] = []
    for back in range(page.revisions - 1, 0, -1):
        older = replace(page, sections=page.sections[: max(0, len(page.sections) - back)])
        when = latest - timedelta(hours=back * (1 + rng_key % 50))
        out.append(Revision(when.strftime("%Y-%m-%dT%H:%M:%SZ"), corpus.wikitext(older),
                            "Eerste versie" if back == page.revisions - 1 else "Bijgewerkt",
                            USERS[(rng_key + back) % len(USERS)]))  # fmt: skip
    out.append(Revision(page.timestamp, corpus.wikitext(page), "Relaties bijgewerkt",
                        USERS[rng_key % len(USERS)]))  # fmt: skip
    return tuple(out)


def dump_pages(corpus: Corpus, now: datetime) -> list[DumpPage]:
    first = (now - timedelta(days=85)).strftime("%Y-%m-%dT%H:%M:%SZ")
    out = [
        DumpPage(title, support_namespace(title), "",
                 (Revision(first, text, "Sjabloon aangemaakt", USERS[2]),))
        for title, text in corpus.support.items()
    ]  # fmt: skip
    for page in corpus:
        if page.title == "Hoofdpagina":
            continue
        out.append(DumpPage(page.title, page.ns, page.redirect, revisions(corpus, page)))
    return out


def support_namespace(title: str) -> int:
    prefix = title.split(":", 1)[0]
    return {"Categorie": 14, "Eigenschap": 102, "Project": 4}.get(prefix, 10)


def truth(corpus: Corpus, meta: dict[str, Any]) -> dict[str, Any]:
    pages = [corpus.truth(page) for page in corpus]
    by_ns: dict[str, list[str]] = {}
    for page in corpus:
        by_ns.setdefault(str(page.ns), []).append(page.title)
    meta = meta | {
        "namespaces": by_ns,
        "templates": sorted(t for t in corpus.support if t.startswith("Sjabloon:")),
        "categories_pages": sorted(t for t in corpus.support if t.startswith("Categorie:")),
        "files": sorted(f"Bestand:{corpus.labels.element_type(t)}.png" for t in v.TYPES),
        "main_page": "Hoofdpagina",
        "element_pages": sum(1 for p in corpus if p.kind == "element"),
        "smw_properties": sorted(t for t in corpus.support if t.startswith("Eigenschap:")),
        "glossary": [list(entry) for entry in v.GLOSSARY],
    }
    return {"meta": meta, "pages": pages}


def write_truth(corpus: Corpus, out: Path, params: dict[str, Any]) -> None:
    tmp = out / "truth.json.tmp"
    tmp.write_text(json.dumps(truth(corpus, params), ensure_ascii=False, indent=0), "utf-8")
    tmp.replace(out / "truth.json")


def write_all(
    out: Path, seed: int, pages: int, now: datetime, base_url: str, labels: str = "nora"
) -> Corpus:
    out.mkdir(parents=True, exist_ok=True)
    corpus = build(seed, pages, now, labels)
    params: dict[str, Any] = {
        "seed": seed, "pages": pages, "now": now.strftime("%Y-%m-%dT%H:%M:%SZ")
    }  # fmt: skip
    if labels != "nora":  # NORA's params (and so its truth) stay as they always were
        params["labels"] = labels
    with (out / "dump.xml").open("w", encoding="utf-8") as fh:
        write_dump(fh, dump_pages(corpus, now), base_url)
    (out / "main.wiki").write_text(corpus.wikitext(corpus.pages["Hoofdpagina"]), "utf-8")
    icons = out / "icons"
    icons.mkdir(exist_ok=True)
    for etype in v.TYPES:
        digest = hashlib.md5(etype.encode("utf-8")).digest()
        shown = corpus.labels.element_type(etype)
        write_png(icons / f"{shown}.png", (digest[0], digest[1], digest[2]))
    (out / "params.json").write_text(json.dumps(params) + "\n", "utf-8")
    write_truth(corpus, out, params)
    return corpus


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=300, help="number of element pages (N)")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--now", help="reference UTC time, %%Y-%%m-%%dT%%H:%%M:%%SZ")
    parser.add_argument("--base-url", default="http://127.0.0.1:8089")
    parser.add_argument("--labels", choices=sorted(v.LABEL_SETS), default="nora",
                        help="the label set the pages show (vocabulary.LABEL_SETS)")  # fmt: skip
    args = parser.parse_args(argv)
    corpus = write_all(
        args.out, args.seed, args.pages, parse_now(args.now), args.base_url, args.labels
    )
    print(f"{len(corpus.pages)} pages, {len(corpus.support)} support pages -> {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
