"""Page fields and records from a page's UTF-8 bytes (the work behind ``parse_page``).

Kept apart from ``parsers.page`` so that this and the other parser modules can
be compiled with mypyc while ``parse_page``, which must accept and survive any
argument, stays plain Python (see ``parsers.page``). The rules for each page
field are in the ``parsers.page`` docstring.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from parsers import document, labels, problems
from parsers.blocks import regions
from parsers.digest import content_sha256
from parsers.layout import Layout
from parsers.links import classify, title_from_url
from parsers.profile import Profile
from parsers.records import (
    PARSER_VERSION,
    PageRecord,
    ParsedPage,
    PropertyRecord,
    RelationRecord,
    SectionRecord,
)
from parsers.text import remove_noise


def _setters(cls: type, names: tuple[str, ...]) -> tuple[Callable[[Any, Any], None], ...]:
    """The slot setters of a frozen record type, in field order.

    Records are built by filling their slots directly: the frozen dataclass
    ``__init__`` goes through ``object.__setattr__`` per field and cost ~1.4 us
    per record, a tenth of a small page. Checked against the record's fields at
    import, so a field added in ``parsers.records`` fails loudly here instead of
    leaving a slot unset.
    """
    found = tuple(f.name for f in dataclasses.fields(cls))
    if found != names or "__post_init__" in vars(cls):
        raise TypeError(f"{cls.__name__}: expected fields {names}, found {found}")
    return tuple(vars(cls)[name].__set__ for name in names)


_new_object = object.__new__
_PROPERTY_SET = _setters(
    PropertyRecord, ("title", "position", "property", "value", "links", "external_links")
)
_RELATION_SET = _setters(
    RelationRecord,
    (
        "title",
        "kind",
        "position",
        "source",
        "relation",
        "target",
        "target_exists",
        "target_text",
        "target_resolved",
    ),
)
_SECTION_SET = _setters(SectionRecord, ("title", "position", "heading", "level", "text"))
_PAGE_SET = _setters(
    PageRecord,
    (
        "title",
        "namespace",
        "page_id",
        "revision_id",
        "url",
        "element_type",
        "categories",
        "fetched_at",
        "content_sha256",
        "parser_version",
        "warnings",
        "redirected_from",
        "is_redirect",
        "historical",
        "warc_file",
        "warc_offset",
        "shows_query_results",
    ),
)
_PARSED_SET = _setters(ParsedPage, ("page", "properties", "relations", "sections"))


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
    layout = Layout(title, profile)
    is_redirect = meta.get("wgIsRedirect") is True
    if doc.root is not None:
        root = doc.root
        remove_noise(root)
        if "wgIsRedirect" not in meta:  # no metadata: the redirect notice says it
            notice = labels.REDIRECT_NOTICE_CLASS
            is_redirect = notice.encode() in doc.source and any(
                notice in (div.get("class") or "").split() for div in root.iter("div")
            )
        layout.run(regions(root))
    warnings.extend(layout.warnings)
    historical = _historical(layout, profile)
    element_type = _property_type(layout, profile)
    if not element_type and doc.root is not None:
        element_type = _icon_type(doc.root, profile)
    redirected_from = meta.get("wgRedirectedFrom")
    if not isinstance(redirected_from, str) or not redirected_from:
        redirected_from = doc.redirected_from
    return _assemble(
        title,
        url,
        fetched_at,
        meta,
        warnings,
        layout,
        categories=_categories(meta, doc.tree, profile),
        element_type=element_type,
        redirected_from=redirected_from.replace("_", " "),
        is_redirect=is_redirect,
        historical=historical,
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
        Layout(title, profile),
        categories=(),
        element_type="",
        redirected_from="",
        is_redirect=False,
        historical=False,
    )


def _assemble(
    title: str,
    url: str,
    fetched_at: str,
    meta: dict[str, Any],
    warnings: list[str],
    layout: Layout,
    *,
    categories: tuple[str, ...],
    element_type: str,
    redirected_from: str,
    is_redirect: bool,
    historical: bool,
) -> ParsedPage:
    new = _new_object
    t, o, k, v, li, ex = _PROPERTY_SET
    props_list: list[PropertyRecord] = []
    for position, (label, value, links, external) in enumerate(layout.properties):
        record = new(PropertyRecord)
        t(record, title)
        o(record, position)
        k(record, label)
        v(record, value)
        li(record, links)
        ex(record, external)
        props_list.append(record)
    props = tuple(props_list)
    t, ki, o, so, rn, ta, ok, tt, tr = _RELATION_SET
    counters: dict[str, int] = {}
    rels: list[RelationRecord] = []
    for kind, (source, relation, target, exists, text) in layout.relations:
        position = counters.get(kind, 0)
        counters[kind] = position + 1
        rel = new(RelationRecord)
        t(rel, title)
        ki(rel, kind)
        o(rel, position)
        so(rel, source)
        rn(rel, relation)
        ta(rel, target)
        ok(rel, exists)
        tt(rel, text)
        tr(rel, "")  # through the redirects: filled in by the caller that knows them
        rels.append(rel)
    t, o, he, le, te = _SECTION_SET
    sects_list: list[SectionRecord] = []
    for position, (heading, level, text) in enumerate(layout.sections):
        section = new(SectionRecord)
        t(section, title)
        o(section, position)
        he(section, heading)
        le(section, level)
        te(section, text)
        sects_list.append(section)
    sects = tuple(sects_list)
    relations = tuple(rels)
    digest = content_sha256(title, element_type, categories, props, relations, sects)
    page = new(PageRecord)
    (ti, na, pi, ri, ur, et, ca, fe, cs, pv, wa, rf, ir, hi, wf, wo, sq) = _PAGE_SET  # unrolled
    ti(page, title)
    na(page, _namespace(meta, title, layout.profile))
    pi(page, _positive_int(meta.get("wgArticleId")))
    ri(page, _positive_int(meta.get("wgRevisionId")) or _positive_int(meta.get("wgCurRevisionId")))
    ur(page, url)
    et(page, element_type)
    ca(page, categories)
    fe(page, fetched_at)
    cs(page, digest)
    pv(page, PARSER_VERSION)
    wa(page, tuple(dict.fromkeys(warnings)) if warnings else ())
    rf(page, redirected_from)
    ir(page, is_redirect)
    hi(page, historical)
    wf(page, "")  # the archive location: filled in by the caller that knows it
    wo(page, None)
    sq(page, layout.shows_query_results)
    parsed = new(ParsedPage)
    pa, pr, re, se = _PARSED_SET
    pa(parsed, page)
    pr(parsed, props)
    re(parsed, relations)
    se(parsed, sects)
    return parsed


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


def _historical(layout: Layout, profile: Profile) -> bool:
    """A historical marker (NORA: the banner of historical principles) is in the body
    text or a property value."""
    # one substring search over all texts: a marker holds no newline, so joining
    # with newlines cannot make a match that no single text has
    texts = "\n".join([section.text for section in layout.sections])
    values = "\n".join([prop.value for prop in layout.properties])
    for marker in profile.historical_markers:
        if not marker or "\n" in marker:  # not so for NORA's banner; kept exact anyway
            if any(marker in section.text for section in layout.sections):
                return True
            if any(marker in prop.value for prop in layout.properties):
                return True
        elif marker in texts or marker in values:
            return True
    return False


def _property_type(layout: Layout, profile: Profile) -> str:
    names = profile.element_type_properties
    for prop in layout.properties:
        if labels.fold(prop.label) in names and prop.value:
            return prop.value.split("\n", 1)[0]
    return ""


def _icon_type(root: etree._Element, profile: Profile) -> str:
    """First image whose file name stem is a known element type, else ""."""
    for image in root.iter("img"):
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
