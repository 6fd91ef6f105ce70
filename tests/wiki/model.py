"""The corpus model: pages as data, rendered to wikitext and to ground-truth records.

Pages carry real Semantic MediaWiki data: every element page sets its SMW-backed
properties with ``#set`` and stores each relation as a subobject (Vertrekpunt, Relatie,
Eindpunt), the way a knowledge model keeps relation objects. Its blocks are shown in
one of several forms (``Page.prop_style``, ``rel_style``, ``derived_style``): the
hand-written tables of the templates NORA might use, or real SMW queries (``#ask``
tables, broad tables, template rows, a transposed table, ``#show`` values), and the
layout classes of issue 17 (relations split per relation name over tables, ``ul`` and
``list`` queries; header label variants; rowspan and group rows; reached query limits;
``headers=hide``; list and div property blocks; text after blocks). What the truth says
of those is written down in tests/wiki/README.md.

``Corpus.truth`` gives, for every page, exactly what ``parse_page`` must extract from
its rendered HTML (rules in DESIGN.md), derived from the model alone, never from the
wiki. Where SMW decides something the model cannot know, the truth says so instead of
guessing: SMW lists the values of a multi-valued printout in the order of its internal
entity ids (which depend on the order pages were first stored), so the targets of one
query-table row are marked ``"ordered": false`` and compared as a set; the order of the
rows is exact (the queries sort by relation name, or by source page then relation
name, in code-point order, as SMW's SQLite store does). ``Corpus.smw_data`` gives what
SMW's own API must report for the page, so a test can check the model against the engine.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from typing import Any

from tests.wiki import vocabulary as v
from tests.wiki.richtext import (
    Block,
    Blocks,
    ExtLink,
    Link,
    Para,
    Parts,
    Search,
    Table,
    Text,
    blocks_external,
    blocks_links,
    blocks_text,
    blocks_wikitext,
    normalize,
    parts_text,
)

NS_MAIN, NS_FS, NS_WERKRUIMTE = 0, 3000, 3002
NS_PREFIX = {3000: "FS:", 3002: "Werkruimte:", 10: "Sjabloon:", 14: "Categorie:", 6: "Bestand:"}
BANNER = "NB: Deze pagina maakt deel uit van de Historie van de NORA"

# how a block is shown (see the module docstring); "" for derived: not shown at all
PROP_STYLES_HAND = ("heading", "caption", "none", "colon", "infobox", "show", "groups",
                    "bullets", "grid")  # fmt: skip
PROP_STYLES_SMW = ("ask",)  # a transposed #ask of the page's own values
# property blocks under an "Eigenschappen" heading (text may follow them there)
PROP_STYLES_HEADED = ("heading", "show", "ask", "groups", "bullets", "grid")
# one line per property: the value is inline (no paragraphs or lists)
PROP_STYLES_INLINE = ("colon", "bullets", "grid")
REL_STYLES_QUERY = ("ask", "broadtable", "template", "ask-main", "ask-nohead")
# a sub-heading per relation name under "Relaties", each over its own query
REL_STYLES_SPLIT = ("split-table", "split-ul", "split-list")
REL_STYLES_HAND = ("table", "headings", "caption", "rowspan")
REL_STYLES = (*REL_STYLES_HAND, *REL_STYLES_QUERY, *REL_STYLES_SPLIT)
DERIVED_STYLES = ("", "static", "ask", "broadtable", "template", "ask-nohead")
# derived styles that may print a sentence when there is nothing to show
DERIVED_STYLES_DEFAULT = ("static", "ask", "broadtable", "ask-nohead")
# "ul": SMW's table separator that puts several values in a list inside the cell
_SEPARATOR = {"ask": "", "broadtable": ",&#32;", "ask-main": "ul"}
_QUERY_LIMIT = 500
REL_HEADER = ("Vertrekpunt", "Relatie", "Eindpunten")
# header labels of hand-written relation tables as editors write them: case, spaces,
# punctuation and parenthesised plurals differ, the meaning does not
REL_HEADER_VARIANTS = (
    REL_HEADER,
    ("Vertrekpunt", "Relatie", "Eindpunt(en)"),
    ("vertrekpunt", "relatie", "eindpunten"),
    ("VERTREKPUNT", "RELATIE", "EINDPUNT(EN)"),
    ("Vertrekpunt:", "Relatie:", "Eindpunt(s)"),
    ("&#160;Vertrekpunt ", " Relatie(s)&#160;", "Eindpunten&#160;"),
)
PROPERTY_GROUPS = ("Algemeen", "Inhoud", "Beheer")
NO_DERIVED = "Er zijn (nog) geen afgeleide relaties."


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
class Overview:
    """An ``#ask`` table over a category on an overview page: body text, not a block.

    ``printouts`` are (column label, property label of ``vocabulary.SMW_PROPERTIES``);
    results are the category's element pages having every printout's property, sorted
    by title as SMW sorts them (code points), at most ``limit``.
    """

    category: str
    mainlabel: str
    printouts: tuple[tuple[str, str], ...]
    limit: int


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
    prop_style: str = ""  # PROP_STYLES_HAND + PROP_STYLES_SMW, or "" (no block)
    label_cell: str = "th"  # th | td (table styles)
    colon_in_bold: bool = True
    properties: tuple[Property, ...] = ()
    intro: Blocks = ()
    sections: tuple[Section, ...] = ()
    relations: tuple[Relation, ...] = ()
    rel_style: str = "table"  # REL_STYLES
    rel_sep: str = ", "  # between endpoints in hand-written tables
    rel_header: tuple[str, str, str] = REL_HEADER  # caption, rowspan: the header labels
    rel_limit: int = 0  # direct query (ask, broadtable, ask-nohead): limit=, 0 = all
    rel_searchlabel: str = ""  # with rel_limit: the footer link's text ("": SMW's own)
    rel_item_label: bool = True  # split-ul, split-list: items start with "Eindpunt: "
    derived_style: str = ""  # DERIVED_STYLES
    derived_limit: int = 0  # derived query (ask, broadtable, ask-nohead): limit=, 0 = all
    derived_default: bool = False  # DERIVED_STYLES_DEFAULT: NO_DERIVED when nothing to show
    props_after: Blocks = ()  # PROP_STYLES_HEADED: text after the block, under its heading
    named_subobjects: bool = False
    factbox: bool = False  # __SHOWFACTBOX__
    categories: tuple[str, ...] = ()
    hidden_categories: tuple[str, ...] = ()
    redirect: str = ""
    raw_text: str = ""
    timestamp: str = ""
    revisions: int = 1
    notoc: bool = False
    queries: tuple[Overview, ...] = ()  # overview pages: after the intro, before sections

    def direct_targets(self) -> list[str]:
        return [t for rel in self.relations for t in rel.targets]

    @property
    def shows_derived(self) -> bool:
        return self.kind == "element" and self.derived_style != ""


@dataclass
class Corpus:
    """Pages in a stable order (dump order), plus the support pages (templates, files)."""

    pages: dict[str, Page] = field(default_factory=dict)
    support: dict[str, str] = field(default_factory=dict)  # title -> wikitext
    labels: v.LabelSet = v.NORA_LABELS  # the words the pages show (vocabulary.LabelSet)
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

    def stored_targets(self, relation: Relation) -> list[str]:
        """The Eindpunt values SMW stores for a relation: redirects followed, no repeats."""
        return list(dict.fromkeys(self.resolve(t) for t in relation.targets))

    def incoming(self, title: str) -> list[tuple[str, str]]:
        """(source, relation) of every stored relation with an endpoint resolving to ``title``."""
        if self._incoming is None:
            index: dict[str, list[tuple[str, str]]] = {}
            for page in self.pages.values():
                if page.kind != "element":
                    continue
                for rel in page.relations:
                    for target in self.stored_targets(rel):
                        if target != page.title:
                            index.setdefault(target, []).append((page.title, rel.name))
            self._incoming = index
        return list(self._incoming.get(title, ()))

    def relation(self, source: str, name: str) -> Relation:
        return next(r for r in self.pages[source].relations if r.name == name)

    # --- wikitext ------------------------------------------------------------------------

    def wikitext(self, page: Page) -> str:
        if page.kind == "redirect":
            return f"#DOORVERWIJZING [[{page.redirect}]]"
        if page.kind in ("raw", "empty"):
            return page.raw_text
        out: list[str] = []
        data = smw_annotations(page)
        if data:
            out.append(data)
        if page.icon:
            out.append(f"{{{{Elementtype|{page.element_type}|{page.icon_definition}}}}}")
        if page.historical:
            out.append("{{Historie}}")
        labels = self.labels
        if page.prop_style == "infobox":
            out.append(_property_table(page, labels))
        if page.prop_style == "colon":
            out.extend(_colon_line(page, p, labels) for p in page.properties)
        if page.intro:
            out.append(blocks_wikitext(page.intro))
        if page.prop_style in PROP_STYLES_HEADED:
            out.append(f"== {labels.properties} ==")
        if page.prop_style in ("heading", "caption", "none", "show", "groups"):
            out.append(_property_table(page, labels))
        if page.prop_style == "ask":
            out.append(_property_query(page, labels))
        if page.prop_style == "bullets":
            out.append("\n".join(f"* {_colon_line(page, p, labels)}" for p in page.properties))
        if page.prop_style == "grid":
            out.append(_property_grid(page, labels))
        if page.props_after and page.prop_style in PROP_STYLES_HEADED:
            out.append(blocks_wikitext(page.props_after))
        out.extend(_overview_query(query) for query in page.queries)
        for section in page.sections:
            marks = "=" * section.level
            out.append(f"{marks} {section.heading} {marks}")
            if section.body:
                out.append(blocks_wikitext(section.body))
        out.extend(self._relations_wikitext(page))
        tail = ["__NOTOC__"] if page.notoc else []
        tail += ["__SHOWFACTBOX__"] if page.factbox else []
        tail += [f"[[Categorie:{c}]]" for c in page.categories + page.hidden_categories]
        if tail:
            out.append("\n".join(tail))
        return "\n\n".join(out) + "\n"

    def _relations_wikitext(self, page: Page) -> list[str]:
        out: list[str] = []
        style, labels = page.rel_style, self.labels
        direct = f"== {labels.direct} =="
        if style == "headings":
            for rel in page.relations:
                items = "\n".join(f"* [[{t}]]" for t in rel.targets)
                out.append(f"== {rel.name} ==\n{items}")
        elif page.kind == "element" and style == "table":
            rows = [
                f"{{{{Relatie|relatie={rel.name}|eindpunten="
                + page.rel_sep.join(f"[[{t}]]" for t in rel.targets)
                + "}}"
                for rel in page.relations
            ]
            out.append(
                f"{direct}\n{{{{Relaties begin}}}}\n" + "\n".join([*rows, "{{Tabel einde}}"])
            )
        elif page.kind == "element" and style == "caption":  # no heading: the caption says it
            out.append(_relation_table(page, labels, caption=True))
        elif page.kind == "element" and style == "rowspan":
            out.append(f"{direct}\n" + _relation_table(page, labels, caption=False))
        elif page.kind == "element" and style in REL_STYLES_SPLIT:
            parts = [direct]
            for rel in page.relations:
                parts += [f"=== {rel.name} ===", _split_query(page, rel.name, labels)]
            out.append("\n".join(parts))
        elif page.kind == "element":
            out.append(f"{direct}\n" + _direct_query(page, labels))
        derived = page.derived_style
        if not page.shows_derived:
            return out
        incoming = self.incoming(page.title)
        if derived == "static" and not incoming and page.derived_default:
            block = NO_DERIVED
        elif derived == "static":
            rows = [
                f"{{{{Afgeleide relatie|vertrekpunt={src}|relatie={name}}}}}"
                for src, name in incoming
            ]
            block = "{{Afgeleide relaties begin}}\n" + "\n".join([*rows, "{{Tabel einde}}"])
        else:
            block = _derived_query(page, labels)
        out.append(f"== {labels.derived} ==\n" + block)
        return out

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
                    "property": self.labels.label(page.element_type, p.label),
                    "value": blocks_text(smw_shown(p.value) if _shown_by_smw(page, p) else p.value),
                    "links": blocks_links(p.value),
                    "external_links": blocks_external(p.value),
                }
                for p in page.properties
            ],
            "relations": self._relation_truth(page),
            "hidden_relations": self.hidden_relations(page),
            "sections": None if page.kind == "redirect" else self._section_truth(page),
        }
        return base

    def hidden_relations(self, page: Page) -> dict[str, int]:
        """Per kind, the rows a reached query ``limit=`` leaves out (SMW's footer link
        stands for them): the page does not show them, SMW's data holds them."""
        direct = 0
        if page.rel_style in REL_STYLES_QUERY and page.rel_limit:
            direct = max(0, len(page.relations) - page.rel_limit)
        derived = 0
        if page.shows_derived and page.derived_style != "static" and page.derived_limit:
            derived = max(0, len(self.incoming(page.title)) - page.derived_limit)
        return {"direct": direct, "derived": derived}

    def _relation_truth(self, page: Page) -> list[dict[str, Any]]:
        """One record per endpoint; ``row`` numbers the table rows per kind, ``ordered``
        says whether the endpoints of that row come in a known order (see module doc)."""
        rows: list[dict[str, Any]] = []
        counters = {"direct": 0, "derived": 0}

        def emit(kind: str, source: str, name: str, targets: list[str], by_smw: bool) -> None:
            row = counters[kind]
            counters[kind] += 1
            rows.extend(
                {"kind": kind, "source": source, "relation": name, "target": target,
                 "target_exists": self.exists(target), "row": row,
                 "ordered": not by_smw or len(targets) < 2}
                for target in targets
            )  # fmt: skip

        query = page.rel_style in REL_STYLES_QUERY
        by_smw = query or page.rel_style in REL_STYLES_SPLIT
        relations = list(page.relations)
        if query:  # |sort=Relatie; a reached limit= shows the first rows only
            relations = sorted(relations, key=lambda r: r.name)[: page.rel_limit or None]
        for rel in relations:
            targets = self.stored_targets(rel) if by_smw else list(rel.targets)
            emit("direct", page.title, rel.name, targets, by_smw)
        if not page.shows_derived:
            return rows
        derived = page.derived_style
        incoming = self.incoming(page.title)
        if derived != "static":  # |sort=Vertrekpunt,Relatie: SMW's sort keys, code points
            incoming = sorted(incoming, key=lambda item: (smw_sortkey(item[0]), item[1]))
            incoming = incoming[: page.derived_limit or None]
        for src, name in incoming:
            if derived in ("static", "template"):  # the row shows this page as its endpoint
                emit("derived", src, name, [page.title], False)
            else:  # the subobject's every endpoint, this page among them
                emit("derived", src, name, self.stored_targets(self.relation(src, name)), True)
        return rows

    def _section_truth(self, page: Page) -> list[dict[str, Any]]:
        lead: Blocks = ()
        if page.historical:
            lead += (Para((Text(BANNER),)),)
        lead += page.intro
        lead += tuple(self.overview_table(query) for query in page.queries)
        sections: list[dict[str, Any]] = []
        text = blocks_text(lead)
        if text:
            sections.append({"heading": "", "level": 0, "text": text})
        if page.props_after and page.prop_style in PROP_STYLES_HEADED:
            # body text after the property block: a section under the block's own heading
            text = blocks_text(page.props_after)
            sections.append({"heading": self.labels.properties, "level": 2, "text": text})
        for section in page.sections:
            sections.append(
                {
                    "heading": normalize(section.heading),
                    "level": section.level,
                    "text": blocks_text(section.body),
                }
            )
        if self.shows_no_derived(page):  # the sentence in place of an empty block
            sections.append({"heading": self.labels.derived, "level": 2, "text": NO_DERIVED})
        return sections

    def shows_no_derived(self, page: Page) -> bool:
        """True when the Afgeleide relaties block shows ``NO_DERIVED`` instead of rows."""
        return (
            page.shows_derived
            and page.derived_default
            and page.derived_style in DERIVED_STYLES_DEFAULT
            and not self.incoming(page.title)
        )

    def overview_table(self, query: Overview) -> Table:
        """What an overview's ``#ask`` table shows, as a body table of the model."""
        labels = [label for _, label in query.printouts]
        found: list[tuple[str, list[Parts]]] = []
        for page in self.pages.values():
            if page.kind != "element" or query.category not in page.categories:
                continue
            values = {p.label: p.value for p in page.properties}
            if all(label in values for label in labels):
                found.append((page.title, [_query_cell(values[label]) for label in labels]))
        found.sort(key=lambda item: smw_sortkey(item[0]))
        rows = tuple(
            ((Link(title, smw_sortkey(title)),), *cells) for title, cells in found[: query.limit]
        )
        header = (query.mainlabel, *(column for column, _ in query.printouts))
        return Table(header, rows, css="sortable wikitable smwtable")

    def smw_data(self, page: Page) -> dict[str, Any]:
        """What SMW stores for a page: {"properties": {prop: [values]}, "relations": [...]}."""
        props: dict[str, list[str]] = {}
        for prop in page.properties:
            mapped = v.SMW_PROPERTIES.get(prop.label)
            if mapped is not None:
                name, kind = mapped
                props[name] = [self.resolve(x) for x in smw_values(prop.value, kind)]
        rels = [
            {"source": page.title, "relation": r.name, "targets": sorted(self.stored_targets(r))}
            for r in page.relations
        ]
        return {"properties": props, "relations": rels}


