"""The corpus model: pages as data, rendered to wikitext and to ground-truth records.

Without Semantic MediaWiki the "Afgeleide relaties" of a page are plain wikitext, so a
page's text depends on the other pages (their direct relations pointing at it). The model
therefore renders a page from the whole corpus, and `Corpus.truth` gives, for every page,
exactly what ``parse_page`` must extract from its rendered HTML (rules in DESIGN.md).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from tests.wiki.richtext import (
    Blocks,
    Lingo,
    Para,
    Text,
    blocks_external,
    blocks_links,
    blocks_text,
    blocks_wikitext,
    has_lingo,
    lingo_tooltip,
    normalize,
)

NS_MAIN, NS_FS, NS_WERKRUIMTE = 0, 3000, 3002
NS_PREFIX = {3000: "FS:", 3002: "Werkruimte:", 10: "Sjabloon:", 14: "Categorie:", 6: "Bestand:"}
BANNER = "NB: Deze pagina maakt deel uit van de Historie van de NORA"


@dataclass(frozen=True)
class Property:
    label: str
    value: Blocks


@dataclass(frozen=True)
class Section:
    heading: str
    level: int
    body: Blocks


@dataclass(frozen=True)
class Relation:
    name: str
    targets: tuple[str, ...]


@dataclass(frozen=True)
class Page:
    """One content page. ``kind``: element, redirect, overview, topic, empty, raw."""

    title: str
    ns: int
    kind: str
    element_type: str = ""
    icon: bool = False
    icon_definition: str = ""
    historical: bool = False
    prop_style: str = ""  # heading | caption | none | colon | infobox | "" (no block)
    label_cell: str = "th"  # th | td (table styles); colon_in_bold for "colon"
    colon_in_bold: bool = True
    properties: tuple[Property, ...] = ()
    intro: Blocks = ()
    sections: tuple[Section, ...] = ()
    relations: tuple[Relation, ...] = ()
    rel_style: str = "table"  # table | headings
    rel_sep: str = ", "
    shows_derived: bool = False
    categories: tuple[str, ...] = ()
    hidden_categories: tuple[str, ...] = ()
    redirect: str = ""
    raw_text: str = ""
    timestamp: str = ""
    revisions: int = 1
    notoc: bool = False

    def direct_targets(self) -> list[str]:
        return [t for rel in self.relations for t in rel.targets]


@dataclass
class Corpus:
    """Pages in a stable order (dump order), plus the support pages (templates, files)."""

    pages: dict[str, Page] = field(default_factory=dict)
    support: dict[str, str] = field(default_factory=dict)  # title -> wikitext
    _incoming: dict[str, list[tuple[str, str]]] | None = None

    def add(self, page: Page) -> None:
        if page.title in self.pages:
            raise ValueError(f"duplicate title {page.title!r}")
        self.put(page)

    def put(self, page: Page) -> None:
        """Add or replace a page (keeps its place in the order when replacing)."""
        self.pages[page.title] = page
        self._incoming = None

    def remove(self, title: str) -> None:
        del self.pages[title]
        self._incoming = None

    def __iter__(self) -> Iterator[Page]:
        return iter(self.pages.values())

    def exists(self, title: str) -> bool:
        return title in self.pages or title in self.support

    def resolve(self, title: str) -> str:
        page = self.pages.get(title)
        return page.redirect if page is not None and page.kind == "redirect" else title

    def incoming(self, title: str) -> list[tuple[str, str]]:
        """(source, relation) of every direct relation endpoint resolving to ``title``."""
        if self._incoming is None:
            index: dict[str, list[tuple[str, str]]] = {}
            for page in self.pages.values():
                if page.kind != "element":
                    continue
                for rel in page.relations:
                    for target in rel.targets:
                        resolved = self.resolve(target)
                        if resolved != page.title:
                            index.setdefault(resolved, []).append((page.title, rel.name))
            self._incoming = index
        return list(self._incoming.get(title, ()))

    # --- wikitext ------------------------------------------------------------------------

    def wikitext(self, page: Page) -> str:
        if page.kind == "redirect":
            return f"#DOORVERWIJZING [[{page.redirect}]]"
        if page.kind in ("raw", "empty"):
            return page.raw_text
        out: list[str] = []
        if page.icon:
            out.append(f"{{{{Elementtype|{page.element_type}|{page.icon_definition}}}}}")
        if page.historical:
            out.append("{{Historie}}")
        if page.prop_style == "infobox":
            out.append(_property_table(page))
        if page.prop_style == "colon":
            out.extend(_colon_line(page, p) for p in page.properties)
        if page.intro:
            out.append(blocks_wikitext(page.intro))
        if page.prop_style in ("heading", "caption", "none"):
            if page.prop_style == "heading":
                out.append("== Eigenschappen ==")
            out.append(_property_table(page))
        for section in page.sections:
            marks = "=" * section.level
            out.append(f"{marks} {section.heading} {marks}")
            if section.body:
                out.append(blocks_wikitext(section.body))
        out.extend(self._relations_wikitext(page))
        lingo = {t.term: t for t in self._lingo(page)}
        if lingo:
            out.append("".join(lingo_tooltip(t) for t in lingo.values()))
        tail = ["__NOTOC__"] if page.notoc else []
        tail += [f"[[Categorie:{c}]]" for c in page.categories + page.hidden_categories]
        if tail:
            out.append("\n".join(tail))
        return "\n\n".join(out) + "\n"

    def _relations_wikitext(self, page: Page) -> list[str]:
        out: list[str] = []
        if page.rel_style == "headings":
            for rel in page.relations:
                items = "\n".join(f"* [[{t}]]" for t in rel.targets)
                out.append(f"== {rel.name} ==\n{items}")
        elif page.kind == "element":
            rows = [
                f"{{{{Relatie|relatie={rel.name}|eindpunten="
                + page.rel_sep.join(f"[[{t}]]" for t in rel.targets)
                + "}}"
                for rel in page.relations
            ]
            out.append(
                "== Relaties ==\n{{Relaties begin}}\n" + "\n".join([*rows, "{{Tabel einde}}"])
            )
        if page.shows_derived:
            rows = [
                f"{{{{Afgeleide relatie|vertrekpunt={src}|relatie={name}}}}}"
                for src, name in self.incoming(page.title)
            ]
            out.append(
                "== Afgeleide relaties ==\n{{Afgeleide relaties begin}}\n"
                + "\n".join([*rows, "{{Tabel einde}}"])
            )
        return out

    @staticmethod
    def _lingo(page: Page) -> list[Lingo]:
        found = has_lingo(page.intro)
        for prop in page.properties:
            found += has_lingo(prop.value)
        for section in page.sections:
            found += has_lingo(section.body)
        return found

    # --- ground truth --------------------------------------------------------------------

    def truth(self, page: Page) -> dict[str, Any]:
        base: dict[str, Any] = {
            "title": page.title,
            "namespace": page.ns,
            "kind": page.kind,
            "url_path": "/wiki/" + page.title.replace(" ", "_"),
            "timestamp": page.timestamp,
            "revisions": page.revisions,
            "direct_targets": page.direct_targets(),
        }
        if page.kind == "raw":
            return base | {"opaque": True}
        base |= {
            "opaque": False,
            "element_type": page.element_type,
            "historical": page.historical,
            # MediaWiki lists hidden categories first in wgCategories
            "categories": list(page.hidden_categories + page.categories),
            "is_redirect": page.kind == "redirect",
            "redirect_target": page.redirect or None,
            "properties": [
                {
                    "property": p.label,
                    "value": blocks_text(p.value),
                    "links": blocks_links(p.value),
                    "external_links": blocks_external(p.value),
                }
                for p in page.properties
            ],
            "relations": self._relation_truth(page),
            "sections": None if page.kind == "redirect" else _section_truth(page),
        }
        return base

    def _relation_truth(self, page: Page) -> list[dict[str, Any]]:
        rows = [
            {
                "kind": "direct",
                "source": page.title,
                "relation": rel.name,
                "target": target,
                "target_exists": self.exists(target),
            }
            for rel in page.relations
            for target in rel.targets
        ]
        if page.shows_derived:
            rows += [
                {
                    "kind": "derived",
                    "source": src,
                    "relation": name,
                    "target": page.title,
                    "target_exists": True,
                }
                for src, name in self.incoming(page.title)
            ]
        return rows


def _property_table(page: Page) -> str:
    css = "wikitable infobox" if page.prop_style == "infobox" else "wikitable"
    lines = [f'{{| class="{css}" id="eigenschappen"']
    if page.prop_style == "infobox":
        lines[0] = f'{{| class="{css}" style="float:right; width:22em"'
    if page.prop_style == "caption":
        lines.append("|+ Eigenschappen")
    mark = "!" if page.label_cell == "th" else "|"
    for prop in page.properties:
        value = blocks_wikitext(prop.value)
        if value and value[0] in "*#;:":
            value = "\n" + value
        lines += ["|-", f"{mark} {prop.label}", f"| {value}"]
    lines.append("|}")
    return "\n".join(lines)


def _colon_line(page: Page, prop: Property) -> str:
    label = f"'''{prop.label}:'''" if page.colon_in_bold else f"'''{prop.label}''':"
    value = blocks_wikitext(prop.value)
    return f"{label} {value}".rstrip()


def _section_truth(page: Page) -> list[dict[str, Any]]:
    lead: Blocks = ()
    if page.historical:
        lead += (Para((Text(BANNER),)),)
    lead += page.intro
    sections: list[dict[str, Any]] = []
    text = blocks_text(lead)
    if text:
        sections.append({"heading": "", "level": 0, "text": text})
    for section in page.sections:
        sections.append(
            {
                "heading": normalize(section.heading),
                "level": section.level,
                "text": blocks_text(section.body),
            }
        )
    return sections


def full_title(ns: int, name: str) -> str:
    return NS_PREFIX.get(ns, "") + name
