"""The crawl state's schema, as numbered migrations (``PRAGMA user_version``).

What each table holds, and why: ``scraper.archive.state``. A migration is a list of
statements separated by ``;``; ``State.open`` runs those the database has not seen,
each in one transaction. Add new ones at the end; never change an old one.
"""

from __future__ import annotations

MIGRATIONS: tuple[str, ...] = (
    # 1: the first schema
    """
    CREATE TABLE crawls (
        id INTEGER PRIMARY KEY,
        site TEXT NOT NULL,
        started_at TEXT NOT NULL,
        finished_at TEXT,
        status TEXT NOT NULL,             -- running | complete | partial
        full INTEGER NOT NULL DEFAULT 0,
        listing_done INTEGER NOT NULL DEFAULT 0,
        snapshot_id TEXT,
        pages_listed INTEGER,
        pages_fetched INTEGER,
        pages_failed INTEGER
    );
    CREATE TABLE listing (
        crawl_id INTEGER NOT NULL REFERENCES crawls(id),
        title TEXT NOT NULL,
        namespace INTEGER NOT NULL,
        page_id INTEGER NOT NULL,
        revision_id INTEGER NOT NULL,
        touched TEXT NOT NULL,
        length INTEGER NOT NULL,
        PRIMARY KEY (crawl_id, title)
    ) WITHOUT ROWID;
    CREATE TABLE redirects (
        crawl_id INTEGER NOT NULL REFERENCES crawls(id),
        from_title TEXT NOT NULL,
        to_title TEXT NOT NULL,
        PRIMARY KEY (crawl_id, from_title)
    ) WITHOUT ROWID;
    CREATE TABLE fetches (
        id INTEGER PRIMARY KEY,
        crawl_id INTEGER NOT NULL REFERENCES crawls(id),
        title TEXT NOT NULL,
        namespace INTEGER NOT NULL,
        page_id INTEGER NOT NULL,
        revision_id INTEGER NOT NULL,
        touched TEXT NOT NULL,
        length INTEGER NOT NULL,
        url TEXT NOT NULL,
        reason TEXT NOT NULL,
        outcome TEXT NOT NULL,            -- ok | failed | gone
        http_status INTEGER,
        sha256 TEXT,
        warc_file TEXT,
        warc_offset INTEGER,
        fetched_at TEXT NOT NULL,
        error TEXT
    );
    CREATE INDEX fetches_title ON fetches (title, outcome, id);
    CREATE INDEX fetches_crawl ON fetches (crawl_id, title);
    CREATE TABLE targets (
        fetch_id INTEGER NOT NULL REFERENCES fetches(id),
        target TEXT NOT NULL,
        PRIMARY KEY (fetch_id, target)
    ) WITHOUT ROWID;
    CREATE TABLE warc_marks (
        warc_file TEXT PRIMARY KEY,
        warc_offset INTEGER NOT NULL
    ) WITHOUT ROWID;
    """,
    # 2: SMW's data (facts), redirects with their version, fetched revisions
    """
    CREATE TABLE smw_records (
        id INTEGER PRIMARY KEY,
        crawl_id INTEGER NOT NULL REFERENCES crawls(id),
        kind TEXT NOT NULL,               -- properties | types | pages
        url TEXT NOT NULL,
        warc_file TEXT NOT NULL,
        warc_offset INTEGER NOT NULL,
        fetched_at TEXT NOT NULL,
        note TEXT                         -- what the answer lacked (wrapped, truncated)
    );
    CREATE INDEX smw_records_crawl ON smw_records (crawl_id, kind);
    CREATE TABLE smw_pages (
        fetch_id INTEGER PRIMARY KEY REFERENCES fetches(id),
        record_id INTEGER NOT NULL REFERENCES smw_records(id),
        status TEXT NOT NULL,             -- ok | incomplete | missing
        detail TEXT
    );
    CREATE INDEX smw_pages_record ON smw_pages (record_id);
    CREATE TABLE fact_targets (
        fetch_id INTEGER NOT NULL REFERENCES fetches(id),
        target TEXT NOT NULL,
        digest TEXT NOT NULL,
        PRIMARY KEY (fetch_id, target, digest)
    ) WITHOUT ROWID;
    CREATE INDEX targets_target ON targets (target);
    CREATE INDEX fact_targets_target ON fact_targets (target);
    ALTER TABLE fetches ADD COLUMN fetched_revision INTEGER;
    ALTER TABLE fetches ADD COLUMN targets_version TEXT;
    ALTER TABLE redirects ADD COLUMN revision_id INTEGER;
    ALTER TABLE redirects ADD COLUMN touched TEXT;
    ALTER TABLE crawls ADD COLUMN facts INTEGER
    """,
    # 3: which fetches show an SMW query's results in their body (the plan refetches them)
    """
    ALTER TABLE fetches ADD COLUMN shows_query INTEGER NOT NULL DEFAULT 0
    """,
)