# --- SMW data and queries ----------------------------------------------------------------


def smw_values(value: Blocks, kind: str) -> list[str]:
    """The values ``#set`` stores for one property: link titles for pages, else the text."""
    if kind == "Pagina":
        return blocks_links(value)
    if kind == "URL":
        return blocks_external(value)
    text = blocks_text(value)
    return [text] if text else []


def smw_annotations(page: Page) -> str:
    """One line of ``#set`` and ``#subobject`` calls: they print nothing."""
    if page.kind != "element":
        return ""
    calls: list[str] = []
    sets: list[str] = []
    for prop in page.properties:
        mapped = v.SMW_PROPERTIES.get(prop.label)
        if mapped is None:
            continue
        values = smw_values(prop.value, mapped[1])
        if values:
            sets.append(f"{mapped[0]}={';'.join(values)}" + ("|+sep=;" if len(values) > 1 else ""))
    if sets:
        calls.append("{{#set: " + " |".join(sets) + " }}")
    for index, rel in enumerate(page.relations):
        name = f"relatie-{index + 1}" if page.named_subobjects else ""
        calls.append(
            f"{{{{#subobject:{name} |{v.REL_SOURCE}={{{{FULLPAGENAME}}}} |{v.REL_NAME}={rel.name}"
            f" |{v.REL_TARGET}={';'.join(rel.targets)}|+sep=; }}}}"
        )
    return "".join(calls)


