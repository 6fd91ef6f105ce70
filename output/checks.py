"""The cross-checks of a snapshot: where the parsed pages and SMW's own data disagree.

``Checker`` is fed every page of a snapshot (its parsed records and, on a wiki with
SMW, its facts) and then gives the ``checks`` table, one row per disagreement:

- ``relation-not-in-smw``: the page's Relaties show a relation (name, target) that
  SMW's relation objects of the page do not hold;
- ``relation-not-shown``: SMW holds a relation of the page its Relaties do not show
  (unless the Relaties' query reached its ``limit=``: a ``query-limit`` note says the
  rows shown are a part, so only they are checked, and SMW's ``facts`` hold the rest);
- ``value-differs``: an Eigenschappen value differs from the values SMW holds for its
  property (also: shown without SMW holding it, or held without being shown);
- ``label-without-property``: an Eigenschappen label that maps to no SMW property
  (one row per label, ``title`` empty): its values are not checked;
- ``derived-without-direct``: page B's Afgeleide relaties show a row (A, relation, X)
  while page A, in the same snapshot, holds no (relation, X): not in its Relaties,
  nor as a property linking X (an Eigenschappen label, or an SMW property of A's
  facts, named like the relation: "Heeft bron" shown on B as a derived row);
- ``direct-without-derived``: A's Relaties hold (relation, B) while B, which shows
  Afgeleide relaties, has no row from A with that relation: B is stale (on SMW's
  default settings B's query results stay as they were until B is purged). Not asked
  of a B whose Afgeleide relaties reached their query's ``limit=``; for an A whose
  Relaties did, A's relations are its SMW relation objects (without facts its rows
  are not judged);
- ``facts-unreadable``: SMW's answer holding the page's facts could not be read (a
  malformed answer, one whose entities would write it out past the bound of
  ``parsers.facts``): ``detail`` says why; the page has no facts and is not checked
  against SMW.

The last two need no SMW and run on every snapshot. The first three run on pages
whose facts came whole. Relation objects are SMW subobjects holding a page value
that is the page itself (the source), one text value (the relation's name) and
page values (the targets), and maybe more (a Toelichting on the relation); which
three properties those are is read off the data (the commonest such triple; of two
as common, the one whose name property holds the fewest distinct values: relation
names repeat, remarks do not), as is the label -> property mapping
(``output.agreement``); both are written to the manifest.

Which SMW property a label shows: the crawl config's ``property_map`` first, then
the profile's map for the page's element type, then the profile's ``property_map``,
then what ``output.agreement`` infers. Many labels may show one property (Organisatie
as "Beheerder" on one element type, "Uitgever" on another): a property is judged
once per page, by the labels of that page that show it.

Outside the checks table, ``unread_warning`` gives the page warning ``smw-unread``
(``UNREAD``): SMW holds property values or relation objects of a page, and the parse
read no property or no relation from it. That is what labels the profile does not
know look like (the blocks are read as body text, nothing is lost, so the parser
itself cannot tell), and it is data-loss class: the page's records miss its data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from output.agreement import PAGE, Choice, Tally, infer_mapping, resolve, same
from parsers import problems
from parsers.profile import NORA, Profile
from parsers.records import CheckRecord, FactRecord, ParsedPage, PropertyRecord

RELATION_NOT_IN_SMW = "relation-not-in-smw"
RELATION_NOT_SHOWN = "relation-not-shown"
VALUE_DIFFERS = "value-differs"
LABEL_WITHOUT_PROPERTY = "label-without-property"
DERIVED_WITHOUT_DIRECT = "derived-without-direct"
DIRECT_WITHOUT_DERIVED = "direct-without-derived"
FACTS_UNREADABLE = "facts-unreadable"
KINDS = (RELATION_NOT_IN_SMW, RELATION_NOT_SHOWN, VALUE_DIFFERS, LABEL_WITHOUT_PROPERTY,
         DERIVED_WITHOUT_DIRECT, DIRECT_WITHOUT_DERIVED, FACTS_UNREADABLE)  # fmt: skip
SMW_KINDS = frozenset({RELATION_NOT_IN_SMW, RELATION_NOT_SHOWN, VALUE_DIFFERS})
DERIVED_KINDS = frozenset({DERIVED_WITHOUT_DIRECT, DIRECT_WITHOUT_DERIVED})

Triple = tuple[str, str, str]  # (source property, name property, target property)
#: the page warning: SMW holds the page's values or relations, the parse read none
UNREAD = "smw-unread"


@dataclass(frozen=True, slots=True)
class CheckedPage:
    """What the checks need of one page (``checked_page``): small enough to send between
    processes, so export's workers can make it where they parse."""

    title: str
    properties: tuple[PropertyRecord, ...]  # only with facts: compared with them
    facts: tuple[FactRecord, ...] | None  # None: no (whole) facts for the page
    direct: tuple[tuple[str, str], ...]  # (relation, target) of its Relaties
    derived: tuple[tuple[str, str, str], ...]  # (source, relation, target) of Afgeleide
    linked: tuple[tuple[str, str], ...]  # (label or property, page) its property values link
    facts_problem: str = ""  # why SMW's answer holding its facts could not be read
    query_limited: frozenset[str] = frozenset()  # kinds whose blocks show a part (limit=)
    element_type: str = ""  # picks the profile's label map for the page's type


