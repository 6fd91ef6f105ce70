"""``content_sha256``: the page's content fingerprint.

Definition (binding, documented for users of the ``pages`` table): SHA-256 (hex)
of the UTF-8 canonical JSON - ``json.dumps(..., sort_keys=True,
ensure_ascii=False, separators=(",", ":"))`` - of::

    {"title": ..., "element_type": ..., "categories": [...],
     "properties": [record as dict, ...], "relations": [...], "sections": [...]}

where each record is the dict of all its fields. It moves with the content only:
chrome, request ids, parser-report comments, fetch times and page/revision ids
are outside it.

How: the same bytes are written with fixed templates (keys already in sorted
order) and json's C string escaper, because the general encoder cost ~1.3 us per
record, as much as extracting the record. ``tests/test_parsers_digest.py`` checks
the equality with ``json.dumps`` on tricky values.
"""

from __future__ import annotations

import hashlib
from json.encoder import encode_basestring

from parsers.records import PropertyRecord, RelationRecord, SectionRecord

_BOOL = {True: "true", False: "false"}


def _list(values: tuple[str, ...]) -> str:
    if not values:
        return "[]"
    return "[" + ",".join(map(encode_basestring, values)) + "]"


def content_sha256(
    title: str,
    element_type: str,
    categories: tuple[str, ...],
    props: tuple[PropertyRecord, ...],
    relations: tuple[RelationRecord, ...],
    sections: tuple[SectionRecord, ...],
) -> str:
    """SHA-256 hex of the canonical JSON of the page's content (module docstring)."""
    enc = encode_basestring
    page = enc(title)

    def same(value: str) -> str:
        return page if value == title else enc(value)

    props_json = ",".join(
        [
            f'{{"external_links":{_list(r.external_links)},"links":{_list(r.links)},'
            f'"position":{r.position},"property":{enc(r.property)},"title":{same(r.title)},'
            f'"value":{enc(r.value)}}}'
            for r in props
        ]
    )
    relations_json = ",".join(
        [
            f'{{"kind":{enc(r.kind)},"position":{r.position},"relation":{enc(r.relation)},'
            f'"source":{same(r.source)},"target":{same(r.target)},'
            f'"target_exists":{_BOOL[r.target_exists]},"title":{same(r.title)}}}'
            for r in relations
        ]
    )
    sections_json = ",".join(
        [
            f'{{"heading":{enc(r.heading)},"level":{r.level},"position":{r.position},'
            f'"text":{enc(r.text)},"title":{same(r.title)}}}'
            for r in sections
        ]
    )
    canonical = (
        f'{{"categories":{_list(categories)},"element_type":{enc(element_type)},'
        f'"properties":[{props_json}],"relations":[{relations_json}],'
        f'"sections":[{sections_json}],"title":{page}}}'
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