def _printout(prop: str, label: str) -> str:
    """``?prop``, with ``=label`` when the page shows the column under another name."""
    return f"|?{prop}" if label == prop else f"|?{prop}={label}"


def _direct_query(page: Page, labels: v.LabelSet) -> str:
    style = page.rel_style
    source, name, target = labels.header
    condition = f"[[{v.REL_SOURCE}::{{{{FULLPAGENAME}}}}]]"
    printouts = f"{_printout(v.REL_SOURCE, source)} {_printout(v.REL_NAME, name)}"
    printouts += f" |?{v.REL_TARGET}"
    sort = f"|sort={v.REL_NAME} " + _limit(page.rel_limit, page.rel_searchlabel)
    if style == "template":  # named args: the row template reads the property names
        plain = f"|?{v.REL_SOURCE} |?{v.REL_NAME} |?{v.REL_TARGET}"
        return _query_rows("Relaties begin", condition, plain, "Relatierij", sort)
    main = "" if style == "ask-main" else " |mainlabel=-"
    return _query_table(condition, printouts + f"={target}" + main, style, sort)


def _derived_query(page: Page, labels: v.LabelSet) -> str:
    style = page.derived_style
    source, name, _target = labels.header
    condition = f"[[{v.REL_TARGET}::{{{{FULLPAGENAME}}}}]]"
    printouts = f"{_printout(v.REL_SOURCE, source)} {_printout(v.REL_NAME, name)}"
    sort = f"|sort={v.REL_SOURCE},{v.REL_NAME} |order=asc,asc " + _limit(page.derived_limit, "")
    if style == "template":  # the row template names this page as the endpoint
        plain = f"|?{v.REL_SOURCE} |?{v.REL_NAME}"
        return _query_rows("Afgeleide relaties begin", condition, plain,
                           "Afgeleide relatierij", sort)  # fmt: skip
    if page.derived_default:
        sort += f" |default={NO_DERIVED}"
    target = _printout(v.REL_TARGET, labels.derived_target)
    return _query_table(condition, f"{printouts} {target} |mainlabel=-", style, sort)


