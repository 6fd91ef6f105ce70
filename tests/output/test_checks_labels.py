"""The cross-checks under other labels (issue 21): many labels to one SMW property, per
element type; relation objects with a fourth property; and the ``smw-unread`` page
warning when SMW holds a page's data that the parse did not read (labels the profile
does not know make blocks into body text without any other warning)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import replace

from output.checks import (
    RELATION_NOT_SHOWN,
    UNREAD,
    VALUE_DIFFERS,
    Checker,
    unread_warning,
    with_unread_warning,
)
from parsers import ParsedPage, parse_page
from parsers.profile import NORA, from_mapping
from parsers.records import FactRecord


def _link(title: str) -> str:
    return f'<a href="/wiki/{title}" title="{title}">{title}</a>'


def _page(
    title: str,
    etype: str,
    properties: Sequence[tuple[str, str]] = (),
    relations: Sequence[tuple[str, str]] = (),
    *,
    property_heading: str = "Eigenschappen",
    relation_heading: str = "Relaties",
    relation_header: str = "Vertrekpunt | Relatie | Eindpunten",
) -> ParsedPage:
    """A page of ``etype`` with a property table (label, linked value) and a relation
    table of (relation, target) rows, under the headings given."""
    body = ""
    if properties:
        rows = "".join(f"<tr><th>{lb}</th><td>{_link(val)}</td></tr>" for lb, val in properties)
        body += (
            f'<h2><span class="mw-headline">{property_heading}</span></h2>'
            f'<table class="wikitable">{rows}</table>'
        )
    if relations:
        head = "".join(f"<th>{h.strip()}</th>" for h in relation_header.split("|"))
        self_link = f'<a class="mw-selflink selflink">{title}</a>'
        rows = "".join(
            f"<tr><td>{self_link}</td><td>{r}</td><td>{_link(t)}</td></tr>" for r, t in relations
        )
        body += (
            f'<h2><span class="mw-headline">{relation_heading}</span></h2>'
            f'<table class="wikitable"><tr>{head}</tr>{rows}</table>'
        )
    parsed = parse_page(
        f'<div class="mw-parser-output">{body}</div>', "/wiki/" + title.replace(" ", "_")
    )
    return replace(parsed, page=replace(parsed.page, element_type=etype))


def _facts(
    title: str,
    values: Sequence[tuple[str, str]] = (),
    relations: Sequence[tuple[str, str]] = (),
    remark: bool = False,
) -> list[FactRecord]:
    """SMW's data of ``title``: page-valued properties, and one relation object per
    (relation, target), with a Toelichting (a fourth property) when ``remark``."""
    rows = [(title, prop, "_wpg", value, value) for prop, value in values]
    for n, (relation, target) in enumerate(relations):
        subject = f"{title}#relatie-{n}"
        rows += [
            (subject, "Vertrekpunt", "_wpg", title, title),
            (subject, "Relatie", "_txt", relation, ""),
            (subject, "Eindpunt", "_wpg", target, target),
        ]
        if remark:
            rows.append((subject, "Toelichting", "_txt", f"Waarom {title} {target}.", ""))
    return [FactRecord(title, i, *row, None, None) for i, row in enumerate(rows)]


def _rows(checker: Checker, *pages: tuple[ParsedPage, list[FactRecord]]) -> list[str]:
    for parsed, facts in pages:
        checker.add(parsed, facts)
    return [f"{r.kind} {r.title}: {r.detail}" for r in checker.finish({})]


# --- many labels to one property ------------------------------------------------------


def _organisations() -> list[tuple[ParsedPage, list[FactRecord]]]:
    """Organisatie shown as "Beheerder" on a Bouwsteen, as "Uitgever" on two Standaarden."""
    return [
        (_page("A", "Bouwsteen", [("Beheerder", "VNG")]), _facts("A", [("Organisatie", "VNG")])),
        (_page("B", "Standaard", [("Uitgever", "BZK")]), _facts("B", [("Organisatie", "BZK")])),
        (_page("C", "Standaard", [("Uitgever", "KOOP")]), _facts("C", [("Organisatie", "KOOP")])),
    ]


def test_two_labels_of_one_property_on_two_element_types_agree() -> None:
    profile = from_mapping(
        {"name": "x", "property_map": {"Beheerder": "Organisatie", "Uitgever": "Organisatie"}}
    )
    for checker in (Checker(profile=profile), Checker()):  # given, and inferred
        rows = _rows(checker, *_organisations())
        assert [r for r in rows if r.startswith(VALUE_DIFFERS)] == [], rows
        assert checker.mapping["Uitgever"].property == "Organisatie"
    assert checker.mapping["Beheerder"].source == "inferred"
    assert Checker(profile=profile).profile.property_map["beheerder"] == "Organisatie"


def test_the_element_types_map_wins_and_the_config_wins_over_both() -> None:
    # "Uitgever" is the Organisatie on a Standaard, the Uitgever (a person) elsewhere
    profile = from_mapping(
        {
            "name": "x",
            "property_map": {"Uitgever": "Uitgever"},
            "type_property_map": {"Standaard": {"Uitgever": "Organisatie"}},
        }
    )
    pages = [
        *_organisations()[1:],
        (_page("D", "Bouwsteen", [("Uitgever", "Piet")]), _facts("D", [("Uitgever", "Piet")])),
    ]
    checker = Checker(profile=profile)
    assert _rows(checker, *pages) == []
    assert checker.mapping["Uitgever"].source == "profile"
    assert checker.manifest()["type_property_map"] == {"standaard": {"uitgever": "Organisatie"}}
    # the crawl config's map is the operator's last word: it wins over the type's map
    rows = _rows(Checker({"Uitgever": "Uitgever"}, profile), *pages)
    assert rows == [f"{VALUE_DIFFERS} {t}: Uitgever (SMW property Uitgever)" for t in "BC"]


def test_a_property_held_and_shown_under_no_label_is_one_row() -> None:
    profile = from_mapping(
        {"name": "x", "property_map": {"Beheerder": "Organisatie", "Uitgever": "Organisatie"}}
    )
    pages = [*_organisations(), (_page("E", "Standaard"), _facts("E", [("Organisatie", "VNG")]))]
    rows = _rows(Checker(profile=profile), *pages)
    assert rows == [f"{VALUE_DIFFERS} E: Beheerder (SMW property Organisatie)"]


# --- relation objects with more than three properties -----------------------------------


def test_relation_objects_with_a_toelichting_are_still_checked() -> None:
    held = [("groepeert", "X"), ("realiseert", "Y")]
    pages = [
        (_page("A", "Bouwsteen", relations=held), _facts("A", relations=held, remark=True)),
        (_page("B", "Bouwsteen", relations=held[:1]), _facts("B", relations=held, remark=True)),
    ]
    checker = Checker()
    rows = _rows(checker, *pages)
    assert checker.relation_properties == ("Vertrekpunt", "Relatie", "Eindpunt")
    assert rows == [
        f"{RELATION_NOT_SHOWN} B: SMW relation object (Vertrekpunt, Relatie, Eindpunt): "
        "realiseert -> Y"
    ]


# --- the smw-unread page warning --------------------------------------------------------

VALUES = [("Organisatie", "VNG")]
HELD = [("groepeert", "X")]


def test_smw_data_the_parse_did_not_read_warns() -> None:
    renamed = _page(
        "A", "Bouwsteen", [("Beheerder", "VNG")], HELD, property_heading="Kenmerkenlijst",
        relation_heading="Verbanden", relation_header="Van | Soort | Naar",
    )  # fmt: skip
    assert not renamed.properties and not renamed.relations
    assert renamed.page.warnings == ()  # the silent failure: body text, nothing else
    warned = with_unread_warning(renamed, _facts("A", VALUES, HELD))
    (found,) = warned.page.warnings
    assert found.startswith(f"{UNREAD}: SMW holds 1 property values, no property block read; "
                            "1 relation objects, no relation read")  # fmt: skip
    # only what SMW holds and the parse missed: the relations alone
    assert "property" not in unread_warning(renamed, _facts("A", (), HELD)).split(";")[0][:30]
    assert unread_warning(renamed, _facts("A", (), HELD)).count("relation objects") == 1


def test_no_warning_when_read_or_when_smw_holds_nothing() -> None:
    shown = _page("A", "Bouwsteen", [("Beheerder", "VNG")], HELD)
    assert shown.properties and shown.relations
    assert unread_warning(shown, _facts("A", VALUES, HELD)) == ""
    # a page with no SMW values (a topic page; a wiki without SMW) never warns
    bare = _page("T", "", property_heading="Over", relation_heading="Zie ook")
    assert unread_warning(bare, []) == "" and with_unread_warning(bare, []) is bare
    # relation objects naming the page as endpoint only (another page's relations): no
    derived = [FactRecord("T", 0, "B#r", "Vertrekpunt", "_wpg", "B", "B", None, None)]
    assert unread_warning(bare, derived) == ""
    assert NORA.property_map == {}


def _checked_with_a_crafted_subobject(k: int) -> tuple[float, Checker]:
    """CPU seconds to check one page whose SMW data holds, beside its relation
    objects, a subobject of ``k`` page values naming the page, ``k`` single texts
    and ``k`` other page values (every triple of them a candidate shape)."""
    held = [("groepeert", "X")]
    facts = _facts("A", relations=held)
    crafted = [("A#x", f"Bron {i}", "_wpg", "A", "A") for i in range(k)]
    crafted += [("A#x", f"Naam {i}", "_txt", f"naam {i}", "") for i in range(k)]
    crafted += [("A#x", f"Doel {i}", "_wpg", f"D{i}", f"D{i}") for i in range(k)]
    facts += [FactRecord("A", 100 + i, *row, None, None) for i, row in enumerate(crafted)]
    checker = Checker()
    page = _page("A", "Bouwsteen", relations=held)
    started = time.process_time()
    checker.add(page, facts)
    checker.finish({})
    return time.process_time() - started, checker


def test_a_subobject_with_hundreds_of_properties_costs_no_cubic_time() -> None:
    (small, _), (large, checker) = (_checked_with_a_crafted_subobject(k) for k in (50, 200))
    assert large <= 5 * small + 0.05, f"{small:.3f} s at n, {large:.3f} s at 4n"
    assert checker.relation_properties == ("Vertrekpunt", "Relatie", "Eindpunt")
