"""A wiki's profile voted from its pages: alignments in, profile entries and TOML out.

``parsers.alignment`` says, page by page, where SMW's data is shown and under which
labels. Here the sample votes: each label is an entry (a block heading and the block
it opens, a property label and the SMW property it shows, a relation column header,
a relation name heading a list) supported by the pages that show it. An entry is kept
when at least ``min_pages`` pages and ``min_share`` of the pages showing that kind of
data support it; the rest are listed as uncertain, never written. A label voted for
two meanings (a heading over both direct and derived rows) keeps the one most pages
support. Relation names are SMW's own values, not guessed: every one the sample shows
is kept (a list headed by a relation's name is read only for names the profile knows),
unless the sample shows it heading something else (prose, other links) on more pages
than it heads its relation's targets.

Element types: the labels beside SMW's element-type property become
``element_type_properties``; SMW's type values, and the pages' icon names when the
sample shows icons named after their page's type, become ``element_types``.

A column header is one role: voted as the source column on some pages and the target
column on others, it keeps the role most pages support.

A label may name one SMW property on one element type and another elsewhere: the
commonest reading goes to ``property_map`` and a different one on an element type to
``type_property_map`` for that type. ``profile_toml`` writes the profile as the
``[profile]`` table ``--profile`` reads, each entry with its support ("23 of 25
pages"); ``load_profile`` reads it back.

``coverage`` is the before/after measure: of what a page shows of SMW's data (the
sightings), how much a parse finds.
"""

from __future__ import annotations

import json
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from parsers import profile as profiles
from parsers.alignment import PageAlignment, value_forms
from parsers.errors import ProfileError
from parsers.labels import PROPERTIES, fold
from parsers.problems import query_limited
from parsers.records import FactRecord, ParsedPage

#: entries need this many supporting pages ...
MIN_PAGES = 2
#: ... and this share of the pages showing that kind of data
MIN_SHARE = 0.1


@dataclass(frozen=True, slots=True)
class Entry:
    """One voted profile entry: ``key`` (a profile key), its label and what it maps to."""

    key: str  # "blocks", "property_map", "source_headers", ...
    label: str
    value: str  # the block kind, SMW property or relation kind; "" for plain lists
    support: int  # pages showing it
    of: int  # pages showing that kind of data
    element_type: str = ""  # for type_property_map

    @property
    def support_text(self) -> str:
        return f"{self.support} of {self.of} pages"


@dataclass(frozen=True, slots=True)
class Calibration:
    """What the sample voted: the entries kept and those left out."""

    pages: int
    kept: tuple[Entry, ...]
    uncertain: tuple[Entry, ...]
    header_hint: str = ""
    notes: tuple[str, ...] = field(default=())

    def entries(self, key: str) -> list[Entry]:
        return [e for e in self.kept if e.key == key]


class _Ballot:
    """Pages voting for (key, label, value[, element type]) within one kind of data."""

    def __init__(self) -> None:
        self.votes: dict[str, dict[tuple[str, str, str], set[str]]] = defaultdict(
            lambda: defaultdict(set)
        )
        self.voters: dict[str, set[str]] = defaultdict(set)

    def vote(self, group: str, key: str, label: str, value: str, page: str) -> None:
        if label.strip():
            self.votes[group][(key, " ".join(label.split()), value)].add(page)
        self.voters[group].add(page)