def _limit(limit: int, searchlabel: str) -> str:
    """``limit=`` (a reached limit ends the table with SMW's footer link), its link text."""
    if not limit:
        return f"|limit={_QUERY_LIMIT}"
    return f"|limit={limit}" + (f" |searchlabel={searchlabel}" if searchlabel else "")


def _query_table(condition: str, printouts: str, style: str, sort: str) -> str:
    """``#ask`` as a table (``format=table`` or ``broadtable``, SMW's separator or ours;
    ``ask-nohead``: no header row)."""
    fmt = "broadtable" if style == "broadtable" else "table"
    sep = f" |sep={_SEPARATOR[style]}" if _SEPARATOR.get(style) else ""
    hide = " |headers=hide" if style == "ask-nohead" else ""
    return f"{{{{#ask: {condition} {printouts} |format={fmt}{sep}{hide} {sort} }}}}"


def _split_query(page: Page, name: str, labels: v.LabelSet) -> str:
    """One relation object's endpoints under its relation-name sub-heading: a two-column
    table (Vertrekpunt, Eindpunt), or SMW's ``ul`` / ``list`` (an item per object, its
    endpoints joined by ", ", after the printout's label unless the query blanks it)."""
    condition = f"[[{v.REL_SOURCE}::{{{{FULLPAGENAME}}}}]] [[{v.REL_NAME}::{name}]]"
    source, _name, target = labels.header
    nora_words = labels.header == v.NORA_LABELS.header
    if page.rel_style == "split-table":
        target = v.REL_TARGET if nora_words else target
        printouts = f"{_printout(v.REL_SOURCE, source)} {_printout(v.REL_TARGET, target)}"
        printouts += " |format=table"
    else:
        label = "=" if not page.rel_item_label else "" if nora_words else f"={target}"
        printouts = f"|?{v.REL_TARGET}{label} |format={page.rel_style.removeprefix('split-')}"
    return f"{{{{#ask: {condition} {printouts} |mainlabel=- |limit={_QUERY_LIMIT} }}}}"


