"""The pure side of ``nora calibrate``: alignment of SMW facts with a page, the vote,
the profile TOML, and the sample's spread, on small hand-built inputs."""

from __future__ import annotations

import time
import tomllib

import pytest

from parsers import parse_page
from parsers import profile as profiles
from parsers.alignment import (
    PageAlignment,
    RelationSighting,
    ValueSighting,
    align_page,
    relation_triple,
    relations_by_page,
)
from parsers.calibration import (
    Calibration,
    coverage,
    load_profile,
    profile_toml,
    property_map_of,
    vote,
)
from parsers.errors import ProfileError
from parsers.facts import PAGE, TEXT
from parsers.labels import DERIVED, DIRECT, PROPERTIES
from parsers.records import FactRecord
from scraper.crawl.sample import spread

PAGE_HTML = """<html><body><div id="mw-content-text"><div class="mw-parser-output">
<table class="wikitable"><caption>Kenmerken</caption>
<tr><th>Code</th><td>ST-01</td></tr>
<tr><th>Uitgever</th><td><a href="/wiki/VNG" title="VNG">VNG</a></td></tr>
</table>
<p><b>Datum:</b> 3 maart 2021</p>
<h2><span class="mw-headline">Verbanden</span></h2>
<table class="wikitable"><tr><th>Van</th><th>Soort</th><th>Naar</th></tr>
<tr><td><a class="mw-selflink selflink">StUF</a></td><td>realiseert</td>
<td><a href="/wiki/Doel_A" title="Doel A">Doel A</a></td></tr></table>
<h2><span class="mw-headline">Inkomende verbanden</span></h2>
<table class="wikitable"><tr><th>Van</th><th>Soort</th><th>Naar</th></tr>
<tr><td><a href="/wiki/Bron_B" title="Bron B">Bron B</a></td><td>groepeert</td>
<td><a class="mw-selflink selflink">StUF</a></td></tr></table>
</div></div></body></html>"""


def fact(title: str, subject: str, prop: str, kind: str, value: str) -> FactRecord:
    target = value if kind == PAGE else ""
    return FactRecord(title, 0, subject, prop, kind, value, target, None, None)


def relation(page: str, name: str, target: str) -> list[FactRecord]:
    subject = f"{page}#_{name}"
    return [
        fact(page, subject, "Vertrekpunt", PAGE, page),
        fact(page, subject, "Relatie", TEXT, name),
        fact(page, subject, "Eindpunt", PAGE, target),
        fact(page, subject, "Notitie", TEXT, f"waarom {page} {name} {target}"),
    ]


def test_alignment_reads_the_labels_around_smw_values_and_relations() -> None:
    facts = {
        "StUF": [
            fact("StUF", "StUF", "Heeft ID", TEXT, "ST-01"),
            fact("StUF", "StUF", "Organisatie", PAGE, "VNG"),
            fact("StUF", "StUF", "Ergens", TEXT, "nergens getoond"),
            *relation("StUF", "realiseert", "Doel A"),
        ],
        "Bron B": [*relation("Bron B", "groepeert", "StUF"),
                   *relation("Bron B", "realiseert", "Doel A")],
    }  # fmt: skip
    triple = relation_triple(f for page in facts.values() for f in page)
    assert triple == ("Vertrekpunt", "Relatie", "Eindpunt")  # the extra property hides nothing
    related = relations_by_page(facts, triple)
    page = align_page(PAGE_HTML, "StUF", facts["StUF"], related["StUF"], triple, "Standaard")
    assert page.values == (
        ValueSighting("Heeft ID", "ST-01", "Code", "Kenmerken"),
        ValueSighting("Organisatie", "VNG", "Uitgever", "Kenmerken"),
    )
    assert page.relations == (
        RelationSighting(DIRECT, "StUF", "realiseert", "Doel A", "Verbanden", "Van", "Soort",
                         "Naar"),
        RelationSighting(DERIVED, "Bron B", "groepeert", "StUF", "Inkomende verbanden", "Van",
                         "Soort", "Naar"),
    )  # fmt: skip
    assert page.unshown == ("Ergens = nergens getoond",)


def test_a_date_is_found_as_smw_writes_it_beside_its_colon_label() -> None:
    day = FactRecord("StUF", 0, "StUF", "Publicatiedatum", "_dat", "2021-03-03", "", None,
                     __import__("datetime").date(2021, 3, 3))  # fmt: skip
    page = align_page(PAGE_HTML, "StUF", [day], (), None)
    assert page.values == (ValueSighting("Publicatiedatum", "2021-03-03", "Datum", ""),)


