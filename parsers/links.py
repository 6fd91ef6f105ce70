"""Link targets as page titles.

A link's target is the page it points to, not its display text:

1. a self-link (``a.mw-selflink``, no href) is the page itself;
2. else the ``title`` attribute, minus the red-link suffix
   " (de pagina bestaat niet)" (MediaWiki sets it to the target title);
3. else the href: ``/wiki/X``, ``./X`` or ``index.php?title=X``, percent-decoded,
   "_" as space, fragment dropped.

Red links (``class="new"`` or ``redlink=1``) give ``exists=False``. External and
interwiki links (class ``external``/``extiw``, or an href with a scheme or
``//``) are kept apart as URLs. File/image links and in-page anchors are neither.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple
from urllib.parse import parse_qs, unquote, urlsplit

from lxml import etree

from parsers import labels


class Target(NamedTuple):
    """One internal link's target page (a tuple: cheap to make by the hundred)."""

    title: str
    exists: bool


_new = tuple.__new__  # builds a NamedTuple without its Python-level __new__ (2x faster)
_SELF_LINK = labels.SELF_LINK_CLASS
_RED_LINK = labels.RED_LINK_CLASS
_RED_LINK_QUERY = labels.RED_LINK_QUERY
_RED_LINK_SUFFIXES = labels.RED_LINK_SUFFIXES
_RDF_HREF_COMMON = labels.RDF_HREF_COMMON


def classify(anchor: etree._Element, page_title: str) -> Target | str | None:
    """An internal ``Target``, an external URL (``str``), or ``None`` for neither.

    Written for speed (it runs for every link of every relation table): the common
    blue link (no class, a site-relative href, a title) takes a few plain substring
    tests; token sets only when a class attribute is there.
    """
    get = anchor.get
    classes = get("class")
    if classes is None:  # the common blue link
        href = get("href")
        if (
            href
            and href[0] == "/"
            and href[1:2] != "/"
            and _RDF_HREF_COMMON not in href
            and _RED_LINK_QUERY not in href
        ):
            title = get("title")
            if (
                title
                and "_" not in title
                and (title[-1] != ")" or not title.endswith(_RED_LINK_SUFFIXES))
            ):
                return _new(Target, (title.strip(), True))
        return _classified(get, href, False, page_title)
    if classes == _SELF_LINK:  # every relation row's source: no token sets
        return _new(Target, (page_title, True))
    red = False
    if classes == _RED_LINK:  # the common red link, without token sets
        red = True
    elif classes:
        tokens = classes.split()
        if not labels.SELF_LINK_CLASSES.isdisjoint(tokens):
            return _new(Target, (page_title, True))
        if not labels.EXTERNAL_LINK_CLASSES.isdisjoint(tokens):
            return get("href")
        if not labels.IMAGE_LINK_CLASSES.isdisjoint(tokens):
            return None
        red = labels.RED_LINK_CLASS in tokens
    return _classified(get, get("href"), red, page_title)  # after the class tests


def _classified(
    get: Callable[[str], str | None], href: str | None, red: bool, page_title: str
) -> Target | str | None:
    """``classify`` past the class tests: by the href, then the title."""
    if not href:
        return None
    first = href[0]
    if first == "#":
        return None
    if first == "/":
        if href.startswith("//"):
            return href
    elif first != "." and _has_scheme(href):
        return href
    if _RDF_HREF_COMMON in href and any(m in href for m in labels.RDF_HREF_MARKERS):
        return None
    if not red and _RED_LINK_QUERY in href:
        red = True
    title = get("title")
    if title:
        if title[-1] == ")" and title.endswith(_RED_LINK_SUFFIXES):
            for suffix in _RED_LINK_SUFFIXES:
                if title.endswith(suffix):
                    title = title[: -len(suffix)]
                    red = True
                    break
        if "_" in title:
            title = title.replace("_", " ")
        return _new(Target, (title.strip(), not red))
    from_href = title_from_url(href)
    return _new(Target, (from_href, not red)) if from_href else None


def _has_scheme(href: str) -> bool:
    if href.startswith("//"):
        return True
    colon = href.find(":")
    if colon <= 0:
        return False
    scheme = href[:colon]
    return scheme.isalpha() and "/" not in scheme and scheme.lower() in _SCHEMES


_SCHEMES = frozenset({"http", "https", "ftp", "ftps", "mailto", "news", "irc", "file", "tel"})


def title_from_url(url: str) -> str:
    """Page title named by a wiki URL (``/wiki/X``, ``?title=X``), or ""."""
    parts = urlsplit(url)
    if parts.query:
        titles = parse_qs(parts.query).get("title")
        if titles:
            return _clean(titles[0])
    path = parts.path
    for prefix in labels.ARTICLE_PATH_PREFIXES:
        at = path.find(prefix)
        if at >= 0 and (prefix != "./" or at == 0):
            return _clean(unquote(path[at + len(prefix) :]))
    for marker in labels.SCRIPT_PATH_MARKERS:
        at = path.find(marker + "/")
        if at >= 0:
            return _clean(unquote(path[at + len(marker) + 1 :]))
    return ""


def _clean(title: str) -> str:
    return " ".join(title.replace("_", " ").split())


def links_in(element: etree._Element, page_title: str) -> tuple[list[Target], list[str]]:
    """Internal targets and external URLs below ``element``, in order, without repeats."""
    if not len(element) and element.tag != "a":  # no child elements: no links
        return [], []
    return links_of(element.iter("a"), page_title)


def links_of(anchors: Iterable[etree._Element], page_title: str) -> tuple[list[Target], list[str]]:
    """Internal targets and external URLs of ``anchors``, in order, without repeats."""
    internal: list[Target] = []
    external: list[str] = []
    seen: set[str] = set()
    for anchor in anchors:
        target = classify(anchor, page_title)
        if target is None:
            continue
        if isinstance(target, str):
            if target not in external:
                external.append(target)
        elif target.title and target.title not in seen:
            seen.add(target.title)
            internal.append(target)
    return internal, external
