"""SMW's own data for a batch of pages: ``Special:ExportRDF`` answers in, ``FactRecord`` out.

Pure, like the HTML parsers: text in, frozen records out, no network, files or clock.
Three answers are read here (shapes measured on SMW 5.1.0, ``vendor/smw/README.md``):

- ``action=smwbrowse&browse=property``: the wiki's properties, keyed by their DB key;
  predefined ones (``_TYPE``, ``_MDAT``, ...) have keys starting with ``_``, the
  wiki's own do not (``parse_property_list``);
- ``action=ask`` of ``[[Property:+]][[Has type::+]]|?Has type``: each declared
  property's SMW type id (``_wpg``, ``_txt``, ``_dat``, ...; ``parse_types``);
- ``Special:ExportRDF`` with ``pages=`` (one title a line) and ``backlinks=0``: RDF/XML
  with one ``swivt:Subject`` per page and per subobject (``parse_export``).

Titles in the RDF are SMW's URI encoding of the DB key (``Escaper::encodeUri``:
``wfUrlencode``, then ``-`` as ``-2D`` and ``%`` as ``-``), with the category and
property namespaces written in English and every other one in the wiki's language;
``decode_title`` undoes it exactly. Only the wiki's own properties become facts: SMW's
predefined ones (modification date, sort key, queries, subobject links) and the
``#aux`` helper values are bookkeeping. Categories are not facts here (they are in
``pages.categories``).

Never trust an answer to be whole: ``parse_export`` says which requested pages the
answer leaves out, and which subobjects a page names (``Has subobject``) that the
answer does not hold.
"""

from __future__ import annotations

import datetime
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

from lxml import etree

