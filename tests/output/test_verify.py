"""nora verify: every kind of damage to a snapshot or a WARC archive is caught."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from commands.cli import main
from commands.exits import ExitStatus
from output.manifest import file_digest
from output.verify import verify_folder
from scraper.archive.warc import WarcArchive
from tests.history_factory import day, make_page, write_snapshot


@pytest.fixture
def snapshot(tmp_path: Path) -> Path:
    pages = [
        make_page(
            f"Doel {n} (Doel)",
            props=[("Stelling", f"=stelling {n}, met komma"), ("ID", f"D{n}", ["Doel"])],
            relations=[
                ("direct", "realiseert", f"Principe {n}"),
                ("derived", "Heeft bron", "Bron"),
            ],
            text=f'regel één\nregel "twee" {n}',
        )
        for n in range(40)
    ]
    return write_snapshot(tmp_path / "data", pages, when=day(0))


def _problems(folder: Path) -> list[str]:
    return [str(p) for p in verify_folder(folder).problems]


def _cli(*argv: str) -> int:
    return main(["verify", *argv])


def test_a_sound_snapshot_passes(snapshot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    report = verify_folder(snapshot)
    assert report.ok, report.problems
    assert report.rows == {"pages": 40, "properties": 80, "relations": 80, "sections": 40,
                           "facts": 0, "redirects": 0, "checks": 0}  # fmt: skip
    assert report.files == 14
    assert _cli(str(snapshot)) == ExitStatus.OK
    assert capsys.readouterr().out.startswith(f"OK {snapshot}")


def test_latest_is_the_default(snapshot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _cli("--data", str(snapshot.parent.parent)) == ExitStatus.OK
    assert snapshot.name in capsys.readouterr().out


def _flip_byte(path: Path, at: float = 0.5) -> None:
    data = bytearray(path.read_bytes())
    index = int(len(data) * at)
    data[index] ^= 0x01
    path.write_bytes(bytes(data))


@pytest.mark.parametrize("name", ["pages.parquet", "sections.csv", "relations.parquet"])
def test_a_flipped_byte_is_caught(snapshot: Path, name: str) -> None:
    _flip_byte(snapshot / name)
    problems = _problems(snapshot)
    assert any(p.startswith(f"{name}: expected sha256") for p in problems), problems
    assert _cli(str(snapshot)) == ExitStatus.PARTIAL


def test_a_truncated_file_is_caught(snapshot: Path) -> None:
    path = snapshot / "properties.csv"
    path.write_bytes(path.read_bytes()[:-40])
    problems = _problems(snapshot)
    assert any("properties.csv: expected" in p and "bytes, found" in p for p in problems)
    assert any("properties.csv: expected sha256" in p for p in problems)
    assert _cli(str(snapshot)) == ExitStatus.PARTIAL


def test_a_truncated_parquet_file_is_unreadable(snapshot: Path) -> None:
    path = snapshot / "sections.parquet"
    path.write_bytes(path.read_bytes()[:-100])
    problems = _problems(snapshot)
    assert any("sections.parquet: expected a readable parquet file" in p for p in problems)


def test_a_deleted_file_is_caught(snapshot: Path) -> None:
    (snapshot / "relations.csv").unlink()
    assert "relations.csv: expected the file, found none" in _problems(snapshot)
    assert _cli(str(snapshot)) == ExitStatus.PARTIAL


def test_a_dropped_manifest_is_caught(snapshot: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (snapshot / "manifest.json").unlink()
    assert _problems(snapshot) == ["manifest.json: expected a manifest, found none"]
    assert _cli(str(snapshot)) == ExitStatus.PARTIAL
    assert "DAMAGED" in capsys.readouterr().out


def _edit_manifest(snapshot: Path, edit: Callable[[dict[str, object]], None]) -> None:
    path = snapshot / "manifest.json"
    manifest = json.loads(path.read_text())
    edit(manifest)
    path.write_text(json.dumps(manifest))


def test_an_incomplete_manifest_is_caught(snapshot: Path) -> None:
    _edit_manifest(snapshot, lambda m: m.update(complete=False))
    assert "manifest.json: expected complete: true, found complete: False" in _problems(snapshot)


def test_a_wrong_row_count_is_caught(snapshot: Path) -> None:
    _edit_manifest(snapshot, lambda m: m["tables"]["sections"].update(rows=41))  # type: ignore[index]
    problems = _problems(snapshot)
    assert "sections.parquet: expected 41 rows, found 40" in problems
    assert "sections.csv: expected 41 rows, found 40" in problems


def test_an_unknown_schema_version_is_caught(snapshot: Path) -> None:
    _edit_manifest(snapshot, lambda m: m.update(schema_version=99))
    assert any("expected schema_version 1, found 99" in p for p in _problems(snapshot))


def test_a_parquet_file_with_another_schema_is_caught(snapshot: Path) -> None:
    """Rewritten consistently (hash and size updated) but with a column's type changed."""
    path = snapshot / "pages.parquet"
    table = pq.read_table(path)
    index = table.schema.get_field_index("revision_id")
    table = table.set_column(index, "revision_id", table.column(index).cast(pa.string()))
    pq.write_table(table, path)
    _edit_manifest(snapshot, lambda m: m["files"].update({"pages.parquet": file_digest(path)}))  # type: ignore[attr-defined]
    problems = _problems(snapshot)
    assert len(problems) == 1 and problems[0].startswith("pages.parquet: expected schema")
    assert "revision_id: string" in problems[0]