def checked_page(
    parsed: ParsedPage, facts: Sequence[FactRecord] | None, facts_problem: str = ""
) -> CheckedPage:
    """One page of a snapshot as the checks see it; ``facts`` None when not whole
    (``facts_problem`` saying why, when its answer could not be read)."""
    title = parsed.page.title
    facts_tuple = tuple(facts) if facts is not None else None
    linked = {(p.property, link) for p in parsed.properties for link in p.links}
    linked |= {
        (f.property, f.target)
        for f in facts_tuple or ()
        if f.subject == title and f.type == PAGE and f.target
    }
    return CheckedPage(
        title,
        parsed.properties if facts_tuple is not None else (),
        facts_tuple,
        tuple((r.relation, r.target) for r in parsed.relations if r.kind == "direct"),
        tuple((r.source, r.relation, r.target) for r in parsed.relations if r.kind == "derived"),
        tuple(sorted(linked)),
        facts_problem,
        problems.query_limited(parsed.page.notes),
        parsed.page.element_type,
    )


def unread_warning(parsed: ParsedPage, facts: Sequence[FactRecord]) -> str:
    """The ``smw-unread`` warning of a page whose SMW data holds property values (or
    relation objects: subobjects with a page value that is the page) while the parse
    read no property (or no relation of its own) from it; "" when it read them, or SMW
    holds nothing of the page."""
    title = parsed.page.title
    values = sum(1 for f in facts if f.subject == title)
    objects = len(
        {f.subject for f in facts if f.subject != title and f.type == PAGE and f.target == title}
    )
    unread: list[str] = []
    if values and not parsed.properties:
        unread.append(f"{values} property values, no property block read")
    if objects and not any(r.kind == "direct" for r in parsed.relations):
        unread.append(f"{objects} relation objects, no relation read")
    if not unread:
        return ""
    return problems.warning(
        UNREAD,
        "SMW holds " + "; ".join(unread) + " (labels the profile does not know? the "
        "blocks are then body text: nora calibrate, or name them in --profile)",
    )


def with_unread_warning(parsed: ParsedPage, facts: Sequence[FactRecord]) -> ParsedPage:
    """``parsed`` with the ``smw-unread`` warning added when ``unread_warning`` gives one."""
    found = unread_warning(parsed, facts)
    if not found:
        return parsed
    page = replace(parsed.page, warnings=(*parsed.page.warnings, found))
    return replace(parsed, page=page)


def _by_property(facts: Iterable[FactRecord], subject: str) -> dict[str, list[FactRecord]]:
    out: dict[str, list[FactRecord]] = {}
    for fact in facts:
        if fact.subject == subject:
            out.setdefault(fact.property, []).append(fact)
    return out


