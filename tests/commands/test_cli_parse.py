"""`nora parse` end to end: through commands.cli.main and through the installed console script."""

from __future__ import annotations

import csv
import os
import resource
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from commands.cli import main
from commands.exits import ExitStatus
from output.manifest import MANIFEST_NAME, is_complete, read_manifest
from output.schema import SCHEMAS, TABLE_NAMES
from parsers import parse_page

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
NORA = Path(sys.executable).with_name("nora")

FRAGMENT = (
    '<div class="mw-parser-output"><p>=SUM(A1:A9)</p>'
    "<h2>Kop</h2><p>@gebruiker en -min</p><p>gewoon, met komma</p></div>"
)
TRUNCATED = (
    "<!DOCTYPE html><html><head><title>Afgebroken</title></head><body>"
    '<div id="mw-content-text"><div class="mw-parser-output"><p>Half'
)

PANDAS_DTYPES = {"string": "object", "int64": "int64", "bool": "bool"}


def fixture_files() -> list[Path]:
    files = sorted(
        p for p in FIXTURES.rglob("*") if p.suffix.lower() in {".html", ".htm"} and p.is_file()
    )
    assert files, "the fixtures folder holds no saved pages"
    return files


def check_snapshot(out: Path) -> dict[str, pa.Table]:
    """Every table as written: schema equal to SCHEMAS, CSV header = columns, manifest whole."""
    manifest = read_manifest(out)
    assert is_complete(manifest)
    tables = {}
    for name in TABLE_NAMES:
        table = pq.read_table(out / f"{name}.parquet")
        assert table.schema == SCHEMAS[name]
        for field in table.schema:
            assert field.nullable == SCHEMAS[name].field(field.name).nullable
        assert manifest["tables"][name]["rows"] == table.num_rows
        with open(out / f"{name}.csv", encoding="utf-8", newline="") as handle:
            rows = list(csv.reader(handle, strict=True))
        assert rows[0] == SCHEMAS[name].names
        assert len(rows) - 1 == table.num_rows
        tables[name] = table
    return tables


def test_parse_fixtures_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    files = fixture_files()
    expected = [parse_page(p.read_bytes(), url=str(p)) for p in files]
    out = tmp_path / "snap"
    status = main(["parse", str(FIXTURES), "--out", str(out), "--no-progress"])
    any_warning = any(parsed.page.warnings for parsed in expected)
    assert status == (ExitStatus.PARTIAL if any_warning else ExitStatus.OK)
    tables = check_snapshot(out)
    assert tables["pages"].column("title").to_pylist() == [e.page.title for e in expected]
    assert tables["pages"].column("url").to_pylist() == [str(p) for p in files]
    assert tables["relations"].num_rows == sum(len(e.relations) for e in expected)
    assert tables["properties"].column("value").to_pylist() == [
        r.value for e in expected for r in e.properties
    ]
    assert tables["sections"].column("text").to_pylist() == [
        r.text for e in expected for r in e.sections
    ]
    summary = capsys.readouterr().out
    assert f"{len(files)} pages" in summary and str(out) in summary

    for name in TABLE_NAMES:
        frame = pd.read_parquet(out / f"{name}.parquet")
        assert list(frame.columns) == SCHEMAS[name].names
        for field in SCHEMAS[name]:
            if field.type in (pa.int64(), pa.bool_()) and not field.nullable:
                assert str(frame[field.name].dtype) == PANDAS_DTYPES[str(field.type)], field.name


