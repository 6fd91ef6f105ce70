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
record, as much as extracting the record. The page title (repeated in every
record, and as the source of most relations) and the relation names are escaped
once per page. ``tests/test_parsers_digest.py`` checks the equality with
``json.dumps`` on tricky values.
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
    lst = _list
    boolean = _BOOL
    # the page title recurs in every record (and often as source/target): escaped once
    props_json = ",".join(
        [
            f'{{"external_links":{lst(r.external_links)},"links":{lst(r.links)},'
            f'"position":{r.position},"property":{enc(r.property)},'
            f'"title":{page if r.title == title else enc(r.title)},"value":{enc(r.value)}}}'
            for r in props
        ]
        if props
        else ()
    )
    names: dict[str, str] = {}  # relation names and kinds repeat within a page
    relations_json = ",".join(
        [
            f'{{"kind":{names.get(r.kind) or names.setdefault(r.kind, enc(r.kind))},'
            f'"position":{r.position},'
            f'"relation":{names.get(r.relation) or names.setdefault(r.relation, enc(r.relation))},'
            f'"source":{page if r.source == title else enc(r.source)},'
            f'"target":{page if r.target == title else enc(r.target)},'
            f'"target_exists":{boolean[r.target_exists]},'
            f'"title":{page if r.title == title else enc(r.title)}}}'
            for r in relations
        ]
        if relations
        else ()
    )
    sections_json = ",".join(
        [
            f'{{"heading":{enc(r.heading)},"level":{r.level},"position":{r.position},'
            f'"text":{enc(r.text)},"title":{page if r.title == title else enc(r.title)}}}'
            for r in sections
        ]
        if sections
        else ()
    )
    canonical = (
        f'{{"categories":{_list(categories)},"element_type":{enc(element_type)},'
        f'"properties":[{props_json}],"relations":[{relations_json}],'
        f'"sections":[{sections_json}],"title":{page}}}'
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()
