"""Endpoint cells of relation tables: the page titles a cell names, and its text.

An endpoint cell (Vertrekpunt, Eindpunt, Eindpunten) is split on its internal links:
commas, line breaks and the other separators between them (``labels.ENDPOINT_SEPARATORS``,
``labels.ENDPOINT_SEPARATOR_WORDS``) are not text. A cell without links gives one
endpoint, its text; an empty cell none. A self-link (``a.mw-selflink``, or
``strong.selflink`` before MediaWiki 1.28) is the page itself. When a cell holds text
beside its links ("Wet X (art. 2), Y"), that text is handed back with its targets, so
the relation reader can keep it (``target_text``) and warn.

Read straight off the cell's children: a relation cell is either plain text or links,
so no cell text is serialised in the common case. Called by ``parsers.relations``
(tables and the older relation lists) only.
"""

from __future__ import annotations

from operator import itemgetter

from lxml import etree

from parsers import labels
from parsers.links import Target, classify
from parsers.text import line_of, raw_text, text_of

_SELF_LINK = labels.SELF_LINK_CLASS
_new = tuple.__new__  # a NamedTuple without its Python-level __new__ (2x faster)
_TITLE = itemgetter(0)  # Target.title, read in C


def names_page(cell: etree._Element, page_title: str) -> bool:
    """The cell links to the page itself (a self-link, or a link to its title)."""
    for anchor in cell.iter("a", "strong"):
        if not labels.SELF_LINK_CLASSES.isdisjoint((anchor.get("class") or "").split()):
            return True
        if anchor.tag == "a" and page_title:
            target = classify(anchor, page_title)
            if isinstance(target, Target) and target.title == page_title:
                return True
    return False


def is_self_link(element: etree._Element) -> bool:
    """``<a class="mw-selflink selflink">`` with nothing nested: the page itself."""
    return element.tag == "a" and element.get("class") == _SELF_LINK and not len(element)


def endpoints(cell: etree._Element, page_title: str) -> tuple[list[Target], str, str]:
    """Internal link targets of a cell, in order without repeats (else its text); the
    cell's text when it holds text beside those links ("" otherwise); and the cell's
    shown text when it holds elements (the display text of its links, which the reader
    claims: "" for a plain text cell, whose text is its record).

    Empty (no link and no text): no endpoints, so the row gives no record.
    """
    count = len(cell)
    text = cell.text if count == 1 else None
    if count == 1 and not (text and not text.isspace()):
        anchor = cell[0]  # the usual cell: one link and nothing nested (a self-link, a title)
        tail = anchor.tail
        if anchor.tag == "a" and not len(anchor) and not (tail and not tail.isspace()):
            only = classify(anchor, page_title)
            # the cell's text is the link's: only whitespace is beside it
            shown = anchor.text or ""
            if only.__class__ is Target and only[0]:  # type: ignore[index]
                return [only], "", shown  # type: ignore[list-item]
            return _text_endpoint(cell), "", shown
    if count:
        simple = _links_and_breaks(cell, page_title)
        if simple is not None:
            targets, outside = simple
            if targets:
                beside = cell_line(cell) if has_words("".join(outside)) else ""
                return targets, beside, raw_text(cell)
            return _text_endpoint(cell), "", raw_text(cell)
        targets = []
        linked = []
        seen: set[str] = set()
        for anchor in _anchors(cell):
            if anchor.tag == "strong":  # a self-link before MediaWiki 1.28
                if not page_title:
                    continue
                target: Target | str | None = _new(Target, (page_title, True))
            else:
                target = classify(anchor, page_title)
            if isinstance(target, Target):
                linked.append(anchor)
                if target.title and target.title not in seen:
                    seen.add(target.title)
                    targets.append(target)
        if targets:
            return targets, _beside(cell, linked), raw_text(cell)
        return _text_endpoint(cell), "", raw_text(cell)
    return _text_endpoint(cell), "", ""