def _query_rows(opener: str, condition: str, printouts: str, template: str, sort: str) -> str:
    """``#ask`` rows through a row template, inside a table that a template opens."""
    return (
        f"{{{{{opener}}}}}\n{{{{#ask: {condition} {printouts} |format=template"
        f" |template={template} |named args=yes {sort} }}}}\n{{{{Tabel einde}}}}"
    )


def _overview_query(query: Overview) -> str:
    printouts = " ".join(
        f"|?{v.SMW_PROPERTIES[label][0]}={column}" for column, label in query.printouts
    )
    having = "".join(f"[[{v.SMW_PROPERTIES[label][0]}::+]]" for _, label in query.printouts)
    return (
        f"{{{{#ask: [[Categorie:{query.category}]]{having} {printouts}"
        f" |mainlabel={query.mainlabel} |limit={query.limit} |searchlabel= }}}}"
    )


def _query_cell(value: Blocks) -> Parts:
    """A single-valued SMW value as a query cell shows it (its text and links)."""
    block = value[0] if value else None
    if not isinstance(block, Para):
        return ()
    shown = smw_shown((block,))[0]
    assert isinstance(shown, Para)
    return tuple(p for p in shown.parts if isinstance(p, Text | Link | ExtLink))


def smw_sortkey(title: str) -> str:
    """How SMW names a page in query output and sorts it: without its namespace prefix."""
    for prefix in NS_PREFIX.values():
        if title.startswith(prefix):
            return title[len(prefix) :]
    return title