def vote(
    alignments: Sequence[PageAlignment],
    min_pages: int = MIN_PAGES,
    min_share: float = MIN_SHARE,
) -> Calibration:
    """The profile entries the sample supports (module docstring)."""
    ballot = _Ballot()
    per_type: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for page in alignments:
        title = page.title
        for seen in page.values:
            ballot.vote("properties", "blocks", seen.heading, PROPERTIES, title)
            # a label's support is counted among the pages showing its property
            ballot.vote(f"property {seen.property}", "property_map", seen.label,
                        seen.property, title)  # fmt: skip
            if seen.label:
                per_type[(page.element_type, fold(seen.label))][seen.property] += 1
        for rel in page.relations:
            ballot.vote(rel.kind, "blocks", rel.heading, rel.kind, title)
            ballot.vote("headers", "source_headers", rel.source_header, "", title)
            ballot.vote("headers", "relation_headers", rel.relation_header, "", title)
            ballot.vote("headers", "target_headers", rel.target_header, rel.kind, title)
            # every relation name SMW holds may head a list of its targets somewhere
            ballot.vote("names", "relation_names", rel.name, "", title)
    kept: list[Entry] = []
    uncertain: list[Entry] = []
    for group, votes in ballot.votes.items():
        of = len(ballot.voters[group])
        for (key, label, value), pages in votes.items():
            entry = Entry(key, label, value, len(pages), of)
            ok = key == "relation_names" or (
                entry.support >= min_pages and entry.support >= min_share * of
            )
            (kept if ok else uncertain).append(entry)
    kept, lost = _one_meaning(kept)
    uncertain += lost
    kept, lost = _names_heading_their_lists(alignments, kept)
    uncertain += lost
    kept += _type_entries(kept, per_type)
    kept += _element_type_entries(alignments, kept)
    order = lambda e: (e.key, -e.support, e.label, e.value)  # noqa: E731
    return Calibration(
        len(alignments),
        tuple(sorted(kept, key=order)),
        tuple(sorted(uncertain, key=order)),
        _hint(kept),
    )


#: the relation table's column roles: a header names one of them
HEADER_KEYS = ("source_headers", "relation_headers", "target_headers")


def _one_meaning(entries: list[Entry]) -> tuple[list[Entry], list[Entry]]:
    """A label keyed twice with different values keeps the best supported one.

    Property labels are kept per label (the commonest property); block headings and
    target headers likewise per label (their kind). A column header is one role: a
    label voted as the source column on some pages and the target column on others
    keeps the role most pages support (the parser reads a header as one role)."""
    best: dict[tuple[str, str], Entry] = {}
    for entry in entries:
        slot = _slot(entry)
        known = best.get(slot)
        if known is None or (entry.support, entry.of) > (known.support, known.of):
            best[slot] = entry
    kept = [e for e in entries if best[_slot(e)] is e]
    return kept, [e for e in entries if e not in kept]


def _names_heading_their_lists(
    alignments: Sequence[PageAlignment], entries: list[Entry]
) -> tuple[list[Entry], list[Entry]]:
    """Relation names, less those the sample shows heading something else.

    A relation name in the profile makes a heading of that name, outside any block,
    over a list of links a relation list. A name that heads body text or another list
    on more sampled pages than it heads its relation's targets (a section "Hoort bij"
    of prose and links) would turn those into relations: it is left out."""
    heads_list: dict[str, set[str]] = defaultdict(set)
    for page in alignments:
        for rel in page.relations:
            if rel.relation_name:
                heads_list[fold(rel.relation_name)].add(page.title)
    heads_other: dict[str, set[str]] = defaultdict(set)
    for page in alignments:
        for heading in page.headings:
            if page.title not in heads_list[fold(heading)]:
                heads_other[fold(heading)].add(page.title)
    lost = [
        e
        for e in entries
        if e.key == "relation_names"
        and len(heads_other[fold(e.label)]) > len(heads_list[fold(e.label)])
    ]
    return [e for e in entries if e not in lost], lost


def _slot(entry: Entry) -> tuple[str, str]:
    return ("headers" if entry.key in HEADER_KEYS else entry.key), fold(entry.label)


def _type_entries(
    kept: list[Entry], per_type: Mapping[tuple[str, str], Counter[str]]
) -> list[Entry]:
    """A label whose commonest property on an element type differs from its global one."""
    overall = {fold(e.label): e for e in kept if e.key == "property_map"}
    out: list[Entry] = []
    for (element_type, label), counts in sorted(per_type.items()):
        entry = overall.get(label)
        if entry is None or not element_type:
            continue
        prop, support = counts.most_common(1)[0]
        if prop != entry.value and support >= MIN_PAGES:
            total = sum(counts.values())
            out.append(Entry("type_property_map", entry.label, prop, support, total, element_type))
    return out