def _subobjects(facts: Iterable[FactRecord], title: str) -> dict[str, dict[str, list[FactRecord]]]:
    out: dict[str, dict[str, list[FactRecord]]] = {}
    for fact in facts:
        if fact.subject != title:
            out.setdefault(fact.subject, {}).setdefault(fact.property, []).append(fact)
    return out


#: a subobject is read as a relation object by its first few page and text properties
#: (real ones hold three or four): a crafted one with thousands costs no cubic time
SHAPE_CANDIDATES = 8


def _relation_shapes(title: str, values: Mapping[str, list[FactRecord]]) -> list[Triple]:
    """Every (source, name, target) a subobject could be a relation object by: a page
    value that is the page, one single value, another page value. Extra properties (a
    Toelichting on the relation) make more candidates, never none."""
    pages = [p for p, fs in values.items() if fs and fs[0].type == PAGE][:SHAPE_CANDIDATES]
    texts = [p for p, fs in values.items() if fs and fs[0].type != PAGE and len(fs) == 1]
    sources = [p for p in pages if [f.target for f in values[p]] == [title]]
    return [(s, n, t) for s in sources for n in texts[:SHAPE_CANDIDATES] for t in pages if t != s]


@dataclass(slots=True)
class Summary:
    """What the checks came to: the counts behind the one-line summary."""

    with_facts: int = 0  # pages checked against SMW
    disagree: int = 0  # of those, pages with a disagreement
    derived_rows: int = 0  # derived/direct disagreements
    labels: tuple[str, ...] = ()  # labels without an SMW property
    unreadable: int = 0  # pages whose SMW answer could not be read
    query_limited: int = 0  # pages whose relation blocks show a part (a query's limit=)
    rows: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)

    def line(self, where: str = "checks.csv") -> str:
        parts = []
        if self.with_facts:
            parts.append(
                f"{self.with_facts - self.disagree:,} pages agree with SMW, "
                f"{self.disagree:,} disagree"
            )
        else:
            parts.append("no SMW data to check against")
        if self.unreadable:
            parts.append(f"{self.unreadable:,} pages' SMW data unreadable (facts-unreadable)")
        parts.append(f"{self.derived_rows:,} Afgeleide relaties rows disagree with their source")
        if self.query_limited:
            parts.append(
                f"{self.query_limited:,} pages show only part of their relations "
                "(query-limit: SMW's facts hold them all)"
            )
        if self.labels:
            shown = ", ".join(self.labels[:4]) + (", ..." if len(self.labels) > 4 else "")
            parts.append(f"{len(self.labels)} labels have no SMW property ({shown})")
        return "checks: " + "; ".join(parts) + f" -> {where}"