def smw_shown(value: Blocks) -> Blocks:
    """A stored value as SMW renders it: page links read as the page's name in its
    namespace (``FS:X`` shows "X"), the hand-written " +" search link is not there."""
    out: list[Block] = []
    for block in value:
        if isinstance(block, Para):
            parts = tuple(
                Link(p.title, p.label or smw_sortkey(p.title)) if isinstance(p, Link) else p
                for p in block.parts
                if not isinstance(p, Search)
            )
            block = Para(parts)
        out.append(block)
    return tuple(out)


def _shown_by_smw(page: Page, prop: Property) -> bool:
    return page.prop_style in ("ask", "show") and prop.label in v.SMW_PROPERTIES


def _property_query(page: Page, labels: v.LabelSet) -> str:
    """The page's own SMW values as a transposed table: one label/value row per printout."""
    printouts = " ".join(
        f"|?{v.SMW_PROPERTIES[p.label][0]}={labels.label(page.element_type, p.label)}"
        for p in page.properties
        if p.label in v.SMW_PROPERTIES
    )
    return (
        f"{{{{#ask: [[{{{{FULLPAGENAME}}}}]] {printouts} |format=table |transpose=yes"
        " |mainlabel=- |searchlabel= }}"
    )


# --- hand-written blocks -----------------------------------------------------------------