#: the older relation list under Relaties, and a derived table whose "Eindpunt" cell
#: lists every target of one source: the page beside a target of its own
LISTED_HTML = """<html><body><div id="mw-content-text"><div class="mw-parser-output">
<h2><span class="mw-headline">Relaties</span></h2>
<h3><span class="mw-headline">realiseert</span></h3>
<ul><li><a href="/wiki/Doel_A" title="Doel A">Doel A</a></li></ul>
<h2><span class="mw-headline">Afgeleide relaties</span></h2>
<table class="wikitable"><tr><th>Vertrekpunt</th><th>Relatie</th><th>Eindpunt</th></tr>
<tr><td><a href="/wiki/Bron_B" title="Bron B">Bron B</a></td><td>realiseert</td>
<td><a href="/wiki/Doel_A" title="Doel A">Doel A</a><br>
<a class="mw-selflink selflink">StUF</a></td></tr></table>
</div></div></body></html>"""


def test_a_row_holding_source_and_target_in_one_cell_is_not_their_relation() -> None:
    """The derived row's endpoint cell holds the page and Doel A: it shows Bron B's
    relations, not the page's own to Doel A (read from the list under its name), and
    its "Eindpunt" column is never taken for the source column."""
    facts = {
        "StUF": relation("StUF", "realiseert", "Doel A"),
        "Bron B": [*relation("Bron B", "realiseert", "Doel A"),
                   *relation("Bron B", "realiseert", "StUF")],
    }  # fmt: skip
    triple = relation_triple(f for page in facts.values() for f in page)
    related = relations_by_page(facts, triple)
    page = align_page(LISTED_HTML, "StUF", facts["StUF"], related["StUF"], triple)
    assert page.relations == (
        RelationSighting(DIRECT, "StUF", "realiseert", "Doel A", "Relaties", "", "", "",
                         "realiseert"),
        RelationSighting(DERIVED, "Bron B", "realiseert", "StUF", "Afgeleide relaties",
                         "Vertrekpunt", "Relatie", "Eindpunt"),
    )  # fmt: skip


def test_a_header_voted_into_two_column_roles_keeps_the_role_most_pages_support() -> None:
    def page(title: str, source_header: str) -> PageAlignment:
        rel = RelationSighting(DERIVED, "X", "realiseert", title, "Afgeleide relaties",
                               source_header, "Relatie", "Eindpunt")  # fmt: skip
        return PageAlignment(title, "", (), (rel,), ())

    calibration = vote([page(f"P{i}", "Vertrekpunt") for i in range(6)]
                       + [page(f"Q{i}", "Eindpunt") for i in range(3)])  # fmt: skip
    kept = {(e.key, e.label): e.support_text for e in calibration.kept}
    assert kept[("target_headers", "Eindpunt")] == "9 of 9 pages"
    assert kept[("source_headers", "Vertrekpunt")] == "6 of 9 pages"
    assert ("source_headers", "Eindpunt") not in kept
    uncertain = {(e.key, e.label): e.support_text for e in calibration.uncertain}
    assert uncertain[("source_headers", "Eindpunt")] == "3 of 9 pages"


def test_element_types_are_learnt_from_icons_named_as_smw_names_the_type() -> None:
    """Two pages whose SMW data holds their type show an icon of that name: every
    page's icon names its type, and the label beside the type is the type's label."""

    def page(title: str, icon: str, smw_type: str = "") -> PageAlignment:
        shown = (ValueSighting("Elementtype", smw_type, "GEMMA type", "Eigenschappen"),)
        return PageAlignment(title, "", shown if smw_type else (), (), (), icon, smw_type,
                             "Elementtype" if smw_type else "")  # fmt: skip

    pages = [page("A", "Bedrijfsobject", "Bedrijfsobject"), page("B", "Product", "Product"),
             page("C", "Referentiecomponent"), page("D", "Referentiecomponent")]  # fmt: skip
    kept = {(e.key, e.label): e.support_text for e in vote(pages).kept}
    assert kept[("element_type_properties", "GEMMA type")] == "2 of 2 pages"
    assert kept[("element_types", "Referentiecomponent")] == "2 of 4 pages"
    assert kept[("element_types", "Product")] == "1 of 4 pages"
    data = tomllib.loads(profile_toml(vote(pages)))["profile"]
    assert data["element_types"] == ["Referentiecomponent", "Bedrijfsobject", "Product"]
    assert data["element_type_properties"] == ["GEMMA type"]
    # an icon that is no type on the pages that say theirs: icons name nothing
    pages = [page("A", "Logo", "Bedrijfsobject"), page("B", "Logo", "Product"), page("C", "Logo")]
    kept = {(e.key, e.label): e.support_text for e in vote(pages).kept}
    assert ("element_types", "Logo") not in kept
    assert kept[("element_types", "Product")] == "1 of 2 pages"


