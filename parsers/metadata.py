"""Page metadata from the raw bytes: the page config object, the heading, the redirect notice.

Read by string search, never by parsing ``<head>`` (``parsers.document`` decides
where to look):

* the ``wg`` keys the page row needs (``labels.CONFIG_KEYS``: ``wgPageName``, ids,
  ``wgCategories`` ...) from the ``RLCONF={...}`` (MediaWiki >= 1.31) /
  ``mw.config.set({...})`` script, with ``bytes.find`` for the openers and keys and
  ``json``'s raw decoder for each value; the MediaWiki 1.2x minified form
  (``!0``/``!1``) falls back to a per-key regular expression;
* ``h1#firstHeading`` and ``span.mw-redirectedfrom``, by string search, only
  when the metadata lacks the answer.

Every search here is linear in the page size: ``find`` loops that never look at a
byte twice for the same question, and patterns matched at one position whose runs
cannot backtrack (possessive). Pages are accepted up to 32 MiB and may be crafted.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from typing import Any

from parsers import labels

# json's C scanner (what ``JSONDecoder.raw_decode`` wraps): one value at an index
_SCAN: Callable[[str, int], tuple[Any, int]] = vars(json.JSONDecoder())["scan_once"]
_CONFIG_KEYS = tuple((key, key[1:-2], len(key)) for key in labels.CONFIG_KEYS)
# what may stand between an opener and its object: "RLCONF = {", "mw.config.set( {"
_OPENER_GAP = re.compile(rb"[ =(\t\r\n]*+\{")


def read_config(raw: bytes, start: int, end: int) -> dict[str, Any]:
    """The ``wg`` keys the page row needs, from ``RLCONF`` / ``mw.config.set`` objects.

    Plain ``bytes.find`` for the openers and the keys, and ``json``'s raw decoder
    for each value only: a regular expression over the head of the page, or
    decoding the whole object, cost more than the rest of the metadata work.
    Old minified configs (``!0``/``!1``) fall back to ``_config_by_key``.
    MediaWiki writes one ``RLCONF`` holding every key; once it gave the page
    name, the rest of the head is not searched (two more scans of it). Each
    script is read once, from its opener to its ``</script``: an opener inside an
    object already read is skipped (reading from each lookalike on rescanned the
    rest of the page per lookalike).
    """
    meta: dict[str, Any] = {}
    for opener in labels.CONFIG_OPENERS:
        at = raw.find(opener, start, end)
        while at >= 0:
            gap = _OPENER_GAP.match(raw, at + len(opener), end)
            if gap is None:  # a lookalike ("RLCONF" in a text): look on after it
                at = raw.find(opener, at + len(opener), end)
                continue
            brace = gap.end() - 1
            stop = raw.find(labels.SCRIPT_END, brace, end)
            stop = stop if stop >= 0 else end
            chunk = raw[brace:stop].decode("utf-8", "replace")
            for key, value in _config_keys(chunk).items():
                meta.setdefault(key, value)
            if opener == labels.CONFIG_OPENERS[0] and "wgPageName" in meta:
                return meta
            # on after this script: an opener inside it would read a part of it again
            at = raw.find(opener, stop, end) if stop < end else -1
    return meta


def _config_keys(chunk: str) -> dict[str, Any]:
    found: dict[str, Any] = {}
    position = 0  # keys come in MediaWiki's order: search on from the previous one
    scan = _SCAN  # raw_decode without its Python wrapper (StopIteration: no value there)
    for key, name, size in _CONFIG_KEYS:
        at = chunk.find(key, position)
        if at < 0:
            at = chunk.find(key, 0, position)
            if at < 0:
                continue
        try:
            found[name], end = scan(chunk, at + size)
        except (StopIteration, ValueError, RecursionError):
            return _config_by_key(chunk)  # not JSON (minified ``!0``): key by key
        position = end
    if not found and '"wgPageName"' in chunk:  # spaced JSON: the regular expression copes
        return _config_by_key(chunk)
    return found


def _config_by_key(text: str) -> dict[str, Any]:
    """Read the needed keys one by one from a config object that is not JSON."""
    found: dict[str, Any] = {}
    for match in labels.CONFIG_KEY_RE.finditer(text):
        raw = match.group(2)
        value: Any
        if raw == "!0":
            value = True
        elif raw == "!1":
            value = False
        else:
            try:
                value = json.loads(raw)
            except (ValueError, RecursionError):
                continue
        found.setdefault(match.group(1), value)
    categories = _categories(text)
    if categories is not None:
        try:
            found["wgCategories"] = json.loads(categories)
        except (ValueError, RecursionError):
            found["_error"] = "expected a JSON list in wgCategories, found something else"
    return found


def _categories(text: str) -> str | None:
    """The first ``"wgCategories": [...]`` list's text (to its first "]"), or None.

    A search loop, not one pattern: a pattern looking for the "]" from every
    unclosed lookalike rescanned the rest of the text from each.
    """
    opener = labels.CATEGORIES_KEY_OPEN_RE
    at = text.find('"wgCategories"')
    while at >= 0:
        match = opener.match(text, at)
        if match is not None:
            close = text.find("]", match.end())
            # no "]" after this one: none after any later one either
            return text[match.end() - 1 : close + 1] if close >= 0 else None
        at = text.find('"wgCategories"', at + 1)
    return None


def first_heading(raw: bytes, end: int) -> str:
    """The text of ``<h1 id="firstHeading">`` before ``end``, or "".

    String search over the lowercased window, each tag looked at once: a regular
    expression with a lazy body backtracked from every unclosed ``<h1``.
    """
    window = raw[:end].lower()
    at = window.find(b"<h1")
    while at >= 0:
        if at + 3 < len(window) and window[at + 3] in _WORD_BYTES:  # <h10, <h1x: not it
            at = window.find(b"<h1", at + 3)
            continue
        tag_end = window.find(b">", at)
        if tag_end < 0:
            return ""  # no tag closes after this one: no later one either
        if _has_id(window, at + 3, tag_end, labels.FIRST_HEADING_ID):
            inner = _element_text(raw, window, tag_end + 1, b"</h1")
            return "" if inner is None else _line(inner)
        at = window.find(b"<h1", tag_end)  # an "<h1" inside this tag is in the same tag
    return ""


def redirected_from(raw: bytes, end: int) -> str:
    """The title in ``<span class="mw-redirectedfrom">`` before ``end``, or "".

    String search, as ``first_heading``: the title attribute of its link, else its text.
    """
    window = raw[:end].lower()
    at = window.find(b"<span")
    while at >= 0:
        if at + 5 < len(window) and window[at + 5] in _WORD_BYTES:
            at = window.find(b"<span", at + 5)
            continue
        tag_end = window.find(b">", at)
        if tag_end < 0:
            return ""
        opened = _class_tag_end(window, at + 5, tag_end, labels.REDIRECTED_FROM_MARKER)
        if opened == -2:
            return ""  # no ">" after it: no later span closes either
        if opened >= 0:
            inner = _element_text(raw, window, opened + 1, b"</span")
            if inner is None:
                return ""
            title = _attribute(inner, "title")
            if title:
                return title
            anchor = inner.find("<a")
            return _line(inner[anchor:] if anchor >= 0 else "")
        at = window.find(b"<span", tag_end)
    return ""


_WORD_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_")
_QUOTES = b"\"'"
# single-class runs, possessive: they cannot backtrack
_UNQUOTED = re.compile(rb"[^\"']*+")
_SPACES = re.compile(rb"\s*+")


def _has_id(window: bytes, start: int, end: int, value: bytes) -> bool:
    """Whether the attributes in ``window[start:end]`` hold ``id=value``, quoted or not."""
    at = window.find(b"id=", start, end)
    while at >= 0:
        if window[at - 1] not in _WORD_BYTES:
            at_value = at + 3
            if at_value < end and window[at_value] in _QUOTES:
                at_value += 1
            if window.startswith(value, at_value) and at_value + len(value) <= end:
                return True
        at = window.find(b"id=", at + 3, end)
    return False


def _class_tag_end(window: bytes, start: int, end: int, name: bytes) -> int:
    """Where the tag whose attributes start at ``start`` ends (its ">") when a quoted
    ``class`` attribute before ``end`` (the tag's first ">") holds the word ``name``;
    -1 when it holds no such class, -2 when no ">" closes the tag.

    As in HTML, a quoted value runs to the next quote of either kind, a ">" in it
    included, and the tag ends at the first ">" after it.
    """
    at = window.find(b"class=", start, end)
    while at >= 0:
        quote = at + 6
        if window[at - 1] not in _WORD_BYTES and quote < len(window) and window[quote] in _QUOTES:
            stop = _run_end(_UNQUOTED, window, quote + 1, len(window))  # to the next quote
            found = window.find(name, quote + 1, stop)
            while found >= 0:
                after = found + len(name)
                if window[found - 1] not in _WORD_BYTES and (
                    after >= len(window) or window[after] not in _WORD_BYTES
                ):
                    closing = window.find(b">", stop) if stop < len(window) else -1
                    return closing if closing >= 0 else -2
                found = window.find(name, found + 1, stop)
            if stop >= end:
                return -1
            at = window.find(b"class=", stop, end)
            continue
        at = window.find(b"class=", at + 6, end)
    return -1


def _run_end(run: re.Pattern[bytes], text: bytes, start: int, end: int) -> int:
    """Where the run of ``run`` (a pattern that matches the empty string too) from
    ``start`` ends."""
    match = run.match(text, start, end)
    return match.end() if match is not None else start


def _element_text(raw: bytes, window: bytes, start: int, closing: bytes) -> str | None:
    """``raw`` from ``start`` to the first ``closing`` tag (``</h1 >`` ...), decoded; None
    when it is never closed."""
    at = window.find(closing, start)
    while at >= 0:
        after = _run_end(_SPACES, window, at + len(closing), len(window))
        if window[after : after + 1] == b">":
            return raw[start:at].decode("utf-8", "replace")
        at = window.find(closing, after)
    return None


def _line(fragment: str) -> str:
    """The text of an HTML fragment on one line: tags dropped, entities decoded."""
    return " ".join(html.unescape(_without_tags(fragment)).split())


def _without_tags(fragment: str) -> str:
    """``fragment`` without its tags (``<`` to the next ``>``); a ``<`` never closed stays."""
    pieces: list[str] = []
    last = 0
    while True:
        opening = fragment.find("<", last)
        if opening < 0:
            break
        closing = fragment.find(">", opening + 1)
        if closing < 0:
            break
        pieces.append(fragment[last:opening])
        last = closing + 1
    pieces.append(fragment[last:])
    return "".join(pieces)


def _attribute(fragment: str, name: str) -> str:
    key = f'{name}="'
    at = fragment.find(key)
    if at < 0:
        return ""
    end = fragment.find('"', at + len(key))
    return html.unescape(fragment[at + len(key) : end]) if end > 0 else ""
