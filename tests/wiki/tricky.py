"""The fixed set of tricky pages every corpus holds, whatever its size.

Titles with ``/ & ( ) '`` curly quotes and diacritics, a title that looks like a file
name, custom namespaces (FS, Werkruimte with a subpage), redirects, an empty page, a page
over 150 KB, overview pages holding real SMW query tables (one with relation-like headers),
a topic page, a label-colon page whose relation headings are followed by prose or plain
items (body text, not relations), and the main page.
"""

from __future__ import annotations

from dataclasses import replace

from tests.wiki.generator import Generator
from tests.wiki.model import (
    NS_FS,
    NS_MAIN,
    NS_WERKRUIMTE,
    Overview,
    Page,
    Property,
    Relation,
    Section,
)
from tests.wiki.richtext import ItemList, Link, Para, Text

# (title, namespace, element type, prop style) of tricky *element* pages
ELEMENTS = (
    ("Beveiliging & privacy (Begrip)", NS_MAIN, "Begrip", "caption"),
    ("In- en uitvoer/Koppelvlakken", NS_MAIN, "Bouwsteen", "none"),
    ("Publicatie \u2018Dienstverlening draait om mensen\u2019", NS_MAIN, "Bron", "caption"),
    ("Eén overheid: één loket", NS_MAIN, "Afspraak", "heading"),
    ("Burger's rechten & plichten", NS_MAIN, "Kernwaarde", "caption"),
    ("Coördinatie/Afstemming (Begrip)", NS_MAIN, "Begrip", "colon"),
    ("Naïeve vertrouwensrelatie", NS_MAIN, "Begrip", "colon"),
    ("Versie 1.0", NS_MAIN, "Standaard", "none"),
    ("Regie op gegevens (Doel)", NS_MAIN, "Kwaliteitsdoel", "infobox"),
    ("FS:Digikoppeling 3.0", NS_FS, "Standaard", "caption"),
    ("FS:StUF 3.01", NS_FS, "Standaard", "heading"),
    ("FS:PKIoverheid (certificaten)", NS_FS, "Standaard", "none"),
    ("Werkruimte:Concept principe", NS_WERKRUIMTE, "Architectuurprincipe", "caption"),
)
BIG_TITLE = "Digitale overheid (Thema)"
REDIRECTS = (
    ("Afnemer", "Beveiliging & privacy (Begrip)"),
    ("DigiD", "In- en uitvoer/Koppelvlakken"),
    ("FS:Digikoppeling", "FS:Digikoppeling 3.0"),
    ("Loket", "Eén overheid: één loket"),
)


def add_tricky(gen: Generator, pages: list[Page]) -> list[Page]:
    """Claim the tricky titles (before content is generated, so they get related to)."""
    out: list[Page] = []
    for i, (title, ns, etype, style) in enumerate(ELEMENTS):
        gen.claim(title)
        if ns != NS_MAIN:  # SMW sorts pages by their name without the namespace: no twins
            gen.taken.add(title.split(":", 1)[1])
        gen.register(title, etype)
        out.append(Page(title=title, ns=ns, kind="element", element_type=etype,
                        prop_style=style, revisions=i))  # fmt: skip
    gen.claim(BIG_TITLE)
    gen.register(BIG_TITLE, "Thema")
    out.append(Page(title=BIG_TITLE, ns=NS_MAIN, kind="element", element_type="Thema"))
    return out


