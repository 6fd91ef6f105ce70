"""The crawl state's index of SMW's data (schema 2 of ``state.sqlite``), as a part of ``State``.

Kept apart from ``scraper.archive.state`` so each module stays small; ``State`` inherits it.
What it indexes (tables in the ``scraper.archive.state`` docstring):

- every SMW answer a crawl archived that a snapshot reads back (``smw_records``): the
  property list and types of the crawl (``schema`` kinds) and each
  ``Special:ExportRDF`` answer (``pages``);
- per page fetch, the answer that holds its facts and how whole it was (``smw_pages``);
- per page fetch, its page-valued facts with the digest of their subject
  (``fact_targets``): what the plan refetches when a page's relations change;
- per redirect of a listing, its revision and ``touched`` (``redirects``).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from scraper.archive.fetchindex import ARCHIVED_FETCH
from scraper.archive.rows import RedirectVersion

SCHEMA_KINDS = ("siteinfo", "properties", "types")
_KINDS = ", ".join("?" * len(SCHEMA_KINDS))
PAGES_KIND = "pages"
#: facts of a fetch that the plan may rely on (an incomplete answer may lack relations)
WHOLE = "ok"
#: a fetch whose answer was malformed (``detail`` says how): no facts; asked again at the
#: end of the run and in later runs (``facts_pending``)
UNREADABLE = "unreadable"


@dataclass(frozen=True, slots=True)
class SmwRecord:
    """Where one archived SMW answer is, and what the crawl noted about it."""

    id: int
    crawl_id: int
    kind: str
    url: str
    warc_file: str
    warc_offset: int
    note: str


@dataclass(frozen=True, slots=True)
class FactsLocation:
    """Where the facts of one page fetch are: its answer, and how whole it was."""

    record: SmwRecord
    status: str  # ok | incomplete | missing | unreadable
    detail: str


_RECORD_COLUMNS = (
    "r.id, r.crawl_id, r.kind, r.url, r.warc_file, r.warc_offset, coalesce(r.note, '')"
)


def _record(row: tuple[object, ...]) -> SmwRecord:
    return SmwRecord(
        int(row[0]),  # type: ignore[call-overload]
        int(row[1]),  # type: ignore[call-overload]
        str(row[2]),
        str(row[3]),
        str(row[4]),
        int(row[5]),  # type: ignore[call-overload]
        str(row[6]),
    )


def _chunks(ids: list[int], size: int = 500) -> Iterable[list[int]]:
    for start in range(0, len(ids), size):
        yield ids[start : start + size]


class FactIndex:
    """The SMW part of the crawl state (``State`` provides ``_db``)."""

    _db: sqlite3.Connection

    # -- SMW answers -----------------------------------------------------------------

    def record_smw(
        self,
        crawl_id: int,
        kind: str,
        url: str,
        warc_file: str,
        warc_offset: int,
        fetched_at: str,
        note: str = "",
    ) -> int:
        """Index one archived SMW answer; returns its id."""
        cur = self._db.execute(
            "INSERT INTO smw_records (crawl_id, kind, url, warc_file, warc_offset, fetched_at,"
            " note) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (crawl_id, kind, url, warc_file, warc_offset, fetched_at, note or None),
        )
        return int(cur.lastrowid or 0)

    def attach_facts(
        self,
        record_id: int,
        pages: Iterable[tuple[int, str, str]],
        targets: Iterable[tuple[int, str, str]] = (),
    ) -> None:
        """Say which fetches' facts answer ``record_id`` holds ((fetch id, status, detail)),
        with their page-valued facts ((fetch id, target, digest)); one transaction."""
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(
                "INSERT OR REPLACE INTO smw_pages VALUES (?, ?, ?, ?)",
                ((fid, record_id, status, detail or None) for fid, status, detail in pages),
            )
            self._db.executemany("INSERT OR IGNORE INTO fact_targets VALUES (?, ?, ?)", targets)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise

    def schema_records(self, crawl_id: int) -> list[SmwRecord]:
        """The schema answers (property list, types) a snapshot of ``crawl_id`` reads: those of
        the newest crawl up to it that fetched them, in the order they were fetched."""
        row = self._db.execute(
            f"SELECT max(crawl_id) FROM smw_records WHERE crawl_id <= ? AND kind IN ({_KINDS})",
            (crawl_id, *SCHEMA_KINDS),
        ).fetchone()
        if row is None or row[0] is None:
            return []
        cur = self._db.execute(
            f"SELECT {_RECORD_COLUMNS} FROM smw_records r WHERE r.crawl_id = ?"
            f" AND r.kind IN ({_KINDS}) ORDER BY r.id",
            (int(row[0]), *SCHEMA_KINDS),
        )
        return [_record(tuple(r)) for r in cur]

    def has_schema(self, crawl_id: int) -> bool:
        row = self._db.execute(
            f"SELECT 1 FROM smw_records WHERE crawl_id = ? AND kind IN ({_KINDS}) LIMIT 1",
            (crawl_id, *SCHEMA_KINDS),
        ).fetchone()
        return row is not None

    def facts_locations(self, fetch_ids: Iterable[int]) -> dict[int, FactsLocation]:
        """Per fetch id, where its facts are (fetches without facts are absent)."""
        out: dict[int, FactsLocation] = {}
        for chunk in _chunks(list(fetch_ids)):
            marks = ",".join("?" * len(chunk))
            cur = self._db.execute(
                f"SELECT p.fetch_id, p.status, coalesce(p.detail, ''), {_RECORD_COLUMNS}"
                f" FROM smw_pages p JOIN smw_records r ON r.id = p.record_id"
                f" WHERE p.fetch_id IN ({marks})",
                chunk,
            )
            for row in cur:
                out[int(row[0])] = FactsLocation(_record(tuple(row[3:])), str(row[1]), str(row[2]))
        return out

    def facts_pending(self, crawl_id: int) -> list[tuple[int, str]]:
        """(fetch id, title) of each page of the crawl's listing whose newest ok fetch has
        no usable facts answer yet: fetched with facts off, a failed or an unreadable
        answer, a killed run. Asked once more at the end of a run (a site's passing fault
        heals there), so a malformed answer costs a request per batch twice a run."""
        cur = self._db.execute(
            "SELECT f.id, f.title FROM listing AS l"
            f" JOIN fetches AS f ON f.id = {ARCHIVED_FETCH}"
            " LEFT JOIN smw_pages AS p ON p.fetch_id = f.id"
            " WHERE l.crawl_id = ? AND (p.fetch_id IS NULL OR p.status = ?)"
            " ORDER BY l.namespace, l.title",
            (crawl_id, UNREADABLE),
        )
        return [(int(fid), str(title)) for fid, title in cur]

    def fact_targets(self, fetch_ids: Iterable[int]) -> dict[int, dict[str, frozenset[str]]]:
        """Per fetch id whose facts are whole: target -> digests of the subjects naming it.

        A fetch whose facts are whole but hold no page value maps to ``{}``; fetches
        without whole facts are absent (the plan then falls back to the HTML's targets).
        """
        out: dict[int, dict[str, set[str]]] = {}
        for chunk in _chunks(list(fetch_ids)):
            marks = ",".join("?" * len(chunk))
            for (fid,) in self._db.execute(
                f"SELECT fetch_id FROM smw_pages WHERE status = ? AND fetch_id IN ({marks})",
                (WHOLE, *chunk),
            ):
                out[int(fid)] = {}
            cur = self._db.execute(
                f"SELECT t.fetch_id, t.target, t.digest FROM fact_targets t"
                f" JOIN smw_pages p ON p.fetch_id = t.fetch_id AND p.status = ?"
                f" WHERE t.fetch_id IN ({marks})",
                (WHOLE, *chunk),
            )
            for fid, target, digest in cur:
                out[int(fid)].setdefault(str(target), set()).add(str(digest))
        return {fid: {t: frozenset(d) for t, d in found.items()} for fid, found in out.items()}

    def set_crawl_facts(self, crawl_id: int, on: bool) -> None:
        """Record whether a crawl asks SMW for facts (its snapshot holds them then)."""
        self._db.execute("UPDATE crawls SET facts = ? WHERE id = ?", (int(on), crawl_id))

    def crawl_facts(self, crawl_id: int) -> bool:
        row = self._db.execute("SELECT facts FROM crawls WHERE id = ?", (crawl_id,)).fetchone()
        return bool(row and row[0])

    # -- redirects with their version ------------------------------------------------

    def redirect_versions(self, crawl_id: int) -> dict[str, RedirectVersion]:
        cur = self._db.execute(
            "SELECT from_title, to_title, revision_id, touched FROM redirects WHERE crawl_id = ?",
            (crawl_id,),
        )
        return {
            str(a): RedirectVersion(str(b), None if r is None else int(r), t) for a, b, r, t in cur
        }

    # -- targets after a parser upgrade ----------------------------------------------

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
