"""parsers.facts: SMW's answers in, facts out (answers saved from the real SMW 5.1.0 wiki).

``tests/smw/`` holds what the loopback wiki answered: the property list
(``smwbrowse``), the property types (``ask``) and one ``Special:ExportRDF`` of tricky
titles (a namespace, ``:``, ``'`` and ``&``, curly quotes, ``-``, a redirect).
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from parsers.errors import SmwAnswerError
from parsers.facts import (
    PREDEFINED,
    Schema,
    decode_key,
    decode_title,
    parse_export,
    parse_property_list,
    parse_types,
)

ANSWERS = Path(__file__).resolve().parents[1] / "smw"
NAMESPACES = {14: "Categorie", 102: "Eigenschap", 3000: "FS"}
TITLES = [
    "Rapport machtiging 2014", "FS:Digikoppeling 3.0", "Eén overheid: één loket",
    "Burger's rechten & plichten", "Publicatie ‘Dienstverlening draait om mensen’",
    "Decentrale klantcontact voor burgers", "In- en uitvoer/Koppelvlakken", "Afnemer",
]  # fmt: skip


def schema() -> Schema:
    names = parse_property_list((ANSWERS / "properties.json").read_bytes()).items
    types = parse_types((ANSWERS / "types.json").read_bytes()).items
    return Schema(frozenset(names), types, NAMESPACES)


def export() -> bytes:
    return (ANSWERS / "export-tricky.xml").read_bytes()


def test_property_list_is_the_wikis_own_properties() -> None:
    page = parse_property_list((ANSWERS / "properties.json").read_bytes())
    assert {"Heeft ID", "Heeft beschrijving", "Laag", "Vertrekpunt", "Eindpunt"} <= set(page.items)
    assert not [name for name, key in page.items.items() if key.startswith("_")]
    assert "Heeft type" not in page.items  # SMW's own (_TYPE)
    assert page.next_offset is None  # SMW says 0 at the end: no step forward, the end


def test_types_are_smw_type_ids() -> None:
    types = parse_types((ANSWERS / "types.json").read_bytes()).items
    assert types["Eindpunt"] == "_wpg" and types["Relatie"] == "_txt"
    assert types["Publicatiedatum"] == "_dat" and types["Externe verwijzing"] == "_uri"


@pytest.mark.parametrize(
    ("encoded", "title", "fragment"),
    [
        ("FS-3ADigikoppeling_3.0-23relatie-2D1", "FS:Digikoppeling 3.0", "relatie-1"),
        ("Eén_overheid-3A_één_loket", "Eén overheid: één loket", ""),  # an IRI: é as is
        ("E%C3%A9n_overheid-3A_loket", "Eén overheid: loket", ""),  # a URI: percent-encoded
        ("E-C3-A9n", "Eén", ""),  # wfUrlencode's % written as -
        ("Burger-27s_rechten_-26_plichten", "Burger's rechten & plichten", ""),
        ("In-2D_en_uitvoer/Koppelvlakken-23_8f5b", "In- en uitvoer/Koppelvlakken", "_8f5b"),
        ("Category-3AThema-27s", "Categorie:Thema's", ""),  # English in SMW's URIs
        ("Property-3AHeeft_ID", "Eigenschap:Heeft ID", ""),
        ("50-25-2Dregel", "50%-regel", ""),
    ],
)
def test_titles_decode_as_smw_encodes_them(encoded: str, title: str, fragment: str) -> None:
    assert decode_title(encoded, NAMESPACES) == (title, fragment)


def test_decode_key_undoes_every_escape() -> None:
    assert (
        decode_key("A-2A-2C-3B-3C-3E-28-29-5B-5D-7B-7D-5C-24-5E-22-2B-21") == 'A*,;<>()[]{}\\$^"+!'
    )


def test_export_gives_each_pages_facts_with_its_subobjects() -> None:
    batch = parse_export(export(), TITLES, schema())
    assert batch.missing == () and batch.incomplete == ()
    assert set(batch.facts) == set(TITLES)
    fs = batch.facts["FS:Digikoppeling 3.0"]
    subjects = sorted({f.subject for f in fs})
    assert subjects == [
        "FS:Digikoppeling 3.0", *(f"FS:Digikoppeling 3.0#relatie-{n}" for n in (1, 2, 3))
    ]  # fmt: skip
    relation = [f for f in fs if f.subject.endswith("#relatie-1")]
    assert [(f.property, f.type, f.value) for f in relation if f.property != "Eindpunt"] == [
        ("Relatie", "_txt", "Is relevant binnen"),
        ("Vertrekpunt", "_wpg", "FS:Digikoppeling 3.0"),
    ]
    assert [f.position for f in fs] == list(range(len(fs)))
    page = {f.property: f for f in batch.facts["Rapport machtiging 2014"] if "#" not in f.subject}
    assert page["Publicatiedatum"].date == datetime.date(2025, 3, 8)
    assert page["Publicatiedatum"].value == "2025-03-08"
    assert page["Dossier"].target == page["Dossier"].value != ""
    assert page["Locatie"].type == "_uri" and page["Locatie"].target == ""
    # SMW's bookkeeping is no fact: modification date, sort key, queries, subobject links
    props = {f.property for facts in batch.facts.values() for f in facts}
    assert not props & {"Modification date", "Has query", "Has subobject", "Query string"}
    assert batch.facts["Afnemer"] == ()  # a redirect: SMW describes it, it holds no facts


def test_a_page_the_answer_lacks_is_missing_and_a_lost_subobject_incomplete() -> None:
    text = export().decode("utf-8")
    start = text.index('<swivt:Subject rdf:about="http://127.0.0.1/wiki/Special:URIResolver/'
                       'FS-3ADigikoppeling_3.0-23relatie-2D2">')  # fmt: skip
    end = text.index("</swivt:Subject>", start) + len("</swivt:Subject>")
    batch = parse_export(text[:start] + text[end:], [*TITLES, "Nergens"], schema())
    assert batch.missing == ("Nergens",)
    assert batch.incomplete == (
        ("FS:Digikoppeling 3.0", "subobjects relatie-2 named but not in the answer"),
    )


def test_without_a_property_list_smws_own_are_still_left_out() -> None:
    unknown = Schema(frozenset(), {}, NAMESPACES)
    batch = parse_export(export(), TITLES, unknown)
    props = {f.property for facts in batch.facts.values() for f in facts}
    assert "Heeft ID" in props and not {p.replace(" ", "_") for p in props} & PREDEFINED
    types = {f.property: f.type for facts in batch.facts.values() for f in facts}
    assert types["Publicatiedatum"] == "_dat" and types["Organisatie"] == "_wpg"  # from the RDF


RDF_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE rdf:RDF[
\t<!ENTITY rdf 'http://www.w3.org/1999/02/22-rdf-syntax-ns#'>
\t<!ENTITY swivt 'http://semantic-mediawiki.org/swivt/1.0#'>
\t<!ENTITY wiki 'http://w.test/wiki/Special:URIResolver/'>
\t<!ENTITY property 'http://w.test/wiki/Special:URIResolver/Property-3A'>
{extra}]>
<rdf:RDF xmlns:rdf="&rdf;" xmlns:swivt="&swivt;" xmlns:wiki="&wiki;" xmlns:property="&property;">
<swivt:Subject rdf:about="http://w.test/wiki/Special:URIResolver/A">
{body}
</swivt:Subject>
</rdf:RDF>
"""
XSD = "http://www.w3.org/2001/XMLSchema#"