from parsers.errors import SmwAnswerError
from parsers.records import FactRecord

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
SWIVT = "http://semantic-mediawiki.org/swivt/1.0#"
XSD = "http://www.w3.org/2001/XMLSchema#"
#: SMW's type ids, as ``Has type`` gives them after the swivt namespace
PAGE, TEXT, NUMBER, DATE, URI, BOOLEAN = "_wpg", "_txt", "_num", "_dat", "_uri", "_boo"
#: SMW writes these two namespaces in English in its URIs, every other in the wiki's language
ENGLISH_NAMESPACES = {"Category": 14, "Property": 102}
#: the English labels (as DB keys) of SMW's predefined properties that an export holds:
#: skipped even when the property list is not known
PREDEFINED = frozenset(
    {
        "Has_query", "Has_subobject", "Modification_date", "Creation_date", "Is_a_new_page",
        "Last_editor_is", "Has_type", "Query_string", "Query_depth", "Query_format",
        "Query_size", "Query_duration", "Query_source", "Query_parameters", "Display_title_of",
        "Has_improper_value_for", "Has_processing_error", "Has_processing_error_text",
        "Has_property_description", "Has_fields", "Allows_value", "Equivalent_URI",
        "Imported_from", "Subproperty_of", "Display_units", "Corresponds_to",
    }
)  # fmt: skip
_SUBOBJECT_LINK = "Has_subobject"
_QUERY_FRAGMENT = "_QUERY"
# a value cannot hold its own quote, so each declaration is read up to its closing quote
# only (a lazy ``.*?`` read on to the end of the DOCTYPE from every unclosed one)
_ENTITY_RE = re.compile(r"""<!ENTITY\s+([A-Za-z_][\w.-]*)\s+(?:"([^"]*)"|'([^']*)')\s*>""")
_DOCTYPE_RE = re.compile(r"<!DOCTYPE[^\[>]*(\[.*?\])?\s*>", re.S)
_REFERENCE_RE = re.compile(r"&([A-Za-z_][\w.-]*+);")  # an entity name as _ENTITY_RE reads it
#: how far into an answer its DOCTYPE may start
DOCTYPE_WITHIN = 20_000
#: an answer's entities may write it out to at most this many times its size (SMW's own
#: URI prefixes lengthen an answer by 1.1x), and never past MAX_EXPANDED characters: a
#: 10 KB entity used 40,000 times made a 133 KB answer 1.2 GB
MAX_EXPANSION = 10
MAX_EXPANDED = 50_000_000
#: Escaper::decodeUri's replacements, in its order (str_replace applies them one by one)
_DECODE = (
    ("-2A", "*"), ("-2C", ","), ("-3B", ";"), ("-3C", "<"), ("-3E", ">"), ("-28", "("),
    ("-29", ")"), ("-5B", "["), ("-5D", "]"), ("-7B", "{"), ("-7D", "}"), ("-5C", "\\"),
    ("-24", "$"), ("-5E", "^"), ("-3A", ":"), ("-22", '"'), ("-23", "#"), ("-26", "&"),
    ("-27", "'"), ("-2B", "+"), ("-21", "!"), ("-25", "%"), ("-", "%"),
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Schema:
    """What facts need to know of the wiki beyond one answer.

    ``properties``: the wiki's own property names (spaces, no namespace), empty when
    unknown (then ``PREDEFINED`` decides); ``types``: property name -> SMW type id;
    ``namespaces``: namespace number -> its local name ("Categorie"), for titles.
    """

    properties: frozenset[str] = frozenset()
    types: Mapping[str, str] = field(default_factory=dict)
    namespaces: Mapping[int, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class ListPage:
    """One answer of a paged listing (properties or types): what it held, where it goes on."""

    items: Mapping[str, str]  # name -> value (type id, or the key)
    next_offset: int | None  # SMW's query-continue-offset when it moves forward, else None
    #: the continuation SMW offered, moving forward or not: one that does not move while
    #: the answer offers it is SMW stopping at $smwgQMaxLimit (or past $smwgQUpperbound)
    offered: int | None = None


@dataclass(frozen=True, slots=True)
class ExportBatch:
    """The facts of the pages one export answer was asked for."""

    facts: Mapping[str, tuple[FactRecord, ...]]  # requested title -> its facts
    missing: tuple[str, ...]  # requested, but no subject for them in the answer
    incomplete: tuple[tuple[str, str], ...]  # (title, what is missing): subobjects left out


# -- the listings ------------------------------------------------------------------------


def _json(body: bytes | str, what: str) -> dict[str, object]:
    try:
        data = json.loads(body)
    except ValueError as error:
        raise SmwAnswerError(f"{what}: expected JSON, found {str(body)[:80]!r} ({error})") from None
    if not isinstance(data, dict):
        raise SmwAnswerError(f"{what}: expected a JSON object, found {type(data).__name__}")
    return data


def _offered(data: Mapping[str, object]) -> int | None:
    """SMW's query-continue-offset as given (None when absent)."""
    value = data.get("query-continue-offset")
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _offset(data: Mapping[str, object], current: int) -> int | None:
    """SMW's query-continue-offset when it moves forward, else None."""
    value = _offered(data)
    return value if value is not None and value > current else None


def parse_property_list(body: bytes | str, offset: int = 0) -> ListPage:
    """``smwbrowse&browse=property``: the wiki's own properties (keys without ``_``)."""
    data = _json(body, "smwbrowse property list")
    query = data.get("query")
    if isinstance(query, list) and not query:
        query = {}
    if not isinstance(query, dict):
        raise SmwAnswerError(f"smwbrowse property list: expected query{{}}, found {query!r:.80}")
    items: dict[str, str] = {}
    for key, entry in query.items():
        if str(key).startswith("_") or not isinstance(entry, dict):
            continue
        label = entry.get("label")
        items[str(label if isinstance(label, str) and label else key).replace("_", " ")] = str(key)
    # smwbrowse says 0 at the end: that is no continuation
    return ListPage(items, _offset(data, offset), _offered(data) or None)


def parse_types(body: bytes | str, offset: int = 0) -> ListPage:
    """The ``Has type`` ask: property name (no namespace) -> SMW type id."""
    data = _json(body, "property types")
    query = data.get("query")
    if not isinstance(query, dict):
        raise SmwAnswerError(f"property types: expected query{{}}, found {query!r:.80}")
    results = query.get("results") or {}
    if isinstance(results, list):  # SMW answers [] for no results
        results = {}
    if not isinstance(results, dict):
        raise SmwAnswerError(f"property types: expected results{{}}, found {results!r:.80}")
    items: dict[str, str] = {}
    for name, result in results.items():
        printouts = result.get("printouts") if isinstance(result, dict) else None
        if not isinstance(printouts, dict):
            continue
        values: object = next(iter(printouts.values()), [])
        for value in values if isinstance(values, list) else []:
            text = value.get("fulltext", "") if isinstance(value, dict) else str(value)
            if not isinstance(text, str):
                raise SmwAnswerError(f"property types: expected a type name, found {text!r:.80}")
            items[str(name).split(":", 1)[-1]] = text.rsplit("#", 1)[-1]
    return ListPage(items, _offset(data, offset), _offered(data))


# -- titles in SMW's URIs ------------------------------------------------------------------


def decode_key(encoded: str) -> str:
    """A DB key (underscores) from SMW's URI encoding of it (``Escaper::decodeUri``)."""
    text = encoded
    for old, new in _DECODE:
        text = text.replace(old, new)
    return unquote(text.replace("%2D", "-"), errors="replace")


def decode_title(encoded: str, namespaces: Mapping[int, str]) -> tuple[str, str]:
    """(page title, subobject name or "") of an encoded local name such as
    ``FS-3ADigikoppeling_3.0-23relatie-2D1`` -> ("FS:Digikoppeling 3.0", "relatie-1").
    ``Category:``/``Property:`` become the wiki's local names (``namespaces``)."""
    key = decode_key(encoded)
    page, _, fragment = key.partition("#")
    prefix, colon, rest = page.partition(":")
    if colon and prefix in ENGLISH_NAMESPACES:
        local = namespaces.get(ENGLISH_NAMESPACES[prefix], prefix)
        page = f"{local}:{rest}"
    return " ".join(page.replace("_", " ").split()), fragment


# -- the export ----------------------------------------------------------------------------


def _expand_entities(text: str) -> str:
    """The document with its DOCTYPE's internal entities written out and the DOCTYPE gone.

    SMW declares URI prefixes as entities (``&wiki;``) and uses them in attributes. They
    are expanded here as text, once (a value's own references stay as they are), so the
    XML parser never resolves an entity (no external entities, no nested expansion),
    whatever a hostile answer declares. The expanded size is counted before anything is
    written out: past ``MAX_EXPANSION`` times the answer (or ``MAX_EXPANDED``) the answer
    is malformed (``SmwAnswerError``), so memory stays within a small multiple of it.
    """
    start = text.find("<!DOCTYPE", 0, DOCTYPE_WITHIN)
    doctype = _DOCTYPE_RE.match(text, start, DOCTYPE_WITHIN) if start >= 0 else None
    if doctype is None:
        return text
    entities = {
        m[1]: m[2] if m[2] is not None else m[3] for m in _ENTITY_RE.finditer(doctype.group(0))
    }
    body = text[: doctype.start()] + text[doctype.end() :]
    if not entities:
        return body
    limit = min(MAX_EXPANSION * len(text), MAX_EXPANDED)
    size = len(body)
    for ref in _REFERENCE_RE.finditer(body):
        value = entities.get(ref[1])
        if value is not None:
            size += len(value) - len(ref[0])
            if size > limit:
                raise SmwAnswerError(
                    f"RDF export: expected entities writing the {len(text):,}-character answer "
                    f"out to at most {limit:,} characters, found more (entity {ref[1]!r} "
                    f"of {len(value):,} characters, used over and over)"
                )
    return _REFERENCE_RE.sub(lambda ref: entities.get(ref[1], ref[0]), body)


def _root(body: bytes | str) -> etree._Element:
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = _expand_entities(text)
    if text.startswith("<?xml"):
        text = text[text.index("?>") + 2 :]
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, recover=False
    )
    try:
        root = etree.fromstring(text.encode("utf-8"), parser)
    except etree.XMLSyntaxError as error:
        raise SmwAnswerError(
            f"RDF export: expected RDF/XML, found a syntax error: {error}"
        ) from None
    if root.tag != f"{{{RDF}}}RDF":
        raise SmwAnswerError(f"RDF export: expected an rdf:RDF document, found <{root.tag}>")
    return root


def _property_name(tag: str, base: str) -> str | None:
    """The SMW property of a predicate element, None when it is not one of ``property:``."""
    namespace, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    if namespace != base:
        return None
    return local


@dataclass(slots=True)
class _Subject:
    title: str
    fragment: str
    values: list[tuple[str, etree._Element]]  # (encoded property, predicate element)
    subobjects: list[str]  # fragments this subject names in Has_subobject


def _date(literal: str, datatype: str) -> tuple[str, datetime.date | None]:
    """ISO text (no zone: SMW has none) and the day, when it is known to the day."""
    text = literal.strip()
    if text.endswith("Z"):
        text = text[:-1]
    if datatype in ("date", "dateTime"):
        try:
            return text, datetime.date.fromisoformat(text[:10].lstrip("+"))
        except ValueError:
            return text, None
    return text, None  # gYear, gYearMonth: less than a day


def _fact(
    title: str,
    position: int,
    subject: str,
    prop: str,
    element: etree._Element,
    schema: Schema,
    wiki_base: str,
) -> FactRecord | None:
    declared = schema.types.get(prop, "")
    resource = element.get(f"{{{RDF}}}resource")
    if resource is not None:
        if resource.startswith(wiki_base):
            target, fragment = decode_title(resource[len(wiki_base) :], schema.namespaces)
            if fragment:  # a value that is a subobject: name it as subjects are named
                target = f"{target}#{fragment}"
            return FactRecord(title, position, subject, prop, declared or PAGE, target, target,
                              None, None)  # fmt: skip
        return FactRecord(title, position, subject, prop, declared or URI, resource, "", None, None)
    if len(element):  # a nested node (records, containers): not a plain value
        return None
    literal = element.text or ""
    datatype = (element.get(f"{{{RDF}}}datatype") or "").removeprefix(XSD)
    if datatype in ("double", "decimal", "integer", "float", "int", "long"):
        try:
            number = float(literal)
        except ValueError:
            number = None
        return FactRecord(title, position, subject, prop, declared or NUMBER, literal.strip(),
                          "", number, None)  # fmt: skip
    if datatype in ("date", "dateTime", "gYear", "gYearMonth"):
        text, day = _date(literal, datatype)
        return FactRecord(title, position, subject, prop, declared or DATE, text, "", None, day)
    if datatype == "boolean":
        return FactRecord(title, position, subject, prop, declared or BOOLEAN, literal.strip(),
                          "", None, None)  # fmt: skip
    return FactRecord(title, position, subject, prop, declared or TEXT, literal, "", None, None)


def _subjects(root: etree._Element, schema: Schema, wiki_base: str) -> Iterable[_Subject]:
    about_attr = f"{{{RDF}}}about"
    prop_base = wiki_base + "Property-3A"
    for element in root.iterchildren(f"{{{SWIVT}}}Subject"):
        about = element.get(about_attr) or ""
        if not about.startswith(wiki_base):
            continue
        title, fragment = decode_title(about[len(wiki_base) :], schema.namespaces)
        subject = _Subject(title, fragment, [], [])
        for child in element.iterchildren():
            if not isinstance(child.tag, str):
                continue  # comments
            local = _property_name(child.tag, prop_base)
            if local is None:
                continue
            if local == _SUBOBJECT_LINK:
                resource = child.get(f"{{{RDF}}}resource") or ""
                if resource.startswith(wiki_base):
                    subject.subobjects.append(
                        decode_title(resource[len(wiki_base) :], schema.namespaces)[1]
                    )
                continue
            subject.values.append((local, child))
        yield subject


def _is_own(local: str, schema: Schema) -> str | None:
    """The property name of an encoded predicate when it is one of the wiki's own."""
    if local.endswith("-23aux"):
        return None  # SMW's helper value beside a date or number
    name = decode_key(local).replace("_", " ")
    if schema.properties:
        return name if name in schema.properties else None
    return None if local in PREDEFINED else name


def parse_export(body: bytes | str, titles: Sequence[str], schema: Schema) -> ExportBatch:
    """The facts of each of ``titles`` in one ``Special:ExportRDF`` answer."""
    root = _root(body)
    wiki_base = _wiki_base(root)
    wanted = {title: index for index, title in enumerate(titles)}
    facts: dict[str, list[FactRecord]] = {title: [] for title in titles}
    seen: set[str] = set()
    named: dict[str, set[str]] = {}
    present: dict[str, set[str]] = {}
    for subject in _subjects(root, schema, wiki_base):
        if subject.title not in wanted:
            continue  # a linked page SMW describes too
        if not subject.fragment:
            seen.add(subject.title)
            named.setdefault(subject.title, set()).update(subject.subobjects)
        else:
            present.setdefault(subject.title, set()).add(subject.fragment)
        if subject.fragment.startswith(_QUERY_FRAGMENT):
            continue  # SMW's record of a query the page runs
        name = f"{subject.title}#{subject.fragment}" if subject.fragment else subject.title
        rows = facts[subject.title]
        for local, element in subject.values:
            prop = _is_own(local, schema)
            if prop is None:
                continue
            record = _fact(subject.title, len(rows), name, prop, element, schema, wiki_base)
            if record is not None:
                rows.append(record)
    missing = tuple(title for title in titles if title not in seen)
    incomplete = tuple(
        (title, f"subobjects {', '.join(sorted(lost)[:5])} named but not in the answer")
        for title in titles
        if (lost := named.get(title, set()) - present.get(title, set()))
    )
    return ExportBatch(
        {title: tuple(rows) for title, rows in facts.items() if title in seen},
        missing,
        incomplete,
    )


def _wiki_base(root: etree._Element) -> str:
    """The URI prefix of wiki pages (``.../Special:URIResolver/``), from the namespace map."""
    base = root.nsmap.get("wiki")
    if base:
        return base
    for element in root.iterchildren(f"{{{SWIVT}}}Subject"):
        about = element.get(f"{{{RDF}}}about") or ""
        if "/Special:URIResolver/" in about:
            return about[: about.index("/Special:URIResolver/") + len("/Special:URIResolver/")]
    raise SmwAnswerError("RDF export: expected the wiki's URI prefix (xmlns:wiki), found none")
