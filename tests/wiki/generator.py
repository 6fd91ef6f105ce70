"""Seeded generation of NORA-like element pages (content only; titles come from the caller).

Everything random goes through one ``random.Random(seed)``, so a seed, a page count and a
reference time give the same corpus byte for byte.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from typing import Any

from tests.wiki import vocabulary as v
from tests.wiki.model import (
    DERIVED_STYLES_DEFAULT,
    PROP_STYLES_HEADED,
    PROP_STYLES_INLINE,
    REL_HEADER_VARIANTS,
    Page,
    Property,
    Relation,
    Section,
)
from tests.wiki.richtext import (
    Block,
    Blocks,
    Br,
    DefList,
    ExtLink,
    Info,
    Inline,
    ItemList,
    Lingo,
    Link,
    Para,
    Parts,
    Search,
    Table,
    Text,
    Tip,
    parts_text,
)

PROP_STYLES = (("heading", 24), ("caption", 30), ("none", 16), ("ask", 18), ("show", 12),
               ("groups", 10), ("bullets", 8), ("grid", 8))  # fmt: skip
# how Relaties and Afgeleide relaties are shown (model.REL_STYLES, model.DERIVED_STYLES)
REL_STYLES = (("table", 30), ("ask", 30), ("broadtable", 10), ("template", 20), ("ask-main", 10),
              ("ask-nohead", 6), ("caption", 6), ("rowspan", 6), ("split-table", 7),
              ("split-ul", 7), ("split-list", 6))  # fmt: skip
DERIVED_STYLES = (("static", 25), ("ask", 35), ("broadtable", 15), ("template", 25),
                  ("ask-nohead", 8))  # fmt: skip
SEARCH_LABELS = ("", "", "Alle relaties tonen")  # "": SMW's own "... meer resultaten"
UNRELATED_SHARE = 0.08  # element pages no relation points to: Afgeleide relaties stay empty
MONTHS = ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus",
          "september", "oktober", "november", "december")  # fmt: skip


class Generator:
    def __init__(self, seed: int, now: datetime) -> None:
        self.rng = random.Random(seed)
        self.now = now
        self.taken: set[str] = set()
        self.elements: list[str] = []  # titles that may be linked and related to
        self.by_type: dict[str, list[str]] = {}
        self.unrelated: set[str] = set()  # never a relation's endpoint

    # --- titles --------------------------------------------------------------------------

    def claim(self, title: str) -> str:
        if title in self.taken:
            raise ValueError(f"title {title!r} generated twice")
        self.taken.add(title)
        return title

    def element_title(self, etype: str, count: dict[str, int]) -> str:
        rng = self.rng
        for attempt in range(1000):
            n = count.get(etype, 0) + 1 + attempt
            adj, noun = rng.choice(v.ADJECTIVES), rng.choice(v.NOUNS)
            qual = rng.choice(v.QUALIFIERS)
            if etype in v.ID_PREFIX and etype not in ("Kwaliteitsdoel", "Implicatie"):
                title = f"{v.ID_PREFIX[etype]}{n:02d} {noun.capitalize()} {qual}"
            elif etype == "Kwaliteitsdoel":
                title = f"{adj} {noun} (Doel)"
            elif etype == "Begrip":
                title = f"{noun.capitalize()} {qual}" if rng.random() < 0.6 else f"{adj} {noun}"
                if rng.random() < 0.3:
                    title += " (Begrip)"
            elif etype == "Standaard":
                title = f"{rng.choice(v.STANDARDS)} {rng.randint(1, 4)}.{rng.randint(0, 12)}"
            elif etype == "Bron":
                title = (
                    f"Publicatie \u2018{adj} {noun}\u2019"
                    if rng.random() < 0.4
                    else f"Rapport {noun} {rng.randint(2005, 2025)}"
                )
            else:
                title = f"{adj} {noun} {qual}"
            if title not in self.taken:
                count[etype] = count.get(etype, 0) + 1
                return self.claim(title)
        raise RuntimeError(f"no free title for {etype}")

    def pick_type(self, count: dict[str, int]) -> str:
        types = [t for t in v.TYPES if count.get(t, 0) < v.ID_LIMIT.get(t, 10**9)]
        return self.rng.choices(types, weights=[v.TYPES[t][0] for t in types])[0]

    def red_title(self) -> str:
        """A title no page has (a red link); never claimed, so never created."""
        while True:
            title = f"Concept {self.rng.choice(v.NOUNS)} {self.rng.randint(100, 999)}"
            if title not in self.taken:
                return title

    def register(self, title: str, etype: str) -> None:
        if self.rng.random() < UNRELATED_SHARE:
            self.unrelated.add(title)
        self.elements.append(title)
        self.by_type.setdefault(etype, []).append(title)

    # --- text ----------------------------------------------------------------------------

    def sentence(self, words: int = 0, *, terms: bool = True, links: bool = True) -> Parts:
        rng = self.rng
        count = words or rng.randint(6, 16)
        parts: list[Inline] = []
        words_out = [rng.choice(v.FILLER) for _ in range(count)]
        words_out[0] = words_out[0].capitalize()
        special = rng.random()
        at = rng.randint(1, count - 1)
        head, tail = " ".join(words_out[:at]), " ".join(words_out[at:])
        parts.append(Text(head + " "))
        if terms and special < 0.15:
            term, definition = rng.choice(v.TERMS)
            parts += [Tip(term, definition), Text(" ")]
        elif terms and special < 0.19:
            parts += [Lingo(rng.choice(v.GLOSSARY)[0]), Text(" ")]
        elif terms and special < 0.21:
            parts += [Info(" ".join(rng.choices(v.FILLER, k=5)).capitalize() + "."), Text(" ")]
        elif links and special < 0.28 and self.elements:
            target = rng.choice(self.elements)
            label = target.lower() if rng.random() < 0.3 else ""
            parts += [Link(target, label), Text(" ")]
        elif links and special < 0.31:
            parts += [ExtLink(f"https://www.example.org/nora/{rng.randint(1, 99999)}",
                              "meer informatie"), Text(" ")]  # fmt: skip
        parts.append(Text(tail + "."))
        return tuple(parts)

    def paragraph(self, sentences: int = 0, **kw: bool) -> Para:
        parts: list[Inline] = []
        for i in range(sentences or self.rng.randint(1, 4)):
            if i:
                parts.append(Text(" "))
            parts += self.sentence(**kw)
        return Para(tuple(parts))

    def block(self, tables: bool = True) -> Block:
        rng, roll = self.rng, self.rng.random()
        if not tables and 0.90 <= roll < 0.94:
            roll = 0.5  # no table inside a property table cell
        if roll < 0.74:
            return self.paragraph()
        if roll < 0.86:
            items = tuple(self.sentence(rng.randint(3, 8)) for _ in range(rng.randint(2, 5)))
            return ItemList(items, ordered=rng.random() < 0.35)
        if roll < 0.90:
            pairs = tuple(
                (rng.choice(v.NOUNS).capitalize(), " ".join(rng.choices(v.FILLER, k=6)) + ".")
                for _ in range(rng.randint(1, 3))
            )
            return DefList(pairs)
        if roll < 0.94:
            rows = tuple(
                ((Text(rng.choice(v.NOUNS).capitalize()),), (Text(rng.choice(v.FILLER)),))
                for _ in range(rng.randint(2, 4))
            )
            header = ("Onderdeel", "Kenmerk") if rng.random() < 0.7 else ()
            return Table(header, rows)
        first, second = self.sentence(terms=False), self.sentence(terms=False)
        return Para((*first, Br(), *second))

    def body(self, blocks: int = 0, *, tables: bool = True) -> Blocks:
        return tuple(self.block(tables) for _ in range(blocks or self.rng.randint(1, 3)))

    # --- properties ----------------------------------------------------------------------

    def value(self, label: str, etype: str, ident: str, single: bool, smw: bool) -> Blocks:
        """A property value. Labels with an SMW property (``vocabulary.SMW_PROPERTIES``)
        get values SMW stores and renders as they are (plain text, page links, a date,
        a URL); with ``smw`` (the block is shown through SMW) also single-valued, without
        the hand-written "+" search link or a link label."""
        rng = self.rng

        def para(*parts: Inline) -> Blocks:
            return (Para(tuple(parts)),)

        def plain(sentences: int) -> Blocks:
            text = " ".join(
                parts_text(self.sentence(terms=False, links=False)) for _ in range(sentences)
            )
            return para(Text(text))

        if label == "ID":
            return para(Text(ident))
        if label == "Elementtype":
            return para(Text(etype))
        if label in ("Organisatie",):
            orgs = rng.sample(v.ORGANISATIONS, 1 if smw else rng.choice((1, 1, 2)))
            parts: list[Inline] = []
            for i, org in enumerate(orgs):
                parts += [Text(", ")] if i else []
                parts.append(Link(org))
            if len(orgs) == 1 and not smw:
                parts.append(Search(label, orgs[0]))
            return para(*parts)
        if label in ("Externe verwijzing", "Locatie"):
            url = f"https://www.example.org/{rng.choice(v.NOUNS)}/{rng.randint(1, 9999)}"
            return para(ExtLink(url, "" if smw or rng.random() < 0.5 else "website"))
        if label in ("Interne verwijzing", "Dossier") and self.elements:
            return para(Link(rng.choice(self.elements)))
        if label in ("Heeft bron", "Vastgesteld in") and self.by_type.get("Bron"):
            return para(Link(rng.choice(self.by_type["Bron"])))
        if label == "Laag binnen vijflaagsmodel":
            return para(Link(rng.choice(v.LAYERS)))
        if label in ("Status actualiteit",):
            status = rng.choice(("Actueel", "Verouderd", "In ontwikkeling"))
            return para(Text(status)) if smw else para(Text(status), Search(label, status))
        if label == "Status toelichting":
            return () if rng.random() < 0.5 else (self.paragraph(1),)
        if label == "Publicatiedatum":
            return para(
                Text(f"{rng.randint(1, 28)} {rng.choice(MONTHS)} {rng.randint(2008, 2025)}")
            )
        if label == "Brontype":
            return para(Text(rng.choice(("Rapport", "Wet", "Handreiking", "Visie"))))
        if label == "Contactpersoon":
            return para(Text(rng.choice(v.PEOPLE)))
        if label == "Gebruikte synoniem(en)":
            return para(Text(", ".join(rng.sample(v.FILLER, 2))))
        if label in v.SMW_PROPERTIES:  # Beschrijving, Stelling: plain text (Lingo marks terms)
            return plain(1 if label == "Stelling" or single else rng.randint(1, 3))
        if label == "Implicaties" and not single:
            items = tuple(self.sentence(rng.randint(4, 9)) for _ in range(rng.randint(2, 4)))
            return (ItemList(items, ordered=True),)
        if single:
            return (self.paragraph(rng.randint(1, 2)),)
        if label in ("Toelichting", "Rationale"):
            return self.body(rng.randint(1, 3), tables=False)
        return (self.paragraph(),)

    # --- one element page ----------------------------------------------------------------

    def element(self, title: str, etype: str, ns: int, ident: str, **over: object) -> Page:
        rng = self.rng
        style = str(over.pop("prop_style", ""))
        if not style:
            style = rng.choices([s for s, _ in PROP_STYLES], [w for _, w in PROP_STYLES])[0]
            if etype == "Begrip" and rng.random() < 0.35:
                style = "colon"
        labels = [
            lb for lb in v.TYPES[etype][2] if lb in ("ID", "Elementtype") or rng.random() < 0.8
        ]
        labels = labels or list(v.TYPES[etype][2][:2])
        if style == "ask":  # the transposed query shows SMW properties only
            labels = [lb for lb in labels if lb in v.SMW_PROPERTIES] or ["ID"]
        single = style in PROP_STYLES_INLINE
        smw = style in ("ask", "show")
        props = tuple(Property(lb, self.value(lb, etype, ident, single, smw)) for lb in labels)
        headings = rng.sample(v.HEADINGS, rng.randint(1, 4))
        sections: list[Section] = []
        for heading in headings:
            body = () if rng.random() < 0.06 else self.body()
            sections.append(Section(heading, 2, body))
            if rng.random() < 0.25:
                sections.append(Section(rng.choice(v.SUBHEADINGS), 3, self.body(1)))
        intro: Blocks = ()
        if style != "heading" and rng.random() < 0.3:
            intro = (self.paragraph(rng.randint(1, 2)),)
        rel_style = "headings" if style == "colon" else _weighted(rng, REL_STYLES)
        relations = self.relations(title, rel_style)
        derived = "" if rel_style == "headings" else _weighted(rng, DERIVED_STYLES)
        layout = self.layout(etype, style, rel_style, derived, len(relations))
        cats = [v.TYPES[etype][1]]
        if rng.random() < 0.4:
            cats.append(rng.choice(v.LAYERS))
        hidden = ("Onderhoud",) if rng.random() < 0.1 else ()
        page = Page(
            title=title, ns=ns, kind="element", element_type=etype, icon=True,
            icon_definition=v.TYPES[etype][3], historical=etype in v.HISTORICAL,
            prop_style=style, label_cell="td" if rng.random() < 0.3 else "th",
            colon_in_bold=rng.random() < 0.7, properties=props, intro=intro,
            sections=tuple(sections), relations=relations, rel_style=rel_style,
            rel_sep=", " if rng.random() < 0.7 else "<br />", derived_style=derived,
            named_subobjects=rng.random() < 0.5, factbox=rng.random() < 0.15,
            categories=tuple(cats), hidden_categories=hidden, notoc=rng.random() < 0.5,
            **layout,
        )  # fmt: skip
        return _replace(page, over)

    def layout(
        self, etype: str, prop_style: str, rel_style: str, derived: str, relations: int
    ) -> dict[str, Any]:
        """The finer choices of a page's blocks: header labels, query limits, item labels,
        the sentence of an empty derived block, text after the property block."""
        rng = self.rng
        out: dict[str, Any] = {}
        if rel_style in ("caption", "rowspan"):
            out["rel_header"] = rng.choice(REL_HEADER_VARIANTS)
        limited = rel_style in ("ask", "broadtable", "ask-nohead") and relations >= 3
        if limited and rng.random() < 0.4:  # the limit is reached: SMW's footer row follows
            out["rel_limit"] = rng.randint(1, relations - 1)
            out["rel_searchlabel"] = rng.choice(SEARCH_LABELS)
        if rel_style in ("split-ul", "split-list"):
            out["rel_item_label"] = rng.random() < 0.6
        if derived in ("ask", "broadtable", "ask-nohead") and rng.random() < 0.2:
            out["derived_limit"] = rng.randint(1, 3)
        if derived in DERIVED_STYLES_DEFAULT:
            out["derived_default"] = rng.random() < 0.6
        after = 0.7 if etype == "Kwaliteitsdoel" else 0.2  # a goal replacing an older one
        if prop_style in PROP_STYLES_HEADED and rng.random() < after:
            out["props_after"] = self.replaces(etype)
        return out

    def replaces(self, etype: str) -> Blocks:
        """Body text after a property block: which element this one replaces."""
        subject = "Dit kwaliteitsdoel" if etype == "Kwaliteitsdoel" else "Dit element"
        older = self.rng.choice(self.by_type.get(etype) or self.elements)
        first = Para((Text(f"{subject} vervangt "), Link(older), Text(".")))
        return (first,) if self.rng.random() < 0.6 else (first, self.paragraph(1))

    def relations(self, title: str, style: str) -> tuple[Relation, ...]:
        rng = self.rng
        candidates = [t for t in self.elements if t != title and t not in self.unrelated]
        if not candidates:
            return ()
        names = v.LIST_RELATIONS if style == "headings" else v.RELATIONS
        count = rng.randint(1, 2) if style == "headings" else rng.choice((0, 1, 2, 2, 3, 4, 5))
        out = []
        for name in rng.sample(names, min(count, len(names))):
            k = min(rng.randint(1, 4), len(candidates))
            targets = rng.sample(candidates, k)
            if rng.random() < 0.12:
                targets.append(self.red_title())
            out.append(Relation(name, tuple(targets)))
        return tuple(out)

    def timestamp(self) -> tuple[str, int]:
        """Latest revision time (within 80 days, so recent changes cover it) and count."""
        age = timedelta(seconds=self.rng.randint(2 * 3600, 80 * 86400))
        revisions = self.rng.choices((1, 2, 3), (75, 18, 7))[0]
        return _iso(self.now - age), revisions


def _weighted(rng: random.Random, choices: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


def _iso(when: datetime) -> str:
    return when.strftime("%Y-%m-%dT%H:%M:%SZ")


def _replace(page: Page, over: dict[str, object]) -> Page:
    from dataclasses import replace

    return replace(page, **over)  # type: ignore[arg-type]