def rdf(body: str, extra: str = "") -> bytes:
    return RDF_HEAD.format(body=body, extra=extra).encode("utf-8")


def test_numbers_dates_and_booleans_get_their_typed_columns() -> None:
    body = (
        f'<property:Gewicht rdf:datatype="{XSD}double">2.5</property:Gewicht>'
        f'<property:Gewicht-23aux rdf:datatype="{XSD}double">2.5</property:Gewicht-23aux>'
        f'<property:Jaar rdf:datatype="{XSD}gYear">2022</property:Jaar>'
        f'<property:Moment rdf:datatype="{XSD}dateTime">2026-09-22T15:08:37Z</property:Moment>'
        f'<property:Klaar rdf:datatype="{XSD}boolean">true</property:Klaar>'
    )
    (facts,) = parse_export(rdf(body), ["A"], Schema()).facts.values()
    rows = [(f.property, f.type, f.value, f.number, f.date) for f in facts]
    assert rows == [
        ("Gewicht", "_num", "2.5", 2.5, None),
        ("Jaar", "_dat", "2022", None, None),  # a year is no day
        ("Moment", "_dat", "2026-09-22T15:08:37", None, datetime.date(2026, 9, 22)),
        ("Klaar", "_boo", "true", None, None),
    ]


@pytest.mark.parametrize(
    "extra",
    [
        "\t<!ENTITY x SYSTEM 'file:///etc/passwd'>\n",  # an external entity: never read
        "\t<!ENTITY b 'bbbbbbbb'>\n\t<!ENTITY a '&b;&b;&b;&b;&b;&b;&b;&b;'>\n",  # laughs
    ],
)
def test_hostile_entities_are_never_expanded(extra: str) -> None:
    body = "<property:Naam>&x;&a;</property:Naam>"
    with pytest.raises(SmwAnswerError, match="expected RDF/XML"):
        parse_export(rdf(body, extra), ["A"], Schema())


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b"<html><body>Fout</body></html>", "expected an rdf:RDF document"),
        (b"\x00\x01 not xml", "expected RDF/XML"),
        (b'{"error": "x"}', "expected RDF/XML"),
    ],
)
def test_an_answer_that_is_no_export_says_so(body: bytes, message: str) -> None:
    with pytest.raises(SmwAnswerError, match=message):
        parse_export(body, ["A"], Schema())


def test_listings_that_are_no_json_say_so() -> None:
    with pytest.raises(SmwAnswerError, match="expected JSON"):
        parse_types(b"<html>")
    with pytest.raises(SmwAnswerError, match="expected query"):
        parse_property_list(b'{"query": "x"}')