def test_damaged_page_gives_partial_but_is_exported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = tmp_path / "in"
    pages.mkdir()
    (pages / "formule.html").write_text(FRAGMENT, encoding="utf-8")
    (pages / "afgebroken.HTML").write_text(TRUNCATED, encoding="utf-8")
    assert parse_page(TRUNCATED.encode()).page.warnings  # the premise: a truncated page warns
    monkeypatch.chdir(tmp_path)
    assert main(["parse", "in", "--out", "snap"]) == ExitStatus.PARTIAL
    tables = check_snapshot(tmp_path / "snap")
    assert tables["pages"].column("url").to_pylist() == ["in/afgebroken.HTML", "in/formule.html"]
    warnings = tables["pages"].column("warnings").to_pylist()
    assert warnings[0] and warnings[1] == []
    assert "1 with warnings" in capsys.readouterr().out


def test_formula_text_is_raw_in_parquet_and_quoted_in_csv(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "formule.html").write_text(FRAGMENT, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    assert main(["parse", "formule.html", "--out", "snap"]) == ExitStatus.OK
    raw = pq.read_table("snap/sections.parquet").column("text").to_pylist()
    assert raw[0] == "=SUM(A1:A9)" and raw[1].startswith("@gebruiker")
    with open("snap/sections.csv", encoding="utf-8", newline="") as handle:
        cells = [row["text"] for row in csv.DictReader(handle)]
    assert cells[0] == "'=SUM(A1:A9)" and cells[1].startswith("'@gebruiker")
    assert cells[1].endswith("gewoon, met komma")  # quoted, so the comma stays in its cell
    assert pq.read_table("snap/pages.parquet").column("url").to_pylist() == ["formule.html"]


def test_missing_path_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    missing = tmp_path / "nergens"
    status = main(["parse", str(missing), "--out", str(tmp_path / "snap")])
    assert status == ExitStatus.USAGE
    assert str(missing) in capsys.readouterr().err
    assert not (tmp_path / "snap").exists()


def test_no_html_is_a_usage_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "notes.txt").write_text("geen html")
    status = main(["parse", str(tmp_path / "in"), "--out", str(tmp_path / "snap")])
    assert status == ExitStatus.USAGE
    assert "expected .html or .htm files, found none" in capsys.readouterr().err
    assert not (tmp_path / "snap").exists()