class Checker:
    """Collects a snapshot's pages, then finds where they disagree (module docstring)."""

    def __init__(
        self, property_map: Mapping[str, str] | None = None, profile: Profile = NORA
    ) -> None:
        self.override = dict(property_map or {})
        self.profile = profile
        self._pages: list[CheckedPage] = []
        self._triples: Counter[Triple] = Counter()
        self._names: dict[str, set[str]] = {}  # property -> the single values it holds
        self.mapping: dict[str, Choice] = {}
        self.relation_properties: Triple | None = None
        self.summary = Summary()

    def add(
        self, parsed: ParsedPage, facts: Sequence[FactRecord] | None, facts_problem: str = ""
    ) -> None:
        """One page of the snapshot; ``facts`` None when SMW's data for it is not whole."""
        self.add_checked(checked_page(parsed, facts, facts_problem))

    def add_checked(self, page: CheckedPage) -> None:
        """One page of the snapshot, as ``checked_page`` gave it."""
        if page.facts is not None:
            for values in _subobjects(page.facts, page.title).values():
                for shape in _relation_shapes(page.title, values):
                    self._triples[shape] += 1
                    self._names.setdefault(shape[1], set()).add(values[shape[1]][0].value)
        self._pages.append(page)

    def _relation_triple(self) -> Triple | None:
        """The commonest relation-object shape; of equals, the name holding fewest values."""
        if not self._triples:
            return None
        return max(
            self._triples,
            key=lambda t: (self._triples[t], -len(self._names.get(t[1], ())), t),
        )

    def _property_of(self, label: str, element_type: str) -> str:
        """The SMW property ``label`` shows on a page of ``element_type`` ("" none)."""
        if label in self.override:
            return self.override[label]
        by_profile = self.profile.smw_property(label, element_type)
        if by_profile is not None:
            return by_profile
        choice = self.mapping.get(label)
        return choice.property if choice is not None else ""

    def finish(self, redirects: Mapping[str, str]) -> list[CheckRecord]:
        """Every disagreement, pages in the order they were added."""
        tally = Tally.empty()
        for page in self._pages:
            if page.facts is not None:
                tally.add(page.properties, _by_property(page.facts, page.title), redirects)
        profile_map = {
            label: prop
            for label in tally.shown
            if (prop := self.profile.smw_property(label)) is not None
        }
        self.mapping = infer_mapping(tally, self.override, profile_map)
        self.relation_properties = self._relation_triple()
        rows: list[CheckRecord] = []
        for page in self._pages:
            self.summary.query_limited += bool(page.query_limited)
            if page.facts is None:
                if page.facts_problem:
                    self.summary.unreadable += 1
                    rows.append(
                        CheckRecord(
                            page.title, FACTS_UNREADABLE,
                            f"SMW's answer holding the page's facts could not be read, so it "
                            f"has none and is not checked against SMW: {page.facts_problem}",
                            "", "",
                        )
                    )  # fmt: skip
                continue
            found = self._against_smw(page, redirects)
            self.summary.with_facts += 1
            self.summary.disagree += bool(found)
            rows += found
        derived = self._derived_rows(redirects)
        self.summary.derived_rows = len(derived)
        labels = sorted(label for label, c in self.mapping.items() if not c.property and c.pages)
        self.summary.labels = tuple(labels)
        for label in labels:
            choice = self.mapping[label]
            rows.append(
                CheckRecord(
                    "", LABEL_WITHOUT_PROPERTY,
                    f"label {label!r}, shown with a value on {choice.pages} pages with SMW data, "
                    "maps to no SMW property: its values are not checked",
                    label, "",
                )
            )  # fmt: skip
        rows += derived
        self.summary.rows = len(rows)
        self.summary.by_kind = dict(Counter(r.kind for r in rows))
        return rows

    # -- against SMW -----------------------------------------------------------------

    def _against_smw(self, page: CheckedPage, redirects: Mapping[str, str]) -> list[CheckRecord]:
        assert page.facts is not None
        out: list[CheckRecord] = []
        own = _by_property(page.facts, page.title)
        shown = {p.property: p for p in page.properties}
        labels = sorted(set(self.mapping) | set(shown))
        mapped = {label: self._property_of(label, page.element_type) for label in labels}
        valued = {lb: p for lb, p in shown.items() if p.value.strip() or p.links}
        shown_props = {mapped[label] for label in valued}
        judged: set[str] = set()  # properties held without a label showing them: one row
        for label in labels:
            name = mapped[label]
            if not name:
                continue
            prop, facts = valued.get(label), own.get(name, [])
            if prop is None and (not facts or name in shown_props or name in judged):
                continue  # another label of the page shows it, or nothing to show
            judged.add(name)
            verdict = same(prop, facts, redirects)
            if not (prop is not None and facts and verdict.agree):
                out.append(
                    CheckRecord(
                        page.title, VALUE_DIFFERS, f"{label} (SMW property {name})",
                        verdict.html if prop is not None else "", verdict.smw,
                    )
                )  # fmt: skip
        out += self._relations(page, redirects)
        return out

    def _relations(self, page: CheckedPage, redirects: Mapping[str, str]) -> list[CheckRecord]:
        assert page.facts is not None
        if self.relation_properties is None:
            return []
        src, name, target = self.relation_properties
        in_smw = self._smw_relations(page, redirects)
        shown = {(r, resolve(t, redirects)) for r, t in page.direct}
        out = [
            CheckRecord(page.title, RELATION_NOT_IN_SMW, f"Relaties: {r} -> {t}", f"{r} {t}", "")
            for r, t in sorted(shown - in_smw)
        ]
        if "direct" in page.query_limited:
            return out  # the Relaties show a part: SMW's other relations are not missing
        out += [
            CheckRecord(
                page.title,
                RELATION_NOT_SHOWN,
                f"SMW relation object ({src}, {name}, {target}): {r} -> {t}",
                "",
                f"{r} {t}",
            )
            for r, t in sorted(in_smw - shown)
        ]
        return out

    def _smw_relations(
        self, page: CheckedPage, redirects: Mapping[str, str]
    ) -> set[tuple[str, str]]:
        """(relation, target) of the page's SMW relation objects (none without facts)."""
        if self.relation_properties is None or page.facts is None:
            return set()
        src, name, target = self.relation_properties
        out: set[tuple[str, str]] = set()
        for values in _subobjects(page.facts, page.title).values():
            if [f.target for f in values.get(src, [])] != [page.title] or len(
                values.get(name, [])
            ) != 1:
                continue
            relation = values[name][0].value
            out |= {(relation, resolve(f.target, redirects)) for f in values.get(target, [])}
        return out

    # -- derived against direct --------------------------------------------------------

    def _derived_rows(self, redirects: Mapping[str, str]) -> list[CheckRecord]:
        pages = {p.title: p for p in self._pages}
        direct = {(p.title, r, resolve(t, redirects)) for p in self._pages for r, t in p.direct}
        direct |= {  # Relaties showing a part: SMW's relation objects hold them all
            (p.title, r, t)
            for p in self._pages
            if "direct" in p.query_limited
            for r, t in self._smw_relations(p, redirects)
        }
        linked = {(p.title, r, resolve(t, redirects)) for p in self._pages for r, t in p.linked}
        shown_on: dict[str, set[tuple[str, str]]] = {}
        out: list[CheckRecord] = []
        for page in self._pages:
            for source, relation, target in page.derived:
                shown_on.setdefault(page.title, set()).add((resolve(source, redirects), relation))
                origin = resolve(source, redirects)
                if origin not in pages or origin == page.title:
                    continue
                if "direct" in pages[origin].query_limited and pages[origin].facts is None:
                    continue  # A's Relaties show a part and no facts hold the rest
                row = (origin, relation, resolve(target, redirects))
                if row not in direct and row not in linked:
                    out.append(
                        CheckRecord(
                            page.title, DERIVED_WITHOUT_DIRECT,
                            f"Afgeleide relaties show {origin} {relation} {target}; "
                            f"neither the Relaties nor the properties of {origin} hold it",
                            f"{origin} | {relation} | {target}", "",
                        )
                    )  # fmt: skip
        for source, relation, target in sorted(direct):
            if target == source or target not in shown_on:
                continue  # not a page of the snapshot showing Afgeleide relaties
            if "derived" in pages[target].query_limited:
                continue  # its Afgeleide relaties show a part
            if (source, relation) not in shown_on[target]:
                out.append(
                    CheckRecord(
                        target, DIRECT_WITHOUT_DERIVED,
                        f"the Relaties of {source} hold {relation} {target}; "
                        f"the Afgeleide relaties of {target} do not show it",
                        "", f"{source} | {relation} | {target}",
                    )
                )  # fmt: skip
        return out

    def manifest(self) -> dict[str, Any]:
        """The mapping used, the relation object's properties and the counts."""
        return {
            "summary": self.summary.line(),
            "pages_checked_against_smw": self.summary.with_facts,
            "pages_disagreeing": self.summary.disagree,
            "pages_facts_unreadable": self.summary.unreadable,
            "pages_query_limited": self.summary.query_limited,
            "rows": self.summary.rows,
            "by_kind": self.summary.by_kind,
            "property_map": {
                label: {
                    "property": c.property,
                    "source": c.source,
                    "agree": c.agree,
                    "pages": c.pages,
                }
                for label, c in sorted(self.mapping.items())
            },
            "type_property_map": {
                etype: dict(labels) for etype, labels in self.profile.type_property_map.items()
            },
            "relation_properties": list(self.relation_properties)
            if self.relation_properties
            else None,
        }
