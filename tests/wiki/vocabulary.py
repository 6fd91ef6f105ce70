"""Words, labels and element types the generator draws from (NORA-PAGES.md labels)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

ADJECTIVES = (
    "Digitale", "Generieke", "Landelijke", "Gemeentelijke", "Federatieve", "Veilige",
    "Open", "Gedeelde", "Centrale", "Decentrale", "Betrouwbare", "Eenduidige", "Integrale",
    "Proactieve", "Duurzame", "Transparante",
)  # fmt: skip

NOUNS = (
    "identiteit", "toegang", "gegevensuitwisseling", "basisregistratie", "dienstverlening",
    "informatiebeveiliging", "archivering", "berichtenverkeer", "interoperabiliteit",
    "authenticatie", "autorisatie", "machtiging", "logging", "koppelvlakken", "servicebus",
    "registratie", "publicatie", "standaardisatie", "toegankelijkheid", "samenwerking",
    "ketenregie", "procesinrichting", "klantcontact", "notificatie", "metadata",
    "doelbinding", "dataminimalisatie", "herbruikbaarheid", "beschikbaarheid", "integriteit",
    "vertrouwelijkheid", "zaakafhandeling", "terugmelding", "gegevenskwaliteit",
)  # fmt: skip

QUALIFIERS = (
    "voor burgers", "voor bedrijven", "in de keten", "bij gemeenten", "binnen de overheid",
    "via internet", "op basis van standaarden", "met eHerkenning", "met DigiD",
    "in het sociaal domein", "voor de Omgevingswet", "bij uitvoeringsorganisaties",
)  # fmt: skip

FILLER = (
    "overheid", "burger", "dienst", "gegevens", "architectuur", "afspraak", "standaard",
    "keten", "register", "informatie", "beveiliging", "privacy", "uitwisseling", "toegang",
    "samenwerking", "transparant", "betrouwbaar", "ontwikkeling", "verwerking", "digitale",
    "organisatie", "voorziening", "proces", "inzicht", "verantwoording", "kwaliteit",
)  # fmt: skip

TERMS = (
    ("afnemer", "De persoon of organisatie die een dienst of product afneemt."),
    ("basisregistratie", "Een door de overheid officieel aangewezen registratie."),
    ("bouwsteen", "Een herbruikbare voorziening die overheden gezamenlijk gebruiken."),
    ("dienstverlener", "De organisatie die een dienst levert aan een afnemer."),
    ("keten", "Een samenwerkingsverband van organisaties rond een gemeenschappelijk doel."),
    ("metagegevens", "Gegevens die andere gegevens beschrijven."),
    ("vijflaagsmodel", "Een model dat de architectuur in vijf lagen beschrijft."),
)  # fmt: skip

ORGANISATIONS = ("BZK", "VNG", "Logius", "ICTU", "Forum Standaardisatie", "RvIG", "KOOP")
LAYERS = ("Grondslagenlaag", "Organisatorische laag", "Informatielaag", "Applicatielaag",
          "Netwerklaag")  # fmt: skip
PEOPLE = ("Anne de Vries", "Mohammed El Amrani", "Sanne Jansen", "Pieter van Dijk")
STANDARDS = ("Digikoppeling", "StUF", "NLGov REST API", "Digimelding", "OIN", "SAML",
             "Zaak- en documentservices", "Berichtenbox", "PKIoverheid", "DCAT-AP")  # fmt: skip
HEADINGS = ("Toelichting", "Achtergrond", "Uitwerking", "Voorbeelden", "Meer informatie",
            "Context", "Aanpak", "Werking", "Rol in de keten")  # fmt: skip
SUBHEADINGS = ("Details", "Aandachtspunten", "Praktijk", "Historie")

RELATIONS = ("Is relevant binnen", "Is gerelateerd aan", "realiseert", "Is beinvloed door",
             "Heeft bron", "Vastgesteld in", "groepeert", "is onderdeel van", "Breder",
             "Bron van")  # fmt: skip
LIST_RELATIONS = ("Is gerelateerd aan", "Breder", "Heeft bron", "is onderdeel van")

GENERIC_LABELS = ("ID", "Beschrijving", "Toelichting", "Organisatie", "Externe verwijzing",
                  "Laag binnen vijflaagsmodel", "Status actualiteit")  # fmt: skip

# element type -> (weight, category, property labels, one-line definition of the type)
TYPES: dict[str, tuple[int, str, tuple[str, ...], str]] = {
    "Bouwsteen": (14, "Bouwstenen", GENERIC_LABELS,
                  "Een voorziening die overheden gezamenlijk gebruiken."),
    "Standaard": (10, "Standaarden", ("ID", "Beschrijving", "Organisatie", "Externe verwijzing",
                                      "Status actualiteit", "Toelichting"),
                  "Een afspraak over de manier waarop gegevens worden uitgewisseld."),
    "Begrip": (16, "Begrippen", ("Elementtype", "Beschrijving", "Gebruikte synoniem(en)",
                                 "Heeft bron", "Vastgesteld in", "Toelichting"),
               "Een term met een vastgestelde betekenis."),
    "Bron": (12, "Bronnen", ("ID", "Publicatiedatum", "Organisatie", "Locatie",
                             "Externe verwijzing", "Interne verwijzing", "Beschrijving",
                             "Brontype", "Dossier", "Toelichting", "Laag binnen vijflaagsmodel",
                             "Contactpersoon", "Status actualiteit", "Status toelichting"),
             "Een document of publicatie waarop de architectuur steunt."),
    "Beleidskader": (5, "Beleidskaders", GENERIC_LABELS, "Kaderstellend beleid."),
    "Thema": (4, "Thema's", GENERIC_LABELS, "Een onderwerp dat meerdere domeinen raakt."),
    "Domein": (3, "Domeinen", GENERIC_LABELS, "Een afgebakend deel van de overheid."),
    "Generieke Functie": (5, "Generieke functies", GENERIC_LABELS,
                          "Een functie die elke overheidsorganisatie nodig heeft."),
    "Afspraak": (6, "Afspraken", GENERIC_LABELS, "Een afspraak tussen overheden."),
    "Kernwaarde": (2, "Kernwaarden", ("ID", "Beschrijving", "Toelichting"),
                   "Een waarde waarop de overheid wordt aangesproken."),
    "Kwaliteitsdoel": (4, "Kwaliteitsdoelen", ("ID", "Beschrijving", "Toelichting"),
                       "Een doel voor de kwaliteit van dienstverlening."),
    "Architectuurprincipe": (3, "Architectuurprincipes", ("ID", "Stelling", "Rationale",
                                                          "Implicaties"),
                             "Een richtinggevende uitspraak over de inrichting."),
    "Implicatie": (5, "Implicaties", ("ID", "Beschrijving", "Toelichting"),
                   "Een gevolg van een architectuurprincipe."),
    "Basisprincipe": (2, "Basisprincipes", ("ID", "Stelling", "Rationale", "Implicaties"),
                      "Een historisch basisprincipe van de NORA."),
    "Afgeleid principe": (3, "Afgeleide principes", ("ID", "Stelling", "Rationale",
                                                     "Implicaties"),
                          "Een historisch afgeleid principe van de NORA."),
}  # fmt: skip
HISTORICAL = ("Basisprincipe", "Afgeleid principe")
ID_PREFIX = {"Architectuurprincipe": "NAP", "Basisprincipe": "BP", "Afgeleid principe": "AP",
             "Implicatie": "IMP", "Kwaliteitsdoel": "KD", "Kernwaarde": "KW"}  # fmt: skip
ID_LIMIT = {"Architectuurprincipe": 17, "Basisprincipe": 10}

# --- Semantic MediaWiki -------------------------------------------------------------------

# property label (as the Eigenschappen block shows it) -> (SMW property, SMW type). Every
# value of these labels is "SMW-simple" (plain text, page links, a date, a URL), so SMW
# renders it exactly as the hand-written tables do. Labels not listed (Toelichting,
# Rationale, Implicaties, ...) have no SMW property: their values may be rich.
SMW_PROPERTIES: dict[str, tuple[str, str]] = {
    "ID": ("Heeft ID", "Tekst"),
    "Elementtype": ("Elementtype", "Tekst"),
    "Beschrijving": ("Heeft beschrijving", "Tekst"),
    "Stelling": ("Stelling", "Tekst"),
    "Organisatie": ("Organisatie", "Pagina"),
    "Publicatiedatum": ("Publicatiedatum", "Datum"),
    "Externe verwijzing": ("Externe verwijzing", "URL"),
    "Locatie": ("Locatie", "URL"),
    "Heeft bron": ("Heeft bron", "Pagina"),
    "Vastgesteld in": ("Vastgesteld in", "Pagina"),
    "Interne verwijzing": ("Interne verwijzing", "Pagina"),
    "Dossier": ("Dossier", "Pagina"),
    "Laag binnen vijflaagsmodel": ("Laag", "Pagina"),
    "Status actualiteit": ("Status actualiteit", "Tekst"),
    "Contactpersoon": ("Contactpersoon", "Tekst"),
    "Brontype": ("Brontype", "Tekst"),
}  # fmt: skip
# relationships are subobjects with these three properties (the knowledge model's
# relation objects); Afgeleide relaties are inverse queries over them
REL_SOURCE, REL_NAME, REL_TARGET = "Vertrekpunt", "Relatie", "Eindpunt"
REL_PROPERTIES = {REL_SOURCE: "Pagina", REL_NAME: "Tekst", REL_TARGET: "Pagina"}
# property descriptions: SMW shows them as tooltips (span.smw-highlighter) in query headers
PROPERTY_DESCRIPTIONS = {
    "Heeft ID": "De unieke code van het element.",
    "Heeft beschrijving": "Een korte beschrijving van het element.",
    REL_TARGET: "Het element waarnaar de relatie verwijst.",
    REL_SOURCE: "Het element waar de relatie begint.",
}

# glossary terms (Lingo marks them wherever they appear in the text, outside links):
# "page" terms come from Lingo's own page (Terminologie), "sg" terms from SemanticGlossary
# pages; SemanticGlossary never marks multi-word terms, so those are on the page
GLOSSARY: tuple[tuple[str, str, str], ...] = (
    ("afnemer", TERMS[0][1], "sg"),
    ("dienstverlener", TERMS[3][1], "sg"),
    ("metagegevens", TERMS[5][1], "sg"),
    ("onderdeel", "Een deel van een groter geheel.", "sg"),
    ("keten", TERMS[4][1], "page"),
    ("vijflaagsmodel", TERMS[6][1], "page"),
    ("digitale voorziening", "Een voorziening die digitaal wordt aangeboden.", "page"),
)  # fmt: skip
LINGO_PAGE = "Terminologie"
GLOSSARY_PAGE_PREFIX = "Begrippenlijst/"

# --- label sets: the same pages and SMW data under another wiki's words -------------------


@dataclass(frozen=True)
class LabelSet:
    """The words a wiki's templates show (WIKI_LABELS picks one): block headings,
    relation table headers, property labels, element types. SMW's data stays the same:
    property and relation-object names never change, only what the page calls them.

    ``labels``: NORA label -> shown label on every page; ``type_labels``: (element type
    as shown, NORA label) -> shown label, winning over ``labels`` (one SMW property
    under two labels on two element types). ``element_types``: NORA's type -> shown,
    ``relations``: relation names renamed (GEMMA's older relation lists know other
    verbs). ``historical``: the "Historie van de NORA" banner is shown.
    """

    name: str
    properties: str = "Eigenschappen"
    direct: str = "Relaties"
    derived: str = "Afgeleide relaties"
    header: tuple[str, str, str] = ("Vertrekpunt", "Relatie", "Eindpunten")
    derived_target: str = "Eindpunt"
    labels: Mapping[str, str] = field(default_factory=dict)
    type_labels: Mapping[tuple[str, str], str] = field(default_factory=dict)
    element_types: Mapping[str, str] = field(default_factory=dict)
    relations: Mapping[str, str] = field(default_factory=dict)
    historical: bool = True

    def label(self, element_type: str, label: str) -> str:
        """What a page of ``element_type`` (as shown) calls the NORA label ``label``."""
        return self.type_labels.get((element_type, label), self.labels.get(label, label))

    def element_type(self, etype: str) -> str:
        return self.element_types.get(etype, etype)

    @property
    def is_nora(self) -> bool:
        return self.name == "nora"


NORA_LABELS = LabelSet("nora")
# profiles/gemma.toml: NORA's blocks and headers; GEMMA's element types, its "GEMMA type"
# property label, its relation verbs, no history banner
GEMMA_LABELS = LabelSet(
    "gemma",
    labels={"Elementtype": "GEMMA type"},
    element_types={
        "Bouwsteen": "Referentiecomponent", "Standaard": "Standaard", "Begrip": "Bedrijfsobject",
        "Bron": "Product", "Beleidskader": "Beleidskader", "Thema": "Doelgroep",
        "Domein": "Domein", "Generieke Functie": "Bedrijfsfunctie", "Afspraak": "Bedrijfsproces",
        "Kernwaarde": "Kernwaarde", "Kwaliteitsdoel": "Kwaliteitsdoel",
        "Architectuurprincipe": "Architectuurprincipe", "Implicatie": "Implicatie",
        "Basisprincipe": "Applicatiefunctie", "Afgeleid principe": "Applicatieservice",
    },
    relations={"Breder": "Is specialisatie van", "Heeft bron": "Hoort bij"},
    historical=False,
)  # fmt: skip
# profiles/renamed.toml: every heading, header and label renamed; Organisatie is
# "Beheerder" on most element types and "Uitgever" on a Standaard
RENAMED_LABELS = LabelSet(
    "renamed",
    properties="Kenmerken",
    direct="Verbanden",
    derived="Afgeleide verbanden",
    header=("Van", "Soort", "Naar"),
    derived_target="Bestemming",
    labels={
        "ID": "Code", "Elementtype": "Typering", "Beschrijving": "Omschrijving",
        "Toelichting": "Uitleg", "Organisatie": "Beheerder", "Externe verwijzing": "Website",
        "Laag binnen vijflaagsmodel": "Laag", "Status actualiteit": "Actualiteit",
        "Publicatiedatum": "Datum van uitgave", "Locatie": "Vindplaats",
        "Interne verwijzing": "Zie ook", "Brontype": "Soort bron", "Dossier": "Dossiermap",
        "Contactpersoon": "Aanspreekpunt", "Status toelichting": "Uitleg bij de actualiteit",
        "Heeft bron": "Gebaseerd op", "Vastgesteld in": "Besloten in",
        "Gebruikte synoniem(en)": "Ook bekend als", "Stelling": "Uitspraak",
        "Rationale": "Onderbouwing", "Implicaties": "Gevolgen",
    },
    type_labels={("Standaard", "Organisatie"): "Uitgever"},
)  # fmt: skip
LABEL_SETS = {s.name: s for s in (NORA_LABELS, GEMMA_LABELS, RENAMED_LABELS)}
