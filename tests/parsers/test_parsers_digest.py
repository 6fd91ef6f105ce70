"""content_sha256 equals its documented definition (parsers.digest)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import astuple

from parsers import parse_page
from parsers.digest import content_sha256
from parsers.records import PropertyRecord, RelationRecord, SectionRecord

TITLE = 'Eén "loket"\\/\u2028 ‘x’'
US = "\x1f"


def fields(
    title: str,
    element_type: str,
    categories: tuple[str, ...],
    props: tuple[PropertyRecord, ...],
    relations: tuple[RelationRecord, ...],
    sections: tuple[SectionRecord, ...],
) -> Iterator[str]:
    """The documented field sequence, written out independently of the module."""
    yield title
    yield element_type
    yield str(len(categories))
    yield from categories
    yield str(len(props))
    for _, _, name, value, links, external in map(astuple, props):
        yield from (name, value, str(len(links)), *links, str(len(external)), *external)
    yield str(len(relations))
    for _, kind, _, source, relation, target, exists, text, *_ in map(astuple, relations):
        yield from (kind, source, relation, target, "1" if exists else "0", text)
    yield str(len(sections))
    for _, _, heading, level, text in map(astuple, sections):
        yield from (heading, str(level), text)


def reference(*content: object) -> str:
    text = US.join(f.replace(US, "") for f in fields(*content))  # type: ignore[arg-type]
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


CATEGORIES = ("A & B", "Café\u00a0", "x\x00y", "")
PROPS = (
    PropertyRecord(TITLE, 0, "Beschrijving", "regel\nregel 2 \u2029", ("L1", 'L"2'), ()),
    PropertyRecord(TITLE, 1, "Leeg", "", (), ("https://e.nl/?a=1&b=2",)),
)
RELATIONS = (
    RelationRecord(TITLE, "direct", 0, TITLE, "Is gerelateerd aan", "Doel ‘x’", True, ""),
    RelationRecord(TITLE, "derived", 0, "Ander", "realiseert", TITLE, False, "Ander, zie ook"),
)
SECTIONS = (SectionRecord(TITLE, 0, "", 0, "tekst \\ met \u00e9"),)


def test_equals_the_documented_field_sequence() -> None:
    expected = reference(TITLE, "Bron\t", CATEGORIES, PROPS, RELATIONS, SECTIONS)
    actual = content_sha256(TITLE, "Bron\t", CATEGORIES, PROPS, RELATIONS, SECTIONS)
    assert actual == expected


def test_docstring_example() -> None:
    sections = (SectionRecord("A", 0, "", 0, "x"),)
    text = "A\x1f\x1f0\x1f0\x1f0\x1f1\x1f\x1f0\x1fx"
    assert (
        content_sha256("A", "", (), (), (), sections) == hashlib.sha256(text.encode()).hexdigest()
    )


def test_empty_page() -> None:
    assert content_sha256(TITLE, "", (), (), (), ()) == reference(TITLE, "", (), (), (), ())


def test_separator_in_a_field_is_removed() -> None:
    odd = "Tit\x1fel"
    assert content_sha256(odd, "", ("a\x1f",), (), (), ()) == content_sha256(
        "Titel", "", ("a",), (), (), ()
    )
    assert content_sha256(odd, "", (), (), (), ()) == reference(odd, "", (), (), (), ())


def test_counts_keep_lists_apart() -> None:
    # the same strings spread differently over the lists give different digests
    one = PropertyRecord(TITLE, 0, "P", "v", ("a", "b"), ())
    two = PropertyRecord(TITLE, 0, "P", "v", ("a",), ("b",))
    assert content_sha256(TITLE, "", (), (one,), (), ()) != content_sha256(
        TITLE, "", (), (two,), (), ()
    )
    assert content_sha256(TITLE, "", ("x",), (), (), ()) != content_sha256(
        TITLE, "x", (), (), (), ()
    )


def test_parse_page_uses_it_on_its_records() -> None:
    parsed = parse_page(
        '<div class="mw-parser-output"><p>Een bron.</p>'
        "<table><caption>Eigenschappen</caption><tr><th>Type</th><td>Bron</td></tr></table>"
        "</div>",
        "/wiki/Dit",
    )
    page = parsed.page
    expected = reference(
        page.title,
        page.element_type,
        page.categories,
        parsed.properties,
        parsed.relations,
        parsed.sections,
    )
    assert page.content_sha256 == expected
