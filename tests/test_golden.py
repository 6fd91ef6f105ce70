"""Golden tests over every fixture, plus hand-written expectations per fixture.

The golden comparison catches any change in ``parse_page`` output; the table
``EXPECT`` below states, independently of the goldens, what NORA-PAGES.md says each
fixture must give (titles, property labels in order, relation counts by kind,
categories, element type, warnings, section headings, chosen values), so a
wrong golden cannot hide a bug.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import lxml.html
import pytest

from parsers import PARSER_VERSION, ParsedPage, PropertyRecord, RelationRecord
from tests.golden import (
    LOCK,
    WITHHELD,
    fixture_pages,
    golden_path,
    goldens_digest,
    parse_fixture,
    read_lock,
    render,
    to_jsonable,
)

PAGES = fixture_pages()
# pages rendered by the real SMW test wiki (smw-*) are checked against the ground truth
# saved with them, in tests/test_fixtures_smw.py; every other fixture has an EXPECT entry
# here, the plain-MediaWiki renderings (mw139-*) included
REAL_WIKI_PREFIX = ("smw-",)
SEED = "Publicatie ‘Dienstverlening draait om mensen’"
SPECIAL = "Inzage & Correctie/Burger's ‘recht’ op één overzicht (Begrip)"
# label and heading texts of blocks that are never body sections
NOT_SECTIONS = {"Eigenschappen", "Relaties", "Afgeleide relaties", "Inhoud", "Navigatiemenu"}

Check = Callable[[ParsedPage], None]


@dataclass(frozen=True)
class Expect:
    """What one fixture must give; None means "not asserted here"."""

    title: str
    props: list[str]
    direct: int | None
    derived: int | None
    element_type: str | None = None
    categories: tuple[str, ...] | None = None
    namespace: int = 0
    page_id: int | bool | None = False  # False: not asserted
    revision_id: int | bool | None = False
    sections: list[tuple[str, int]] | None = None
    warnings: str = "none"  # "none", "some", or a word one warning must contain
    historical: bool | None = None
    redirected_from: str = ""
    is_redirect: bool = False
    checks: tuple[Check, ...] = field(default_factory=tuple)


def prop(parsed: ParsedPage, label: str) -> PropertyRecord:
    found = [p for p in parsed.properties if p.property == label]
    assert len(found) == 1, f"expected one property {label!r}, found {len(found)}"
    return found[0]


def rels(parsed: ParsedPage, kind: str, relation: str | None = None) -> list[RelationRecord]:
    return [
        r
        for r in parsed.relations
        if r.kind == kind and (relation is None or r.relation.lower() == relation.lower())
    ]


def section_text(parsed: ParsedPage, heading: str) -> str:
    found = [s.text for s in parsed.sections if s.heading == heading]
    assert len(found) == 1, f"expected one section {heading!r}, found {len(found)}"
    return found[0]


def all_text(parsed: ParsedPage) -> str:
    return "\n".join([p.value for p in parsed.properties] + [s.text for s in parsed.sections])


# ------------------------------------------------------------------ per-fixture checks
def _mw139_label_colon(pp: ParsedPage) -> None:
    assert prop(pp, "Heeft bron").links == ("Publicatie ‘Gemeentelijke doelbinding’",)
    assert prop(pp, "Gebruikte synoniem(en)").value == "inzicht, beveiliging"
    # a relation-named heading over prose, and Grondslag over plain items: body text
    assert section_text(pp, "Heeft bron").startswith("Zie de publicaties van het")
    assert section_text(pp, "Grondslag").split("\n") == [
        "Wet digitale overheid", "Besluit informatiebeveiliging"]  # fmt: skip
    assert {r.relation for r in pp.relations} == {"Is gerelateerd aan"}
    assert {r.source for r in pp.relations} == {pp.page.title}


def _mw139_infobox(pp: ParsedPage) -> None:
    assert prop(pp, "Elementtype").value == "Kwaliteitsdoel"
    assert prop(pp, "Bron").links == ("Regie op gegevens 2020",)
    assert {r.target for r in rels(pp, "derived")} == {pp.page.title}
    assert len({(r.source, r.relation) for r in rels(pp, "direct")}) == 3  # three rows
    assert pp.page.historical is False


def _mw139_caption(pp: ParsedPage) -> None:
    assert prop(pp, "Status actualiteit").value == "In ontwikkeling"  # no " +" search link
    assert not prop(pp, "Status actualiteit").links
    assert {r.source for r in rels(pp, "direct")} == {pp.page.title}
    assert section_text(pp, "Historie").count("\n") == 4  # five list items, five lines


def _mw139_redirected(pp: ParsedPage) -> None:
    assert pp.page.namespace == 0 and "/" in pp.page.title
    assert {r.target for r in rels(pp, "derived")} == {pp.page.title}
    assert all(r.source == pp.page.title for r in rels(pp, "direct"))


def _seed(pp: ParsedPage) -> None:
    assert prop(pp, "Externe verwijzing").value == "http://www.vng.nl/smartsite.dws?id=95745"
    assert (
        "http://www.vng.nl/smartsite.dws?id=95745" in prop(pp, "Externe verwijzing").external_links
    )
    assert prop(pp, "Organisatie").links == ("VNG",)
    assert prop(pp, "Laag binnen vijflaagsmodel").value == "1"
    lines = prop(pp, "Toelichting").value.split("\n")
    assert lines[0].startswith("In de publicatie wordt op basis van een analyse")
    assert "Het invullen van technische randvoorwaarden" in lines[2]
    assert lines[-1].startswith("In kaart brengen levensgebeurtenissen. De processen")
    assert len(lines) == 11
    assert prop(pp, "Beschrijving").value.startswith("De VNG heeft in de publicatie ‘Dienst")
    # its one relation row ("Is relevant binnen") has an empty endpoint cell: no record
    assert pp.relations == ()


def _caption(pp: ParsedPage) -> None:
    org = prop(pp, "Organisatie")
    assert org.value == "BZK, VNG, IPO"
    assert org.links == ("Ministerie van BZK", "VNG", "Interprovinciaal Overleg")
    assert prop(pp, "Locatie").value == ""
    assert prop(pp, "Interne verwijzing").value == "dossierpagina"
    assert prop(pp, "Interne verwijzing").links == ("Digitale agenda 2020 (Dossier)",)
    relevant = rels(pp, "direct", "Is relevant binnen")
    assert [r.target for r in relevant] == [
        "Dienstverlening",
        "Informatiebeveiliging",
        "Digitale inclusie",
    ]
    assert [r.target_exists for r in relevant] == [True, True, False]
    assert [r.target for r in rels(pp, "direct", "Is gerelateerd aan")] == [
        "Generieke Digitale Infrastructuur"
    ]
    assert {r.source for r in rels(pp, "direct")} == {"Digitale Overheid Agenda 2020"}
    assert [r.source for r in rels(pp, "derived")] == ["NAP01 Proactief", "Digikoppeling"]
    assert {r.target for r in rels(pp, "derived")} == {"Digitale Overheid Agenda 2020"}
    assert section_text(pp, "") == "Een bron is een document of publicatie waaruit NORA kennis put."


def _td_labels(pp: ParsedPage) -> None:
    assert prop(pp, "Heeft bron").links == (
        "Wet digitale overheid",
        "Baseline Informatiebeveiliging Overheid",
    )
    assert prop(pp, "Heeft bron").value == "Wet digitale overheid\nBIO"
    assert prop(pp, "Gebruikte synoniem(en)").value == ""
    assert (
        section_text(pp, "Voorbeelden")
        == "Situatie Afnemer\nAanvraag paspoort Burger\nVergunning Bedrijf"
    )
    assert [r.source for r in rels(pp, "derived")] == ["Dienst (Begrip)"]


def _colon_lines(pp: ParsedPage) -> None:
    assert prop(pp, "Beschrijving").value == (
        "Een prestatie van een aanbieder die voorziet in de behoefte van een afnemer."
    )
    assert prop(pp, "Gebruikte synoniem(en)").value == "product, voorziening"
    assert prop(pp, "Heeft bron").links == ("Wet digitale overheid",)
    assert prop(pp, "Heeft bron").external_links == (
        "https://www.noraonline.nl/wiki/Begrippenkader",
    )
    assert prop(pp, "Vastgesteld in").value == ""
    assert prop(pp, "Toelichting").value == (
        "Een dienst kan digitaal of fysiek geleverd worden.\nZie ook Dienstverlening."
    )
    assert [r.target for r in rels(pp, "direct", "Breder")] == [
        "Prestatie (Begrip)",
        "Voorziening (Begrip)",
    ]
    assert [r.target_exists for r in rels(pp, "direct", "Breder")] == [True, False]
    assert section_text(pp, "") == (
        "Let op: deze definitie wordt herzien. "
        "De werkgroep begrippen bespreekt een nieuwe formulering."
    )
    assert "Een dienst die een product oplevert" not in all_text(pp)
    assert "productdienst en informatieverstrekking" in section_text(pp, "Achtergrond")
    assert section_text(pp, "Bron van").split("\n")[0] == "Wet digitale overheid – artikel 2"


def _old_skin(pp: ParsedPage) -> None:
    assert prop(pp, "Rationale").value == (
        "Afnemers weten niet altijd waar zij recht op hebben.\n"
        "Proactieve dienstverlening voorkomt onnodige aanvragen."
    )
    assert prop(pp, "Implicaties").value == (
        "Maak gebruik van basisregistraties.\nInformeer de afnemer tijdig.\n"
        "Bied een overzicht van lopende zaken."
    )
    assert prop(pp, "Implicaties").links == ("Basisregistraties",)
    assert [r.target for r in rels(pp, "direct", "Is gerelateerd aan")] == [
        "AP02 Vindbaar",
        "AP15 Stuur op bekende gegevens",
        "AP40 Gebundeld",
    ]
    assert [r.target for r in rels(pp, "direct", "Realiseert")] == [
        "BP01 Afnemers kunnen de dienst eenvoudig vinden"
    ]
    assert {r.source for r in pp.relations} == {"AP01 Proactief"}
    assert (
        "NB: Deze pagina maakt deel uit van de Historie van de NORA, zie NORA Historie"
        in section_text(pp, "")
    )
    assert (
        section_text(pp, "Grondslag")
        == "Wet openbaarheid van bestuur\nAlgemene wet bestuursrecht, afdeling 3.4"
    )
    assert "NB" not in [p.property for p in pp.properties]


def _mw130(pp: ParsedPage) -> None:
    assert section_text(pp, "") == "NB: Deze pagina maakt deel uit van de Historie van de NORA"
    assert (
        section_text(pp, "Onderliggende principes") == "AP12 Eén loket\nAP13 Gebundelde afhandeling"
    )
    assert [r.target for r in rels(pp, "direct", "groepeert")] == [
        "AP12 Eén loket",
        "AP13 Gebundelde afhandeling",
    ]
    assert (
        prop(pp, "Implicaties").value
        == "Eén aanspreekpunt per levensgebeurtenis.\nSamenwerking in de keten."
    )


def _infobox(pp: ParsedPage) -> None:
    assert prop(pp, "Bron").links == ("Digitale Overheid Agenda 2020",)
    assert prop(pp, "ID").value == "D2020-07"
    assert section_text(pp, "") == (
        "De overheid is open over wat zij doet en waarom.\n"
        "Burgers kunnen zien welke gegevens over hen zijn vastgelegd."
    )


def _mw143(pp: ParsedPage) -> None:
    assert (
        section_text(pp, "Toelichting")
        == "Toegankelijkheid gaat verder dan digitale toegankelijkheid."
    )
    assert prop(pp, "Kernwaarde").links == ("Toegankelijk (Kernwaarde)",)
    assert [r.source for r in rels(pp, "derived")] == [
        "NAP02 Toegankelijk",
        "NAP03 Inclusief",
        "IMP17 Schrijf op B1-niveau",
    ]
    assert [r.target for r in rels(pp, "direct")] == ["Inclusief (Doel)", "Vindbaar (Doel)"]


def _tooltips(pp: ParsedPage) -> None:
    assert prop(pp, "Stelling").value == "De afnemer kan vertrouwen op de juistheid van informatie."
    assert prop(pp, "ID").value == "NAP09"
    assert prop(pp, "Status").value == "Vastgesteld"
    assert prop(pp, "Elementtype").value == "Architectuurprincipe"
    assert prop(pp, "Elementtype").links == ("Architectuurprincipe",)
    assert prop(pp, "Status").links == ()
    assert (
        section_text(pp, "Toelichting")
        == "Elke afnemer moet kunnen rekenen op gegevens die kloppen."
    )
    assert section_text(pp, "") == "Een architectuurprincipe is een richtinggevende uitspraak."
    assert "Vastgelegde feiten" not in all_text(pp)


def _lingo(pp: ParsedPage) -> None:
    assert (
        prop(pp, "Beschrijving").value == "Uniek persoonsnummer voor iedere ingezetene in de BRP."
    )
    assert section_text(pp, "Gebruik") == (
        "Het BSN wordt gebruikt door elke overheidsorganisatie en door zorgverleners."
    )
    assert "Persoon die in Nederland woont" not in all_text(pp)
    assert "Organisatie met een publieke taak" not in all_text(pp)


def _sections(pp: ParsedPage) -> None:
    assert (
        section_text(pp, "")
        == "Deze implicatie hoort bij NAP07 Transparant.\nZij is in 2024 vastgesteld."
    )
    assert (
        section_text(pp, "Uitwerking")
        == "Inzage werkt via een portaal.\nLet op de bewaartermijnen."
    )
    assert section_text(pp, "Voor organisaties") == (
        "Organisaties publiceren een register.\nWie Wat\nGemeente BRP-gegevens"
    )
    assert section_text(pp, "Gemeenten") == "Termijn\nVier weken"
    assert section_text(pp, "Leeg") == ""
    assert section_text(pp, "Begrippen") == "inzage = het recht om te zien"
    assert "nora-kader" not in all_text(pp) and "console.log" not in all_text(pp)


def _br(pp: ParsedPage) -> None:
    assert [r.target for r in rels(pp, "direct", "Is gerelateerd aan")] == [
        "Digilevering",
        "Digipoort",
        "Stelsel van Basisregistraties",
    ]
    assert [r.target for r in rels(pp, "direct", "realiseert")] == [
        "NAP11 Standaard",
        "Generieke Digitale Infrastructuur",
    ]
    assert [r.source for r in rels(pp, "derived")] == ["FS:Digikoppeling 3.0", "Logius"]
    assert [r.relation for r in rels(pp, "derived")] == ["is onderdeel van", "Bron van"]


def _fs(pp: ParsedPage) -> None:
    assert {r.source for r in pp.relations} == {"FS:Digikoppeling 3.0"}
    assert [r.target for r in pp.relations] == [
        "Digikoppeling",
        "FS:Digilevering",
        "FS:eHerkenning",
    ]
    assert [r.target_exists for r in pp.relations] == [True, True, False]
    assert prop(pp, "Beschrijving").links == ("Digikoppeling",)


def _special(pp: ParsedPage) -> None:
    assert prop(pp, "Heeft bron").links == (
        "Algemene verordening gegevensbescherming",
        "Café ‘De Bron’ (Bron)",
    )
    assert prop(pp, "Heeft bron").value == "AVG, Café ‘De Bron’ (Bron)"
    assert [r.target for r in rels(pp, "direct")] == [
        "Inzage & Correctie",
        "Burger's ‘dossier’ (Begrip)",
        "Regie op gegevens/Burger's dossier",
        "Café ‘De Bron’ (Bron)",
    ]
    assert [r.target_exists for r in rels(pp, "direct")] == [True, False, True, True]
    assert {r.source for r in rels(pp, "direct")} == {SPECIAL}
    assert [(r.source, r.target) for r in rels(pp, "derived")] == [
        ("Privacy & Regie (Thema)", SPECIAL)
    ]
    assert section_text(pp, "Toelichting") == "Zie het overzicht en het dossier."


def _redirected(pp: ParsedPage) -> None:
    assert [r.target for r in pp.relations] == ["Toegang", "Authenticatie"]


def _fragment(pp: ParsedPage) -> None:
    assert (
        section_text(pp, "Toelichting")
        == "Burgers merken niet welke organisatie achter een dienst zit."
    )
    assert [r.target for r in pp.relations] == ["Dienstverlening", "Digikoppeling"]
    # a self link means the page itself, whose title a fragment takes from its file name
    assert {r.source for r in pp.relations} == {"fragment-api-parse"}


def _overview(pp: ParsedPage) -> None:
    first = section_text(pp, "").split("\n")
    assert first[0] == "Deze pagina toont alle architectuurprincipes van NORA."
    assert "Principe Stelling" in first
    assert "NAP01 Proactief De overheid komt zelf in actie." in first
    assert "IMP12 Bied inzage in gegevens NAP07 Transparant realiseert" in section_text(
        pp, "Implicaties per principe"
    ).split("\n")


def _cp1252(pp: ParsedPage) -> None:
    assert prop(pp, "Beschrijving").value == (
        "Eén ingang voor alle vragen van burgers en bedrijven, de ‘no wrong door’-gedachte."
    )
    assert section_text(pp, "Geschiedenis") == (
        "Het idee van één loket stamt uit de jaren ’90; "
        "de ‘overheidsloketten 2000’ waren de eerste stap."
    )
    assert "Gecoördineerd vanuit het café-overleg" in prop(pp, "Toelichting").value


def _rich(pp: ParsedPage) -> None:
    assert prop(pp, "Beschrijving").value == (
        "Uitwisseling van berichten tussen partijen\nzonder centrale knoop.\n"
        "Tweede alinea met Digikoppeling."
    )
    assert prop(pp, "Beschrijving").links == ("Digikoppeling",)
    assert prop(pp, "Voorwaarden").value == (
        "Aansluiten op Digikoppeling of de FS-versie\nEen PKIoverheid-certificaat"
    )
    assert prop(pp, "Voorwaarden").links == ("Digikoppeling", "FS:Digikoppeling 3.0")
    assert prop(pp, "Stappen").value == "Aanmelden\nTesten\nProductie"
    ext = prop(pp, "Externe verwijzing")
    assert ext.value == "https://www.logius.nl/domeinen/gegevensuitwisseling\nDocumentatie"
    assert ext.external_links == (
        "https://www.logius.nl/domeinen/gegevensuitwisseling",
        "https://gitdocumentatie.logius.nl/",
    )
    assert ext.links == ()
    assert prop(pp, "Contactpersoon").value == ""
    assert prop(pp, "Beheerorganisatie").value == "Logius, BZK en DICTU"
    assert prop(pp, "Beheerorganisatie").links == (
        "Logius",
        "Ministerie van BZK",
        "Dienst ICT Uitvoering",
    )


def _truncated(pp: ParsedPage) -> None:
    assert [r.target for r in rels(pp, "direct")][:3] == [
        "Stelsel van Basisregistraties",
        "Burgerservicenummer (Begrip)",
        "DigiD",
    ]
    # the last row is cut inside its endpoint link: an empty cell, so no record
    assert [r.relation for r in rels(pp, "direct")] == [
        "Is onderdeel van",
        "Is gerelateerd aan",
        "Is gerelateerd aan",
    ]
    assert (
        section_text(pp, "Toelichting")
        == "De BRP bevat gegevens over ingezetenen en niet-ingezetenen."
    )


def _nothing(pp: ParsedPage) -> None:
    assert pp.properties == () and pp.relations == ()


EXPECT: dict[str, Expect] = {
    "bron-seed-full-page.html": Expect(
        SEED,
        [
            "Beschrijving",
            "Toelichting",
            "Externe verwijzing",
            "Organisatie",
            "Laag binnen vijflaagsmodel",
        ],
        None,
        0,
        "Bron",
        ("Bronnen", "Pagina's met een externe verwijzing"),
        page_id=2803,
        revision_id=41277,
        sections=[],
        historical=False,
        checks=(_seed,),
    ),
    "bron-vector-caption.html": Expect(
        "Digitale Overheid Agenda 2020",
        [
            "ID",
            "Publicatiedatum",
            "Organisatie",
            "Locatie",
            "Externe verwijzing",
            "Interne verwijzing",
            "Beschrijving",
            "Brontype",
            "Dossier",
            "Status actualiteit",
        ],
        5,
        2,
        "Bron",
        ("Bronnen", "Beleid", "Elementen met een externe verwijzing"),
        page_id=3120,
        revision_id=52211,
        sections=[("", 0), ("Toelichting", 2)],
        checks=(_caption,),
    ),
    "begrip-td-labels-no-heading.html": Expect(
        "Afnemer (Begrip)",
        [
            "Elementtype",
            "Beschrijving",
            "Gebruikte synoniem(en)",
            "Heeft bron",
            "Vastgesteld in",
            "Toelichting",
        ],
        2,
        1,
        "Begrip",
        ("Begrippen",),
        sections=[("Gebruik", 2), ("Voorbeelden", 3)],
        checks=(_td_labels,),
    ),
    "begrip-label-colon-lines.html": Expect(
        "Dienst (Begrip)",
        [
            "Elementtype",
            "Beschrijving",
            "Gebruikte synoniem(en)",
            "Heeft bron",
            "Vastgesteld in",
            "Toelichting",
        ],
        2,
        0,
        "Begrip",
        ("Begrippen",),
        page_id=877,
        revision_id=30412,
        sections=[("", 0), ("Achtergrond", 2), ("Bron van", 2)],
        historical=False,
        checks=(_colon_lines,),
    ),
    "afgeleid-principe-old-skin.html": Expect(
        "AP01 Proactief",
        ["ID", "Stelling", "Rationale", "Implicaties"],
        4,
        0,
        "Afgeleid principe",
        ("Afgeleide principes", "Historie"),
        page_id=412,
        revision_id=18821,
        sections=[("", 0), ("Grondslag", 2), ("Toelichting", 2)],
        historical=True,
        checks=(_old_skin,),
    ),
    "basisprincipe-historie-mw130.html": Expect(
        "BP03 Gebundeld",
        ["ID", "Stelling", "Rationale", "Implicaties"],
        2,
        0,
        "Basisprincipe",
        ("Basisprincipes", "Historie"),
        page_id=388,
        revision_id=27390,
        sections=[("", 0), ("Onderliggende principes", 2), ("Profielen", 2)],
        historical=True,
        checks=(_mw130,),
    ),
    "doel-2020-infobox.html": Expect(
        "Transparant (Doel)",
        ["Elementtype", "ID", "Status", "Bron"],
        1,
        0,
        "Doel",
        ("Doelen 2020",),
        sections=[("", 0), ("Toelichting", 2)],
        checks=(_infobox,),
    ),
    "kwaliteitsdoel-mw143-headings.html": Expect(
        "Toegankelijk (Doel)",
        ["ID", "Beschrijving", "Kernwaarde", "Status"],
        2,
        3,
        "Kwaliteitsdoel",
        ("Kwaliteitsdoelen", "Pagina's met SMW-fouten"),
        page_id=5121,
        revision_id=71102,
        sections=[("", 0), ("Toelichting", 2), ("Voor burgers", 3)],
        checks=(_mw143,),
    ),
    "architectuurprincipe-smw-tooltips.html": Expect(
        "NAP09 Informatie is betrouwbaar",
        ["Elementtype", "ID", "Stelling", "Status"],
        1,
        0,
        "Architectuurprincipe",
        ("Architectuurprincipes",),
        sections=[("", 0), ("Toelichting", 2), ("Voorbeelden", 2)],
        checks=(_tooltips,),
    ),
    "begrip-lingo-glossary.html": Expect(
        "Burgerservicenummer (Begrip)",
        ["Elementtype", "Beschrijving", "Heeft bron"],
        0,
        0,
        "Begrip",
        ("Begrippen",),
        sections=[("Gebruik", 2)],
        checks=(_lingo,),
    ),
    "implicatie-toc-sections.html": Expect(
        "IMP12 Bied inzage in gegevens",
        ["ID", "Beschrijving", "Implicatie van"],
        0,
        0,
        "Implicatie",
        ("Implicaties",),
        sections=[
            ("", 0),
            ("Uitwerking", 2),
            ("Voor organisaties", 3),
            ("Gemeenten", 4),
            ("Leeg", 3),
            ("Begrippen", 2),
        ],
        checks=(_sections,),
    ),
    "standaard-relations-br.html": Expect(
        "Digikoppeling",
        ["Elementtype", "Beschrijving", "Beheerorganisatie", "Status"],
        6,
        2,
        "Standaard",
        ("Standaarden", "Verplichte standaarden", "Standaarden met relaties"),
        sections=[("", 0)],
        checks=(_br,),
    ),
    "relations-empty.html": Expect(
        "Dienstverlening",
        ["Elementtype", "Beschrijving"],
        0,
        0,
        "Domein",
        ("Domeinen",),
        sections=[],
    ),
    "fs-standaard-namespace.html": Expect(
        "FS:Digikoppeling 3.0",
        ["Type", "Beschrijving", "Lijst"],
        3,
        0,
        "FS-Standaard",
        ("FS-Standaarden",),
        namespace=3000,
        page_id=6011,
        revision_id=72002,
        sections=[],
        checks=(_fs,),
    ),
    "title-special-chars.html": Expect(
        SPECIAL,
        ["Elementtype", "Beschrijving", "Heeft bron", "Gebruikte synoniem(en)"],
        4,
        1,
        "Begrip",
        ("Begrippen", "Privacy & Regie"),
        sections=[("Toelichting", 2)],
        checks=(_special,),
    ),
    "redirected-page.html": Expect(
        "DigiD",
        ["Elementtype", "Beschrijving", "Beheerorganisatie"],
        2,
        0,
        "Bouwsteen",
        ("Bouwstenen",),
        redirected_from="DigiD-toegang",
        sections=[],
        checks=(_redirected,),
    ),
    "redirect-page-itself.html": Expect(
        "Basisprincipes",
        [],
        0,
        0,
        "",
        ("Historie",),
        page_id=390,
        is_redirect=True,
    ),
    "fragment-api-parse.html": Expect(
        "fragment-api-parse",
        ["Elementtype", "Beschrijving"],
        2,
        0,
        "Thema",
        (),
        page_id=None,
        revision_id=None,
        sections=[("Toelichting", 2)],
        checks=(_fragment,),
    ),
    "overview-smw-query-table.html": Expect(
        "Architectuurprincipes",
        [],
        0,
        0,
        "",
        ("Overzichtspagina's",),
        sections=[("", 0), ("Implicaties per principe", 2)],
        checks=(_overview,),
    ),
    "windows-1252-old-page.html": Expect(
        "Eén loket ‘Overheid’ (Begrip)",
        ["Elementtype", "Beschrijving", "Toelichting"],
        0,
        0,
        "Begrip",
        ("Begrippen", "Historie"),
        page_id=655,
        sections=[("Geschiedenis", 2)],
        checks=(_cp1252,),
    ),
    "bouwsteen-rich-values.html": Expect(
        "Federatieve berichtenuitwisseling",
        [
            "Elementtype",
            "Beschrijving",
            "Voorwaarden",
            "Stappen",
            "Externe verwijzing",
            "Contactpersoon",
            "Beheerorganisatie",
            "Laag binnen vijflaagsmodel",
        ],
        1,
        0,
        "Bouwsteen",
        ("Bouwstenen",),
        sections=[],
        checks=(_rich,),
    ),
    "damaged-truncated-mid-table.html": Expect(
        "Basisregistratie Personen",
        ["Elementtype", "Beschrijving", "Beheerorganisatie"],
        None,
        0,
        "Bouwsteen",
        ("Bouwstenen", "Basisregistraties"),
        page_id=150,
        sections=[("Toelichting", 2)],
        warnings="truncated",
        checks=(_truncated,),
    ),
    "damaged-not-html-json.html": Expect(
        "damaged-not-html-json",
        [],
        0,
        0,
        "",
        (),
        page_id=None,
        warnings="some",
        checks=(_nothing,),
    ),
    "damaged-binary.html": Expect(
        "damaged-binary",
        [],
        0,
        0,
        "",
        (),
        page_id=None,
        warnings="some",
        sections=[],
        checks=(_nothing,),
    ),
    "damaged-no-content-area.html": Expect(
        "Toegang",
        [],
        0,
        0,
        "",
        ("Bouwstenen",),
        page_id=801,
        revision_id=64002,
        warnings="some",
        checks=(_nothing,),
    ),
    "damaged-empty-file.html": Expect(
        "damaged-empty-file",
        [],
        0,
        0,
        "",
        (),
        page_id=None,
        warnings="some",
        sections=[],
        checks=(_nothing,),
    ),
    # rendered by the real MediaWiki 1.39 test wiki (before it ran SMW); counts read off
    # the HTML: label lines and table rows, links in the Eindpunt(en) cells
    "mw139-begrip-label-colon.html": Expect(
        "Naïeve vertrouwensrelatie",
        ["Elementtype", "Beschrijving", "Gebruikte synoniem(en)", "Heeft bron", "Toelichting"],
        2,
        0,
        "Begrip",
        ("Begrippen",),
        page_id=318,
        revision_id=418,
        sections=[("Toelichting", 2), ("Heeft bron", 2), ("Grondslag", 2)],
        checks=(_mw139_label_colon,),
    ),
    "mw139-doel-infobox.html": Expect(
        "Regie op gegevens (Doel)",
        ["Elementtype", "ID", "Status", "Bron"],
        8,
        10,
        "Kwaliteitsdoel",
        ("Kwaliteitsdoelen",),
        page_id=320,
        revision_id=421,
        sections=[
            ("", 0),
            ("Meer informatie", 2),
            ("Aanpak", 2),
            ("Context", 2),
            ("Aandachtspunten", 3),
        ],
        checks=(_mw139_infobox,),
    ),
    "mw139-element-caption-tooltips.html": Expect(
        "Integrale klantcontact binnen de overheid",
        [
            "ID",
            "Beschrijving",
            "Organisatie",
            "Externe verwijzing",
            "Laag binnen vijflaagsmodel",
            "Status actualiteit",
        ],
        2,
        7,
        "Bouwsteen",
        ("Bouwstenen",),
        page_id=261,
        revision_id=340,
        sections=[("Werking", 2), ("Historie", 3)],
        checks=(_mw139_caption,),
    ),
    "mw139-redirected-page.html": Expect(
        "In- en uitvoer/Koppelvlakken",
        [
            "ID",
            "Toelichting",
            "Organisatie",
            "Externe verwijzing",
            "Laag binnen vijflaagsmodel",
            "Status actualiteit",
        ],
        8,
        6,
        "Bouwsteen",
        ("Bouwstenen",),
        page_id=313,
        revision_id=411,
        redirected_from="DigiD",
        sections=[("", 0), ("Voorbeelden", 2), ("Uitwerking", 2), ("Achtergrond", 2)],
        checks=(_mw139_redirected,),
    ),
}


def _ids(pages: list[Path]) -> list[str]:
    return [p.name for p in pages]


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_matches_golden(page: Path) -> None:
    if page.name in WITHHELD:
        pytest.fail(
            f"{page.name}: golden withheld, parse_page output known wrong: {WITHHELD[page.name]}"
        )
    golden = golden_path(page)
    if not golden.exists():
        pytest.fail(
            f"no golden {golden.name} for {page.name}: run `make golden` and review the diff"
        )
    parsed = parse_fixture(page)
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert to_jsonable_roundtrip(parsed) == expected, f"{page.name} differs from {golden.name}"
    assert render(parsed) == golden.read_text(encoding="utf-8"), (
        f"{golden.name}: same data, other layout"
    )


def to_jsonable_roundtrip(parsed: ParsedPage) -> object:
    """Through JSON so tuples compare equal to the golden's lists."""
    return json.loads(json.dumps(to_jsonable(parsed)))


