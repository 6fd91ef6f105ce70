"""Finding one page's archived record: by title, as of a crawl or a moment.

Reads ``DATA/state.sqlite`` read-only (``scraper.archive.readonly.connect_state``) and
never touches a WARC file: the caller reads the record with
``scraper.archive.reader.read_record`` (or :func:`raw_record` for the record exactly
as stored). Which version is chosen:

- default: the newest successful fetch of the page in any crawl;
- ``crawl_id``: the version crawl ``crawl_id`` saw, i.e. the newest successful
  fetch made in that crawl or before it (an unchanged page was fetched by an
  earlier crawl), provided that crawl listed the page;
- ``at``: the version the archive held at that moment: the newest successful
  fetch made at or before it.

Errors (``LookupFailed`` and its subclasses) say what was expected and what
was found, and carry the title.

    LookupFailed(title, message)
    ├── NoSuchCrawl        the crawl id is not in the state
    ├── NotArchived        no successful fetch of the title (at all, or by then)
    └── NotListed          the chosen crawl did not list the title
"""

from __future__ import annotations

import difflib
import sqlite3
import zlib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from parsers import ParsedPage, parse_page
from parsers.charset import decode
from scraper.archive.readonly import connect_state
from scraper.errors import ArchiveError, LookupFailed
from scraper.snapshot.pages import located

#: the policy of an ``nora show --open`` copy: no script, no network, inline styles only
#: (wiki content is written by anyone; the view must not call the site)
VIEW_POLICY = (
    '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
    "style-src 'unsafe-inline'; img-src data:; form-action 'none'\">"
)
#: what the copy starts with, before any byte of the page: the browser is in the document's
#: <head> when it meets the policy, whatever the page holds (a <script> before its own
#: <head>, a <head> inside a comment or a <textarea>); the page's own <!DOCTYPE>, <html>
#: and <head> that follow are ignored or merged, as for any second one
VIEW_HEAD = '<!DOCTYPE html><html><head><meta charset="utf-8">' + VIEW_POLICY

#: how much of the WARC file is read at a time when decompressing one record
_CHUNK = 64 * 1024


class NoSuchCrawl(LookupFailed):
    """``--crawl ID`` names a crawl the state does not hold."""


class NotArchived(LookupFailed):
    """The title has no successful fetch (at all, or not by the time asked for)."""

    def __init__(self, title: str, message: str, suggestions: tuple[str, ...] = ()) -> None:
        hint = f" (did you mean: {', '.join(suggestions)}?)" if suggestions else ""
        super().__init__(title, message + hint)
        self.suggestions = suggestions


class NotListed(LookupFailed):
    """The chosen crawl's listing does not hold the title."""


@dataclass(frozen=True, slots=True)
class ArchivedPage:
    """Where one version of a page lives in the archive, and what the index says of it."""

    title: str
    crawl_id: int
    url: str
    revision_id: int
    fetched_at: str
    http_status: int | None
    sha256: str | None  # SHA-256 of the decoded body, as computed at fetch time
    warc_file: str
    warc_offset: int


def normal_title(title: str) -> str:
    """A title as MediaWiki displays it: underscores as spaces, whitespace runs as one."""
    return " ".join(title.replace("_", " ").split())


