"""Pages nested deeper than libxml2 will parse: flattened and parsed again, not cut.

libxml2 stops at a fixed depth (2,048 elements with ``huge_tree``, 256 without):
from 2,045 nested ``<div>``s on, or 6,000 unclosed ``<span>``/``<b>``, it ends
the document with a fatal "Excessive depth" error and everything after the
nesting is silently lost. ``too_deep`` recognises that error on the parser that
just ran; ``flatten`` then drops the start tags nested deeper than
``labels.FLATTEN_DEPTH`` (and their end tags), keeping all text, so the second
parse keeps what follows the nesting. Only pages that hit the limit
pay for it; ``parsers.document`` adds a ``too-deep`` warning.

The depth is counted on tags alone (void elements and ``<x/>`` do not nest): an
approximation, but one that only has to bring the page under the limit. The tags
are found by string search, each byte looked at once: a pattern spanning a tag's
attributes rescanned the rest of the page from every unclosed ``<a x`` (a 46 KB
page took 8 s).
"""

from __future__ import annotations

from lxml import etree

from parsers import labels

#: the detail of the ``too-deep`` warning
DETAIL = (
    "expected elements nested at most as deep as the HTML parser goes, found deeper; "
    f"tags past depth {labels.FLATTEN_DEPTH} were dropped and their text kept"
)


#: fewer tags than this cannot nest as deep as libxml2 stops (2,048 levels with
#: ``huge_tree``, and every level is a start tag, bar the html and body it implies)
MIN_TAGS_TOO_DEEP = 1024


def too_deep(parser: etree._FeedParser, body: bytes) -> bool:  # type: ignore[type-arg]
    """True when the last parse with ``parser`` (of ``body``) stopped at libxml2's
    depth limit.

    A page shorter than ``MIN_TAGS_TOO_DEEP`` tags of three bytes cannot have; else the
    parser's last error says. Reading the error log copies its list of entries (the
    parse made each one already): ~1 us with the handful of HTML warnings of a usual
    page, an eighth of what counting the page's "<" first cost.
    """
    if len(body) < 3 * MIN_TAGS_TOO_DEEP:
        return False
    last = parser.error_log.last_error
    if last is None:
        return False
    return labels.DEPTH_ERROR_MARKER in (last.message or "")


def flatten(body: bytes, limit: int = labels.FLATTEN_DEPTH) -> bytes:
    """``body`` without the tags nested deeper than ``limit``; all text is kept.

    Past ``limit`` an inline start tag (``labels.INLINE_ELEMENTS``: unclosed
    ``<span>``/``<b>`` pile up this way) is dropped; other elements may go on to
    ``labels.FLATTEN_HARD_DEPTH`` so that headings, paragraphs and tables after
    the nesting keep their structure. An end tag is dropped when a start tag of
    its name was.
    """
    pieces: list[bytes] = []
    last = 0
    depth = 0
    dropped: dict[bytes, int] = {}  # start tags dropped per name, not yet matched
    tag_name = labels.TAG_NAME_RE.match
    at = body.find(b"<")
    while at >= 0:
        found = tag_name(body, at)
        if found is None:
            at = body.find(b"<", at + 1)
            continue
        after = found.end()  # the tag ends here (">", "/>"), or after its attributes
        follower = body[after : after + 1]
        if follower == b">":
            end, self_closing = after + 1, False
        elif follower == b"/" and body[after + 1 : after + 2] == b">":
            end, self_closing = after + 2, True
        elif follower and body[after] in _SPACES:
            close = body.find(b">", after)
            if close < 0:
                break  # no ">" after here: no later tag ends either
            end, self_closing = close + 1, close > after + 1 and body[close - 1] == 0x2F  # "/"
        else:  # "<a=" and the like: not a tag
            at = body.find(b"<", at + 1)
            continue
        closing, name = found.group(1), found.group(2).lower()
        at = body.find(b"<", end)
        if not closing:
            if name in labels.VOID_ELEMENTS or self_closing:
                continue
            room = limit if name in labels.INLINE_ELEMENTS else labels.FLATTEN_HARD_DEPTH
            if depth < room:
                depth += 1
                continue
            dropped[name] = dropped.get(name, 0) + 1
        elif dropped.get(name):
            dropped[name] -= 1
        else:
            depth = max(0, depth - 1)
            continue
        pieces.append(body[last : found.start()])
        last = end
    if not pieces:
        return body
    pieces.append(body[last:])
    return b"".join(pieces)


_SPACES = frozenset(b" \t\n\r\f\v")
"""What separates a tag's name from its attributes (``\\s`` of a bytes pattern)."""