def _property_table(page: Page, labels: v.LabelSet) -> str:
    css = "wikitable infobox" if page.prop_style == "infobox" else "wikitable"
    lines = [f'{{| class="{css}" id="eigenschappen"']
    if page.prop_style == "infobox":
        lines[0] = f'{{| class="{css}" style="float:right; width:22em"'
    if page.prop_style == "caption":
        lines.append(f"|+ {labels.properties}")
    mark = "!" if page.label_cell == "th" else "|"
    starts: dict[int, str] = {}  # property index -> the group row before it
    if page.prop_style == "groups":
        at = 0
        for name, group in property_groups(page):
            starts[at] = name
            at += len(group)
    for index, prop in enumerate(page.properties):
        if index in starts:
            lines += ["|-", f'! colspan="2" | {starts[index]}']
        mapped = v.SMW_PROPERTIES.get(prop.label)
        if page.prop_style == "show" and mapped is not None:
            value = f"{{{{#show: {{{{FULLPAGENAME}}}} |?{mapped[0]} }}}}"
        else:
            value = blocks_wikitext(prop.value)
        if value and value[0] in "*#;:":
            value = "\n" + value
        lines += ["|-", f"{mark} {labels.label(page.element_type, prop.label)}", f"| {value}"]
    lines.append("|}")
    return "\n".join(lines)


def _relation_table(page: Page, labels: v.LabelSet, *, caption: bool) -> str:
    """A hand-written relation table: under a caption instead of a heading, or (rowspan)
    with one Vertrekpunt cell spanning every row; header labels as the page writes them."""
    lines = ['{| class="wikitable relaties"']
    if caption:
        lines.append(f"|+ {labels.direct}")
    lines.append("! " + " !! ".join(relation_header(page.rel_header, labels)))
    for index, rel in enumerate(page.relations):
        targets = page.rel_sep.join(f"[[{t}]]" for t in rel.targets)
        source = "[[{{FULLPAGENAME}}]] || "
        if not caption:
            source = f'rowspan="{len(page.relations)}" | {source}' if index == 0 else ""
        lines += ["|-", f"| {source}{rel.name} || {targets}"]
    lines.append("|}")
    return "\n".join(lines)


