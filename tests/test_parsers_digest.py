"""content_sha256 equals its documented definition (parsers.digest)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict

from parsers.digest import content_sha256
from parsers.records import PropertyRecord, RelationRecord, SectionRecord

TITLE = 'Eén "loket"\\/\u2028 ‘x’'


def reference(
    categories: tuple[str, ...],
    props: tuple[PropertyRecord, ...],
    relations: tuple[RelationRecord, ...],
    sections: tuple[SectionRecord, ...],
) -> str:
    payload = {
        "title": TITLE,
        "element_type": "Bron\t",
        "categories": list(categories),
        "properties": [asdict(r) for r in props],
        "relations": [asdict(r) for r in relations],
        "sections": [asdict(r) for r in sections],
    }
    text = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def test_equals_canonical_json_of_dicts() -> None:
    categories = ("A & B", "Café\u00a0", "x\x00y")
    props = (
        PropertyRecord(TITLE, 0, "Beschrijving", "regel\nregel 2 \u2029", ("L1", 'L"2'), ()),
        PropertyRecord(TITLE, 1, "Leeg", "", (), ("https://e.nl/?a=1&b=2",)),
    )
    relations = (
        RelationRecord(TITLE, "direct", 0, TITLE, "Is gerelateerd aan", "Doel ‘x’", True),
        RelationRecord(TITLE, "derived", 0, "Ander", "realiseert", TITLE, False),
    )
    sections = (SectionRecord(TITLE, 0, "", 0, "tekst \\ met \u00e9"),)
    expected = reference(categories, props, relations, sections)
    actual = content_sha256(TITLE, "Bron\t", categories, props, relations, sections)
    assert actual == expected


def test_empty_page() -> None:
    assert content_sha256(TITLE, "Bron\t", (), (), (), ()) == reference((), (), (), ())
