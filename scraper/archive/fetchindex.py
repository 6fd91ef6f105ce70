"""The crawl state's reads of the fetches, as a part of ``State``; and the one query of a crawl.

"The archived record of each page in crawl C" is asked by the crawl's own
snapshot (``scraper.snapshot.assembly``), by ``nora export`` and ``nora package``
of any crawl, and by ``nora prune`` (which files a kept crawl still reads). It
is one definition here: the page's newest ok fetch in crawl C or before
(:data:`ARCHIVED_FETCH`), beside the outcome of C's own newest attempt
(:data:`CRAWL_ATTEMPT`: a page C found gone is not in its snapshot), streamed by
:func:`crawl_pages` in snapshot order. Module-level, so a read-only connection
(``scraper.archive.readonly.connect_state``) can ask it as well as ``State``.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator

from scraper.archive.rows import (
    FETCH_COLUMNS,
    LISTING_COLUMNS,
    CrawlPage,
    FetchRow,
    listed_page,
)

_FETCHES = ", ".join(FETCH_COLUMNS)

#: SQL, correlated on a listing row ``l``: the id of the archived record of its page in
#: crawl ``l.crawl_id``, the newest ok fetch of that crawl or an earlier one
ARCHIVED_FETCH = (
    "(SELECT max(id) FROM fetches"
    " WHERE title = l.title AND outcome = 'ok' AND crawl_id <= l.crawl_id)"
)
#: SQL, correlated on ``l``: the outcome of crawl ``l.crawl_id``'s newest attempt at the page
CRAWL_ATTEMPT = (
    "(SELECT outcome FROM fetches"
    " WHERE crawl_id = l.crawl_id AND title = l.title ORDER BY id DESC LIMIT 1)"
)


def crawl_pages(
    db: sqlite3.Connection, crawl_id: int, *, facts: bool = False
) -> Iterator[CrawlPage]:
    """Each page crawl ``crawl_id`` listed (namespace, then title), with its archived record.

    Streams from one query. With ``facts`` (a state of schema 2 or later), each page
    also says where the SMW answer holding its record's facts is.
    """
    listing = ", ".join(f"l.{c}" for c in LISTING_COLUMNS)
    fetch = ", ".join(f"f.{c}" for c in FETCH_COLUMNS)
    smw = "r.warc_file, r.warc_offset, p.status" if facts else "NULL, NULL, NULL"
    joins = (
        " LEFT JOIN smw_pages AS p ON p.fetch_id = f.id"
        " LEFT JOIN smw_records AS r ON r.id = p.record_id"
        if facts
        else ""
    )
    cursor = db.execute(
        f"SELECT {listing}, {CRAWL_ATTEMPT}, {fetch}, {smw} FROM listing AS l"
        f" LEFT JOIN fetches AS f ON f.id = {ARCHIVED_FETCH}{joins}"
        " WHERE l.crawl_id = ? ORDER BY l.namespace, l.title",
        (crawl_id,),
    )
    listed, columns = len(LISTING_COLUMNS), len(FETCH_COLUMNS)
    for row in cursor:
        attempt = row[listed]
        record = row[listed + 1 : listed + 1 + columns]
        f_file, f_offset, f_status = row[listed + 1 + columns :]
        yield CrawlPage(
            listed_page(row[:listed]),
            None if record[0] is None else FetchRow(*record),
            None if attempt is None else str(attempt),
            f_file, f_offset, f_status,
        )  # fmt: skip


class FetchIndex:
    """What the plan and the snapshots read of the ``fetches`` and ``targets`` tables, and the
    targets recomputed after a parser upgrade: ``state.fetches``."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

    def _fetch_rows(self, sql: str, params: tuple[object, ...]) -> Iterator[FetchRow]:
        for r in self._db.execute(sql, params):
            yield FetchRow(*r)

    def latest_ok_fetches(self, *, before_crawl: int | None = None) -> dict[str, FetchRow]:
        """Per title, the newest ok fetch (optionally only from crawls before ``before_crawl``)."""
        where = "outcome = 'ok'" + ("" if before_crawl is None else " AND crawl_id < ?")
        params: tuple[object, ...] = () if before_crawl is None else (before_crawl,)
        sql = (
            f"SELECT {_FETCHES} FROM fetches WHERE id IN"
            f" (SELECT max(id) FROM fetches WHERE {where} GROUP BY title)"
        )
        return {row.title: row for row in self._fetch_rows(sql, params)}

    def failed_last(self, *, before_crawl: int) -> set[str]:
        """Titles whose newest fetch attempt before ``before_crawl`` failed."""
        cur = self._db.execute(
            "SELECT title FROM fetches WHERE id IN (SELECT max(id) FROM fetches"
            " WHERE crawl_id < ? GROUP BY title) AND outcome = 'failed'",
            (before_crawl,),
        )
        return {str(r[0]) for r in cur}

    def crawl_fetches(self, crawl_id: int) -> dict[str, FetchRow]:
        """Per title, the newest attempt made in this crawl (ok, failed or gone)."""
        sql = (
            f"SELECT {_FETCHES} FROM fetches WHERE id IN"
            " (SELECT max(id) FROM fetches WHERE crawl_id = ? GROUP BY title)"
        )
        return {row.title: row for row in self._fetch_rows(sql, (crawl_id,))}

    def crawl_outcomes(self, crawl_id: int) -> dict[str, tuple[int, str]]:
        """Per title, (fetch id, outcome) of the newest attempt in this crawl: light rows."""
        cur = self._db.execute(
            "SELECT title, id, outcome FROM fetches WHERE id IN"
            " (SELECT max(id) FROM fetches WHERE crawl_id = ? GROUP BY title)",
            (crawl_id,),
        )
        return {str(t): (int(i), str(o)) for t, i, o in cur}

    def known_versions(self, *, before_crawl: int) -> Iterator[tuple[str, int, int, str]]:
        """(title, fetch id, revision, touched) of each title's newest ok fetch before a crawl."""
        cur = self._db.execute(
            "SELECT title, id, revision_id, touched FROM fetches WHERE id IN"
            " (SELECT max(id) FROM fetches WHERE outcome = 'ok' AND crawl_id < ? GROUP BY title)",
            (before_crawl,),
        )
        for title, fid, rev, touched in cur:
            yield str(title), int(fid), int(rev), str(touched)

    def archived_pages(self, crawl_id: int) -> Iterator[CrawlPage]:
        """The archived record of each page in the crawl, streamed (``crawl_pages``)."""
        return crawl_pages(self._db, crawl_id)

    def targets(self, fetch_ids: Iterable[int]) -> dict[int, frozenset[str]]:
        """Direct relation targets per fetch id (ids without targets are absent)."""
        out: dict[int, set[str]] = {}
        ids = list(fetch_ids)
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ",".join("?" * len(chunk))
            cur = self._db.execute(
                f"SELECT fetch_id, target FROM targets WHERE fetch_id IN ({marks})", chunk
            )
            for fid, target in cur:
                out.setdefault(int(fid), set()).add(str(target))
        return {k: frozenset(v) for k, v in out.items()}

    def stale_targets(self, version: str) -> list[tuple[int, str, str, str, int]]:
        """(fetch id, title, url, warc file, offset) of each title's newest ok fetch whose
        targets were computed by another parser version (or before versions were kept)."""
        cur = self._db.execute(
            "SELECT id, title, url, warc_file, warc_offset FROM fetches WHERE id IN"
            " (SELECT max(id) FROM fetches WHERE outcome = 'ok' GROUP BY title)"
            " AND coalesce(targets_version, '') <> ? AND warc_file IS NOT NULL"
            " AND warc_offset IS NOT NULL ORDER BY warc_file, warc_offset",
            (version,),
        )
        return [(int(i), str(t), str(u), str(f), int(o)) for i, t, u, f, o in cur]

    def replace_targets(
        self, fetch_id: int, targets: Iterable[str], version: str, shows_query: bool = False
    ) -> None:
        """The HTML targets (and query flag) of one fetch, recomputed by parser ``version``."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute("DELETE FROM targets WHERE fetch_id = ?", (fetch_id,))
            self._db.executemany(
                "INSERT OR IGNORE INTO targets VALUES (?, ?)", ((fetch_id, t) for t in targets)
            )
            self._db.execute(
                "UPDATE fetches SET targets_version = ?, shows_query = ? WHERE id = ?",
                (version, int(shows_query), fetch_id),
            )
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def query_pages(self) -> set[str]:
        """Titles whose newest ok fetch shows an SMW query's results in its body."""
        cur = self._db.execute(
            "SELECT title FROM fetches WHERE id IN"
            " (SELECT max(id) FROM fetches WHERE outcome = 'ok' GROUP BY title)"
            " AND shows_query = 1"
        )
        return {str(r[0]) for r in cur}

    def edited_when_fetched(self, before_crawl: int) -> set[str]:
        """Titles whose newest ok fetch before crawl ``before_crawl`` showed another
        revision than the listed one (edited during that crawl)."""
        cur = self._db.execute(
            "SELECT title FROM fetches WHERE id IN"
            " (SELECT max(id) FROM fetches WHERE outcome = 'ok' AND crawl_id < ?"
            " GROUP BY title) AND fetched_revision IS NOT NULL",
            (before_crawl,),
        )
        return {str(r[0]) for r in cur}

    def fetched_again(self, crawl_id: int) -> set[str]:
        """Titles with more than one ok fetch in this crawl (refetched once already)."""
        cur = self._db.execute(
            "SELECT title FROM fetches WHERE crawl_id = ? AND outcome = 'ok'"
            " GROUP BY title HAVING count(*) > 1",
            (crawl_id,),
        )
        return {str(r[0]) for r in cur}

    def mid_crawl_edits(self, crawl_id: int) -> list[tuple[str, int, int]]:
        """(title, listed revision, fetched revision) of pages edited between listing and fetch."""
        cur = self._db.execute(
            "SELECT title, revision_id, fetched_revision FROM fetches WHERE crawl_id = ?"
            " AND outcome = 'ok' AND fetched_revision IS NOT NULL ORDER BY title",
            (crawl_id,),
        )
        return [(str(t), int(a), int(b)) for t, a, b in cur]
