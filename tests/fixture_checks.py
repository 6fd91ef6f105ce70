"""What each fixture must give beyond its counts: the per-fixture checks of ``EXPECT``.

Each function takes the parsed fixture and asserts what NORA-PAGES.md says of
it (a chosen value, a link, a section's text), independently of the goldens.
``tests.fixture_expect`` names the check(s) of every fixture.
"""

from __future__ import annotations

from parsers import ParsedPage, PropertyRecord, RelationRecord

SEED = "Publicatie ‘Dienstverlening draait om mensen’"
SPECIAL = "Inzage & Correctie/Burger's ‘recht’ op één overzicht (Begrip)"


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
def mw139_label_colon(pp: ParsedPage) -> None:
    assert prop(pp, "Heeft bron").links == ("Publicatie ‘Gemeentelijke doelbinding’",)
    assert prop(pp, "Gebruikte synoniem(en)").value == "inzicht, beveiliging"
    # a relation-named heading over prose, and Grondslag over plain items: body text
    assert section_text(pp, "Heeft bron").startswith("Zie de publicaties van het")
    assert section_text(pp, "Grondslag").split("\n") == [
        "Wet digitale overheid", "Besluit informatiebeveiliging"]  # fmt: skip
    assert {r.relation for r in pp.relations} == {"Is gerelateerd aan"}
    assert {r.source for r in pp.relations} == {pp.page.title}


def mw139_infobox(pp: ParsedPage) -> None:
    assert prop(pp, "Elementtype").value == "Kwaliteitsdoel"
    assert prop(pp, "Bron").links == ("Regie op gegevens 2020",)
    assert {r.target for r in rels(pp, "derived")} == {pp.page.title}
    assert len({(r.source, r.relation) for r in rels(pp, "direct")}) == 3  # three rows
    assert pp.page.historical is False


def mw139_caption(pp: ParsedPage) -> None:
    assert prop(pp, "Status actualiteit").value == "In ontwikkeling"  # no " +" search link
    assert not prop(pp, "Status actualiteit").links
    assert {r.source for r in rels(pp, "direct")} == {pp.page.title}
    assert section_text(pp, "Historie").count("\n") == 4  # five list items, five lines


def mw139_redirected(pp: ParsedPage) -> None:
    assert pp.page.namespace == 0 and "/" in pp.page.title
    assert {r.target for r in rels(pp, "derived")} == {pp.page.title}
    assert all(r.source == pp.page.title for r in rels(pp, "direct"))


def seed(pp: ParsedPage) -> None:
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


def caption(pp: ParsedPage) -> None:
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


def td_labels(pp: ParsedPage) -> None:
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


def colon_lines(pp: ParsedPage) -> None:
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


def old_skin(pp: ParsedPage) -> None:
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


def mw130(pp: ParsedPage) -> None:
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


def infobox(pp: ParsedPage) -> None:
    assert prop(pp, "Bron").links == ("Digitale Overheid Agenda 2020",)
    assert prop(pp, "ID").value == "D2020-07"
    assert section_text(pp, "") == (
        "De overheid is open over wat zij doet en waarom.\n"
        "Burgers kunnen zien welke gegevens over hen zijn vastgelegd."
    )


def mw143(pp: ParsedPage) -> None:
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


def tooltips(pp: ParsedPage) -> None:
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


def lingo(pp: ParsedPage) -> None:
    assert (
        prop(pp, "Beschrijving").value == "Uniek persoonsnummer voor iedere ingezetene in de BRP."
    )
    assert section_text(pp, "Gebruik") == (
        "Het BSN wordt gebruikt door elke overheidsorganisatie en door zorgverleners."
    )
    assert "Persoon die in Nederland woont" not in all_text(pp)
    assert "Organisatie met een publieke taak" not in all_text(pp)


def sections(pp: ParsedPage) -> None:
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


def br(pp: ParsedPage) -> None:
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


def fs(pp: ParsedPage) -> None:
    assert {r.source for r in pp.relations} == {"FS:Digikoppeling 3.0"}
    assert [r.target for r in pp.relations] == [
        "Digikoppeling",
        "FS:Digilevering",
        "FS:eHerkenning",
    ]
    assert [r.target_exists for r in pp.relations] == [True, True, False]
    assert prop(pp, "Beschrijving").links == ("Digikoppeling",)


def special(pp: ParsedPage) -> None:
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


def redirected(pp: ParsedPage) -> None:
    assert [r.target for r in pp.relations] == ["Toegang", "Authenticatie"]


def fragment(pp: ParsedPage) -> None:
    assert (
        section_text(pp, "Toelichting")
        == "Burgers merken niet welke organisatie achter een dienst zit."
    )
    assert [r.target for r in pp.relations] == ["Dienstverlening", "Digikoppeling"]
    # a self link means the page itself, whose title a fragment takes from its file name
    assert {r.source for r in pp.relations} == {"fragment-api-parse"}


def overview(pp: ParsedPage) -> None:
    first = section_text(pp, "").split("\n")
    assert first[0] == "Deze pagina toont alle architectuurprincipes van NORA."
    assert "Principe Stelling" in first
    assert "NAP01 Proactief De overheid komt zelf in actie." in first
    assert "IMP12 Bied inzage in gegevens NAP07 Transparant realiseert" in section_text(
        pp, "Implicaties per principe"
    ).split("\n")


def cp1252(pp: ParsedPage) -> None:
    assert prop(pp, "Beschrijving").value == (
        "Eén ingang voor alle vragen van burgers en bedrijven, de ‘no wrong door’-gedachte."
    )
    assert section_text(pp, "Geschiedenis") == (
        "Het idee van één loket stamt uit de jaren ’90; "
        "de ‘overheidsloketten 2000’ waren de eerste stap."
    )
    assert "Gecoördineerd vanuit het café-overleg" in prop(pp, "Toelichting").value


def rich(pp: ParsedPage) -> None:
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


def truncated(pp: ParsedPage) -> None:
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


def nothing(pp: ParsedPage) -> None:
    assert pp.properties == () and pp.relations == ()