def parse_moment(text: str) -> datetime:
    """``--at``: an ISO date (meaning the end of that day, UTC) or an ISO date and time.

    A time without a zone is UTC. Raises ``ValueError`` saying what was expected.
    """
    value = text.strip()
    try:
        if len(value) == 10:
            day = datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=UTC)
            return day.replace(hour=23, minute=59, second=59, microsecond=999999)
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"expected a date (2026-11-29) or a date and time (2026-11-29T08:00:00Z), "
            f"found {text!r}"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def _moment(fetched_at: str) -> datetime | None:
    try:
        moment = datetime.fromisoformat(fetched_at.replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


_COLUMNS = (
    "title, crawl_id, url, revision_id, fetched_at, http_status, sha256, warc_file, warc_offset"
)


def _versions(db: sqlite3.Connection, title: str) -> list[ArchivedPage]:
    rows = db.execute(
        f"SELECT {_COLUMNS} FROM fetches WHERE title = ? AND outcome = 'ok'"
        " AND warc_file IS NOT NULL AND warc_offset IS NOT NULL ORDER BY id",
        (title,),
    ).fetchall()
    return [
        ArchivedPage(
            str(r[0]),
            int(r[1]),
            str(r[2]),
            int(r[3]),
            str(r[4]),
            None if r[5] is None else int(r[5]),
            None if r[6] is None else str(r[6]),
            str(r[7]),
            int(r[8]),
        )
        for r in rows
    ]


def _known_title(db: sqlite3.Connection, title: str) -> str | None:
    """The archived title meant by ``title`` (exact, else with MediaWiki's capital first)."""
    for candidate in dict.fromkeys((title, title[:1].upper() + title[1:])):
        found = db.execute(
            "SELECT 1 FROM fetches WHERE title = ? AND outcome = 'ok' LIMIT 1", (candidate,)
        ).fetchone()
        if found is not None:
            return candidate
    return None


def suggestions(db: sqlite3.Connection, title: str, limit: int = 3) -> tuple[str, ...]:
    """Archived titles that look like ``title`` (for a "did you mean" hint)."""
    titles = [str(r[0]) for r in db.execute("SELECT DISTINCT title FROM fetches")]
    lowered = {t.lower(): t for t in titles}
    close = difflib.get_close_matches(title.lower(), list(lowered), n=limit, cutoff=0.6)
    return tuple(lowered[c] for c in close)


def find_page(
    db: sqlite3.Connection,
    title: str,
    *,
    crawl_id: int | None = None,
    at: datetime | None = None,
) -> ArchivedPage:
    """The archived version of ``title`` asked for (see the module docstring)."""
    wanted = normal_title(title)
    known = _known_title(db, wanted)
    if known is None:
        raise NotArchived(
            wanted,
            f"expected an archived page titled {wanted!r}, found none",
            suggestions(db, wanted),
        )
    versions = _versions(db, known)
    if crawl_id is not None:
        crawl = db.execute("SELECT listing_done FROM crawls WHERE id = ?", (crawl_id,)).fetchone()
        if crawl is None:
            ids = [int(r[0]) for r in db.execute("SELECT id FROM crawls ORDER BY id")]
            raise NoSuchCrawl(known, f"expected crawl {crawl_id}, found only crawls {ids}")
        listed = db.execute(
            "SELECT 1 FROM listing WHERE crawl_id = ? AND title = ?", (crawl_id, known)
        ).fetchone()
        if crawl[0] and listed is None:
            raise NotListed(
                known, f"expected {known!r} in the listing of crawl {crawl_id}, found it absent"
            )
        versions = [v for v in versions if v.crawl_id <= crawl_id]
        when = f"by crawl {crawl_id}"
    elif at is not None:
        versions = [v for v in versions if (m := _moment(v.fetched_at)) is not None and m <= at]
        when = f"by {at.strftime('%Y-%m-%dT%H:%M:%SZ')}"
    else:
        when = ""
    if not versions:
        raise NotArchived(known, f"expected a version of {known!r} archived {when}, found none")
    return versions[-1]


def raw_record(warc_dir: Path, warc_file: str, offset: int) -> bytes:
    """The WARC record at ``offset`` exactly as stored, decompressed: WARC headers, then
    the HTTP response as received (status line, headers, body with its content-coding)."""
    path = Path(warc_dir) / warc_file
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)  # one gzip member
    out: list[bytes] = []
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            while not inflater.eof:
                chunk = fh.read(_CHUNK)
                if not chunk:
                    raise ArchiveError(
                        path, f"offset {offset}: expected a whole gzip member, found end of file"
                    )
                out.append(inflater.decompress(chunk))
    except zlib.error as exc:
        raise ArchiveError(path, f"offset {offset}: expected a gzip member, found {exc}") from exc
    except OSError as exc:
        raise ArchiveError(path, f"expected a readable WARC file, found {exc}") from exc
    return b"".join(out)


def find_archived(
    data_dir: Path, title: str, *, crawl_id: int | None = None, at: datetime | None = None
) -> ArchivedPage:
    """``find_page`` on the data folder's state, opened read-only for the one lookup."""
    db = connect_state(data_dir)
    try:
        return find_page(db, title, crawl_id=crawl_id, at=at)
    finally:
        db.close()


def reparsed(page: ArchivedPage, body: str | bytes) -> ParsedPage:
    """The page's archived HTML parsed again, located in the archive as a snapshot has it."""
    parsed = parse_page(body, page.url, fetched_at=page.fetched_at)
    return located(parsed, page.warc_file, page.warc_offset)


def safe_view(html: bytes) -> bytes:
    """The page as UTF-8 after :data:`VIEW_HEAD`: the policy is the first thing the browser
    reads. Decoded as the parsers decode it (declared charset, else UTF-8, else a guess),
    since the copy's own ``<meta charset>`` comes first and so decides."""
    text, _warnings = decode(html)
    return (VIEW_HEAD + text).encode("utf-8", "replace")
