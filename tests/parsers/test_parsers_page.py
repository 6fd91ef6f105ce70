"""parse_page as a whole: page fields, hash, robustness (parsers.page)."""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import asdict, fields
from typing import Any

import pytest

from parsers import PARSER_VERSION, parse_page
from tests.golden import fixture_pages

PAGE = """<!DOCTYPE html><html><head><meta charset="UTF-8"/><script>
RLCONF={{"wgRequestId":"{request}","wgNamespaceNumber":{ns},"wgPageName":"{name}",
"wgCurRevisionId":12,"wgRevisionId":0,"wgArticleId":5,"wgIsRedirect":false,
"wgCategories":["Bronnen","Verborgen"],"wgRedirectedFrom":"Oude_naam"}};</script></head>
<body><h1 id="firstHeading">Kop</h1><div id="contentSub"><span class="mw-redirectedfrom">
(Doorverwezen vanaf <a href="/index.php?title=Oude_naam&amp;redirect=no" title="Oude naam">
Oude naam</a>)</span></div>
<div id="mw-content-text"><div class="mw-parser-output">
<div class="floatleft"><a href="/wiki/Bestand:Bron.png" class="image">
<img src="/images/thumb/a/ab/Bron.png/40px-Bron.png" alt=""/></a></div>
<p>Een bron.</p>
<!-- NewPP limit report {request} -->
</div></div>
<div id="catlinks" class="catlinks"></div><div id="footer">{request}</div></body></html>"""


def render(request: str = "r1", ns: int = 0, name: str = "Publicatie_X") -> str:
    return PAGE.format(request=request, ns=ns, name=name)


def test_page_fields_from_metadata() -> None:
    page = parse_page(render(), "https://www.noraonline.nl/wiki/Publicatie_X", fetched_at="T").page
    assert page.title == "Publicatie X"
    assert page.namespace == 0
    assert page.page_id == 5
    assert page.revision_id == 12  # wgRevisionId 0 means unknown: wgCurRevisionId
    assert page.categories == ("Bronnen", "Verborgen")
    assert page.redirected_from == "Oude naam"
    assert page.element_type == "Bron"  # from the icon: no Elementtype property
    assert page.fetched_at == "T" and page.url.endswith("Publicatie_X")
    assert page.parser_version == PARSER_VERSION
    assert page.warnings == ()


def test_element_type_property_wins_over_icon() -> None:
    html = render().replace(
        "<p>Een bron.</p>",
        "<table><caption>Eigenschappen</caption><tr><th>Elementtype</th><td>Begrip</td></tr>"
        "</table>",
    )
    assert parse_page(html).page.element_type == "Begrip"


def test_hash_ignores_chrome_and_request_ids_but_follows_content() -> None:
    one = parse_page(render("aaa")).page.content_sha256
    two = parse_page(render("bbb")).page.content_sha256
    changed = parse_page(render().replace("Een bron.", "Twee bronnen.")).page.content_sha256
    assert one == two != changed


def test_hash_is_the_documented_field_sequence() -> None:
    parsed = parse_page(
        render().replace(
            "<p>Een bron.</p>",
            "<table><caption>Eigenschappen</caption>"
            "<tr><th>ID</th><td>B1 ‘x’</td></tr></table><h2>Kop</h2><p>é</p>",
        )
    )
    page = parsed.page
    assert [(p.property, p.value) for p in parsed.properties] == [("ID", "B1 ‘x’")]
    assert [(s.heading, s.level, s.text) for s in parsed.sections] == [("Kop", 2, "é")]
    assert parsed.relations == ()
    fields = [page.title, page.element_type, str(len(page.categories)), *page.categories]
    fields += ["1", "ID", "B1 ‘x’", "0", "0", "0", "1", "Kop", "2", "é"]
    text = "\x1f".join(fields)
    assert page.content_sha256 == hashlib.sha256(text.encode()).hexdigest()


def test_namespace_from_title_prefix_when_no_metadata() -> None:
    assert parse_page("<p>x</p>", "/wiki/Categorie:Bronnen").page.namespace == 14
    assert parse_page("<p>x</p>", "/wiki/Sjabloon:Element").page.namespace == 10
    assert parse_page("<p>x</p>", "/wiki/FS:Digikoppeling").page.namespace == 0
    assert parse_page(render(ns=3000, name="FS:Digikoppeling")).page.namespace == 3000


def test_title_fallbacks() -> None:
    assert parse_page(render().replace('"wgPageName":"Publicatie_X",', "")).page.title == "Kop"
    assert parse_page("<p>x</p>", "/index.php?title=A_%26_B&oldid=3").page.title == "A & B"
    assert parse_page("<p>x</p>", "saved/Eén_pagina.html").page.title == "Eén pagina"


