"""Page fields and records from a page's UTF-8 bytes (the work behind ``parse_page``).

The pipeline: ``parsers.document`` loads the page (content area and metadata); stage
1, ``parsers.walk``, drops noise and marks lines in one walk (noting the images, where
the element-type icon is looked for); stage 2,
``parsers.blocks``, classifies the pieces into property, relation and body blocks;
stage 3, ``parsers.reading``, hands each block to its reader (``parsers.properties``,
``parsers.relations``, over the table model of ``parsers.table``) and accounts for
every visible text (``parsers.conservation``). Only stage 1 changes the tree. The
rules for each page field are in the ``parsers.page`` docstring.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from itertools import islice, repeat
from operator import itemgetter
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from parsers import document, labels, problems
from parsers.blocks import BODY, Block
from parsers.blocks import classify as classify_blocks
from parsers.digest import content_sha256
from parsers.links import classify, title_from_url
from parsers.profile import Profile
from parsers.reading import Reading, read
from parsers.records import (
    PARSER_VERSION,
    PageRecord,
    ParsedPage,
    PropertyRecord,
    RelationRecord,
    SectionRecord,
    columnwise,
)
from parsers.table import Tables
from parsers.walk import walk

_KIND = itemgetter(0)  # (kind, Relation): the kind
_RELATION = itemgetter(1)  # (kind, Relation): the relation


def extract(
    raw: bytes, warnings: list[str], url: str, fetched_at: str, profile: Profile
) -> ParsedPage:
    """All records of one page from its UTF-8 bytes (``warnings``: found so far), read
    with ``profile``'s labels."""
    doc = document.load(raw)
    warnings.extend(doc.warnings)
    meta = doc.meta
    title = _title(meta, doc.first_heading, url)
    if not title:
        warnings.append(
            problems.warning(problems.NO_TITLE, "expected metadata, a heading or a url, found none")
        )
    reading = Reading()
    is_redirect = meta.get("wgIsRedirect") is True
    shows_query_results = False
    images: list[etree._Element] = []
    if doc.root is not None:
        root = doc.root
        walked = walk(root)
        images = walked.images
        if "wgIsRedirect" not in meta:  # no metadata: the redirect notice says it
            notice = labels.REDIRECT_NOTICE_CLASS
            is_redirect = notice.encode() in doc.source and any(
                notice in (div.get("class") or "").split() for div in root.iter("div")
            )
        tables = Tables()
        blocks = classify_blocks(walked.pieces, title, profile, tables)
        shows_query_results = _body_shows_query(blocks, walked.query_results)
        reading = read(blocks, title, profile, tables)
    warnings.extend(reading.warnings)
    historical = _historical(reading, profile)
    element_type = _property_type(reading, profile)
    if not element_type:
        element_type = _icon_type(images, profile)
    redirected_from = meta.get("wgRedirectedFrom")
    if not isinstance(redirected_from, str) or not redirected_from:
        redirected_from = doc.redirected_from
    return _assemble(
        title,
        url,
        fetched_at,
        meta,
        warnings,
        reading,
        profile,
        categories=_categories(meta, doc.tree, profile),
        element_type=element_type,
        redirected_from=redirected_from.replace("_", " "),
        is_redirect=is_redirect,
        historical=historical,
        shows_query_results=shows_query_results,
    )


def failed(url: str, fetched_at: str, detail: str, profile: Profile) -> ParsedPage:
    """The page row of a page whose parsing hit a bug: title from the url, a warning."""
    title = _title_from_url(url)
    return _assemble(
        title,
        url,
        fetched_at,
        {},
        [problems.warning(problems.INTERNAL_ERROR, detail)],
        Reading(),
        profile,
        categories=(),
        element_type="",
        redirected_from="",
        is_redirect=False,
        historical=False,
        shows_query_results=False,
    )


def _assemble(
    title: str,
    url: str,
    fetched_at: str,
    meta: dict[str, Any],
    warnings: list[str],
    reading: Reading,
    profile: Profile,
    *,
    categories: tuple[str, ...],
    element_type: str,
    redirected_from: str,
    is_redirect: bool,
    historical: bool,
    shows_query_results: bool,
) -> ParsedPage:
    # records made column by column (records.columnwise): fields straight from the
    # readers' tuples, transposed in C, the fields named in each comment and no more (a
    # field added to a harvest tuple later is no record field); positions count per
    # table (per kind for relations)
    count = len(reading.properties)
    props: tuple[PropertyRecord, ...] = ()
    if count:
        columns = islice(zip(*reading.properties, strict=True), 4)  # label ... external_links
        props = columnwise(PropertyRecord, count, repeat(title, count), range(count), *columns)
    count = len(reading.relations)
    relations: tuple[RelationRecord, ...] = ()
    if count:
        kinds = list(map(_KIND, reading.relations))
        counters = {kind: itertools.count() for kind in dict.fromkeys(kinds)}
        positions = map(next, map(counters.__getitem__, kinds))  # read in record order
        columns = islice(zip(*map(_RELATION, reading.relations), strict=True), 5)  # source ... text
        relations = columnwise(
            RelationRecord, count, repeat(title, count), kinds, positions, *columns
        )
    count = len(reading.sections)
    sects: tuple[SectionRecord, ...] = ()
    if count:
        columns = islice(zip(*reading.sections, strict=True), 3)  # heading, level, text
        sects = columnwise(SectionRecord, count, repeat(title, count), range(count), *columns)
    digest = content_sha256(title, element_type, categories, props, relations, sects)
    page = PageRecord(
        title=title,
        namespace=_namespace(meta, title, profile),
        page_id=_positive_int(meta.get("wgArticleId")),
        revision_id=_positive_int(meta.get("wgRevisionId"))
        or _positive_int(meta.get("wgCurRevisionId")),
        url=url,
        element_type=element_type,
        categories=categories,
        fetched_at=fetched_at,
        content_sha256=digest,
        parser_version=PARSER_VERSION,
        warnings=tuple(dict.fromkeys(warnings)),
        redirected_from=redirected_from,
        is_redirect=is_redirect,
        historical=historical,
        notes=tuple(dict.fromkeys(reading.notes)),
        shows_query_results=shows_query_results,
    )
    return ParsedPage(page, props, relations, sects)