def _element_type_entries(alignments: Sequence[PageAlignment], kept: list[Entry]) -> list[Entry]:
    """How a page names its element type: the labels shown beside SMW's element-type
    property (``element_type_properties``), and the element types themselves: SMW's
    values, and the names of the pages' icons when the sample shows that an icon is
    named after its page's type (on most pages whose SMW data holds the type, and on
    at least ``MIN_PAGES``). Every icon is then a type, as every relation name is a name."""
    properties = {a.type_property for a in alignments if a.type_property}
    out = [
        Entry("element_type_properties", e.label, "", e.support, e.of)
        for e in kept
        if e.key == "property_map" and e.value in properties
    ]
    typed = [a for a in alignments if a.smw_type and a.icon]
    named = sum(fold(a.icon) == fold(a.smw_type) for a in typed)
    icons = named >= MIN_PAGES and 2 * named > len(typed)
    pages: dict[str, set[str]] = defaultdict(set)
    for page in alignments:
        for name in (page.smw_type, page.icon if icons else ""):
            if name:
                pages[name].add(page.title)
    of = len({title for titles in pages.values() for title in titles})
    out += [Entry("element_types", name, "", len(titles), of) for name, titles in pages.items()]
    return out


def _hint(kept: Iterable[Entry]) -> str:
    best: dict[str, Entry] = {}
    for entry in kept:
        if entry.key in ("source_headers", "relation_headers", "target_headers") and (
            entry.key not in best or entry.support > best[entry.key].support
        ):
            best[entry.key] = entry
    parts = [best[k].label for k in ("source_headers", "relation_headers", "target_headers")
             if k in best]  # fmt: skip
    return " | ".join(parts)


# -- the TOML -------------------------------------------------------------------------


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a TOML basic string


def profile_toml(calibration: Calibration, name: str = "calibrated", origin: str = "") -> str:
    """The ``[profile]`` table of the voted entries, each with its support; the
    uncertain ones listed in comments (left out)."""
    lines = [
        f"# written by nora calibrate{': ' + origin if origin else ''}",
        f"# {calibration.pages} pages sampled; an entry is kept when at least {MIN_PAGES}"
        f" pages and {MIN_SHARE:.0%} of the pages showing its kind of data support it;",
        "# relation names are SMW's own values: every one the sample shows is kept.",
        "# Keys not given keep NORA Online's values (parsers/profile.py).",
        "",
        "[profile]",
        f"name = {_quoted(name)}",
    ]
    for key in ("property_labels", "element_type_properties", "element_types",
                "source_headers", "relation_headers", "relation_names"):  # fmt: skip
        source = "property_map" if key == "property_labels" else key
        entries = _unique(calibration.entries(source))
        if not entries:
            continue
        lines.append(f"{key} = [")
        lines += [f"    {_quoted(e.label)},  # {e.support_text}" for e in entries]
        lines.append("]")
    if calibration.header_hint:
        lines.append(f"relation_header_hint = {_quoted(calibration.header_hint)}")
    for key in ("blocks", "target_headers", "property_map"):
        entries = calibration.entries(key)
        if entries:
            lines += ["", f"[profile.{key}]"]
            lines += [
                f"{_quoted(e.label)} = {_quoted(e.value)}  # {e.support_text}" for e in entries
            ]
    by_type: dict[str, list[Entry]] = defaultdict(list)
    for entry in calibration.entries("type_property_map"):
        by_type[entry.element_type].append(entry)
    for element_type, entries in sorted(by_type.items()):
        lines += ["", f"[profile.type_property_map.{_quoted(element_type)}]"]
        lines += [f"{_quoted(e.label)} = {_quoted(e.value)}  # {e.support_text}" for e in entries]
    if calibration.uncertain:
        lines += ["", "# Uncertain (under the threshold, left out):"]
        lines += [f"#   {line}" for line in uncertain_lines(calibration)]
    return "\n".join(lines) + "\n"


