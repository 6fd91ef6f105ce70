"""Page fields and records from a page's UTF-8 bytes (the work behind ``parse_page``).

Kept apart from ``parsers.page`` so that this and the other parser modules can
be compiled with mypyc while ``parse_page``, which must accept and survive any
argument, stays plain Python (see ``parsers.page``). The rules for each page
field are in the ``parsers.page`` docstring.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote, urlsplit

from lxml import etree

from parsers import document, labels, problems
from parsers.blocks import regions
from parsers.digest import content_sha256
from parsers.layout import Layout
from parsers.links import classify, title_from_url
from parsers.records import (
    PARSER_VERSION,
    PageRecord,
    ParsedPage,
    PropertyRecord,
    RelationRecord,
    SectionRecord,
)
from parsers.text import remove_noise


def extract(raw: bytes, warnings: list[str], url: str, fetched_at: str) -> ParsedPage:
    """All records of one page from its UTF-8 bytes (``warnings``: found so far)."""
    doc = document.load(raw)
    warnings.extend(doc.warnings)
    meta = doc.meta
    title = _title(meta, doc.first_heading, url)
    if not title:
        warnings.append(
            problems.warning(problems.NO_TITLE, "expected metadata, a heading or a url, found none")
        )
    layout = Layout(title)
    is_redirect = meta.get("wgIsRedirect") is True
    if doc.root is not None:
        root = doc.root
        remove_noise(root)
        if "wgIsRedirect" not in meta:  # no metadata: the redirect notice says it
            is_redirect = b"redirectMsg" in doc.source and any(
                "redirectMsg" in (div.get("class") or "") for div in root.iter("div")
            )
        layout.run(regions(root))
    warnings.extend(layout.warnings)
    historical = _historical(layout)
    element_type = _property_type(layout)
    if not element_type and doc.root is not None:
        element_type = _icon_type(doc.root)
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
        categories=_categories(meta, doc.tree),
        element_type=element_type,
        redirected_from=redirected_from.replace("_", " "),
        is_redirect=is_redirect,
        historical=historical,
    )


def failed(url: str, fetched_at: str, detail: str) -> ParsedPage:
    """The page row of a page whose parsing hit a bug: title from the url, a warning."""
    title = _title_from_url(url)
    return _assemble(
        title,
        url,
        fetched_at,
        {},
        [problems.warning(problems.INTERNAL_ERROR, detail)],
        Layout(title),
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
    props = tuple(
        PropertyRecord(title, position, p.label, p.value, p.links, p.external_links)
        for position, p in enumerate(layout.properties)
    )
    counters: dict[str, int] = {}
    rels: list[RelationRecord] = []
    for kind, r in layout.relations:
        position = counters.get(kind, 0)
        counters[kind] = position + 1
        rels.append(RelationRecord(title, kind, position, r.source, r.relation, r.target, r.exists))
    sects = tuple(
        SectionRecord(title, position, s.heading, s.level, s.text)
        for position, s in enumerate(layout.sections)
    )
    relations = tuple(rels)
    digest = content_sha256(title, element_type, categories, props, relations, sects)
    page = PageRecord(
        title=title,
        namespace=_namespace(meta, title),
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
    )
    return ParsedPage(page, props, relations, sects)


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


def _namespace(meta: dict[str, Any], title: str) -> int:
    number = meta.get("wgNamespaceNumber")
    if isinstance(number, int) and not isinstance(number, bool):
        return number
    prefix, colon, _ = title.partition(":")
    if colon:
        return labels.NAMESPACES.get(labels.fold(prefix), 0)
    return 0


def _positive_int(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and value > 0:
        return value
    return None


def _categories(meta: dict[str, Any], tree: etree._Element | None) -> tuple[str, ...]:
    listed = meta.get("wgCategories")
    if isinstance(listed, list) and all(isinstance(c, str) for c in listed):
        return tuple(dict.fromkeys(c.replace("_", " ") for c in listed))
    if tree is None:
        return ()
    names: list[str] = []
    box = next((div for div in tree.iter("div") if div.get("id") == "catlinks"), None)
    if box is None:
        return ()
    for anchor in box.iter("a"):
        if anchor.getparent() is None or anchor.getparent().tag != "li":  # type: ignore[union-attr]
            continue  # the "Categorieën:" label link, not a category
        target = classify(anchor, "")
        name = target.title if target is not None and not isinstance(target, str) else ""
        name = name or " ".join((anchor.text or "").split())
        for prefix in labels.CATEGORY_PREFIXES:
            name = name.removeprefix(prefix)
        if name:
            names.append(name)
    return tuple(dict.fromkeys(names))


def _historical(layout: Layout) -> bool:
    """The banner of historical principles is in the body text (or a property value)."""
    for marker in labels.HISTORICAL_MARKERS:
        if any(marker in section.text for section in layout.sections):
            return True
        if any(marker in prop.value for prop in layout.properties):
            return True
    return False


def _property_type(layout: Layout) -> str:
    for prop in layout.properties:
        if labels.fold(prop.label) in labels.ELEMENT_TYPE_PROPERTIES and prop.value:
            return prop.value.split("\n", 1)[0]
    return ""


def _icon_type(root: etree._Element) -> str:
    """First image whose file name stem is a known element type, else ""."""
    for image in root.iter("img"):
        found = _type_from_file(image.get("src") or "") or _type_from_file(image.get("alt") or "")
        if found:
            return found
        parent = image.getparent()
        if parent is not None and parent.tag == "a":
            found = _type_from_file(parent.get("href") or "")
            if found:
                return found
    return ""


def _type_from_file(path: str) -> str:
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
    return labels.KNOWN_ELEMENT_TYPES_BY_FOLD.get(labels.fold(stem.replace("_", " ")), "")
