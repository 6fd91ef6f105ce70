"""One snapshot written from the archive: the crawl's own and ``nora export``'s alike.

Both paths run :func:`build_snapshot`, so a table cannot differ by the way it was made:
the crawl at its end with one worker, on its own connection to the state
(``scraper.snapshot.assembly``), ``nora export`` with a pool of workers on a read-only
one (``scraper.snapshot.export``).

The pages of crawl C are the ones it listed, in snapshot order (namespace, then
title), each read from the newest ok fetch archived up to C (an unchanged page was
fetched by an earlier crawl); pages C found gone are left out, and a page whose fetch
failed in C keeps its older version. They are parsed a chunk at a time
(``scraper.snapshot.reparse``), each relation's target followed through the listing's
redirects and judged by the listing (``scraper.snapshot.pages``), each page's facts read
back from the SMW answer archived with its fetch (``scraper.snapshot.factsread``). The
listing's redirects become the ``redirects`` table, the cross-checks
(``output.checks``) the ``checks`` table. Before the writer finishes, ``guard``
compares the row counts with the previous snapshot (``output.shrink``) and its verdict
goes into the manifest.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from output.checks import Checker
from output.shrink import Shrink
from output.snapshot import SnapshotWriter
from parsers.profile import NORA, Profile
from parsers.records import RedirectRecord
from scraper.archive.fetchindex import crawl_pages
from scraper.archive.state import crawl_redirects
from scraper.snapshot.existence import existing_titles
from scraper.snapshot.factsread import crawl_schema, crawl_schema_notes
from scraper.snapshot.reparse import FactsTally, PageSource, Unread, parsed_chunks

#: below this many pages a pool costs more than it saves
PARALLEL_MIN_PAGES = 200


@dataclass(slots=True)
class Built:
    """What went into a snapshot written by :func:`build_snapshot`."""

    out_dir: Path
    pages: int = 0
    with_warnings: int = 0  # pages whose parse carried warnings
    unread: list[Unread] = field(default_factory=list)  # listed pages left out, and why
    #: (title, fetched at) of each page whose fetch failed in C: its older version went in
    kept_previous: list[tuple[str, str]] = field(default_factory=list)
    checks: str = ""  # the one-line summary of the cross-checks
    facts_unreadable: int = 0  # pages whose SMW answer could not be read (checks rows)
    shrink: Shrink | None = None
    manifest: dict[str, Any] = field(default_factory=dict)


def _version(db: sqlite3.Connection) -> int:
    return int(db.execute("PRAGMA user_version").fetchone()[0])


def page_sources(
    db: sqlite3.Connection,
    crawl_id: int,
    *,
    facts: bool = False,
    kept_previous: list[tuple[str, str]] | None = None,
) -> Iterator[PageSource]:
    """The crawl's pages in snapshot order, each with its newest ok archived version
    (and, with ``facts``, the SMW answer holding its facts).

    Streams from one query. A page the crawl found gone (its last attempt in
    the crawl) is skipped; a page never fetched ok yields a source without a file.
    A page whose fetch failed in the crawl but has an older version is added to
    ``kept_previous``, with when that version was fetched, as it streams by.
    """
    for listed in crawl_pages(db, crawl_id, facts=facts and _version(db) >= 2):
        if listed.attempt == "gone":
            continue
        fetch = listed.fetch
        if kept_previous is not None and listed.attempt == "failed" and fetch is not None:
            kept_previous.append((listed.page.title, fetch.fetched_at))
        yield PageSource(
            listed.page.title,
            fetch.url if fetch else "",
            fetch.fetched_at if fetch else "",
            fetch.warc_file if fetch else None,
            fetch.warc_offset if fetch else None,
            listed.facts_file,
            listed.facts_offset,
            listed.facts_status,
        )


def count_pages(db: sqlite3.Connection, crawl_id: int) -> int:
    return int(
        db.execute("SELECT count(*) FROM listing WHERE crawl_id = ?", (crawl_id,)).fetchone()[0]
    )


def redirect_records(redirects: Mapping[str, str]) -> list[RedirectRecord]:
    return [RedirectRecord(a, b) for a, b in sorted(redirects.items())]


def build_snapshot(
    db: sqlite3.Connection,
    warc_dir: Path,
    crawl_id: int,
    out_dir: Path,
    *,
    command: str,
    inputs: list[str],
    extra: Mapping[str, Any],
    workers: int = 1,
    force: bool = False,
    on_page: Callable[[], None] | None = None,
    describe: Callable[[Built], Mapping[str, Any]] | None = None,
    guard: Callable[[Mapping[str, int]], Shrink | None] | None = None,
    property_map: Mapping[str, str] | None = None,
    profile: Profile = NORA,
) -> Built:
    """Write the snapshot of crawl ``crawl_id`` to ``out_dir`` (atomically, via the writer).

    Pages stream from the state a chunk at a time, so memory does not grow with the
    wiki; with ``workers`` > 1 and enough pages, chunks are parsed in a pool. The
    manifest's ``extra`` is ``extra``, what every snapshot says (pages, warnings,
    facts, checks), then what ``describe`` adds of the result, then the ``guard``'s
    verdict. ``on_page`` is called once per listed page read (for progress).
    """
    warc_dir = Path(warc_dir)
    parallel = workers > 1 and count_pages(db, crawl_id) >= PARALLEL_MIN_PAGES
    built = Built(Path(out_dir))
    schema = crawl_schema(db, warc_dir, crawl_id)
    redirects = crawl_redirects(db, crawl_id)
    checker = Checker(property_map, profile)
    tally = FactsTally()
    head = {**extra, "workers": workers if parallel else 1}
    with SnapshotWriter(
        out_dir, force=force, command=command, inputs=inputs, extra=head, profile=profile
    ) as writer:
        chunks = parsed_chunks(
            page_sources(db, crawl_id, facts=schema is not None, kept_previous=built.kept_previous),
            warc_dir,
            workers=workers,
            parallel=parallel,
            redirects=redirects,
            existing=existing_titles(db, crawl_id),
            schema=schema,
            profile=profile,
        )
        for chunk in chunks:
            built.unread.extend(chunk.unreadable)
            built.with_warnings += chunk.with_warnings
            tally.merge(chunk.tally)
            writer.add_batches(chunk.batches, chunk.pages)
            for page in chunk.checked:
                checker.add_checked(page)
            if on_page is not None:
                for _ in range(chunk.read):
                    on_page()
        writer.add_rows("redirects", redirect_records(redirects))
        writer.add_rows("checks", checker.finish(redirects))
        built.pages = writer.pages
        built.checks = checker.summary.line(str(Path(out_dir) / "checks.csv"))
        built.facts_unreadable = checker.summary.unreadable
        facts = (
            tally.as_manifest("Special:ExportRDF")
            | {"schema_notes": crawl_schema_notes(db, crawl_id)}
            if schema is not None
            else None
        )
        writer.extra.update(
            {
                "pages": writer.pages,
                "pages_with_warnings": built.with_warnings,
                "facts": facts,
                "checks": checker.manifest(),
            }
        )
        if describe is not None:
            writer.extra.update(describe(built))
        built.shrink = guard(writer.rows) if guard is not None else None
        if built.shrink is not None:
            writer.extra["shrink"] = built.shrink.as_manifest()
    built.manifest = writer.manifest
    return built
