"""output.history: snapshot ids, the latest link, the Hive-style history view."""

from __future__ import annotations

import os
import threading
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import duckdb
import pyarrow.dataset as ds
import pytest

from output.errors import HistoryError, SnapshotInUseError
from output.history import (
    claim_snapshot,
    latest_snapshot,
    list_snapshots,
    new_snapshot_dir,
    new_snapshot_id,
    pin_snapshot,
    publish,
    rebuild_history,
    remove_from_history,
)
from output.schema import TABLE_NAMES
from output.snapshot import SnapshotWriter
from tests.history_factory import day, make_page, write_snapshot


def test_snapshot_id_is_utc_to_the_second() -> None:
    cet = timezone(timedelta(hours=1))
    assert new_snapshot_id(datetime(2026, 11, 29, 9, 1, 2, 999, tzinfo=cet)) == "20261129T080102Z"
    with pytest.raises(ValueError, match="naive"):
        new_snapshot_id(datetime(2026, 11, 29, 8, 1, 2))


def test_snapshot_ids_sort_in_time_order() -> None:
    moments = [
        datetime(2026, m, d, h, tzinfo=UTC) for m, d, h in [(1, 2, 3), (12, 1, 0), (3, 9, 23)]
    ]
    ids = [new_snapshot_id(m) for m in moments]
    assert sorted(ids) == [new_snapshot_id(m) for m in sorted(moments)]


def test_new_snapshot_dir_skips_taken_ids(tmp_path: Path) -> None:
    now = datetime(2026, 11, 29, 8, 0, 0, tzinfo=UTC)
    first = new_snapshot_dir(tmp_path, now)
    first.mkdir(parents=True)
    second = new_snapshot_dir(tmp_path, now)
    assert (first.name, second.name) == ("20261129T080000Z", "20261129T080001Z")


def test_publish_points_latest_and_adds_partitions(tmp_path: Path) -> None:
    pages = [make_page("Betrouwbaar (Doel)", props=[("Stelling", "Wij zijn betrouwbaar")])]
    first = write_snapshot(tmp_path, pages, when=day(0))
    assert latest_snapshot(tmp_path) == first.resolve()
    link = tmp_path / "snapshots" / "latest"
    assert link.is_symlink() and os.readlink(link) == first.name  # relative: the folder can move
    for table in ("pages", "properties", "relations", "sections"):
        part = tmp_path / "history" / table / f"snapshot={first.name}" / "part-0.parquet"
        assert part.is_file()
        assert part.stat().st_ino == (first / f"{table}.parquet").stat().st_ino  # a hard link
    second = write_snapshot(tmp_path, pages, when=day(1))
    assert latest_snapshot(tmp_path) == second.resolve()
    assert [s.id for s in list_snapshots(tmp_path)] == [first.name, second.name]


def test_publish_is_idempotent(tmp_path: Path) -> None:
    snap = write_snapshot(tmp_path, [make_page("A")], when=day(0))
    publish(tmp_path, snap)
    parts = sorted((tmp_path / "history").rglob("*.parquet"))
    assert len(parts) == len(TABLE_NAMES)
    assert not [p for p in (tmp_path / "history").rglob(".*")]  # no temporary leftovers


def test_publish_refuses_an_incomplete_snapshot(tmp_path: Path) -> None:
    snap = write_snapshot(tmp_path, [make_page("A")], when=day(0), published=False)
    manifest = snap / "manifest.json"
    manifest.write_text(manifest.read_text().replace('"complete": true', '"complete": false'))
    with pytest.raises(HistoryError, match="complete"):
        publish(tmp_path, snap)
    assert latest_snapshot(tmp_path) is None
    assert not (tmp_path / "history").exists()


def test_list_snapshots_skips_incomplete_and_foreign_folders(tmp_path: Path) -> None:
    good = write_snapshot(tmp_path, [make_page("A")], when=day(0))
    broken = write_snapshot(tmp_path, [make_page("A")], when=day(1), published=False)
    (broken / "manifest.json").unlink()
    (tmp_path / "snapshots" / "notes").mkdir()
    assert [s.path for s in list_snapshots(tmp_path)] == [good]


def test_history_reads_as_one_dataset_with_a_snapshot_column(tmp_path: Path) -> None:
    ids = []
    for n, statement in enumerate(["eerst", "daarna", "nu"]):
        page = make_page("Betrouwbaar (Doel)", props=[("Stelling", statement)], revision_id=n + 1)
        ids.append(write_snapshot(tmp_path, [page, make_page(f"Extra {n}")], when=day(n)).name)
    glob = str(tmp_path / "history" / "properties" / "*" / "*.parquet")
    rows = duckdb.execute(
        f"SELECT snapshot, value FROM read_parquet('{glob}', hive_partitioning = true)"
        " WHERE title = 'Betrouwbaar (Doel)' ORDER BY snapshot"
    ).fetchall()
    assert rows == list(zip(ids, ["eerst", "daarna", "nu"], strict=True))
    dataset = ds.dataset(tmp_path / "history" / "pages", format="parquet", partitioning="hive")
    table = dataset.to_table()
    assert table.num_rows == 6
    assert sorted(set(table.column("snapshot").to_pylist())) == ids


