"""A wiki's profile: the labels, element types and namespaces the parsers key on, as data.

NORA Online and its sister wikis (GEMMA Online, the other NORA-family wikis) run
the same platform - MediaWiki, Semantic MediaWiki, the vendor's templates - but
each names its blocks, properties, relations, element types and namespaces in its
own words. What differs between them is a ``Profile``; what MediaWiki itself
writes (content markers, config keys, edit links, noise classes, heading markup)
is the same on all of them and stays in ``parsers.labels``.

``NORA`` holds NORA Online's values (NORA-PAGES.md) and is the default of
``parse_page``. Another wiki's profile is built from a mapping (a TOML
``[profile]`` table: ``from_mapping``); keys not given keep NORA's values, so a
profile names only what differs. Every label is compared folded (``labels.fold``:
case, whitespace, a trailing colon), so a profile may spell them as the wiki does.

A profile is frozen and pure data: the same profile always parses a page the same
way, and ``sha256`` (of ``canonical``, the profile's values in one stable JSON
text, its name left out) tells in a manifest which labels made a snapshot. The
readers look its values up a few times per table or heading, never per cell.

The TOML keys (all optional but ``name``)::

    name = "gemma"                       # required: recorded in the manifest
    property_labels = ["ID", ...]        # labels that mark a table found without heading
    property_headers = ["Eigenschap", "Waarde"]   # a property table's header row
    not_property_labels = ["NB", ...]    # bold lead-ins that are no "Label:"
    element_type_properties = ["Elementtype"]     # the property holding the element type
    element_types = ["Bouwsteen", ...]   # names of element-type icons
    source_headers = ["Vertrekpunt"]     # relation table columns ...
    relation_headers = ["Relatie"]
    relation_names = ["Is gerelateerd aan", ...]  # headings of the older relation lists
    relation_header_hint = "Vertrekpunt | Relatie | Eindpunt(en)"  # for warnings
    historical_markers = ["Historie van de NORA"]  # body text that marks a historical page
    category_prefixes = ["Categorie:", "Category:"]
    infobox_classes = ["infobox"]

    [profile.blocks]                     # heading/caption label -> the block it opens
    "Eigenschappen" = "properties"
    "Relaties" = "direct"
    "Afgeleide relaties" = "derived"

    [profile.target_headers]             # endpoint column header -> relation kind
    "Eindpunten" = "direct"
    "Eindpunt" = "derived"

    [profile.namespaces]                 # namespace name -> number
    "Categorie" = 14

    [profile.property_map]               # shown label -> SMW property (for the checks);
    "Beheerder" = "Organisatie"          # many labels may name one property, "" none
    "Uitgever" = "Organisatie"

    [profile.type_property_map."Standaard"]   # per element type: wins over property_map
    "Uitgever" = "Organisatie"

The two label maps tell the cross-checks (``output.checks``) which SMW property a
label shows; a crawl config's own ``[property_map]`` wins over both, and labels
neither names are inferred from the data (``output.agreement``).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from parsers.errors import ProfileError
from parsers.labels import DERIVED, DIRECT, PROPERTIES, block_kind, fold, header_forms

BLOCK_KINDS = (PROPERTIES, DIRECT, DERIVED)
RELATION_KINDS = (DIRECT, DERIVED)


def _folded(values: Iterable[str]) -> frozenset[str]:
    return frozenset(fold(value) for value in values)


def _longest_first(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    """Folded (label, kind) pairs, longest label first: "afgeleide relaties" is tried
    before "relaties" would be, whatever order a profile lists them in."""
    folded = {fold(label): kind for label, kind in pairs}
    return tuple(sorted(folded.items(), key=lambda pair: (-len(pair[0]), pair[0])))


@dataclass(frozen=True)
class Profile:
    """One wiki's labels, element types and namespaces (module docstring).

    Label sets hold folded labels; ``element_types`` keeps the wiki's spelling
    (it is what the ``element_type`` column shows). Build one with ``make`` or
    ``from_mapping``, which fold what they are given.
    """

    name: str
    #: (folded label, block kind) a heading, caption or title row starts with, longest first
    blocks: tuple[tuple[str, str], ...]
    #: header cells of a property table's optional header row ("Eigenschap | Waarde")
    property_headers: frozenset[str]
    #: property labels: one in a table's first column marks a property table found
    #: without heading or caption (and a definition list before the first heading)
    property_labels: frozenset[str]
    #: bold lead-ins that start a sentence, not a "Label: value" property
    not_property_labels: frozenset[str]
    #: the property whose value is the page's element type
    element_type_properties: frozenset[str]
    source_headers: frozenset[str]
    relation_headers: frozenset[str]
    #: (folded endpoint header, kind): the plural heads Relaties, the singular the derived
    target_headers: tuple[tuple[str, str], ...]
    #: relation names that, as a heading over a list of links, form the older relation list
    relation_names: frozenset[str]
    #: what a relation-columns warning says was expected
    relation_header_hint: str
    #: element types, as the wiki spells them: an image named after one is the type icon
    element_types: tuple[str, ...]
    #: body text or property values holding one of these mark a historical page
    historical_markers: tuple[str, ...]
    #: (folded namespace name, number): a title's prefix -> its namespace without metadata
    namespaces: tuple[tuple[str, int], ...]
    category_prefixes: tuple[str, ...]
    #: classes of a label/value infobox table beside the content
    infobox_classes: tuple[str, ...]
    #: folded label -> SMW property it shows ("" for none): for the cross-checks
    property_map: Mapping[str, str] = field(default_factory=dict)
    #: folded element type -> (folded label -> SMW property): wins over ``property_map``
    #: on pages of that type (one property shown under another label there)
    type_property_map: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # lookups derived from the values above (not compared, hashed or serialised)
    property_blocks: frozenset[str] = field(init=False, repr=False, compare=False)
    target_kinds: Mapping[str, str] = field(init=False, repr=False, compare=False)
    namespace_numbers: Mapping[str, int] = field(init=False, repr=False, compare=False)
    element_types_by_fold: Mapping[str, str] = field(init=False, repr=False, compare=False)
    #: header form (``labels.header_forms``) -> (role, kind): role "source", "relation" or
    #: "target"; kind the relation kind a target header implies ("" for the others)
    header_roles: Mapping[str, tuple[str, str]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        derived = {
            "property_blocks": frozenset(lb for lb, kind in self.blocks if kind == PROPERTIES),
            "target_kinds": dict(self.target_headers),
            "namespace_numbers": dict(self.namespaces),
            "element_types_by_fold": {fold(t): t for t in self.element_types},
            "header_roles": _header_roles(self),
        }
        for name, value in derived.items():
            object.__setattr__(self, name, value)  # frozen: derived once, here

    def __hash__(self) -> int:  # the label maps are mappings: hash the values' one text
        return hash(self.canonical())

    def block_kind(self, text: str) -> str:
        """``PROPERTIES``, ``DIRECT`` or ``DERIVED`` when ``text`` names a block, else "".

        A text *starting* with a block label (then a space, "(", ":" or nothing)
        names it, so "Eigenschappen van dit element" and "Relaties (2)" do too,
        "Relatiesoorten" not.
        """
        return block_kind(text, self.blocks)

    def smw_property(self, label: str, element_type: str = "") -> str | None:
        """The SMW property ``label`` shows on a page of ``element_type`` by the profile's
        label maps (the type's map first), "" for none, None when neither names it."""
        folded = fold(label)
        by_type = self.type_property_map.get(fold(element_type)) if element_type else None
        if by_type is not None and folded in by_type:
            return by_type[folded]
        return self.property_map.get(folded)

    def canonical(self) -> str:
        """The profile's values as one stable JSON text (sorted keys and sets; its name
        left out: two profiles with the same values are the same profile)."""
        return json.dumps(_values(self), sort_keys=True, ensure_ascii=False, separators=(",", ":"))

    @property
    def sha256(self) -> str:
        """SHA-256 (hex) of ``canonical()``: recorded in the manifest beside the name."""
        return hashlib.sha256(self.canonical().encode("utf-8")).hexdigest()


def _header_roles(profile: Profile) -> dict[str, tuple[str, str]]:
    roles: dict[str, tuple[str, str]] = {}
    for label, kind in profile.target_headers:
        for form in header_forms(label):
            roles[form] = ("target", kind)
    for role, headers in (
        ("relation", profile.relation_headers),
        ("source", profile.source_headers),
    ):
        for label in headers:
            for form in header_forms(label):
                roles[form] = (role, "")
    return roles


def _values(profile: Profile) -> dict[str, Any]:
    maps: dict[str, Any] = {}  # only when given: a profile without them keeps its sha256
    if profile.property_map:
        maps["property_map"] = dict(profile.property_map)
    if profile.type_property_map:
        maps["type_property_map"] = {t: dict(m) for t, m in profile.type_property_map.items()}
    return maps | {
        "blocks": dict(profile.blocks),
        "property_headers": sorted(profile.property_headers),
        "property_labels": sorted(profile.property_labels),
        "not_property_labels": sorted(profile.not_property_labels),
        "element_type_properties": sorted(profile.element_type_properties),
        "source_headers": sorted(profile.source_headers),
        "relation_headers": sorted(profile.relation_headers),
        "target_headers": dict(profile.target_headers),
        "relation_names": sorted(profile.relation_names),
        "relation_header_hint": profile.relation_header_hint,
        "element_types": list(profile.element_types),
        "historical_markers": list(profile.historical_markers),
        "namespaces": dict(profile.namespaces),
        "category_prefixes": list(profile.category_prefixes),
        "infobox_classes": list(profile.infobox_classes),
    }


def make(
    name: str,
    *,
    blocks: Mapping[str, str],
    property_headers: Iterable[str],
    property_labels: Iterable[str],
    not_property_labels: Iterable[str],
    element_type_properties: Iterable[str],
    source_headers: Iterable[str],
    relation_headers: Iterable[str],
    target_headers: Mapping[str, str],
    relation_names: Iterable[str],
    relation_header_hint: str,
    element_types: Iterable[str],
    historical_markers: Iterable[str],
    namespaces: Mapping[str, int],
    category_prefixes: Iterable[str],
    infobox_classes: Iterable[str],
    property_map: Mapping[str, str] | None = None,
    type_property_map: Mapping[str, Mapping[str, str]] | None = None,
) -> Profile:
    """A profile from labels spelled as the wiki spells them (folded here)."""
    return Profile(
        name=name,
        blocks=_longest_first(blocks.items()),
        property_headers=_folded(property_headers),
        property_labels=_folded(property_labels),
        not_property_labels=_folded(not_property_labels),
        element_type_properties=_folded(element_type_properties),
        source_headers=_folded(source_headers),
        relation_headers=_folded(relation_headers),
        target_headers=tuple(sorted((fold(k), v) for k, v in target_headers.items())),
        relation_names=_folded(relation_names),
        relation_header_hint=relation_header_hint,
        element_types=tuple(dict.fromkeys(element_types)),
        historical_markers=tuple(dict.fromkeys(historical_markers)),
        namespaces=tuple(sorted((fold(k), v) for k, v in namespaces.items())),
        category_prefixes=tuple(dict.fromkeys(category_prefixes)),
        infobox_classes=tuple(dict.fromkeys(infobox_classes)),
        property_map=_folded_map(property_map or {}),
        type_property_map={
            fold(etype): _folded_map(labels)
            for etype, labels in sorted((type_property_map or {}).items())
        },
    )


def _folded_map(labels: Mapping[str, str]) -> dict[str, str]:
    return {fold(label): prop.strip() for label, prop in sorted(labels.items())}


NORA = make(
    "nora",
    # longest first is made by ``make``; this order is only for reading
    blocks={
        "Afgeleide relaties": DERIVED,
        "Inkomende relaties": DERIVED,
        "Relaties": DIRECT,
        "Eigenschappen": PROPERTIES,
        "Kenmerken": PROPERTIES,
    },
    property_headers=(
        *("Eigenschap", "Eigenschappen", "Kenmerk", "Kenmerken", "Waarde", "Waarden"),
        "Gegeven",
    ),
    property_labels=(
        *("ID", "Elementtype", "Type", "Beschrijving", "Toelichting", "Stelling", "Rationale"),
        *("Implicaties", "Publicatiedatum", "Organisatie", "Locatie", "Externe verwijzing"),
        *("Interne verwijzing", "Brontype", "Dossier", "Laag binnen vijflaagsmodel"),
        *("Contactpersoon", "Status", "Status actualiteit", "Status toelichting", "Heeft bron"),
        *("Vastgesteld in", "Gebruikte synoniem(en)", "Bron", "Contact", "Eigenaar"),
        *("Versie", "Definitie", "Doel", "Thema", "Domein", "Bronvermelding"),
    ),
    not_property_labels=("NB", "N.B.", "Let op", "Let wel", "Opmerking"),
    element_type_properties=("Elementtype", "Type", "Element type", "Soort element"),
    source_headers=("Vertrekpunt", "Van", "Bron"),
    relation_headers=("Relatie", "Relatietype", "Relatie naam"),
    target_headers={"Eindpunten": DIRECT, "Eindpunt": DERIVED},
    relation_names=(
        *("Is relevant binnen", "Is gerelateerd aan", "Realiseert", "Wordt gerealiseerd door"),
        *("Is beinvloed door", "Is beïnvloed door", "Beïnvloedt", "Heeft bron", "Bron van"),
        *("Vastgesteld in", "Groepeert", "Is onderdeel van", "Breder", "Smaller"),
        *("Implementeert", "Is afgeleid van", "Maakt gebruik van", "Conformeert aan"),
        *("Wordt beheerd door", "Heeft implicatie", "Is implicatie van", "Gerelateerd"),
    ),
    relation_header_hint="Vertrekpunt | Relatie | Eindpunt(en)",
    # NORA-PAGES.md, plus "Doel" of the 2020 infobox pages
    element_types=(
        *("Bouwsteen", "Standaard", "FS-Standaard", "Begrip", "Bron", "Beleidskader", "Thema"),
        *("Domein", "Generieke Functie", "Afspraak", "Kernwaarde", "Kwaliteitsdoel", "Doel"),
        *("Architectuurprincipe", "Implicatie", "Basisprincipe", "Afgeleid principe"),
    ),
    historical_markers=("Historie van de NORA",),
    # Dutch and canonical English names; custom ones (FS, Werkruimte) have no known
    # number and give 0 unless the page metadata says otherwise
    namespaces={
        **{"Media": -2, "Speciaal": -1, "Special": -1, "Overleg": 1, "Talk": 1},
        **{"Gebruiker": 2, "User": 2, "Overleg gebruiker": 3, "User talk": 3},
        **{"Project": 4, "NORA Online": 4, "Overleg project": 5},
        **{"Bestand": 6, "Afbeelding": 6, "File": 6, "Image": 6, "Overleg bestand": 7},
        **{"MediaWiki": 8, "Overleg MediaWiki": 9, "Sjabloon": 10, "Template": 10},
        **{"Overleg sjabloon": 11, "Help": 12, "Overleg help": 13},
        **{"Categorie": 14, "Category": 14, "Overleg categorie": 15},
        **{"Eigenschap": 102, "Property": 102, "Overleg eigenschap": 103},
        **{"Formulier": 106, "Form": 106, "Overleg formulier": 107},
        **{"Concept": 108, "Overleg concept": 109},
    },
    category_prefixes=("Categorie:", "Category:"),
    infobox_classes=("infobox", "toccolours"),
)
"""NORA Online's profile: the default of ``parse_page``."""


# --- from a TOML [profile] table -------------------------------------------------------

_LISTS = (
    "property_headers",
    "property_labels",
    "not_property_labels",
    "element_type_properties",
    "source_headers",
    "relation_headers",
    "relation_names",
    "element_types",
    "historical_markers",
    "category_prefixes",
    "infobox_classes",
)
_TABLES = {"blocks": BLOCK_KINDS, "target_headers": RELATION_KINDS}
_LABEL_MAPS = ("property_map", "type_property_map")
KEYS = ("name", "relation_header_hint", "namespaces", *_TABLES, *_LISTS, *_LABEL_MAPS)
"""Every key a profile mapping may hold."""


def from_mapping(data: Mapping[str, object], base: Profile = NORA) -> Profile:
    """A profile from a TOML ``[profile]`` table; keys not given keep ``base``'s values.

    Raises ``ProfileError`` naming the key for an unknown key, a missing or empty
    ``name``, or a value of the wrong type ("expected a list of strings, found 3").
    """
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise ProfileError(
            unknown[0], f"unknown profile key; expected one of {', '.join(sorted(KEYS))}"
        )
    name = data.get("name")
    if not isinstance(name, str) or not name.strip():
        raise ProfileError("name", f"expected the profile's name (a string), found {name!r}")
    values: dict[str, Any] = _values(base)
    values["name"] = name.strip()
    for key in _LISTS:
        if key in data:
            values[key] = _strings(key, data[key])
    for key, kinds in _TABLES.items():
        if key in data:
            values[key] = _kinds(key, data[key], kinds)
    if "namespaces" in data:
        values["namespaces"] = _numbers("namespaces", data["namespaces"])
    if "property_map" in data:
        values["property_map"] = _label_map("property_map", data["property_map"])
    if "type_property_map" in data:
        values["type_property_map"] = _type_maps(data["type_property_map"])
    if "relation_header_hint" in data:
        hint = data["relation_header_hint"]
        if not isinstance(hint, str) or not hint.strip():
            raise ProfileError("relation_header_hint", f"expected a string, found {hint!r}")
        values["relation_header_hint"] = hint.strip()
    if not values["blocks"]:
        raise ProfileError("blocks", "expected at least one block label, found none")
    name = values.pop("name")
    return make(name, **values)


def _strings(key: str, value: object) -> list[str]:
    if not isinstance(value, list | tuple):
        raise ProfileError(key, f"expected a list of strings, found {value!r}")
    out: list[str] = []
    for item in value:
        if not isinstance(item, str) or not item.strip():
            raise ProfileError(key, f"expected a list of non-empty strings, found {item!r}")
        out.append(item)
    return out


def _kinds(key: str, value: object, kinds: tuple[str, ...]) -> dict[str, str]:
    shown = " | ".join(f'"{kind}"' for kind in kinds)
    if not isinstance(value, Mapping):
        raise ProfileError(key, f"expected a table of label = {shown}, found {value!r}")
    out: dict[str, str] = {}
    for label, kind in value.items():
        if not isinstance(label, str) or not label.strip():
            raise ProfileError(key, f"expected a label, found {label!r}")
        if kind not in kinds:
            raise ProfileError(f"{key}.{label}", f"expected one of {shown}, found {kind!r}")
        out[label] = str(kind)
    return out


def _numbers(key: str, value: object) -> dict[str, int]:
    if not isinstance(value, Mapping):
        raise ProfileError(key, f"expected a table of name = number, found {value!r}")
    out: dict[str, int] = {}
    for name, number in value.items():
        if not isinstance(name, str) or not name.strip():
            raise ProfileError(key, f"expected a namespace name, found {name!r}")
        if isinstance(number, bool) or not isinstance(number, int):
            raise ProfileError(f"{key}.{name}", f"expected a namespace number, found {number!r}")
        out[name] = number
    return out


def _label_map(key: str, value: object) -> dict[str, str]:
    if not isinstance(value, Mapping):
        raise ProfileError(key, f'expected a table of label = "SMW property", found {value!r}')
    out: dict[str, str] = {}
    for label, prop in value.items():
        if not isinstance(label, str) or not label.strip():
            raise ProfileError(key, f"expected a label, found {label!r}")
        if not isinstance(prop, str):
            raise ProfileError(f"{key}.{label}", f"expected an SMW property name, found {prop!r}")
        out[label] = prop
    return out


def _type_maps(value: object) -> dict[str, dict[str, str]]:
    key = "type_property_map"
    if not isinstance(value, Mapping):
        raise ProfileError(key, f"expected a table per element type, found {value!r}")
    out: dict[str, dict[str, str]] = {}
    for etype, labels in value.items():
        if not isinstance(etype, str) or not etype.strip():
            raise ProfileError(key, f"expected an element type, found {etype!r}")
        out[etype] = _label_map(f"{key}.{etype}", labels)
    return out
