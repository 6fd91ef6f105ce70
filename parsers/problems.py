"""Warning codes a page row can carry, and the one way to spell a warning.

A warning is a short string ``"code: detail"``; the code is stable (tests, the
CLI's exit status and users' filters key on it), the detail says what was expected
and what was found. ``parse_page`` reports every damage and everything it could
not place this way instead of raising.
"""

from __future__ import annotations

from collections.abc import Iterable

EMPTY = "empty"  # no bytes, or only whitespace
NOT_HTML = "not-html"  # no markup at all
TRUNCATED = "truncated"  # a full page that stops before </html>
NO_CONTENT_AREA = "no-content-area"  # a full page without #mw-content-text
ENCODING = "encoding"  # bytes that did not decode cleanly
NO_TITLE = "no-title"  # no metadata, heading, url or file name to take the title from
METADATA = "metadata"  # a page config object that could not be read
PROPERTY_ROW = "property-row"  # a row of the property table that is not label + value
RELATION_COLUMNS = "relation-columns"  # a relation table whose headers are not known
RELATION_ROW = "relation-row"  # a relation row with the wrong number of cells
RELATION_TEXT = "relation-text"  # an endpoint cell with text beside its links (target_text)
INTERNAL_ERROR = "internal-error"  # a parser bug caught so that parse_page never raises
TOO_DEEP = "too-deep"  # nested deeper than the HTML parser goes: flattened, text kept
LOST = "lost"  # visible text of the content area that landed in no record (conservation)

CODES = (
    EMPTY,
    NOT_HTML,
    TRUNCATED,
    NO_CONTENT_AREA,
    ENCODING,
    NO_TITLE,
    METADATA,
    PROPERTY_ROW,
    RELATION_COLUMNS,
    RELATION_ROW,
    RELATION_TEXT,
    INTERNAL_ERROR,
    TOO_DEEP,
    LOST,
)

# Notes (``pages.notes``): what an operator may want to know although nothing is lost or
# misread. Spelled like warnings, "code: detail".
BODY_TEXT = "body-text"  # text in a property or relation block, kept as body text
BY_POSITION = "by-position"  # a relation table without header row, read by column position
FULL_WIDTH_ROW = "full-width-row"  # a one-cell row in a property or relation table: body text
QUERY_LIMIT = "query-limit"  # a relation query that reached its limit=: the rows shown are a part

NOTE_CODES = (BODY_TEXT, BY_POSITION, FULL_WIDTH_ROW, QUERY_LIMIT)


MAX_DETAIL = 400


def warning(code: str, detail: str) -> str:
    """Spell one warning (or note). Details say where first (block, table, row), then what was
    found, quoted through ``excerpt``; only an overlong detail is cut, at the end."""
    detail = " ".join(detail.split())
    if len(detail) > MAX_DETAIL:
        detail = detail[: MAX_DETAIL - 3] + "..."
    return f"{code}: {detail}"


def query_limit(kind: str, where: str, shown: int) -> str:
    """The note of a relation block of ``kind`` (direct, derived) whose query reached its
    ``limit=``: SMW's footer links to the rows it leaves out. The detail starts with the
    kind, so ``query_limited`` reads it back (the checks treat the block as a part)."""
    rows = "row" if shown == 1 else "rows"
    return warning(
        QUERY_LIMIT,
        f"{kind} {where}: the query shows {shown} {rows}, more exist "
        "(its limit was reached; SMW's data holds them all)",
    )


def query_limited(notes: Iterable[str]) -> frozenset[str]:
    """The relation kinds whose blocks a page's ``query-limit`` notes say are a part."""
    prefix = QUERY_LIMIT + ": "
    return frozenset(
        note[len(prefix) :].split(" ", 1)[0] for note in notes if note.startswith(prefix)
    )


def excerpt(text: str, limit: int = 120) -> str:
    """``text`` on one line, quoted, shortened in the middle when longer than ``limit``:
    its start and its end both help to find it on the page."""
    text = " ".join(text.split())
    if len(text) > limit:
        half = (limit - 5) // 2
        text = f"{text[:half]} ... {text[-half:]}"
    return repr(text)
