"""output.snapshot: the SnapshotWriter writes a whole snapshot or nothing, deterministically."""

from __future__ import annotations

import csv
import hashlib
import json
import os
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq
import pytest

from output.errors import SnapshotExistsError, SnapshotWriteError
from output.manifest import MANIFEST_NAME, is_complete, read_manifest
from output.schema import SCHEMA_VERSION, SCHEMAS, TABLE_NAMES, page_batches, to_record_batch
from output.snapshot import SnapshotWriter
from parsers.profile import NORA
from parsers.records import (
    PARSER_VERSION,
    PageRecord,
    ParsedPage,
    PropertyRecord,
    RelationRecord,
    SectionRecord,
)

WHEN = datetime(2026, 11, 29, 8, 0, 1, 500, tzinfo=UTC)
TABLE_FILES = sorted(f"{t}.{ext}" for t in TABLE_NAMES for ext in ("csv", "parquet"))


def make_page(n: int, value: str = "") -> ParsedPage:
    title = f"Pagina {n}"
    page = PageRecord(
        title=title,
        namespace=0 if n % 2 else 3000,
        page_id=n + 1,
        revision_id=None if n % 3 else 10 + n,
        url=f"https://nora.test/wiki/Pagina_{n}",
        element_type="Begrip",
        categories=("Begrippen", f"C{n % 2}"),
        fetched_at="",
        content_sha256=hashlib.sha256(title.encode()).hexdigest(),
        parser_version=PARSER_VERSION,
        warnings=("truncated",) if n == 2 else (),
        redirected_from="",
        is_redirect=False,
        historical=n % 5 == 0,
    )
    props = tuple(
        PropertyRecord(title, i, f"Eig {i}", value or f"waarde {n}.{i}", (f"Pagina {n + i}",), ())
        for i in range(n % 4)
    )
    rels = tuple(
        RelationRecord(
            title,
            "direct" if i % 2 else "derived",
            i,
            title,
            "Realiseert",
            f"Doel {i}",
            i != 1,
            "",
        )
        for i in range(n % 3)
    )
    sections = (SectionRecord(title, 0, "", 0, f"Tekst {n}\nregel 2"),)
    return ParsedPage(page, props, rels, sections)


def write(out: Path, pages: list[ParsedPage], **kwargs: object) -> SnapshotWriter:
    kwargs.setdefault("created_at", WHEN)
    with SnapshotWriter(out, command="parse", inputs=["a.html"], **kwargs) as writer:  # type: ignore[arg-type]
        for parsed in pages:
            writer.add(parsed)
    return writer


def leftovers(folder: Path, keep: str) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name != keep)


def test_writes_every_table_file_and_the_manifest(tmp_path: Path) -> None:
    pages = [make_page(n) for n in range(7)]
    writer = write(tmp_path / "snap", pages, extra={"note": "x"})
    snap = tmp_path / "snap"
    assert sorted(p.name for p in snap.iterdir()) == sorted([*TABLE_FILES, MANIFEST_NAME])
    assert leftovers(tmp_path, "snap") == []
    manifest = read_manifest(snap)
    assert manifest == writer.manifest
    assert list(manifest) == [
        "schema_version", "tool", "tool_version", "parser_version", "parser_profile", "command",
        "created_at", "inputs", "extra", "tables", "files", "complete",
    ]  # fmt: skip
    assert is_complete(manifest)
    assert manifest["schema_version"] == SCHEMA_VERSION
    assert manifest["tool"] == "nora-archive" and manifest["tool_version"]
    assert manifest["parser_version"] == PARSER_VERSION
    assert manifest["parser_profile"] == {"name": "nora", "sha256": NORA.sha256}
    assert manifest["created_at"] == "2026-11-29T08:00:01Z"
    assert manifest["inputs"] == ["a.html"] and manifest["extra"] == {"note": "x"}
    expected_rows = {
        "pages": len(pages),
        "properties": sum(len(p.properties) for p in pages),
        "relations": sum(len(p.relations) for p in pages),
        "sections": sum(len(p.sections) for p in pages),
        "facts": 0,  # facts, redirects and checks come with add_rows (a crawl's snapshot)
        "redirects": 0,
        "checks": 0,
    }
    assert manifest["tables"] == {name: {"rows": n} for name, n in expected_rows.items()}
    assert sorted(manifest["files"]) == TABLE_FILES
    for name, info in manifest["files"].items():
        data = (snap / name).read_bytes()
        assert info == {"sha256": hashlib.sha256(data).hexdigest(), "bytes": len(data)}
    text = (snap / MANIFEST_NAME).read_text(encoding="utf-8")
    assert text.rstrip().endswith('"complete": true\n}')
    for name in TABLE_NAMES:
        table = pq.read_table(snap / f"{name}.parquet")
        assert table.schema == SCHEMAS[name]
        assert table.num_rows == expected_rows[name]
        assert table.schema.metadata is None or b"pandas" not in table.schema.metadata


