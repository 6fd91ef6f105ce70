"""From raw page bytes to a parsed content area plus page metadata.

Speed is the design constraint here (``parse_page`` must keep up with a bare
``lxml.html.fromstring`` of the same bytes), so the page is handled as bytes and
never parsed whole when it need not be:

* UTF-8 pages (declared or not) are never decoded to ``str``: markers are found
  with ``bytes.find`` and lxml parses the bytes. Only the parsed slice is
  validated as UTF-8; a page that is not UTF-8 after all is re-read as
  windows-1252 (as browsers do) with a warning. A BOM or another declared
  charset (``<meta charset>``, http-equiv content type, XML declaration) is
  transcoded to UTF-8 once (``to_utf8``).
* Metadata (``wgPageName``, ids, ``wgCategories`` ...) is read from the page
  config script by string search (``parsers.metadata``); ``<head>`` is never
  parsed.
* C0 control characters (other than TAB, LF, CR; FF becomes a space) and the
  noncharacters U+FFFE/U+FFFF, raw or as character references, are removed
  from the slice before parsing: never
  visible, and refused by lxml when the text extractor adds its line markers.
  So are MediaWiki's heading edit links in their standard spelling (noise
  that is a sixth of a typical page's elements; ``labels.EDIT_SECTION_RE``).
* Only the slice from the ``#mw-content-text`` tag to the end of ``#catlinks``
  goes through the HTML parser (string search plus a ``<div`` depth count over
  the small category box), or only to the parser report / print footer when the
  metadata lists the categories (searched backwards from the end of the page).
  Navigation, footer and head - two thirds of a MediaWiki page by bytes - are
  skipped. Without those markers (a bare
  ``.mw-parser-output`` fragment, a damaged page) the whole text is parsed.
* The parser is ``lxml.etree.HTMLParser`` without lxml.html's element classes,
  with comments (the parser-report blocks) dropped by libxml2 itself. lxml won
  over selectolax/lexbor: measured here, lexbor parsed the slice ~15% faster
  (not the 2.8x hoped for) while per-node access from Python was ~2x slower,
  and extraction touches many nodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from parsers import labels, metadata, nesting, problems
from parsers.charset import guess

_PARSER = etree.HTMLParser(  # type: ignore[call-arg]  # default_doctype: lxml-stubs lag
    encoding="utf-8",
    remove_comments=True,
    remove_pis=True,
    no_network=True,
    collect_ids=False,
    default_doctype=False,
    huge_tree=True,
)

# C0 control characters other than TAB, LF, CR are dropped from the parsed slice
# (FF, HTML whitespace, becomes a space), as are the noncharacters U+FFFE/U+FFFF
# and numeric character references to any of them (``labels.CONTROL_REFERENCE_RE``):
# never visible text (a browser's tree builder drops NUL too), and lxml refuses
# text holding them when the line markers are added (``parsers.text``). One
# C-level ``bytes.translate`` over the slice (~3 us per 10 KB); UTF-8 continuation
# bytes are >= 0x80, so no multi-byte character is touched.
_CONTROLS = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x20)])
_FORM_FEED_AS_SPACE = bytes.maketrans(b"\x0c", b" ")
_NONCHARACTERS = ("\ufffe".encode(), "\uffff".encode())


@dataclass
class Document:
    """The parsed content area of one page and what the raw text says about it."""

    root: etree._Element | None
    tree: etree._Element | None
    meta: dict[str, Any]
    first_heading: str
    redirected_from: str
    is_full_page: bool
    source: bytes = b""  # the HTML that was parsed (the slice), UTF-8
    warnings: list[str] = field(default_factory=list)


def load(raw: bytes) -> Document:
    """Locate, slice and parse the content area of UTF-8 page bytes; read its metadata."""
    warnings: list[str] = []
    if not raw or raw.isspace():
        return _empty(problems.warning(problems.EMPTY, "expected HTML, found no content"))
    if raw.find(b"<") < 0:
        return _empty(problems.warning(problems.NOT_HTML, "expected HTML markup, found plain text"))
    head = raw[:1024].lower()  # a saved page opens with a doctype or <html>, maybe a comment
    is_full = False
    for marker in labels.FULL_PAGE_MARKERS:
        if marker in head:
            is_full = True
            break
    # only the end counts: a "</html" quoted in a script mid-page must not hide a cut
    if (
        is_full
        and raw.find(labels.END_OF_PAGE, len(raw) - 4096) < 0  # as MediaWiki writes it
        and labels.END_OF_PAGE not in raw[-4096:].lower()
    ):
        warnings.append(
            problems.warning(problems.TRUNCATED, "expected </html> at the end, found none")
        )
    start = _content_start(raw) if is_full else -1
    head_end = start if start >= 0 else min(len(raw), 20000)  # where metadata is looked for
    meta = metadata.read_config(raw, 0, head_end)
    end = len(raw)
    if "wgPageName" not in meta and is_full:  # old skins may set it at the bottom
        if start >= 0:
            end = _catlinks_end(raw, start)
        meta = {**metadata.read_config(raw, end if start >= 0 else 0, len(raw)), **meta}
    if start >= 0:
        if isinstance(meta.get("wgCategories"), list):  # the category box is not needed
            end = _content_end(raw, start, len(raw))
        if end == len(raw):
            end = _catlinks_end(raw, start)
    body = raw[start:end] if start >= 0 else raw
    if not body.isascii():  # ASCII is UTF-8 (a third of the pages): no decoding
        try:
            decoded = body.decode("utf-8")  # validation: lxml parses the bytes themselves
        except UnicodeDecodeError:
            text, why = guess(raw)
            document = load(text.encode("utf-8"))
            document.warnings.insert(0, why)
            return document
        if "\ufffe" in decoded or "\uffff" in decoded:  # searching the str is ~free
            body = body.replace(_NONCHARACTERS[0], b"").replace(_NONCHARACTERS[1], b"")
    body = body.translate(_FORM_FEED_AS_SPACE, _CONTROLS)
    if labels.CONTROL_REFERENCE_RE.search(body) is not None:  # a C-level scan, ~1 us
        body = labels.CONTROL_REFERENCE_RE.sub(_control_reference, body)
    body = _without_edit_links(body)
    if meta.get("_error"):
        warnings.append(problems.warning(problems.METADATA, str(meta.pop("_error"))))
    # the regular expressions below only run when the metadata lacks the answer
    first_heading = "" if "wgPageName" in meta else metadata.first_heading(raw, head_end)
    redirected_from = ""
    if (
        "wgRedirectedFrom" not in meta
        # MediaWiki sets it in RLCONF whenever it shows the notice: no scan then
        and ("wgPageName" not in meta or raw.find(labels.CONFIG_OPENERS[0], 0, head_end) < 0)
        and raw.find(labels.REDIRECTED_FROM_MARKER, 0, head_end) >= 0
    ):
        redirected_from = metadata.redirected_from(raw, head_end)
    tree = _parse(body)
    if tree is not None and nesting.too_deep(_PARSER, body):
        body = nesting.flatten(body)
        tree = _parse(body)
        warnings.append(problems.warning(problems.TOO_DEEP, nesting.DETAIL))
    root = _content_root(tree, is_full, body)
    if tree is None:
        warnings.append(
            problems.warning(problems.NOT_HTML, "expected HTML elements, found none parseable")
        )
    elif root is None:
        warnings.append(
            problems.warning(
                problems.NO_CONTENT_AREA, "expected #mw-content-text in a full page, found none"
            )
        )
    return Document(root, tree, meta, first_heading, redirected_from, is_full, body, warnings)


def _empty(warning: str) -> Document:
    return Document(None, None, {}, "", "", False, b"", [warning])


def _content_start(text: bytes) -> int:
    """Start of the content-area tag, or -1."""
    for marker in labels.CONTENT_MARKERS:
        marker_at = text.find(marker)
        if marker_at >= 0:
            return text.rfind(b"<", 0, marker_at)
    return -1


def _catlinks_end(text: bytes, start: int) -> int:
    """End of the category box after ``start`` (the end of the text without one).

    Counts ``<div`` and ``</div`` (lowercase, as MediaWiki writes them) from the
    box's opening tag; plain finds, each searching on from where it last stopped
    (searching both from every tag rescanned a run of ``<div`` per tag).
    """
    cat_at = -1
    for marker in labels.CATLINKS_MARKERS:
        cat_at = text.find(marker, start)
        if cat_at >= 0:
            break
    if cat_at < 0:
        return len(text)
    at = text.rfind(b"<", 0, cat_at)
    depth = 1  # inside the box's own <div
    opening = text.find(b"<div", at + 1)
    closing = text.find(b"</div", at + 1)
    while True:
        if closing < 0:
            return len(text)
        if 0 <= opening < closing:
            depth += 1
            opening = text.find(b"<div", opening + 1)
            continue
        depth -= 1
        if depth <= 0:
            close = text.find(b">", closing)
            return len(text) if close < 0 else close + 1
        closing = text.find(b"</div", closing + 1)


def _content_end(raw: bytes, start: int, end: int) -> int:
    """Where the parsed slice may stop when the categories come from the metadata.

    Before the parser-report comments, else the print footer, else the category
    box: searched backwards from the end of the page, so only the footer and
    navigation after the content are scanned (a forward search for the category
    box scanned the whole content). What follows holds no content.
    """
    for marker in labels.AFTER_CONTENT_MARKERS:
        at = raw.rfind(marker, start, end)
        if at > start:
            cut = raw.rfind(b"<", start, at)
            if cut > start:
                return cut
    return end


def _control_reference(match: re.Match[bytes]) -> bytes:
    """A reference to a form feed becomes a space (HTML whitespace); others go."""
    code = int(match["hex"], 16) if match["hex"] else int(match["dec"])
    return b" " if code == 0x0C else b""


def _without_edit_links(body: bytes) -> bytes:
    """``body`` without MediaWiki's standard heading edit links (``labels.EDIT_SECTION_RE``).

    Parsing them, finding them among the spans and dropping them from the tree
    cost more than this: a ``find`` for the opening tag, then the pattern is
    matched only there (a regular-expression search of the page was slower).
    """
    opening = labels.EDIT_SECTION_OPEN
    at = body.find(opening)
    if at < 0:
        return body
    match = labels.EDIT_SECTION_RE.match
    pieces: list[bytes] = []
    last = 0
    while at >= 0:
        found = match(body, at)
        if found is None:  # spelled differently: left to the tree-based noise removal
            at = body.find(opening, at + 1)
            continue
        pieces.append(body[last:at])
        last = found.end()
        at = body.find(opening, last)
    if not pieces:
        return body
    pieces.append(body[last:])
    return b"".join(pieces)


def _parse(body: bytes) -> etree._Element | None:
    try:
        tree = etree.fromstring(body, _PARSER)
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return None
    return tree


def _content_root(
    tree: etree._Element | None, is_full: bool, source: bytes
) -> etree._Element | None:
    if tree is None:
        return None
    body = tree[0] if len(tree) and tree[0].tag == "body" else tree.find("body")
    content: etree._Element | None = None
    content_id = labels.CONTENT_TEXT_ID
    if body is not None and len(body) and body[0].get("id") == content_id:
        content = body[0]  # the usual case: the slice starts with that element
    else:
        content = next((e for e in tree.iter("div") if e.get("id") == content_id), None)
    scope = content if content is not None else tree
    output = labels.PARSER_OUTPUT_CLASS
    if len(scope):  # .mw-parser-output is the first child of #mw-content-text
        first = scope[0]
        if output in (first.get("class") or "").split():
            return first
    if source.find(output.encode()) >= 0:  # not first (old skins have none): look on
        for child in scope:  # a direct child, else deeper (a fragment)
            if output in (child.get("class") or "").split():
                return child
        for element in scope.iter("div", "section"):
            if output in (element.get("class") or "").split():
                return element
    if content is not None:
        return content
    if is_full:
        return None
    return body if body is not None else tree