HAND_CHECKED = [p for p in PAGES if not p.name.startswith(REAL_WIKI_PREFIX)]


@pytest.mark.parametrize("page", HAND_CHECKED, ids=_ids(HAND_CHECKED))
def test_semantics(page: Path) -> None:
    assert page.name in EXPECT, f"{page.name}: add its hand-written expectations to EXPECT"
    want = EXPECT[page.name]
    pp = parse_fixture(page)
    got = pp.page
    assert got.title == want.title
    assert got.namespace == want.namespace
    assert [p.property for p in pp.properties] == want.props
    if want.direct is not None:
        assert len(rels(pp, "direct")) == want.direct
    if want.derived is not None:
        assert len(rels(pp, "derived")) == want.derived
    if want.element_type is not None:
        assert got.element_type == want.element_type
    if want.categories is not None:
        assert got.categories == want.categories
    if want.page_id is not False:
        assert got.page_id == want.page_id
    if want.revision_id is not False:
        assert got.revision_id == want.revision_id
    if want.sections is not None:
        assert [(s.heading, s.level) for s in pp.sections] == want.sections
    if want.warnings == "none":
        assert got.warnings == ()
    elif want.warnings == "some":
        assert got.warnings != ()
    else:
        assert any(want.warnings in w for w in got.warnings), got.warnings
    if want.historical is not None:
        assert got.historical is want.historical
    assert got.redirected_from == want.redirected_from
    assert got.is_redirect is want.is_redirect
    assert got.url == page.name
    for check in want.checks:
        check(pp)