def _body_shows_query(blocks: list[Block], results: list[etree._Element]) -> bool:
    """SMW query result markup (``results``, found by the walk) stands in a body block.
    Query results inside the Eigenschappen and relation blocks are left out: they show
    the page's own facts and the relations naming it, which the crawl plan's relation
    rules follow already."""
    if not results:
        return False
    body = {
        piece.element
        for block in blocks
        if block.kind == BODY
        for piece in block.pieces
        if piece.element is not None
    }
    for element in results:  # in a body piece: the piece itself or one of its ancestors
        if element in body or any(above in body for above in element.iterancestors()):
            return True
    return False


def _title(meta: dict[str, Any], first_heading: str, url: str) -> str:
    name = meta.get("wgPageName")
    if isinstance(name, str) and name.strip():
        return " ".join(name.replace("_", " ").split())
    if first_heading:
        return first_heading
    return _title_from_url(url)


def _title_from_url(url: str) -> str:
    if not url:
        return ""
    title = title_from_url(url)
    if title:
        return title
    path = unquote(urlsplit(url).path if "://" in url else url)
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    for suffix in (".html", ".htm", ".HTML", ".HTM"):
        if name.endswith(suffix):
            name = name[: -len(suffix)]
            break
    return " ".join(name.replace("_", " ").split())


def _namespace(meta: dict[str, Any], title: str, profile: Profile) -> int:
    number = meta.get("wgNamespaceNumber")
    if isinstance(number, int) and not isinstance(number, bool):
        return number
    prefix, colon, _ = title.partition(":")
    if colon:
        return profile.namespace_numbers.get(labels.fold(prefix), 0)
    return 0


def _positive_int(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def _categories(
    meta: dict[str, Any], tree: etree._Element | None, profile: Profile
) -> tuple[str, ...]:
    listed = meta.get("wgCategories")
    if isinstance(listed, list):
        names = [c.replace("_", " ") for c in listed if isinstance(c, str)]
        if len(names) == len(listed):  # every entry a string (else: the category box)
            return tuple(dict.fromkeys(names))
    if tree is None:
        return ()
    names = []
    box = next((div for div in tree.iter("div") if div.get("id") == labels.CATLINKS_ID), None)
    if box is None:
        return ()
    for anchor in box.iter("a"):
        if anchor.getparent() is None or anchor.getparent().tag != "li":  # type: ignore[union-attr]
            continue  # the "Categorieën:" label link, not a category
        target = classify(anchor, "")
        name = target.title if target is not None and not isinstance(target, str) else ""
        name = name or " ".join((anchor.text or "").split())
        for prefix in profile.category_prefixes:
            name = name.removeprefix(prefix)
        if name:
            names.append(name)
    return tuple(dict.fromkeys(names))


def _historical(reading: Reading, profile: Profile) -> bool:
    """A historical marker (NORA: the banner of historical principles) is in the body
    text or a property value."""
    # one substring search over all texts: a marker holds no newline, so joining
    # with newlines cannot make a match that no single text has
    texts = "\n".join([section.text for section in reading.sections])
    values = "\n".join([prop.value for prop in reading.properties])
    for marker in profile.historical_markers:
        if not marker or "\n" in marker:  # not so for NORA's banner; kept exact anyway
            if any(marker in section.text for section in reading.sections):
                return True
            if any(marker in prop.value for prop in reading.properties):
                return True
        elif marker in texts or marker in values:
            return True
    return False


def _property_type(reading: Reading, profile: Profile) -> str:
    names = profile.element_type_properties
    for prop in reading.properties:
        if labels.fold(prop.label) in names and prop.value:
            return prop.value.split("\n", 1)[0]
    return ""


def _icon_type(images: list[etree._Element], profile: Profile) -> str:
    """First of ``images`` (the content's, in document order: ``Walk.images``) whose
    file name stem is a known element type, else ""."""
    for image in images:
        types = profile.element_types_by_fold
        found = _type_from_file(image.get("src") or "", types) or _type_from_file(
            image.get("alt") or "", types
        )
        if found:
            return found
        parent = image.getparent()
        if parent is not None and parent.tag == "a":
            found = _type_from_file(parent.get("href") or "", types)
            if found:
                return found
    return ""


def _type_from_file(path: str, types: Mapping[str, str]) -> str:
    if not path:
        return ""
    name = path.split("?", 1)[0].rsplit("/", 1)[-1]
    if "%" in name:
        name = unquote(name)
    if ":" in name:
        name = name.split(":", 1)[-1]
    if "px-" in name:
        name = labels.THUMB_PREFIX_RE.sub("", name)
    stem = name.rsplit(".", 1)[0] if "." in name else name
    return types.get(labels.fold(stem.replace("_", " ")), "")