def _unique(entries: Iterable[Entry]) -> list[Entry]:
    seen: dict[str, Entry] = {}
    for entry in entries:
        seen.setdefault(fold(entry.label), entry)
    return list(seen.values())


def uncertain_lines(calibration: Calibration) -> list[str]:
    out = []
    for e in calibration.uncertain:
        meaning = f" = {e.value}" if e.value else ""
        out.append(f"{e.key}: {e.label!r}{meaning}: {e.support_text}")
    return out


def load_profile(text: str) -> profiles.Profile:
    """The profile of a TOML text as ``--profile`` reads it, its label maps included."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ProfileError("profile", f"expected TOML, found: {error}") from None
    table = data.get("profile")
    if not isinstance(table, dict):
        raise ProfileError("profile", "expected a [profile] table, found none")
    return profiles.from_mapping(table)


def property_map_of(text: str) -> dict[str, str]:
    """``[profile.property_map]`` of a TOML text (label -> SMW property)."""
    table = tomllib.loads(text).get("profile", {})
    found = table.get("property_map", {}) if isinstance(table, dict) else {}
    return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else {}


# -- before / after -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Coverage:
    """How much of what a page shows of SMW's data a parse finds."""

    values: int
    values_found: int
    relations: int
    relations_found: int
    missed: tuple[str, ...]
    #: indexes (in the alignment's relations) left out: behind a reached query limit
    excused: frozenset[int] = frozenset()


def coverage(
    parsed: ParsedPage,
    alignment: PageAlignment,
    facts: Sequence[FactRecord],
    excused: frozenset[int] | None = None,
) -> Coverage:
    """Of the values and relations ``alignment`` found shown, those ``parsed`` reads.

    A relation the parse does not find in a block whose query reached its ``limit=``
    (a ``query-limit`` note) is left out (``excused``): the alignment matched it
    elsewhere, the block shows only a part. Pass one reading's ``excused`` to another's
    coverage of the same page, so both count the same relations.
    """
    forms = {(f.property, f.target or f.value): f for f in facts if "#" not in f.subject}
    shown_values = set()
    links: set[str] = set()
    for record in parsed.properties:
        shown_values.add(" ".join(record.value.split()))
        links |= {fold(t) for t in record.links}
        links |= set(record.external_links)
    missed: list[str] = []
    found_values = 0
    for sighting in alignment.values:
        fact = forms.get((sighting.property, sighting.value))
        texts = value_forms(fact) if fact is not None else frozenset({sighting.value})
        if (
            fold(sighting.value) in links
            or sighting.value in links
            or texts & shown_values
            or any(t in v for t in texts for v in shown_values if len(t) > 3)
        ):
            found_values += 1
        else:
            missed.append(f"{parsed.page.title}: {sighting.label} ({sighting.property}) = "
                          f"{sighting.value[:60]}")  # fmt: skip
    rows = {(r.kind, fold(r.source), fold(r.target)) for r in parsed.relations}
    found = [(r.kind, fold(r.source), fold(r.target)) in rows for r in alignment.relations]
    if excused is None:
        limited = query_limited(parsed.page.notes)
        excused = frozenset(
            i for i, r in enumerate(alignment.relations) if not found[i] and r.kind in limited
        )
    for index, rel in enumerate(alignment.relations):
        if not found[index] and index not in excused:
            missed.append(f"{parsed.page.title}: {rel.kind} {rel.source} -> {rel.target}")
    counted = [i for i in range(len(found)) if i not in excused]
    return Coverage(len(alignment.values), found_values, len(counted),
                    sum(found[i] for i in counted), tuple(missed), excused)  # fmt: skip