def test_existing_out_refused_then_replaced_with_force(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    page = tmp_path / "p.html"
    page.write_text(FRAGMENT, encoding="utf-8")
    out = tmp_path / "snap"
    out.mkdir()
    (out / "keep.txt").write_text("bewaren")
    assert main(["parse", str(page), "--out", str(out)]) == ExitStatus.USAGE
    assert "--force" in capsys.readouterr().err
    assert [p.name for p in out.iterdir()] == ["keep.txt"]
    assert main(["parse", str(page), "--out", str(out), "--force"]) == ExitStatus.OK
    assert not (out / "keep.txt").exists() and (out / MANIFEST_NAME).exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.html", "snap"]


def test_same_input_gives_byte_identical_tables(tmp_path: Path) -> None:
    for name in ("one", "two"):
        assert main(["parse", str(FIXTURES), "--out", str(tmp_path / name)]) in (0, 1)
    for name in TABLE_NAMES:
        for ext in ("csv", "parquet"):
            file_name = f"{name}.{ext}"
            assert (tmp_path / "one" / file_name).read_bytes() == (
                tmp_path / "two" / file_name
            ).read_bytes(), file_name
    files_one = read_manifest(tmp_path / "one")["files"]
    assert files_one == read_manifest(tmp_path / "two")["files"]


def test_console_script(tmp_path: Path) -> None:
    assert NORA.exists(), f"expected the console script at {NORA} (pip install -e .)"
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "ok.htm").write_text(FRAGMENT, encoding="utf-8")
    done = subprocess.run(
        [str(NORA), "parse", "in", "--out", "snap"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == ExitStatus.OK, done.stderr
    assert "1 pages" in done.stdout and "snap" in done.stdout
    check_snapshot(tmp_path / "snap")

    missing = subprocess.run(
        [str(NORA), "parse", "nope.html", "--out", "other"],
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert missing.returncode == ExitStatus.USAGE
    assert "nope.html" in missing.stderr and "Traceback" not in missing.stderr
    assert not (tmp_path / "other").exists()


def test_console_script_partial_on_damaged_fixture(tmp_path: Path) -> None:
    damaged = sorted(FIXTURES.glob("damaged-*.html"))
    assert damaged, "expected damaged-*.html fixtures"
    done = subprocess.run(
        [str(NORA), "parse", *map(str, damaged), "--out", str(tmp_path / "snap")],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == ExitStatus.PARTIAL, done.stderr
    tables = check_snapshot(tmp_path / "snap")
    assert tables["pages"].num_rows == len(damaged)
    assert all(tables["pages"].column("warnings").to_pylist())


def test_progress_bar_only_on_a_terminal_for_many_files(monkeypatch: pytest.MonkeyPatch) -> None:
    from commands.parse import PROGRESS_MIN_FILES, _progress
    from output.inputs import InputFile

    files = [InputFile(Path(f"{i}.html"), f"{i}.html") for i in range(PROGRESS_MIN_FILES)]
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    bar = _progress(files, True)
    assert bar is not files and list(bar) == files
    fewer = files[:-1]
    assert _progress(fewer, True) is fewer
    assert _progress(files, False) is files  # --no-progress
    monkeypatch.setattr(sys.stderr, "isatty", lambda: False)
    assert _progress(files, True) is files


def test_unreadable_file_is_reported_and_the_rest_exported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "good.html").write_text(FRAGMENT, encoding="utf-8")
    (tmp_path / "in" / "gone.html").symlink_to(tmp_path / "nowhere.html")  # dangling link
    monkeypatch.chdir(tmp_path)
    assert main(["parse", "in", "--out", "snap"]) == ExitStatus.PARTIAL
    manifest = read_manifest(tmp_path / "snap")
    assert manifest["inputs"] == ["in/gone.html", "in/good.html"]
    assert manifest["extra"]["unreadable"] == ["in/gone.html"]
    assert manifest["tables"]["pages"] == {"rows": 1}
    assert "1 unreadable" in capsys.readouterr().out


def test_special_files_are_skipped_with_a_warning_not_read(tmp_path: Path) -> None:
    """zero.html -> /dev/zero filled the memory, a FIFO hung the run; both are refused."""
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "good.html").write_text(FRAGMENT, encoding="utf-8")
    (folder / "zero.html").symlink_to("/dev/zero")
    os.mkfifo(folder / "fifo.html")
    with (folder / "huge.html").open("wb") as handle:  # sparse: no disk used
        handle.truncate(33 * 1024 * 1024)
    # bounded even if the guard breaks: 60 s and 1 GiB of address space at most
    result = subprocess.run(
        [sys.executable, "-m", "commands.cli", "parse", str(folder), "--out", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)),
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert result.returncode == ExitStatus.PARTIAL, result.stderr
    assert "Traceback" not in result.stderr
    assert "found a FIFO: skipped" in result.stderr
    assert "found a character device: skipped" in result.stderr
    assert f"expected at most {32 * 1024 * 1024} bytes" in result.stderr
    manifest = read_manifest(tmp_path / "s")
    assert manifest["tables"]["pages"] == {"rows": 1}
    assert len(manifest["extra"]["unreadable"]) == 3


def test_a_full_disk_while_writing_is_storage(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    long_text = "<p>" + "woord " * 20_000 + "</p>"
    (folder / "page.html").write_text(f'<div class="mw-parser-output">{long_text}</div>')
    result = subprocess.run(
        [sys.executable, "-m", "commands.cli", "parse", str(folder), "--out", str(tmp_path / "s")],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (50_000, 50_000)),
        cwd=Path(__file__).resolve().parents[2],
        check=False,
    )
    assert result.returncode == ExitStatus.STORAGE, result.stderr
    assert "Traceback" not in result.stderr and "File too large" in result.stderr
    assert not (tmp_path / "s").exists()