def test_a_relation_name_heading_other_text_is_left_out() -> None:
    """Every relation name SMW holds is kept, unless the sample shows it heading
    something else (prose) on more pages than it heads its targets: it would turn
    that text into a relation list. A name that is also a property label stays."""

    def page(title: str, name: str, listed: bool, headings: tuple[str, ...]) -> PageAlignment:
        rel = RelationSighting(DIRECT, title, name, "T", "Relaties", *(("",) * 3 if listed
                               else ("Vertrekpunt", "Relatie", "Eindpunten")),
                               name if listed else "")  # fmt: skip
        return PageAlignment(title, "", (), (rel,), (), headings=headings)

    pages = [page("A", "Hoort bij", True, ("Relaties", "Hoort bij")),
             page("B", "Hoort bij", False, ("Relaties", "Hoort bij")),
             page("C", "Hoort bij", False, ("Achtergrond", "Hoort bij")),
             page("D", "Vastgesteld in", False, ("Relaties",)),
             page("E", "Vastgesteld in", True, ("Relaties", "Vastgesteld in"))]  # fmt: skip
    calibration = vote(pages)
    kept = {e.label for e in calibration.entries("relation_names")}
    assert kept == {"Vastgesteld in"}
    assert [(e.key, e.label) for e in calibration.uncertain] == [("relation_names", "Hoort bij")]
    html = """<div id="mw-content-text"><div class="mw-parser-output">
    <h2><span class="mw-headline">Eigenschappen</span></h2><table class="wikitable">
    <tr><th>ID</th><td>B-01</td></tr><tr><th>Vastgesteld in</th>
    <td><a href="/wiki/Besluit_X" title="Besluit X">Besluit X</a></td></tr></table>
    </div></div>"""
    learned = profiles.from_mapping({"name": "t", "relation_names": sorted(kept)})
    parsed = parse_page(html, "https://wiki.example.org/wiki/Bron_B", learned)
    assert [(p.property, p.value) for p in parsed.properties] == [
        ("ID", "B-01"), ("Vastgesteld in", "Besluit X")
    ]  # fmt: skip
    assert parsed.relations == ()


def sighted(title: str, etype: str, heading: str, label: str, prop: str) -> PageAlignment:
    value = ValueSighting(prop, "v", label, heading)
    rel = RelationSighting(DIRECT, title, "realiseert", "T", "Verbanden", "Van", "Soort", "Naar")
    return PageAlignment(title, etype, (value,), (rel,), ())


def sample_votes() -> Calibration:
    pages = [sighted(f"S{i}", "Standaard", "Kenmerken", "Uitgever", "Organisatie")
             for i in range(5)]  # fmt: skip
    pages += [sighted(f"B{i}", "Bron", "Kenmerken", "Uitgever", "Heeft uitgever")
              for i in range(3)]  # fmt: skip
    pages += [sighted("X", "Bron", "Overig", "Beheerder", "Organisatie")]
    return vote(pages)


def test_the_vote_keeps_supported_entries_and_lists_the_rest() -> None:
    calibration = sample_votes()
    kept = {(e.key, e.label, e.value, e.element_type): e.support_text for e in calibration.kept}
    assert kept[("blocks", "Kenmerken", PROPERTIES, "")] == "8 of 9 pages"
    assert kept[("blocks", "Verbanden", DIRECT, "")] == "9 of 9 pages"
    assert kept[("property_map", "Uitgever", "Organisatie", "")] == "5 of 6 pages"
    # the same label naming another property on one element type
    assert kept[("type_property_map", "Uitgever", "Heeft uitgever", "Bron")] == "3 of 3 pages"
    uncertain = {(e.key, e.label): e.support_text for e in calibration.uncertain}
    assert uncertain[("blocks", "Overig")] == "1 of 9 pages"
    assert uncertain[("property_map", "Beheerder")] == "1 of 6 pages"
    assert uncertain[("property_map", "Uitgever")] == "3 of 3 pages"  # the other reading


def test_the_toml_carries_support_the_map_and_the_uncertain_and_loads() -> None:
    text = profile_toml(sample_votes(), origin="a test")
    data = tomllib.loads(text)["profile"]
    assert data["name"] == "calibrated"
    assert data["blocks"] == {"Kenmerken": PROPERTIES, "Verbanden": DIRECT}
    assert data["property_map"] == {"Uitgever": "Organisatie"}
    assert data["type_property_map"] == {"Bron": {"Uitgever": "Heeft uitgever"}}
    assert data["source_headers"] == ["Van"] and data["relation_headers"] == ["Soort"]
    assert data["relation_header_hint"] == "Van | Soort | Naar"
    assert '"Kenmerken" = "properties"  # 8 of 9 pages' in text
    assert "#   blocks: 'Overig' = properties: 1 of 9 pages" in text
    profile = load_profile(text)
    assert dict(profile.blocks) == {"kenmerken": PROPERTIES, "verbanden": DIRECT}
    assert profile.property_labels == {"uitgever"}
    assert property_map_of(text) == {"Uitgever": "Organisatie"}


