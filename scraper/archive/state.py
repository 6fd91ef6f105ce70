"""The crawl state: SQLite ``DATA/state.sqlite`` in WAL mode.

What it holds, and why:

- ``crawls``: one row per run of ``nora crawl``; a row left ``running`` is resumed
  by the next run (same id), so a ``kill -9`` costs nothing already archived.
- ``listing``: the pages the API listed in each crawl (title, page id, revision,
  touched, length). Kept so a resumed crawl plans from the same listing, and so
  the next crawl knows which pages were deleted since (baseline minus current).
- ``redirects``: (from, to) per crawl; redirects are recorded, never fetched.
- ``fetches``: the archive index, one row per page fetch attempt: the WARC file
  and offset of the response record, SHA-256 of the HTML, HTTP status, outcome
  (``ok``, ``failed``, ``gone``). The raw HTML of any page in any crawl is found
  from here.
- ``targets``: the direct relation targets (Relaties) parsed from each ok fetch;
  an incremental crawl refetches the old and new targets of changed pages,
  because their "Afgeleide relaties" change without a new revision.
- ``warc_marks``: per WARC file, the offset of the last record indexed here; on
  restart records after it are re-indexed (written but not committed at a kill).
- ``smw_records`` (schema 2): every SMW answer a crawl archived and will read back
  (``scraper.crawl.smw``): the property list and the property types (``schema``), and the
  ``Special:ExportRDF`` answers holding pages' facts (``pages``), with WARC file and
  offset; ``smw_pages``: which answer holds the facts of each page fetch, and whether
  the answer held them whole (``ok``), in part (``incomplete``) or not (``missing``), or
  could not be read at all (``unreadable``, with why);
  ``fact_targets``: the page-valued facts of each fetch (the targets SMW itself
  knows), each with the digest of the subject holding it, so the plan can tell a
  relation that changed from one that did not.
- ``crawls.facts`` (schema 2): whether the crawl asked SMW for facts (its snapshot,
  and ``nora export`` of it, then hold the ``facts`` table).
- ``fetches.fetched_revision`` (schema 2): the revision the fetched HTML shows, when it
  differs from the listed one (the page was edited between listing and fetch);
  ``fetches.targets_version``: the parser version that computed the fetch's targets
  (``scraper.snapshot.targets`` recomputes them after a parser upgrade); ``redirects.revision_id``
  and ``.touched``: redirects are listed with their version, so a redirect edited to
  point elsewhere is seen.
- ``fetches.shows_query`` (schema 3): the fetched page's body shows an SMW query's
  results (other pages' data): the plan refetches such pages when the wiki changed.

Each fetch row is committed on its own right after its WARC record is durable.
``synchronous=NORMAL`` under WAL survives a killed process; a power loss may drop
the last commits, which the re-index from the WARC files recovers.
Migrations (``scraper.archive.migrations``) are numbered by ``PRAGMA user_version``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import TracebackType

from scraper.archive.factindex import FactIndex
from scraper.archive.fetchindex import FetchIndex
from scraper.archive.migrations import MIGRATIONS as _MIGRATIONS
from scraper.archive.rows import (
    LISTING_COLUMNS,
    CrawlRow,
    FetchRow,
    ListedPage,
    NewFetch,
    RedirectVersion,
    listed_page,
    listing_values,
)
from scraper.errors import StateError

__all__ = ["CrawlRow", "FetchRow", "ListedPage", "NewFetch", "State"]

SCHEMA_VERSION = len(_MIGRATIONS)
#: a listing row: the crawl, then the ListedPage's fields in their order
_INSERT_LISTING = (
    f"INSERT OR REPLACE INTO listing (crawl_id, {', '.join(LISTING_COLUMNS)})"
    f" VALUES (?{', ?' * len(LISTING_COLUMNS)})"
)


def _crawl(row: sqlite3.Row | tuple[object, ...]) -> CrawlRow:
    r = tuple(row)
    return CrawlRow(
        id=int(r[0]),  # type: ignore[call-overload]
        site=str(r[1]),
        started_at=str(r[2]),
        finished_at=None if r[3] is None else str(r[3]),
        status=str(r[4]),
        full=bool(r[5]),
        listing_done=bool(r[6]),
        snapshot_id=None if r[7] is None else str(r[7]),
    )


def crawl_redirects(db: sqlite3.Connection, crawl_id: int) -> dict[str, str]:
    """The redirects (from -> to) crawl ``crawl_id`` listed; on any connection to the state."""
    cur = db.execute("SELECT from_title, to_title FROM redirects WHERE crawl_id = ?", (crawl_id,))
    return {str(a): str(b) for a, b in cur}


#: how long a connection waits for another process's SQLite lock on the state before
#: giving up ("database is locked": exit LOCKED)
BUSY_SECONDS = 30.0


def open_read_only(path: Path, *, check_same_thread: bool = True) -> sqlite3.Connection:
    """A read-only connection to ``state.sqlite``, also in a folder nobody may write.

    In WAL mode SQLite creates ``state.sqlite-shm`` even to read; in a read-only
    folder (a mounted backup, a copy on read-only media) that fails with "unable to
    open database file", so there the file is opened as immutable: nobody can be
    writing it. A file that is no SQLite database raises ``sqlite3.DatabaseError``
    here, at once (``commands.exits.state_failure`` names it).
    """
    uri = Path(path).resolve().as_uri()
    db = sqlite3.connect(f"{uri}?mode=ro", uri=True, check_same_thread=check_same_thread)
    try:
        db.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return db
    except sqlite3.OperationalError:
        db.close()
        if os.access(Path(path).parent, os.W_OK):
            raise
    db = sqlite3.connect(
        f"{uri}?mode=ro&immutable=1", uri=True, check_same_thread=check_same_thread
    )
    db.execute("SELECT count(*) FROM sqlite_master").fetchone()
    return db


class State:
    """The crawl state database; ``with State.open(path) as state:``.

    It writes the crawls, listings, redirects and fetches itself; two collaborators on
    the same connection read the rest: ``state.fetches``
    (:class:`~scraper.archive.fetchindex.FetchIndex`: what the plan and the snapshots
    read of the fetches and their targets) and ``state.facts``
    (:class:`~scraper.archive.factindex.FactIndex`: the SMW answers and facts)."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self._db = connection
        self.path = path
        self.fetches = FetchIndex(connection)
        self.facts = FactIndex(connection)

    @classmethod
    def open(cls, path: Path) -> State:
        path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(path, isolation_level=None, timeout=BUSY_SECONDS)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        db.execute("PRAGMA foreign_keys=ON")
        state = cls(db, path)
        state._migrate()
        return state

    def _migrate(self) -> None:
        version = int(self._db.execute("PRAGMA user_version").fetchone()[0])
        if version > SCHEMA_VERSION:
            raise StateError(
                f"{self.path}: expected schema version <= {SCHEMA_VERSION}, found {version}"
                " (written by a newer nora-archive)"
            )
        for number in range(version, SCHEMA_VERSION):
            self._db.execute("BEGIN IMMEDIATE")
            for statement in _MIGRATIONS[number].split(";"):
                if statement.strip():
                    self._db.execute(statement)
            self._db.execute(f"PRAGMA user_version = {number + 1}")
            self._db.execute("COMMIT")

    @property
    def connection(self) -> sqlite3.Connection:
        """The connection itself, for the queries a read-only reader asks as well
        (``scraper.snapshot.pipeline``)."""
        return self._db

    @property
    def schema_version(self) -> int:
        return int(self._db.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> State:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- crawls ---------------------------------------------------------------

    def begin_crawl(self, site: str, started_at: str, *, full: bool) -> CrawlRow:
        cur = self._db.execute(
            "INSERT INTO crawls (site, started_at, status, full) VALUES (?, ?, 'running', ?)",
            (site, started_at, int(full)),
        )
        crawl = self.crawl(int(cur.lastrowid or 0))
        assert crawl is not None
        return crawl

    def crawl(self, crawl_id: int) -> CrawlRow | None:
        row = self._db.execute(
            "SELECT id, site, started_at, finished_at, status, full, listing_done, snapshot_id"
            " FROM crawls WHERE id = ?",
            (crawl_id,),
        ).fetchone()
        return None if row is None else _crawl(row)

    def crawls(self) -> list[CrawlRow]:
        rows = self._db.execute(
            "SELECT id, site, started_at, finished_at, status, full, listing_done, snapshot_id"
            " FROM crawls ORDER BY id"
        ).fetchall()
        return [_crawl(r) for r in rows]

    def unfinished_crawl(self, site: str) -> CrawlRow | None:
        """The crawl of ``site`` a killed run left behind, to be resumed."""
        row = self._db.execute(
            "SELECT id, site, started_at, finished_at, status, full, listing_done, snapshot_id"
            " FROM crawls WHERE site = ? AND status = 'running' ORDER BY id DESC LIMIT 1",
            (site,),
        ).fetchone()
        return None if row is None else _crawl(row)

    def baseline_crawl(self, site: str, before: int) -> CrawlRow | None:
        """The last finished crawl of ``site`` before ``before``: "deleted" is measured from it."""
        row = self._db.execute(
            "SELECT id, site, started_at, finished_at, status, full, listing_done, snapshot_id"
            " FROM crawls WHERE site = ? AND status IN ('complete', 'partial') AND id < ?"
            " ORDER BY id DESC LIMIT 1",
            (site, before),
        ).fetchone()
        return None if row is None else _crawl(row)

    def set_full(self, crawl_id: int) -> None:
        self._db.execute("UPDATE crawls SET full = 1 WHERE id = ?", (crawl_id,))

    def set_crawl_facts(self, crawl_id: int, on: bool) -> None:
        """Record whether a crawl asks SMW for facts (its snapshot holds them then)."""
        self._db.execute("UPDATE crawls SET facts = ? WHERE id = ?", (int(on), crawl_id))

    def set_snapshot_id(self, crawl_id: int, snapshot_id: str) -> None:
        self._db.execute("UPDATE crawls SET snapshot_id = ? WHERE id = ?", (snapshot_id, crawl_id))

    def finish_crawl(
        self,
        crawl_id: int,
        *,
        status: str,
        finished_at: str,
        pages_listed: int,
        pages_fetched: int,
        pages_failed: int,
    ) -> None:
        if status not in ("complete", "partial", "held"):
            raise ValueError(f"expected status complete, partial or held, found {status!r}")
        self._db.execute(
            "UPDATE crawls SET status = ?, finished_at = ?, pages_listed = ?, pages_fetched = ?,"
            " pages_failed = ? WHERE id = ?",
            (status, finished_at, pages_listed, pages_fetched, pages_failed, crawl_id),
        )

    # -- listing and redirects ------------------------------------------------

    def store_listing(
        self,
        crawl_id: int,
        pages: Iterable[ListedPage],
        redirects: Iterable[tuple[str, str]],
    ) -> int:
        """Replace the crawl's listing in one transaction and mark it done."""
        count = 0
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.execute("DELETE FROM listing WHERE crawl_id = ?", (crawl_id,))
            self._db.execute("DELETE FROM redirects WHERE crawl_id = ?", (crawl_id,))
            for p in pages:
                self._db.execute(_INSERT_LISTING, (crawl_id, *listing_values(p)))
                count += 1
            self._db.executemany(
                "INSERT OR REPLACE INTO redirects (crawl_id, from_title, to_title)"
                " VALUES (?, ?, ?)",
                ((crawl_id, a, b) for a, b in redirects),
            )
            self._db.execute("UPDATE crawls SET listing_done = 1 WHERE id = ?", (crawl_id,))
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return count

    # The listing as it grows (a killed run keeps what it listed; memory stays flat):
    # clear_listing, then add_listing per API answer, then finish_listing.

    def clear_listing(self, crawl_id: int) -> None:
        """Forget a crawl's (partial) listing and redirects before listing again."""
        self._db.execute("BEGIN IMMEDIATE")
        self._db.execute("DELETE FROM listing WHERE crawl_id = ?", (crawl_id,))
        self._db.execute("DELETE FROM redirects WHERE crawl_id = ?", (crawl_id,))
        self._db.execute("UPDATE crawls SET listing_done = 0 WHERE id = ?", (crawl_id,))
        self._db.execute("COMMIT")

    def add_listing(self, crawl_id: int, pages: Iterable[ListedPage]) -> None:
        """Store some listed pages now, in one committed transaction."""
        rows = [(crawl_id, *listing_values(p)) for p in pages]
        if rows:
            self._db.execute("BEGIN IMMEDIATE")
            self._db.executemany(_INSERT_LISTING, rows)
            self._db.execute("COMMIT")

    def finish_listing(
        self, crawl_id: int, redirects: Iterable[tuple[str, ...] | tuple[object, ...]]
    ) -> int:
        """Store the redirects ((from, to) or ``discovery.Redirect`` with its revision and
        touched) and mark the listing done; returns the pages listed."""
        rows = []
        for entry in redirects:
            rev = entry[2] if len(entry) > 2 else None
            touched = entry[3] if len(entry) > 3 else None
            rows.append((crawl_id, str(entry[0]), str(entry[1]), rev, touched))
        self._db.execute("BEGIN IMMEDIATE")
        try:
            self._db.executemany(
                "INSERT OR REPLACE INTO redirects (crawl_id, from_title, to_title, revision_id,"
                " touched) VALUES (?, ?, ?, ?, ?)",
                rows,
            )
            self._db.execute("UPDATE crawls SET listing_done = 1 WHERE id = ?", (crawl_id,))
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        cur = self._db.execute("SELECT count(*) FROM listing WHERE crawl_id = ?", (crawl_id,))
        return int(cur.fetchone()[0])

    def listing(self, crawl_id: int) -> Iterator[ListedPage]:
        """The crawl's listed pages in snapshot order: namespace, then title."""
        cur = self._db.execute(
            f"SELECT {', '.join(LISTING_COLUMNS)} FROM listing"
            " WHERE crawl_id = ? ORDER BY namespace, title",
            (crawl_id,),
        )
        for r in cur:
            yield listed_page(r)

    def listed_titles(self, crawl_id: int) -> set[str]:
        cur = self._db.execute("SELECT title FROM listing WHERE crawl_id = ?", (crawl_id,))
        return {str(r[0]) for r in cur}

    def redirect_versions(self, crawl_id: int) -> dict[str, RedirectVersion]:
        cur = self._db.execute(
            "SELECT from_title, to_title, revision_id, touched FROM redirects WHERE crawl_id = ?",
            (crawl_id,),
        )
        return {
            str(a): RedirectVersion(str(b), None if r is None else int(r), t) for a, b, r, t in cur
        }

    def redirects(self, crawl_id: int) -> dict[str, str]:
        return crawl_redirects(self._db, crawl_id)

    # -- fetches --------------------------------------------------------------

    def record_fetch(self, fetch: NewFetch, targets: Iterable[str] = ()) -> int:
        """Store one fetch attempt (and its relation targets) in one committed transaction."""
        p = fetch.page
        self._db.execute("BEGIN IMMEDIATE")
        try:
            cur = self._db.execute(
                "INSERT INTO fetches (crawl_id, title, namespace, page_id, revision_id, touched,"
                " length, url, reason, outcome, http_status, sha256, warc_file, warc_offset,"
                " fetched_at, error, fetched_revision, targets_version, shows_query)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    fetch.crawl_id,
                    p.title,
                    p.namespace,
                    p.page_id,
                    p.revision_id,
                    p.touched,
                    p.length,
                    fetch.url,
                    fetch.reason,
                    fetch.outcome,
                    fetch.http_status,
                    fetch.sha256,
                    fetch.warc_file,
                    fetch.warc_offset,
                    fetch.fetched_at,
                    fetch.error,
                    fetch.fetched_revision,
                    fetch.targets_version,
                    int(fetch.shows_query),
                ),
            )
            fetch_id = int(cur.lastrowid or 0)
            self._db.executemany(
                "INSERT OR IGNORE INTO targets VALUES (?, ?)",
                ((fetch_id, t) for t in targets),
            )
            if fetch.warc_file is not None and fetch.warc_offset is not None:
                self._mark(fetch.warc_file, fetch.warc_offset)
            self._db.execute("COMMIT")
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        return fetch_id

    def _mark(self, warc_file: str, offset: int) -> None:
        self._db.execute(
            "INSERT INTO warc_marks VALUES (?, ?) ON CONFLICT (warc_file) DO UPDATE"
            " SET warc_offset = max(warc_offset, excluded.warc_offset)",
            (warc_file, offset),
        )

    def mark_scanned(self, warc_file: str, offset: int) -> None:
        """Remember that ``warc_file`` was scanned up to ``offset`` (re-index high-water mark)."""
        self._mark(warc_file, offset)

    def warc_marks(self) -> dict[str, int]:
        cur = self._db.execute("SELECT warc_file, warc_offset FROM warc_marks")
        return {str(a): int(b) for a, b in cur}

    def indexed_offsets(self, warc_file: str) -> set[int]:
        cur = self._db.execute(
            "SELECT warc_offset FROM fetches WHERE warc_file = ? AND warc_offset IS NOT NULL",
            (warc_file,),
        )
        return {int(r[0]) for r in cur}