def test_rows_keep_the_order_of_add(tmp_path: Path) -> None:
    pages = [make_page(n) for n in (5, 1, 9, 3)]
    write(tmp_path / "s", pages)
    titles = pq.read_table(tmp_path / "s" / "pages.parquet").column("title").to_pylist()
    assert titles == [p.page.title for p in pages]
    props = pq.read_table(tmp_path / "s" / "properties.parquet").to_pylist()
    assert [(r["title"], r["position"]) for r in props] == [
        (r.title, r.position) for p in pages for r in p.properties
    ]


def test_parquet_reads_back_with_pandas(tmp_path: Path) -> None:
    write(tmp_path / "s", [make_page(n) for n in range(4)])
    pages = pd.read_parquet(tmp_path / "s" / "pages.parquet")
    assert list(pages.columns) == SCHEMAS["pages"].names
    assert str(pages["namespace"].dtype) == "int64"
    assert pages["page_id"].tolist() == [1, 2, 3, 4]
    assert str(pages["is_redirect"].dtype) == "bool"
    assert [list(c) for c in pages["categories"]] == [["Begrippen", f"C{n % 2}"] for n in range(4)]
    assert pages["revision_id"].isna().tolist() == [False, True, True, False]


def test_formula_values_neutralised_in_csv_only(tmp_path: Path) -> None:
    pages = [make_page(1, value='=HYPERLINK("http://x")'), make_page(3, value="-1+1")]
    write(tmp_path / "s", pages)
    raw = pq.read_table(tmp_path / "s" / "properties.parquet").column("value").to_pylist()
    assert raw == ['=HYPERLINK("http://x")', "-1+1", "-1+1", "-1+1"]
    with open(tmp_path / "s" / "properties.csv", encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [r["value"] for r in rows] == ['\'=HYPERLINK("http://x")', "'-1+1", "'-1+1", "'-1+1"]


def test_csv_is_utf8_rfc4180_with_header(tmp_path: Path) -> None:
    page = make_page(1)
    page = ParsedPage(
        page.page,
        page.properties,
        page.relations,
        (SectionRecord(page.page.title, 0, 'Kop, met "komma"', 2, "één\ntwee"),),
    )
    write(tmp_path / "s", [page])
    data = (tmp_path / "s" / "sections.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert data == (
        b"title,position,heading,level,text\r\n"
        + 'Pagina 1,0,"Kop, met ""komma""",2,"één\ntwee"\r\n'.encode()
    )
    pages_csv = (tmp_path / "s" / "pages.csv").read_bytes().decode("utf-8")
    header, row = pages_csv.split("\r\n")[:2]
    assert header.split(",") == SCHEMAS["pages"].names
    # ... is_redirect, historical, empty notes, shows_query_results false, then an empty
    # warc_file and a null warc_offset
    assert ",Begrippen|C1," in row and row.endswith(",false,false,,false,,")


def test_same_pages_give_byte_identical_files(tmp_path: Path) -> None:
    pages = [make_page(n) for n in range(30)]
    write(tmp_path / "one", pages)
    write(tmp_path / "two", pages)
    for name in [*TABLE_FILES, MANIFEST_NAME]:
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes(), (
            name
        )


def test_batching_changes_no_row(tmp_path: Path) -> None:
    pages = [make_page(n) for n in range(40)]
    write(tmp_path / "big", pages)
    write(tmp_path / "small", pages, batch_rows=3, row_group_rows=7)
    small = pq.ParquetFile(tmp_path / "small" / "properties.parquet")
    assert small.metadata.num_row_groups > 1
    for name in TABLE_NAMES:
        assert (tmp_path / "big" / f"{name}.csv").read_bytes() == (
            tmp_path / "small" / f"{name}.csv"
        ).read_bytes()
        assert pq.read_table(tmp_path / "big" / f"{name}.parquet").equals(
            pq.read_table(tmp_path / "small" / f"{name}.parquet")
        )


@pytest.mark.parametrize("chunk", [1, 3, 7, 40])
def test_built_batches_give_the_files_records_give(tmp_path: Path, chunk: int) -> None:
    """Rows added as Arrow batches of any size, mixed with records, are cut into the
    same batches and row groups: byte-identical files."""
    pages = [make_page(n) for n in range(40)]
    sizes = {"batch_rows": 4, "row_group_rows": 9, "created_at": WHEN}
    write(tmp_path / "records", pages, **sizes)
    with SnapshotWriter(tmp_path / "batches", command="parse", inputs=["a.html"], **sizes) as w:  # type: ignore[arg-type]
        for start in range(0, len(pages), chunk):
            part = pages[start : start + chunk]
            if start % 2:
                w.add_batches(page_batches(part), len(part))
            else:
                for parsed in part:  # records between the batches keep their place
                    w.add(parsed)
    assert w.pages == 40 and w.rows == write(tmp_path / "again", pages, **sizes).rows
    assert pq.ParquetFile(tmp_path / "batches" / "properties.parquet").metadata.num_row_groups > 1
    for name in [*TABLE_FILES, MANIFEST_NAME]:
        assert (tmp_path / "records" / name).read_bytes() == (
            tmp_path / "batches" / name
        ).read_bytes(), name


def test_a_batch_of_another_schema_is_refused(tmp_path: Path) -> None:
    pages = [make_page(n) for n in range(3)]
    with SnapshotWriter(tmp_path / "s", command="parse") as writer:
        with pytest.raises(ValueError, match="expected one of the tables"):
            writer.add_batches({"nonsense": page_batches(pages)["pages"]}, 3)
        with pytest.raises(ValueError, match="properties: expected a batch of the table's"):
            writer.add_batches({"properties": to_record_batch("pages", [p.page for p in pages])}, 3)
        writer.add_batches(page_batches(pages), 3)
    assert pq.read_table(tmp_path / "s" / "pages.parquet").num_rows == 3


def test_empty_snapshot_keeps_every_schema(tmp_path: Path) -> None:
    writer = write(tmp_path / "empty", [])
    assert writer.manifest["tables"] == {name: {"rows": 0} for name in TABLE_NAMES}
    for name in TABLE_NAMES:
        table = pq.read_table(tmp_path / "empty" / f"{name}.parquet")
        assert table.num_rows == 0 and table.schema == SCHEMAS[name]
        frame = pd.read_parquet(tmp_path / "empty" / f"{name}.parquet")
        assert list(frame.columns) == SCHEMAS[name].names
        header = (tmp_path / "empty" / f"{name}.csv").read_bytes()
        assert header == (",".join(SCHEMAS[name].names) + "\r\n").encode()


def test_exception_inside_the_block_leaves_nothing(tmp_path: Path) -> None:
    out = tmp_path / "snap"
    with (
        pytest.raises(RuntimeError, match="boom"),
        SnapshotWriter(out, command="parse", batch_rows=2) as writer,
    ):
        for n in range(10):
            writer.add(make_page(n))  # enough rows that files hold data already
        assert any(tmp_path.iterdir())
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(RuntimeError):
        _ = writer.manifest


def test_interrupt_inside_the_block_leaves_nothing(tmp_path: Path) -> None:
    with (
        pytest.raises(KeyboardInterrupt),
        SnapshotWriter(tmp_path / "s", command="parse") as writer,
    ):
        writer.add(make_page(1))
        raise KeyboardInterrupt
    assert list(tmp_path.iterdir()) == []


def test_existing_folder_refused_and_untouched(tmp_path: Path) -> None:
    out = tmp_path / "snap"
    out.mkdir()
    (out / "keep.txt").write_text("precious")
    with pytest.raises(SnapshotExistsError, match="--force") as caught:
        write(out, [make_page(1)])
    assert caught.value.path == str(out)
    assert sorted(p.name for p in out.iterdir()) == ["keep.txt"]
    assert (out / "keep.txt").read_text() == "precious"
    assert leftovers(tmp_path, "snap") == []


def test_force_replaces_the_old_snapshot(tmp_path: Path) -> None:
    out = tmp_path / "snap"
    write(out, [make_page(1)])
    (out / "stale.txt").write_text("old")
    write(out, [make_page(n) for n in range(3)], force=True)
    assert not (out / "stale.txt").exists()
    assert read_manifest(out)["tables"]["pages"] == {"rows": 3}
    assert leftovers(tmp_path, "snap") == []


def test_force_keeps_the_old_snapshot_when_the_swap_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "snap"
    write(out, [make_page(1)])
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real_rename = os.rename

    def failing_rename(src: str | os.PathLike[str], dst: str | os.PathLike[str]) -> None:
        if ".tmp-" in os.fspath(src):
            raise OSError(28, "No space left on device")
        real_rename(src, dst)

    monkeypatch.setattr(os, "rename", failing_rename)
    with pytest.raises(SnapshotWriteError, match="old one kept"):
        write(out, [make_page(n) for n in range(3)], force=True)
    monkeypatch.undo()
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert leftovers(tmp_path, "snap") == []


def test_new_folder_and_parents_are_created(tmp_path: Path) -> None:
    out = tmp_path / "a" / "b" / "snap"
    write(out, [make_page(1)])
    assert is_complete(read_manifest(out))


def test_extra_may_be_updated_inside_the_block(tmp_path: Path) -> None:
    with SnapshotWriter(tmp_path / "s", command="crawl", extra={"a": 1}) as writer:
        writer.add(make_page(1))
        writer.extra["pages"] = writer.pages
        assert writer.rows["pages"] == 1
    assert json.loads((tmp_path / "s" / MANIFEST_NAME).read_text())["extra"] == {"a": 1, "pages": 1}


def test_misuse_is_reported(tmp_path: Path) -> None:
    writer = SnapshotWriter(tmp_path / "s", command="parse")
    with pytest.raises(RuntimeError, match="with block"):
        writer.add(make_page(1))
    with pytest.raises(TypeError):
        SnapshotWriter(tmp_path / "t", command="parse", extra={"when": datetime.now(UTC)})
    assert list(tmp_path.iterdir()) == []


def test_temp_folders_of_dead_writers_are_removed_live_ones_kept(tmp_path: Path) -> None:
    dead = tmp_path / ".old.tmp-999999999-abcd1234"  # above any pid_max: no such process
    live = tmp_path / f".other.tmp-{os.getpid()}-abcd1234"
    unrelated = tmp_path / ".keep.me"
    for folder in (dead, live, unrelated):
        folder.mkdir()
    with SnapshotWriter(tmp_path / "snap", command="parse") as writer:
        del writer
    assert not dead.exists()
    assert live.is_dir() and unrelated.is_dir()
    assert (tmp_path / "snap" / "manifest.json").is_file()


def test_a_replace_killed_between_its_renames_gets_the_old_folder_back(tmp_path: Path) -> None:
    old = tmp_path / ".snap.old-999999999-abcd1234"  # moved aside by a writer that died
    old.mkdir()
    (old / "manifest.json").write_text("{}", encoding="utf-8")
    half = tmp_path / ".snap.tmp-999999999-abcd1234"
    half.mkdir()
    with SnapshotWriter(tmp_path / "other", command="parse") as writer:
        del writer
    assert (tmp_path / "snap" / "manifest.json").read_text(encoding="utf-8") == "{}"
    assert not old.exists() and not half.exists()
