"""The crawl state database: schema, crawls, listing, fetch index, targets, marks."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from scraper.archive.state import SCHEMA_VERSION, ListedPage, NewFetch, State
from scraper.errors import StateError


def page(
    title: str, rev: int = 1, ns: int = 0, touched: str = "2026-11-01T00:00:00Z"
) -> ListedPage:
    return ListedPage(title, ns, abs(hash(title)) % 100000, rev, touched, 100)


def ok(crawl_id: int, p: ListedPage, offset: int, warc: str = "a.warc.gz") -> NewFetch:
    return NewFetch(
        crawl_id, p, f"http://w/wiki/{p.title}", "new", "ok", "2026-11-29T08:00:00Z",
        http_status=200, sha256="ab" * 32, warc_file=warc, warc_offset=offset,
    )  # fmt: skip


def test_schema_is_wal_and_versioned(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    with State.open(path) as state:
        assert state.schema_version == SCHEMA_VERSION
    db = sqlite3.connect(path)
    assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"crawls", "listing", "redirects", "fetches", "targets", "warc_marks"} <= tables
    db.close()
    with State.open(path) as state:  # reopening migrates nothing and keeps the version
        assert state.schema_version == SCHEMA_VERSION


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    db = sqlite3.connect(path)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(StateError, match=f"expected schema version <= {SCHEMA_VERSION}"):
        State.open(path)


def test_crawl_lifecycle_and_baseline(tmp_path: Path) -> None:
    with State.open(tmp_path / "s.sqlite") as state:
        first = state.begin_crawl("http://w", "2026-11-29T08:00:00Z", full=False)
        assert state.unfinished_crawl("http://w") == first
        assert state.unfinished_crawl("http://other") is None
        assert state.baseline_crawl("http://w", first.id) is None
        state.finish_crawl(
            first.id, status="complete", finished_at="t", pages_listed=1, pages_fetched=1,
            pages_failed=0,
        )  # fmt: skip
        assert state.unfinished_crawl("http://w") is None
        second = state.begin_crawl("http://w", "2026-11-30T08:00:00Z", full=True)
        assert second.full and second.id > first.id
        baseline = state.baseline_crawl("http://w", second.id)
        assert baseline is not None and baseline.id == first.id
        with pytest.raises(ValueError, match="expected status complete, partial or held"):
            state.finish_crawl(
                second.id, status="running", finished_at="t", pages_listed=0, pages_fetched=0,
                pages_failed=0,
            )  # fmt: skip


def test_listing_is_replaced_whole_and_ordered(tmp_path: Path) -> None:
    with State.open(tmp_path / "s.sqlite") as state:
        crawl = state.begin_crawl("http://w", "t", full=False)
        assert not crawl.listing_done
        state.store_listing(crawl.id, [page("B"), page("A")], [("Old", "A")])
        state.store_listing(crawl.id, [page("Z", ns=100), page("b"), page("A")], [])
        titles = [p.title for p in state.listing(crawl.id)]
        assert titles == ["A", "b", "Z"]  # namespace 0 first, then 100
        assert state.redirects(crawl.id) == {}
        refreshed = state.crawl(crawl.id)
        assert refreshed is not None and refreshed.listing_done


def test_fetch_index_latest_ok_and_failed(tmp_path: Path) -> None:
    with State.open(tmp_path / "s.sqlite") as state:
        c1 = state.begin_crawl("http://w", "t", full=False).id
        a1 = state.record_fetch(ok(c1, page("A", 1), 100), ["X", "Y"])
        state.record_fetch(ok(c1, page("B", 1), 200))
        state.finish_crawl(
            c1, status="complete", finished_at="t", pages_listed=2, pages_fetched=2, pages_failed=0
        )
        c2 = state.begin_crawl("http://w", "t2", full=False).id
        a2 = state.record_fetch(ok(c2, page("A", 2), 300, warc="b.warc.gz"), ["Y", "Z"])
        failed = NewFetch(c2, page("B", 2), "u", "changed", "failed", "t", error="HTTP 500")
        state.record_fetch(failed)

        before = state.fetches.latest_ok_fetches(before_crawl=c2)
        assert before["A"].id == a1 and before["A"].revision_id == 1
        latest = state.fetches.latest_ok_fetches()
        assert latest["A"].id == a2 and latest["A"].warc_file == "b.warc.gz"
        assert latest["B"].revision_id == 1  # the failed attempt is not an ok version
        assert state.fetches.crawl_fetches(c2)["B"].outcome == "failed"
        assert state.fetches.failed_last(before_crawl=c2 + 1) == {"B"}
        assert state.fetches.failed_last(before_crawl=c2) == set()
        assert state.fetches.targets([a1, a2]) == {
            a1: frozenset({"X", "Y"}),
            a2: frozenset({"Y", "Z"}),
        }
        assert state.warc_marks() == {"a.warc.gz": 200, "b.warc.gz": 300}
        state.mark_scanned("a.warc.gz", 150)  # never moves a mark backwards
        assert state.warc_marks()["a.warc.gz"] == 200
        assert state.indexed_offsets("a.warc.gz") == {100, 200}


def test_a_failed_transaction_leaves_nothing(tmp_path: Path) -> None:
    with State.open(tmp_path / "s.sqlite") as state:
        crawl = state.begin_crawl("http://w", "t", full=False)

        def interrupted() -> Iterator[ListedPage]:
            yield page("A")
            raise RuntimeError("listing interrupted")

        with pytest.raises(RuntimeError):
            state.store_listing(crawl.id, interrupted(), [])
        assert list(state.listing(crawl.id)) == []
        again = state.crawl(crawl.id)
        assert again is not None and not again.listing_done


def test_archived_pages_stream_listing_with_newest_ok_fetch(tmp_path: Path) -> None:
    with State.open(tmp_path / "s.sqlite") as state:
        c1 = state.begin_crawl("http://w", "t", full=False).id
        state.store_listing(c1, [page("A", 1), page("B", 1)], [])
        a1 = state.record_fetch(ok(c1, page("A", 1), 100))
        state.finish_crawl(
            c1, status="complete", finished_at="t", pages_listed=1, pages_fetched=1, pages_failed=0
        )
        c2 = state.begin_crawl("http://w", "t2", full=False).id
        state.store_listing(c2, [page("C", 1), page("B", 1), page("A", 2), page("D", 1)], [])
        state.record_fetch(NewFetch(c2, page("A", 2), "u", "changed", "failed", "t", error="x"))
        b2 = state.record_fetch(ok(c2, page("B", 1), 200))
        state.record_fetch(NewFetch(c2, page("C", 1), "u", "new", "gone", "t", http_status=404))
        rows = [
            (r.page.title, r.fetch.id if r.fetch else None, r.attempt)
            for r in state.fetches.archived_pages(c2)
        ]
        assert rows == [
            ("A", a1, "failed"),  # the previous version, and this crawl's failure
            ("B", b2, "ok"),
            ("C", None, "gone"),
            ("D", None, None),  # never fetched
        ]
        # crawl 1's record of B is none: B was first archived by the later crawl 2
        old = [
            (r.page.title, r.fetch.id if r.fetch else None)
            for r in state.fetches.archived_pages(c1)
        ]
        assert old == [("A", a1), ("B", None)]
        assert state.fetches.crawl_outcomes(c2)["C"][1] == "gone"
        assert list(state.fetches.known_versions(before_crawl=c2)) == [
            ("A", a1, 1, page("A").touched)
        ]