def property_groups(page: Page) -> list[tuple[str, tuple[Property, ...]]]:
    """The group rows of a ``groups`` property table: Algemeen first, Beheer last."""
    props, count = page.properties, len(page.properties)
    if count >= 6:
        return [(PROPERTY_GROUPS[0], props[:2]), (PROPERTY_GROUPS[1], props[2:-2]),
                (PROPERTY_GROUPS[2], props[-2:])]  # fmt: skip
    half = (count + 1) // 2
    groups = [(PROPERTY_GROUPS[0], props[:half]), (PROPERTY_GROUPS[2], props[half:])]
    return [g for g in groups if g[1]]


def _property_grid(page: Page, labels: v.LabelSet) -> str:
    """Properties as a grid of divs: a label div and a value div per row."""
    rows = [
        '<div class="eigenschap"><div class="eigenschap-label">'
        f"{labels.label(page.element_type, prop.label)}</div>"
        f'<div class="eigenschap-waarde">{blocks_wikitext(prop.value)}'
        "</div></div>"
        for prop in page.properties
    ]
    return "\n".join(['<div class="eigenschappen">', *rows, "</div>"])


def _colon_line(page: Page, prop: Property, labels: v.LabelSet) -> str:
    shown = labels.label(page.element_type, prop.label)
    label = f"'''{shown}:'''" if page.colon_in_bold else f"'''{shown}''':"
    value = blocks_wikitext(prop.value)
    return f"{label} {value}".rstrip()


def smw_simple(value: Blocks, kind: str) -> bool:
    """True when SMW renders the stored value exactly as the model's text and links say."""
    if len(value) > 1:
        return False
    if not value:
        return True
    block = value[0]
    if not isinstance(block, Para):
        return False
    allowed: tuple[type, ...] = (Text,)
    if kind == "Pagina":
        allowed = (Text, Link, Search)
    elif kind == "URL":
        allowed = (ExtLink,)
    if not all(isinstance(part, allowed) for part in block.parts):
        return False
    if kind == "URL":
        return all(isinstance(p, ExtLink) and not p.label for p in block.parts)
    if kind == "Pagina":
        links = [p for p in block.parts if isinstance(p, Link)]
        texts = parts_text(tuple(p for p in block.parts if isinstance(p, Text))).strip(", ")
        return len(links) == 1 and not links[0].label and not texts
    return True


def full_title(ns: int, name: str) -> str:
    return NS_PREFIX.get(ns, "") + name


def relation_header(header: tuple[str, str, str], labels: v.LabelSet) -> tuple[str, str, str]:
    """A hand-written relation table's header under ``labels``: NORA's variants as they
    are; another set's words spelled the way the variant spells NORA's (case, colons,
    padding; NORA's parenthesised plurals have no counterpart and read as the words)."""
    if labels.header == v.NORA_LABELS.header:
        return header
    index = REL_HEADER_VARIANTS.index(header) if header in REL_HEADER_VARIANTS else 0
    words = labels.header
    if index == 2:
        return (words[0].lower(), words[1].lower(), words[2].lower())
    if index == 3:
        return (words[0].upper(), words[1].upper(), words[2].upper())
    if index == 4:
        return (f"{words[0]}:", f"{words[1]}:", words[2])
    if index == 5:
        return (f"&#160;{words[0]} ", f" {words[1]}&#160;", f"{words[2]}&#160;")
    return words


def relabel(page: Page, labels: v.LabelSet) -> Page:
    """A generated page under another label set's element types, relation names and
    history banner (its property labels are chosen where it is rendered)."""
    if labels.is_nora or page.kind != "element":
        return page
    etype = labels.element_type(page.element_type)
    properties = tuple(
        Property(p.label, (Para((Text(etype),)),))
        if p.label == "Elementtype" and blocks_text(p.value) == page.element_type
        else p
        for p in page.properties
    )
    relations = tuple(Relation(labels.relations.get(r.name, r.name), r.targets)
                      for r in page.relations)  # fmt: skip
    return replace(
        page, element_type=etype, properties=properties, relations=relations,
        historical=page.historical and labels.historical,
    )  # fmt: skip
