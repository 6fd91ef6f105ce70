"""``content_sha256``: the page's content fingerprint.

Definition (binding, documented for users of the ``pages`` table, reproducible
in any language): SHA-256, as lowercase hex, of the UTF-8 bytes of a sequence of
text fields joined by U+001F (UNIT SEPARATOR; one between consecutive fields,
none at the ends). The fields, in this order:

1. the page title, the element type;
2. the number of categories (decimal), then each category;
3. the number of properties, then for each property in position order: its
   property name, its value, the number of its links then each link, the
   number of its external links then each of them;
4. the number of relations, then for each relation in table order (positions
   ascending, kinds in page order): its kind, source, relation, target,
   "1" when ``target_exists`` is true, else "0", and its ``target_text``;
5. the number of sections, then for each section in position order: its
   heading, its level (decimal), its text.

A record's ``title`` (always the page title, field 1) and ``position`` (its
index in its table, per kind for relations: the order gives it) are not
repeated. Every text field has its U+001F characters removed first. The parsers
never produce one (C0 control characters are removed from pages before parsing,
see ``parsers.document``), so this only guards titles and categories taken from
metadata or a url; with it the sequence splits back into its fields
unambiguously, the counts telling where each list ends. Example: a page "A"
without element type, categories, properties or relations and one lead section
"x" hashes ``"A␟␟0␟0␟0␟1␟␟0␟x"`` (␟ = U+001F).

It moves with the content only: chrome, request ids, parser-report comments,
fetch times and page/revision ids are outside it.

Why this form: the canonical JSON used before cost ~1 us per record to write
(string escaping of every value), as much as extracting the record. Here the
fields are collected in one list and joined once; the guard is one count of
U+001F over the joined text. ``tests/parsers/test_parsers_digest.py`` holds an
independent implementation of this definition and fixed example digests.
"""

from __future__ import annotations

import hashlib

from parsers.records import PropertyRecord, RelationRecord, SectionRecord

SEPARATOR = "\x1f"
_FLAG = ("0", "1")  # indexed by a bool
_COUNTS = tuple(str(n) for n in range(64))  # str(n) for the usual small counts


def _count(n: int) -> str:
    return _COUNTS[n] if 0 <= n < 64 else str(n)


def content_sha256(
    title: str,
    element_type: str,
    categories: tuple[str, ...],
    props: tuple[PropertyRecord, ...],
    relations: tuple[RelationRecord, ...],
    sections: tuple[SectionRecord, ...],
) -> str:
    """SHA-256 hex of the page's content fields (module docstring)."""
    count = _count
    fields = [title, element_type, count(len(categories)), *categories, count(len(props))]
    for prop in props:
        links = prop.links
        external = prop.external_links
        fields += (prop.property, prop.value, count(len(links)), *links)
        fields += (count(len(external)), *external)
    fields.append(count(len(relations)))
    flag = _FLAG
    for rel in relations:
        fields += (rel.kind, rel.source, rel.relation, rel.target, flag[rel.target_exists])
        fields.append(rel.target_text)
    fields.append(count(len(sections)))
    for section in sections:
        fields += (section.heading, count(section.level), section.text)
    text = SEPARATOR.join(fields)
    if text.count(SEPARATOR) != len(fields) - 1:  # a field held the separator itself
        text = SEPARATOR.join([field.replace(SEPARATOR, "") for field in fields])
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
