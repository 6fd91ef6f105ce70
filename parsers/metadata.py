"""Page metadata from the raw bytes: the page config object, the heading, the redirect notice.

Read by string search, never by parsing ``<head>`` (``parsers.document`` decides
where to look):

* the ``wg`` keys the page row needs (``labels.CONFIG_KEYS``: ``wgPageName``, ids,
  ``wgCategories`` ...) from the ``RLCONF={...}`` (MediaWiki >= 1.31) /
  ``mw.config.set({...})`` script, with ``bytes.find`` for the openers and keys and
  ``json``'s raw decoder for each value; the MediaWiki 1.2x minified form
  (``!0``/``!1``) falls back to a per-key regular expression;
* ``h1#firstHeading`` and ``span.mw-redirectedfrom``, by regular expression, only
  when the metadata lacks the answer.
"""

from __future__ import annotations

import html
import json
from collections.abc import Callable
from typing import Any

from parsers import labels

# json's C scanner (what ``JSONDecoder.raw_decode`` wraps): one value at an index
_SCAN: Callable[[str, int], tuple[Any, int]] = vars(json.JSONDecoder())["scan_once"]
_CONFIG_KEYS = tuple((key, key[1:-2], len(key)) for key in labels.CONFIG_KEYS)


def read_config(raw: bytes, start: int, end: int) -> dict[str, Any]:
    """The ``wg`` keys the page row needs, from ``RLCONF`` / ``mw.config.set`` objects.

    Plain ``bytes.find`` for the openers and the keys, and ``json``'s raw decoder
    for each value only: a regular expression over the head of the page, or
    decoding the whole object, cost more than the rest of the metadata work.
    Old minified configs (``!0``/``!1``) fall back to ``_config_by_key``.
    MediaWiki writes one ``RLCONF`` holding every key; once it gave the page
    name, the rest of the head is not searched (two more scans of it).
    """
    meta: dict[str, Any] = {}
    for opener in labels.CONFIG_OPENERS:
        at = raw.find(opener, start, end)
        while at >= 0:
            brace = raw.find(b"{", at + len(opener), end)
            if brace < 0 or raw[at + len(opener) : brace].strip(b" =(\t\r\n"):
                at = raw.find(opener, at + len(opener), end)
                continue
            stop = raw.find(labels.SCRIPT_END, brace, end)
            chunk = raw[brace : stop if stop > 0 else end].decode("utf-8", "replace")
            for key, value in _config_keys(chunk).items():
                meta.setdefault(key, value)
            if opener == labels.CONFIG_OPENERS[0] and "wgPageName" in meta:
                return meta
            at = raw.find(opener, brace, end)
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
    cats = labels.CATEGORIES_KEY_RE.search(text)
    if cats:
        try:
            found["wgCategories"] = json.loads(cats.group(1))
        except (ValueError, RecursionError):
            found["_error"] = "expected a JSON list in wgCategories, found something else"
    return found


def first_heading(raw: bytes, end: int) -> str:
    match = labels.FIRST_HEADING_RE.search(raw, 0, end)
    if not match:
        return ""
    inner = match.group(1).decode("utf-8", "replace")
    return " ".join(html.unescape(labels.TAG_RE.sub("", inner)).split())


def redirected_from(raw: bytes, end: int) -> str:
    match = labels.REDIRECTED_FROM_RE.search(raw, 0, end)
    if not match:
        return ""
    inner = match.group(1).decode("utf-8", "replace")
    title = _attribute(inner, "title")
    if title:
        return title
    anchor = inner.find("<a")
    return " ".join(
        html.unescape(labels.TAG_RE.sub("", inner[anchor:] if anchor >= 0 else "")).split()
    )


def _attribute(fragment: str, name: str) -> str:
    key = f'{name}="'
    at = fragment.find(key)
    if at < 0:
        return ""
    end = fragment.find('"', at + len(key))
    return html.unescape(fragment[at + len(key) : end]) if end > 0 else ""