def test_a_csv_with_a_ragged_row_is_caught(snapshot: Path) -> None:
    path = snapshot / "pages.csv"
    path.write_bytes(path.read_bytes() + b"extra,row\r\n")
    _edit_manifest(snapshot, lambda m: m["files"].update({"pages.csv": file_digest(path)}))  # type: ignore[attr-defined]
    problems = _problems(snapshot)
    assert any(p.startswith("pages.csv: row 41: expected") for p in problems), problems
    assert "pages.csv: expected 40 rows, found 41" in problems


def test_an_extra_file_is_reported(snapshot: Path) -> None:
    (snapshot / "notes.txt").write_text("hello")
    assert _problems(snapshot) == [
        "notes.txt: expected only files the manifest lists, found an extra one"
    ]


def test_a_missing_folder_is_a_usage_error(tmp_path: Path) -> None:
    assert _cli(str(tmp_path / "nope")) == ExitStatus.USAGE
    assert _cli("--data", str(tmp_path)) == ExitStatus.USAGE  # no latest


# -- the archive ---------------------------------------------------------------------


def _archive(tmp_path: Path, pages: int = 5) -> Path:
    warc_dir = tmp_path / "warc"
    stamp = datetime(2026, 11, 29, 8, 0, 0, tzinfo=UTC)
    with WarcArchive(warc_dir, now=lambda: stamp) as archive:
        for n in range(pages):
            body = f"<html><body><p>pagina {n} ".encode() + b"x" * 2000 + b"</p></body></html>"
            archive.write_exchange(
                "GET",
                f"https://nora.test/wiki/Pagina_{n}",
                [("User-Agent", "nora-archive/test")],
                200,
                "OK",
                [("Content-Type", "text/html; charset=UTF-8")],
                body,
                "2026-11-29T08:00:00Z",
            )
    return warc_dir


def test_a_sound_archive_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    warc_dir = _archive(tmp_path)
    assert _cli("--archive", str(warc_dir)) == ExitStatus.OK
    assert "1 WARC files read to the end" in capsys.readouterr().out


def test_a_tampered_warc_is_caught(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    warc_dir = _archive(tmp_path)
    (path,) = warc_dir.glob("*.warc.gz")
    _flip_byte(path, at=0.6)
    assert _cli("--archive", str(warc_dir)) == ExitStatus.PARTIAL
    out = capsys.readouterr().out
    assert out.startswith(f"DAMAGED {warc_dir}") and path.name in out


def test_a_truncated_warc_is_caught(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    warc_dir = _archive(tmp_path)
    (path,) = warc_dir.glob("*.warc.gz")
    path.write_bytes(path.read_bytes()[:-30])
    assert _cli("--archive", str(warc_dir)) == ExitStatus.PARTIAL
    assert "truncated" in capsys.readouterr().out


def test_archive_and_snapshot_in_one_run(snapshot: Path, tmp_path: Path) -> None:
    warc_dir = _archive(tmp_path)
    assert _cli(str(snapshot), "--archive", str(warc_dir)) == ExitStatus.OK
    (snapshot / "pages.csv").unlink()
    assert _cli(str(snapshot), "--archive", str(warc_dir)) == ExitStatus.PARTIAL


def test_a_field_longer_than_the_csv_modules_default_limit_is_healthy(tmp_path: Path) -> None:
    # csv.field_size_limit() is 131,072 characters by default; a big page's text is longer
    big = make_page("Groot (Doel)", props=[("Beschrijving", "x" * 300_000)], text="y" * 200_000)
    folder = write_snapshot(tmp_path / "data", [big], when=day(0))
    assert _problems(folder) == []
    assert _cli(str(folder)) == ExitStatus.OK