def test_rebuild_history_matches_publishing(tmp_path: Path) -> None:
    for n in range(3):
        write_snapshot(tmp_path, [make_page("A", text=str(n))], when=day(n))
    before = sorted(p.relative_to(tmp_path) for p in (tmp_path / "history").rglob("*.parquet"))
    (tmp_path / "history" / "pages" / f"snapshot={new_snapshot_id(day(1))}").rename(
        tmp_path / "history" / "pages" / "snapshot=bogus"
    )
    ids = rebuild_history(tmp_path)
    after = sorted(p.relative_to(tmp_path) for p in (tmp_path / "history").rglob("*.parquet"))
    assert ids == [new_snapshot_id(day(n)) for n in range(3)]
    assert after == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".history")]


def test_remove_from_history(tmp_path: Path) -> None:
    a = write_snapshot(tmp_path, [make_page("A")], when=day(0))
    b = write_snapshot(tmp_path, [make_page("A")], when=day(1))
    assert remove_from_history(tmp_path, a.name) == 0  # hard links: the snapshot still holds them
    left = {p.parent.name for p in (tmp_path / "history").rglob("*.parquet")}
    assert left == {f"snapshot={b.name}"}


def test_copy_fallback_when_links_fail(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(src: object, dst: object) -> None:
        raise OSError(18, "Invalid cross-device link")

    monkeypatch.setattr(os, "link", no_links)
    snap = write_snapshot(tmp_path, [make_page("A", text="x")], when=day(0))
    part = tmp_path / "history" / "sections" / f"snapshot={snap.name}" / "part-0.parquet"
    assert part.read_bytes() == (snap / "sections.parquet").read_bytes()
    assert part.stat().st_ino != (snap / "sections.parquet").stat().st_ino
    assert remove_from_history(tmp_path, snap.name) == sum(
        (snap / f"{t}.parquet").stat().st_size for t in TABLE_NAMES
    )


def test_latest_replacement_is_atomic_under_readers(tmp_path: Path) -> None:
    snaps = [write_snapshot(tmp_path, [make_page("A", text=str(n))], when=day(n)) for n in range(2)]
    link = tmp_path / "snapshots" / "latest"
    seen: set[str] = set()
    missing = 0
    stop = threading.Event()

    def reader() -> None:
        nonlocal missing
        while not stop.is_set():
            try:
                seen.add(os.readlink(link))
            except FileNotFoundError:
                missing += 1

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for n in range(200):
            publish(tmp_path, snaps[n % 2])
    finally:
        stop.set()
        thread.join()
    assert missing == 0
    assert seen <= {s.name for s in snaps}


def test_pin_blocks_claim_until_released(tmp_path: Path) -> None:
    snap = write_snapshot(tmp_path, [make_page("A")], when=day(0))
    with pin_snapshot(snap), pytest.raises(SnapshotInUseError), claim_snapshot(snap):
        pass
    with claim_snapshot(snap):
        pass  # free again once the pin is gone


def test_snapshot_writer_temp_folders_are_not_listed(tmp_path: Path) -> None:
    out = tmp_path / "snapshots" / new_snapshot_id(day(0))
    with pytest.raises(RuntimeError), SnapshotWriter(out, command="crawl") as writer:
        writer.add(make_page("A"))
        raise RuntimeError("crash mid-write")
    assert list_snapshots(tmp_path) == []


def test_republishing_a_replaced_snapshot_relinks_its_partitions(tmp_path: Path) -> None:
    snap = write_snapshot(tmp_path, [make_page("A", text="old")], when=day(0))
    with SnapshotWriter(snap, force=True, command="export") as writer:
        writer.add(make_page("A", text="new"))
    part = tmp_path / "history" / "sections" / f"snapshot={snap.name}" / "part-0.parquet"
    assert part.stat().st_ino != (snap / "sections.parquet").stat().st_ino  # stale until published
    publish(tmp_path, snap)
    assert part.stat().st_ino == (snap / "sections.parquet").stat().st_ino
    glob = str(tmp_path / "history" / "sections" / "*" / "*.parquet")
    texts = duckdb.execute(f"SELECT text FROM read_parquet('{glob}')").fetchall()
    assert texts == [("new",)]