def test_str_and_bytes_agree() -> None:
    html = render()
    assert parse_page(html) == parse_page(html.encode("utf-8"))


def test_never_raises_on_damage() -> None:
    for junk in (b"", b"\x00\xff\xfe<html", "<<<>>>", "<html><body>", b"\x89PNG\r\n\x1a\n"):
        parsed = parse_page(junk)
        assert parsed.page.warnings
    weird: object = 12
    assert parse_page(weird, None).page.warnings[0].startswith("not-html:")  # type: ignore[arg-type]


def test_records_carry_the_page_title() -> None:
    html = render().replace(
        "<p>Een bron.</p>",
        "<table><caption>Eigenschappen</caption><tr><th>ID</th><td>B1</td></tr></table>"
        "<h2>Relaties</h2><table><tr><th>Vertrekpunt</th><th>Relatie</th><th>Eindpunten</th></tr>"
        '<tr><td><a class="mw-selflink selflink">X</a></td><td>groepeert</td>'
        '<td><a href="/wiki/A" title="A">A</a></td></tr></table><h2>Meer</h2><p>m</p>',
    )
    parsed = parse_page(html)
    titles = [r.title for r in parsed.properties]
    titles += [r.title for r in parsed.relations]
    titles += [r.title for r in parsed.sections]
    assert titles == ["Publicatie X"] * 3
    assert parsed.relations[0].source == "Publicatie X"


def test_categories_from_the_category_box_without_metadata() -> None:
    html = (
        '<!DOCTYPE html><html><head></head><body><h1 id="firstHeading">Kop</h1>'
        '<div id="mw-content-text"><div class="mw-parser-output"><p>x</p></div></div>'
        '<div id="catlinks" class="catlinks"><div id="mw-normal-catlinks">'
        '<a href="/wiki/Speciaal:Categorie%C3%ABn" title="Speciaal:Categorieën">Categorieën</a>:'
        '<ul><li><a href="/wiki/Categorie:Bronnen" title="Categorie:Bronnen">Bronnen</a></li>'
        '<li><a href="/index.php?title=Categorie:Privacy_%26_Regie&amp;action=edit&amp;redlink=1"'
        ' class="new" title="Categorie:Privacy &amp; Regie (de pagina bestaat niet)">P</a></li>'
        '</ul></div><div id="mw-hidden-catlinks" class="mw-hidden-catlinks">Verborgen: <ul>'
        '<li><a href="/wiki/Categorie:Verborgen" title="Categorie:Verborgen">Verborgen</a></li>'
        '</ul></div></div><div id="mw-navigation"><ul><li><a href="/wiki/Categorie:Menu"'
        ' title="Categorie:Menu">Menu</a></li></ul></div></body></html>'
    )
    page = parse_page(html).page
    assert page.title == "Kop"
    assert page.categories == ("Bronnen", "Privacy & Regie", "Verborgen")


def test_records_equal_their_constructor_built_twins() -> None:
    """Records are filled slot by slot (parsers.extraction): no slot left unset."""
    for page in fixture_pages():
        parsed = parse_page(page.read_bytes(), url=page.name)
        records: list[Any] = [
            parsed,
            parsed.page,
            *parsed.properties,
            *parsed.relations,
            *parsed.sections,
        ]
        for record in records:
            values = {f.name: getattr(record, f.name) for f in fields(record)}
            twin = type(record)(**values)
            assert twin == record and asdict(twin) == asdict(record), page.name
            assert hash(twin) == hash(record), page.name


def test_records_made_column_by_column_equal_those_made_one_by_one() -> None:
    from parsers.records import RelationRecord, columnwise

    for count in (1, 2, 7, 30):  # a handful by the constructor, more column by column
        rows = [
            ("A", ("direct", "derived")[n % 2], n, f"S{n}", "heeft", f"T{n}", n % 3 == 0, f"x{n}")
            for n in range(count)
        ]
        made = columnwise(RelationRecord, count, *zip(*rows, strict=True))
        assert made == tuple(RelationRecord(*row) for row in rows)
        assert [record.target_resolved for record in made] == [""] * count  # the default
        assert hash(made[-1]) == hash(RelationRecord(*rows[-1]))
        with pytest.raises(dataclasses.FrozenInstanceError):
            made[0].target = "E"  # type: ignore[misc]
    with pytest.raises(TypeError):
        columnwise(RelationRecord, 7, ["A"] * 7, ["direct"] * 7)  # fields without a default