def test_the_written_profile_loads_with_its_label_maps() -> None:
    table = tomllib.loads(profile_toml(sample_votes()))["profile"]
    profile = profiles.from_mapping(table)
    assert profile.property_map == {"uitgever": "Organisatie"}
    assert profile.type_property_map == {"bron": {"uitgever": "Heeft uitgever"}}
    with pytest.raises(ProfileError, match="expected a \\[profile\\] table"):
        load_profile('name = "x"\n')


def test_spread_takes_every_group_before_any_twice() -> None:
    groups = {"a": ["a1", "a2", "a3", "a4"], "b": ["b1", "b2"], "c": ["c1"]}
    chosen = spread(groups, 4)
    assert {title[0] for title in chosen[:3]} == {"a", "b", "c"}
    assert len(chosen) == 4 and len(set(chosen)) == 4
    assert spread(groups, 100) == spread(groups, 7) and len(spread(groups, 100)) == 7
    assert spread(groups, 4) == chosen  # the same every time


def test_coverage_counts_what_a_profile_reads_of_what_the_page_shows() -> None:
    facts = {
        "StUF": [fact("StUF", "StUF", "Organisatie", PAGE, "VNG"),
                 *relation("StUF", "realiseert", "Doel A")],
        "Bron B": [*relation("Bron B", "groepeert", "StUF"),
                   *relation("Bron B", "realiseert", "Doel A")],
    }  # fmt: skip
    triple = relation_triple(f for page in facts.values() for f in page)
    related = relations_by_page(facts, triple)
    page = align_page(PAGE_HTML, "StUF", facts["StUF"], related["StUF"], triple)
    url = "http://wiki.example/wiki/StUF"
    before = coverage(parse_page(PAGE_HTML, url), page, facts["StUF"])
    assert (before.values, before.values_found) == (1, 1)  # "Kenmerken" is NORA's too
    assert (before.relations, before.relations_found) == (2, 0)
    assert len(before.missed) == 2
    pages = [PageAlignment(t, "", page.values, page.relations, ()) for t in ("StUF", "B")]
    inferred = load_profile(profile_toml(vote(pages)))
    after = coverage(parse_page(PAGE_HTML, url, inferred), page, facts["StUF"])
    assert (after.relations, after.relations_found, after.missed) == (2, 2, ())


def _aligned_in(n: int) -> float:
    """CPU seconds to align a page of ``n`` "Label: value" lines and ``n`` links with
    SMW data naming every one of them (a wiki may hold thousands of values a page)."""
    lines = "".join(
        f'<p><b>L{i}:</b> waarde {i}</p><p><a href="/wiki/Doel_{i}" title="Doel {i}">'
        f"Doel {i}</a></p>"
        for i in range(n)
    )
    html = f'<div id="mw-content-text"><div class="mw-parser-output">{lines}</div></div>'
    facts = [fact("P", "P", f"Tekst {i}", TEXT, f"waarde {i}") for i in range(n)]
    facts += [fact("P", "P", f"Pagina {i}", PAGE, f"Doel {i}") for i in range(n)]
    best = float("inf")
    for _ in range(3):
        started = time.process_time()
        align_page(html, "P", facts, [], None)
        best = min(best, time.process_time() - started)
    return best


def test_aligning_a_page_grows_linearly_with_its_values() -> None:
    small, large = _aligned_in(300), _aligned_in(1200)
    assert large <= 5 * small + 0.05, f"{small:.3f} s at n, {large:.3f} s at 4n"


def _triple_in(k: int) -> float:
    """CPU seconds to read the relation shape off one subobject holding ``k`` page
    values naming its page, ``k`` texts and ``k`` other page values (crafted data)."""
    subject = "P#_x"
    facts = [fact("P", subject, f"Bron {i}", PAGE, "P") for i in range(k)]
    facts += [fact("P", subject, f"Naam {i}", TEXT, f"naam {i}") for i in range(k)]
    facts += [fact("P", subject, f"Doel {i}", PAGE, f"Doel {i}") for i in range(k)]
    facts += relation("P", "groepeert", "Q")
    started = time.process_time()
    relation_triple(facts)
    return time.process_time() - started


def test_a_subobject_with_thousands_of_properties_costs_no_cubic_time() -> None:
    small, large = _triple_in(100), _triple_in(400)
    assert large <= 5 * small + 0.05, f"{small:.3f} s at n, {large:.3f} s at 4n"