def _links_and_breaks(
    cell: etree._Element, page_title: str
) -> tuple[list[Target], list[str]] | None:
    """The usual multi-link cell in one pass over its children: links (nothing nested
    in them) and ``<br>`` only, every link internal. Its targets (in order, without
    repeats) and its text outside them (its own text, the tails); None
    for any other cell (``endpoints`` then takes the general path)."""
    found: list[Target] = []
    outside = [cell.text or ""]
    for child in cell:
        if len(child):
            return None
        tag = child.tag
        if tag == "a":
            target = classify(child, page_title)
            if target.__class__ is not Target:
                return None
            found.append(target)  # type: ignore[arg-type]
        elif tag != "br":
            return None
        outside.append(child.tail or "")
    titles = list(map(_TITLE, found))
    if "" not in titles and len(set(titles)) == len(titles):  # no repeat: the usual cell
        return found, outside
    seen: set[str] = set()
    targets: list[Target] = []
    for target in found:
        if target[0] and target[0] not in seen:
            seen.add(target[0])
            targets.append(target)
    return targets, outside


def _beside(cell: etree._Element, linked: list[etree._Element]) -> str:
    """The cell's text (one line) if anything but its links and separators is there.

    Read off the cell's own text pieces (its text, the tails of its children) when it
    holds nothing but the links and ``<br>``: no serialising. Anything else in it (a
    nested list, a span, an external link) takes the cell's whole text.
    """
    pieces = [cell.text or ""]
    taken = set(linked)
    for child in cell:
        if child.tag != "br" and child not in taken:
            break
        pieces.append(child.tail or "")
    else:
        return cell_line(cell) if has_words("".join(pieces)) else ""
    whole = cell_line(cell)
    kept: list[str] = []
    start = 0  # links stand in the text in order: one pass, not a search from the start
    for anchor in linked:
        text = line_of(anchor)
        at = whole.find(text, start) if text else -1
        if at >= 0:
            kept.append(whole[start:at])
            start = at + len(text)
    kept.append(whole[start:])
    return whole if has_words(" ".join(kept)) else ""


_SEPARATORS_AS_SPACE = str.maketrans(
    dict.fromkeys([*labels.ENDPOINT_SEPARATORS, labels.LINE_MARK], " ")
)


def has_words(text: str, also: str = "") -> bool:
    """Text that is more than separators (", ", ";", "en" ...), whitespace and the
    characters in ``also``."""
    text = text.translate(_SEPARATORS_AS_SPACE)
    for char in also:
        text = text.replace(char, " ")
    words = text.split()
    if not words:  # the usual text between links: line marks and separators only
        return False
    return any(word.casefold() not in labels.ENDPOINT_SEPARATOR_WORDS for word in words)


def _text_endpoint(cell: etree._Element) -> list[Target]:
    text = cell_line(cell)
    return [_new(Target, (text, True))] if text else []


def _anchors(cell: etree._Element) -> list[etree._Element]:
    """The ``<a>`` (and pre-1.28 ``strong.selflink``) elements below ``cell``, in order.

    A relation cell usually holds nothing but links and text: then its children
    are read directly, which costs a fraction of setting up lxml's tag-filtered
    descendant iterator. Anything nested (a child with children) takes that
    iterator after all.
    """
    found: list[etree._Element] = []
    for child in cell:
        if len(child):
            return [e for e in cell.iterdescendants("a", "strong") if _is_anchor(e)]
        tag = child.tag
        if tag == "a" or (tag == "strong" and _is_anchor(child)):
            found.append(child)
    return found


def _is_anchor(element: etree._Element) -> bool:
    """A link, or a self-link before MediaWiki 1.28 (``strong.selflink``)."""
    if element.tag == "a":
        return True
    classes = (element.get("class") or "").split()
    return element.tag == "strong" and not labels.SELF_LINK_CLASSES.isdisjoint(classes)


def cell_line(cell: etree._Element) -> str:
    """The text of a cell on one line, per the text rules."""
    if not len(cell):
        return line_of(cell)
    return " ".join(text_of(cell).split())
