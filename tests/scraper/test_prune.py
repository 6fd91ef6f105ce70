"""nora prune: old snapshots and unneeded WARC files go; latest, pinned and needed ones stay."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path

import pytest

from commands.cli import main
from commands.exits import ExitStatus
from output.errors import HistoryError
from output.history import latest_snapshot, list_snapshots, new_snapshot_dir, pin_snapshot, publish
from output.verify import verify_folder
from scraper.archive.lock import DataLock
from scraper.archive.warc import WarcArchive
from scraper.snapshot.export import export_crawl
from tests.history_factory import (
    START,
    archive_crawl,
    day,
    make_page,
    synthetic_page,
    write_snapshot,
)


def _snapshots(data: Path, count: int) -> list[Path]:
    return [write_snapshot(data, [make_page("A", text=str(n))], when=day(n)) for n in range(count)]


def _ids(data: Path) -> list[str]:
    return [s.id for s in list_snapshots(data)]


def test_keeps_the_newest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    snaps = _snapshots(tmp_path, 5)
    size = sum(p.stat().st_size for s in snaps[:3] for p in s.iterdir())
    assert main(["prune", "--keep", "2", "--data", str(tmp_path)]) == ExitStatus.OK
    assert _ids(tmp_path) == [s.name for s in snaps[3:]]
    assert latest_snapshot(tmp_path) == snaps[4].resolve()
    partitions = {p.parent.name for p in (tmp_path / "history").rglob("*.parquet")}
    assert partitions == {f"snapshot={s.name}" for s in snaps[3:]}
    out = capsys.readouterr().out
    assert out.startswith("nora prune: removed 3 snapshot(s)")
    assert f"snapshot {snaps[0].name}" in out
    assert f"removed 3 snapshot(s) ({size / 1024:.1f} KiB)" in out
    assert f"freed {size / 1024:.1f} KiB" in out


def test_never_removes_latest(tmp_path: Path) -> None:
    snaps = _snapshots(tmp_path, 4)
    publish(tmp_path, snaps[0])  # latest points back at the oldest (e.g. a rollback)
    assert main(["prune", "--keep", "1", "--data", str(tmp_path)]) == ExitStatus.OK
    assert _ids(tmp_path) == [snaps[0].name, snaps[3].name]
    assert latest_snapshot(tmp_path) == snaps[0].resolve()
    assert verify_folder(snaps[0]).ok


def test_never_removes_a_snapshot_a_diff_reads(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snaps = _snapshots(tmp_path, 3)
    with pin_snapshot(snaps[0]):
        assert main(["prune", "--keep", "1", "--data", str(tmp_path)]) == ExitStatus.OK
        assert verify_folder(snaps[0]).ok
    assert _ids(tmp_path) == [snaps[0].name, snaps[2].name]
    assert f"being read by a diff): {snaps[0].name}" in capsys.readouterr().out
    assert main(["prune", "--keep", "1", "--data", str(tmp_path)]) == ExitStatus.OK
    assert _ids(tmp_path) == [snaps[2].name]


def test_dry_run_removes_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _snapshots(tmp_path, 3)
    before = sorted(p for p in tmp_path.rglob("*"))
    assert main(["prune", "--keep", "1", "--dry-run", "--data", str(tmp_path)]) == ExitStatus.OK
    assert sorted(p for p in tmp_path.rglob("*") if p.name != "crawl.lock") == before
    assert "would remove 2 snapshot(s)" in capsys.readouterr().out


def test_usage_and_lock(tmp_path: Path) -> None:
    assert main(["prune", "--keep", "0", "--data", str(tmp_path)]) == ExitStatus.USAGE
    assert main(["prune", "--keep", "1", "--data", str(tmp_path / "none")]) == ExitStatus.USAGE
    with DataLock(tmp_path):
        assert main(["prune", "--keep", "1", "--data", str(tmp_path)]) == ExitStatus.LOCKED


# -- WARC files --------------------------------------------------------------------------


def _api_only_file(data: Path, when: datetime) -> Path:
    """A WARC file holding only an API answer (as a crawl with no changed page leaves)."""
    with WarcArchive(data / "warc", now=lambda: when) as archive:
        record = archive.write_exchange(
            "GET",
            "https://nora.test/api.php?action=query&list=allpages",
            [],
            200,
            "OK",
            [("Content-Type", "application/json")],
            b'{"query": {"allpages": []}}',
            when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
    return data / "warc" / record.warc_file


def _crawl_and_snapshot(
    data: Path, fetched: list[tuple[str, bytes]], unchanged: list[str], n: int
) -> Path:
    when = START + timedelta(days=n)
    crawl_id = archive_crawl(data, fetched, unchanged=unchanged, when=when)
    out = new_snapshot_dir(data, when + timedelta(hours=1))
    export_crawl(data, out, crawl_id=crawl_id, workers=1)
    publish(data, out)
    return out


def _count(data: Path, sql: str) -> int:
    with sqlite3.connect(data / "state.sqlite") as db:
        return int(db.execute(sql).fetchone()[0])


def test_removes_warc_files_no_kept_crawl_needs(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    titles = [synthetic_page(n)[0] for n in range(10)]
    snap1 = _crawl_and_snapshot(data, [synthetic_page(n) for n in range(10)], [], 0)
    api1 = _api_only_file(data, START + timedelta(minutes=30))
    # crawl 2 changes pages 0-4; crawl 3 changes them again: crawl 2's versions are superseded
    snap2 = _crawl_and_snapshot(data, [synthetic_page(n, 2) for n in range(5)], titles[5:], 1)
    api2 = _api_only_file(data, START + timedelta(days=1, minutes=30))
    snap3 = _crawl_and_snapshot(data, [synthetic_page(n, 3) for n in range(5)], titles[5:], 2)
    api3 = _api_only_file(data, START + timedelta(days=2, minutes=30))
    files = sorted(p.name for p in (data / "warc").glob("*.warc.gz"))
    page_files = [f for f in files if f not in {api1.name, api2.name, api3.name}]
    assert len(page_files) == 3
    crawl1_file, crawl2_file, crawl3_file = page_files

    assert main(["prune", "--keep", "1", "--data", str(data)]) == ExitStatus.OK
    left = sorted(p.name for p in (data / "warc").glob("*.warc.gz"))
    # crawl 1's file holds pages 5-9 that crawl 3's snapshot still reads; crawl 3's own files stay
    assert left == sorted([crawl1_file, crawl3_file, api3.name])
    assert _ids(data) == [snap3.name]
    assert not snap1.exists() and not snap2.exists()
    assert _count(data, f"SELECT count(*) FROM fetches WHERE warc_file = '{crawl2_file}'") == 0
    # crawl 2 read pages 0-4 from its removed file: its listing goes; crawl 1's
    # pages are all still archived (crawl 3 needs its file), so it can be rebuilt
    assert _count(data, "SELECT count(*) FROM listing WHERE crawl_id = 2") == 0
    assert _count(data, "SELECT count(*) FROM listing WHERE crawl_id = 1") == 10
    assert _count(data, "SELECT count(*) FROM crawls WHERE status = 'pruned'") == 1
    out = capsys.readouterr().out
    assert "and 3 WARC file(s)" in out and f"warc {crawl2_file}" in out
    assert "5 fetch rows, 10 listing rows forgotten" in out
    assert main(["export", "--data", str(data), "--crawl", "2"]) == ExitStatus.USAGE
    assert "removed by nora prune" in capsys.readouterr().err
    rebuilt = export_crawl(data, tmp_path / "crawl1", crawl_id=1, workers=1)
    assert rebuilt.unreadable == [] and rebuilt.pages == 10

    # what was kept is enough to re-export the kept crawl, identically
    again = export_crawl(data, tmp_path / "again", crawl_id=3, workers=1)
    assert again.unreadable == []
    original = verify_folder(snap3)
    assert original.ok
    manifest = (snap3 / "manifest.json").read_text()
    for name, info in again.manifest["files"].items():
        assert info["sha256"] in manifest, name
    assert main(["verify", "--archive", str(data / "warc")]) == ExitStatus.OK


def test_keeps_files_of_every_crawl_since_the_oldest_kept_snapshot(tmp_path: Path) -> None:
    data = tmp_path / "data"
    titles = [synthetic_page(n)[0] for n in range(4)]
    _crawl_and_snapshot(data, [synthetic_page(n) for n in range(4)], [], 0)
    _crawl_and_snapshot(data, [synthetic_page(n, 2) for n in range(2)], titles[2:], 1)
    _crawl_and_snapshot(data, [synthetic_page(n, 3) for n in range(2)], titles[2:], 2)
    before = sorted(p.name for p in (data / "warc").glob("*.warc.gz"))
    assert main(["prune", "--keep", "2", "--data", str(data)]) == ExitStatus.OK
    assert sorted(p.name for p in (data / "warc").glob("*.warc.gz")) == before
    assert len(_ids(data)) == 2


def test_held_snapshots_never_count_as_kept_ones(tmp_path: Path) -> None:
    """A snapshot the shrink guard held back is no good one: --keep 2 keeps two good ones."""
    good = _snapshots(tmp_path, 3)
    held = [
        write_snapshot(
            tmp_path,
            [make_page("Alleen")],
            when=day(10 + n),
            published=False,
            extra={"shrink": {"held": True, "previous": good[-1].name}},
        )
        for n in range(2)
    ]
    with pytest.raises(HistoryError, match="held by the shrink guard"):
        publish(tmp_path, held[-1])
    assert main(["prune", "--keep", "2", "--data", str(tmp_path)]) == ExitStatus.OK
    # the two newest good ones (latest among them) and the newest held one, to look at
    assert _ids(tmp_path) == [good[1].name, good[2].name, held[1].name]
