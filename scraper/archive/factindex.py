"""The crawl state's index of SMW's data (schema 2 of ``state.sqlite``): ``state.facts``.

What it indexes (tables in the ``scraper.archive.state`` docstring):

- every SMW answer a crawl archived that a snapshot reads back (``smw_records``): the
  property list and types of the crawl (``schema`` kinds) and each
  ``Special:ExportRDF`` answer (``pages``);
- per page fetch, the answer that holds its facts and how whole it was (``smw_pages``);
- per page fetch, its page-valued facts with the digest of their subject
  (``fact_targets``): what the plan refetches when a page's relations change.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from scraper.archive.fetchindex import ARCHIVED_FETCH

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


def schema_records(db: sqlite3.Connection, crawl_id: int) -> list[SmwRecord]:
    """The schema answers (property list, types) a snapshot of ``crawl_id`` reads: those of
    the newest crawl up to it that fetched them, in the order they were fetched."""
    row = db.execute(
        f"SELECT max(crawl_id) FROM smw_records WHERE crawl_id <= ? AND kind IN ({_KINDS})",
        (crawl_id, *SCHEMA_KINDS),
    ).fetchone()
    if row is None or row[0] is None:
        return []
    cur = db.execute(
        f"SELECT {_RECORD_COLUMNS} FROM smw_records r WHERE r.crawl_id = ?"
        f" AND r.kind IN ({_KINDS}) ORDER BY r.id",
        (int(row[0]), *SCHEMA_KINDS),
    )
    return [_record(tuple(r)) for r in cur]


class FactIndex:
    """The SMW part of the crawl state: ``state.facts``."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._db = connection

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
        """The schema answers a snapshot of ``crawl_id`` reads (:func:`schema_records`)."""
        return schema_records(self._db, crawl_id)

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