HIDDEN = (
    '//*[contains(concat(" ", normalize-space(@class), " "), " smwttcontent ")'
    ' or contains(concat(" ", normalize-space(@class), " "), " mw-lingo-tooltip ")]'
)


def hidden_definitions(data: bytes) -> list[str]:
    """Tooltip definitions in the raw page, read with plain lxml (not the parser under test)."""
    try:
        root = lxml.html.fromstring(data)
    except (ValueError, lxml.etree.ParserError):
        return []
    found = root.xpath(HIDDEN)
    assert isinstance(found, list)
    return [
        " ".join(el.text_content().split()) for el in found if isinstance(el, lxml.html.HtmlElement)
    ]


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_tooltip_definitions_never_leak(page: Path) -> None:
    hidden = [h for h in hidden_definitions(page.read_bytes()) if len(h) > 8]
    text = all_text(parse_fixture(page))
    assert [h for h in hidden if h in text] == []


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_invariants(page: Path) -> None:
    """What holds for every page, whatever it captures."""
    pp = parse_fixture(page)
    title = pp.page.title
    assert title and "_" not in title
    for rows in (pp.properties, pp.relations, pp.sections):
        assert all(r.title == title for r in rows)
    assert [p.position for p in pp.properties] == list(range(len(pp.properties)))
    assert [s.position for s in pp.sections] == list(range(len(pp.sections)))
    # relation positions run 0.. within each kind (the contract), in page order
    for kind in ("direct", "derived"):
        positions = [r.position for r in pp.relations if r.kind == kind]
        assert positions == list(range(len(positions))), kind
    assert {r.kind for r in pp.relations} <= {"direct", "derived"}
    for text in [p.value for p in pp.properties] + [s.text for s in pp.sections]:
        assert "bewerken]" not in text and "\xa0" not in text and "  " not in text
        assert all(line == line.strip() and line for line in text.split("\n")) or text == ""
        assert not text.endswith("+")
    for name in [r.target for r in pp.relations] + [r.source for r in pp.relations]:
        assert "(de pagina bestaat niet)" not in name and "_" not in name and "%" not in name
    for p in pp.properties:
        assert all(
            "(de pagina bestaat niet)" not in t and not t.startswith("Speciaal:") for t in p.links
        )
    assert not {s.heading for s in pp.sections} & NOT_SECTIONS
    assert all(len(c) > 0 and not c.startswith("Categorie:") for c in pp.page.categories)
    assert len(pp.page.content_sha256) == 64


def test_every_case_has_a_fixture() -> None:
    """EXPECT names no missing file (a renamed fixture must not silently drop its checks)."""
    names = {p.name for p in PAGES}
    assert set(EXPECT) <= names, sorted(set(EXPECT) - names)
    assert len([n for n in names if not n.startswith(REAL_WIKI_PREFIX)]) >= 30


def test_parser_version_moves_with_the_goldens() -> None:
    """Goldens that changed under an unchanged PARSER_VERSION fail here (see golden.LOCK)."""
    lock = read_lock()
    assert lock, f"fixtures/{LOCK} is missing: run make golden"
    assert lock["goldens_sha256"] == goldens_digest(), (
        "the goldens differ from the ones recorded with parser "
        f"{lock['parser_version']}: run make golden (and raise PARSER_VERSION if asked)"
    )
    assert lock["parser_version"] == PARSER_VERSION, (
        f"PARSER_VERSION is {PARSER_VERSION} but the goldens were recorded with "
        f"{lock['parser_version']}: run make golden"
    )