def build_tricky(gen: Generator, stubs: list[Page], all_pages: list[Page]) -> list[Page]:
    """Content for the claimed tricky elements, then the non-element tricky pages."""
    rng = gen.rng
    out: list[Page] = []
    for stub in stubs:
        ident = f"T{len(out) + 1:02d}"
        if stub.title == BIG_TITLE:
            out.append(big_page(gen))
            continue
        over: dict[str, object] = {"prop_style": stub.prop_style}
        if stub.prop_style == "infobox":
            # older "Doel (2020)" page: infobox, no icon; its type only in Elementtype
            props = (
                Property("Elementtype", (Para((Text("Kwaliteitsdoel"),)),)),
                Property("ID", (Para((Text("D12"),)),)),
                Property("Status", (Para((Text("Vastgesteld"),)),)),
                Property("Bron", (Para((Link(stub.title.replace(" (Doel)", " 2020")),)),)),
            )
            over |= {"icon": False, "properties": props, "intro": (gen.paragraph(2),)}
        page = gen.element(stub.title, stub.element_type, stub.ns, ident, **over)
        if stub.title == "Naïeve vertrouwensrelatie":
            # relation-named heading followed by prose, and a heading over plain items:
            # both body sections; the real relation list comes last
            page = replace(page, sections=(
                Section("Toelichting", 2, (gen.paragraph(2),)),
                Section("Heeft bron", 2, (Para((Text("Zie de publicaties van het "),
                                                Text("Forum Standaardisatie."))),)),
                Section("Grondslag", 2, (ItemList(((Text("Wet digitale overheid"),),
                                                   (Text("Besluit informatiebeveiliging"),))),)),
            ), relations=(Relation("Is gerelateerd aan", tuple(gen.elements[:2])),))  # fmt: skip
        if stub.title == "Coördinatie/Afstemming (Begrip)":
            page = replace(page, colon_in_bold=False)
        if stub.element_type in ("Bron", "Kernwaarde", "Standaard"):
            # an empty value, in a table (Bron, Kernwaarde) and as "Label:" (Coördinatie)
            page = replace(page, properties=(*page.properties, Property("Status toelichting", ())))
        if stub.title == "Coördinatie/Afstemming (Begrip)":
            page = replace(page, properties=(*page.properties, Property("Bronvermelding", ())))
        out.append(page)
    out.append(Page(
        title="Overzicht architectuurprincipes", ns=NS_MAIN, kind="overview",
        intro=(gen.paragraph(1, links=False, terms=False),),
        queries=(Overview("Architectuurprincipes", "Principe",
                          (("ID", "ID"), ("Stelling", "Stelling")), 12),),
        sections=(Section("Toelichting", 2, (gen.paragraph(2),)),),
        categories=("Overzichten",)))  # fmt: skip
    # column headers that read like a relation table, over other pages: body text
    out.append(Page(
        title="Overzicht begrippen", ns=NS_MAIN, kind="overview",
        queries=(Overview("Begrippen", "Vertrekpunt",
                          (("Relatie", "Elementtype"), ("Eindpunt", "Heeft bron")), 10),),
        categories=("Overzichten",)))  # fmt: skip
    out.append(Page(
        title="Onderwerp digitale toegankelijkheid", ns=NS_MAIN, kind="topic", prop_style="none",
        properties=(Property("Contact", (Para((Text(rng.choice(("Anne de Vries", "ICTU"))),)),)),
                    Property("Status", (Para((Text("Actueel"),)),))),
        intro=(gen.paragraph(2),),
        sections=(Section("Aanpak", 2, gen.body(2)), Section("Links", 2, (ItemList(
            tuple((Link(t),) for t in gen.elements[2:5])),))),
        categories=("Onderwerpen",)))  # fmt: skip
    out.append(
        Page(
            title="Werkruimte:Concept principe/Toelichting",
            ns=NS_WERKRUIMTE,
            kind="topic",
            intro=(gen.paragraph(2),),
            sections=(Section("Open vragen", 2, gen.body(1)),),
        )
    )
    out.append(Page(title="Lege pagina", ns=NS_MAIN, kind="empty"))
    for source, target in REDIRECTS:
        ns = NS_FS if source.startswith("FS:") else NS_MAIN
        out.append(Page(title=source, ns=ns, kind="redirect", redirect=target))
    return out


def main_page(gen: Generator) -> Page:
    """Hoofdpagina replaces the installer's (saved with edit.php, so it is the newest)."""
    return Page(
        title="Hoofdpagina", ns=NS_MAIN, kind="topic",
        intro=(Para((Text("Welkom op de testwiki van de NORA. Begin bij het "),
                     Link("Overzicht architectuurprincipes"), Text("."))),),
        sections=(Section("Onderwerpen", 2, (ItemList(
            ((Link("Onderwerp digitale toegankelijkheid"),), (Link("Overzicht begrippen"),),
             (Link(BIG_TITLE), ))),)),),
    )  # fmt: skip


def big_page(gen: Generator) -> Page:
    """A Thema page over 150 KB of HTML: many long sections and a long relation table."""
    sections = []
    for i in range(90):
        sections.append(Section(f"Deelonderwerp {i + 1}", 2, gen.body(4)))
        if i % 3 == 0:
            sections.append(Section(f"Uitwerking {i + 1}", 3, (gen.paragraph(4),)))
    candidates = [t for t in gen.elements if t != BIG_TITLE and t not in gen.unrelated]
    names = ("groepeert", "Is relevant binnen", "Is gerelateerd aan")
    relations = tuple(
        Relation(name, tuple(gen.rng.sample(candidates, min(40, len(candidates)))))
        for name in names
    )
    return Page(
        title=BIG_TITLE, ns=NS_MAIN, kind="element", element_type="Thema", icon=True,
        icon_definition="Een onderwerp dat meerdere domeinen raakt.", prop_style="caption",
        properties=(Property("ID", (Para((Text("TH01"),)),)),
                    Property("Beschrijving", (gen.paragraph(3),))),
        sections=tuple(sections), relations=relations, rel_style="ask", derived_style="broadtable",
        categories=("Thema's",),
    )  # fmt: skip
