"""nora diff: pages, property values and relations added/removed/changed, as tables."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from commands.cli import main
from commands.exits import ExitStatus
from output.diff import diff_snapshots, load_snapshot
from output.verify import verify_folder
from tests.history_factory import day, make_page, write_snapshot

DOEL = "Betrouwbaar (Doel)"


def _old_and_new(data: Path) -> tuple[Path, Path]:
    old = [
        make_page(
            DOEL,
            props=[("Stelling", "Overheid is betrouwbaar"), ("ID", "KD01"), ("Thema", "A")],
            relations=[("direct", "realiseert", "NAP01"), ("direct", "realiseert", "NAP02")],
        ),
        make_page("Weg (Begrip)", "Begrip", props=[("Beschrijving", "verdwijnt")]),
        make_page("Stil (Begrip)", "Begrip", props=[("Beschrijving", "blijft")]),
    ]
    new = [
        make_page(
            DOEL,
            props=[("Stelling", "Overheid is altijd betrouwbaar"), ("ID", "KD01"), ("Bron", "X")],
            relations=[("direct", "realiseert", "NAP01"), ("direct", "realiseert", "NAP03")],
            revision_id=2,
        ),
        make_page("Stil (Begrip)", "Begrip", props=[("Beschrijving", "blijft")]),
        make_page(
            "Nieuw (Bron)", "Bron", props=[("ID", "B9")], relations=[("direct", "Heeft", DOEL)]
        ),
    ]
    return write_snapshot(data, old, when=day(0)), write_snapshot(data, new, when=day(1))


def _rows(folder: Path, table: str) -> list[dict[str, Any]]:
    return pq.read_table(folder / f"{table}.parquet").to_pylist()  # type: ignore[no-any-return]


def test_diff_tables(tmp_path: Path) -> None:
    old, new = _old_and_new(tmp_path)
    result = diff_snapshots(load_snapshot(old), load_snapshot(new))
    pages = {(r["title"], r["change"]) for r in result.tables["page_changes"]}
    assert pages == {(DOEL, "changed"), ("Weg (Begrip)", "removed"), ("Nieuw (Bron)", "added")}
    doel = [r for r in result.tables["property_changes"] if r["title"] == DOEL]
    assert [(r["property"], r["change"], r["old_value"], r["new_value"]) for r in doel] == [
        ("Stelling", "changed", "Overheid is betrouwbaar", "Overheid is altijd betrouwbaar"),
        ("Thema", "removed", "A", None),
        ("Bron", "added", None, "X"),
    ]
    relations = {(r["title"], r["change"], r["target"]) for r in result.tables["relation_changes"]}
    assert relations == {
        (DOEL, "removed", "NAP02"),
        (DOEL, "added", "NAP03"),
        ("Nieuw (Bron)", "added", DOEL),
    }
    assert result.counts()["page_changes"] == {"added": 1, "removed": 1, "changed": 1}
    assert not [r for r in result.tables["property_changes"] if r["title"] == "Stil (Begrip)"]


def test_cli_defaults_to_the_two_newest(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_snapshot(tmp_path, [make_page("Oud")], when=day(-5))  # older: not compared
    old, new = _old_and_new(tmp_path)
    assert main(["diff", "--data", str(tmp_path)]) == ExitStatus.OK
    out = capsys.readouterr().out
    assert out.splitlines()[0] == f"diff {old.name} -> {new.name}"
    assert "pages: 1 added, 1 removed, 1 changed" in out
    assert f"Kwaliteitsdoel {DOEL}: property Stelling changed" in out
    assert f"Kwaliteitsdoel {DOEL}: direct relation {DOEL} realiseert -> NAP03 added" in out
    assert "Begrip Weg (Begrip): page removed" in out
    folder = tmp_path / "diffs" / f"{old.name}__{new.name}"
    report = verify_folder(folder)
    assert report.ok, report.problems
    assert report.kind == "diff"
    changed = [r for r in _rows(folder, "property_changes") if r["property"] == "Stelling"]
    assert changed[0]["old_value"] == "Overheid is betrouwbaar"
    csv_text = (folder / "page_changes.csv").read_text(encoding="utf-8")
    assert csv_text.startswith("title,change,element_type,")


def test_cli_named_snapshots_and_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    old, new = _old_and_new(tmp_path)
    out = tmp_path / "mydiff"
    # reversed: what was added is now removed
    assert main(["diff", new.name, str(old), "--data", str(tmp_path), "--out", str(out)]) == 0
    rows = _rows(out, "page_changes")
    assert {(r["title"], r["change"]) for r in rows} >= {("Nieuw (Bron)", "removed")}
    assert main(["diff", "latest", old.name, "--data", str(tmp_path), "--out", str(out)]) == 0
    assert _rows(out, "page_changes") == rows  # rewritten in place, same content
    capsys.readouterr()


def test_cli_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["diff", "--data", str(tmp_path)]) == ExitStatus.USAGE
    assert "expected two complete snapshots" in capsys.readouterr().err
    snap = write_snapshot(tmp_path, [make_page("A")], when=day(0))
    assert main(["diff", snap.name, "nope", "--data", str(tmp_path)]) == ExitStatus.USAGE
    assert main(["diff", snap.name, "--data", str(tmp_path)]) == ExitStatus.USAGE


def test_identical_snapshots_have_no_changes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pages = [make_page("A", props=[("P", "v")], relations=[("derived", "r", "B")])]
    write_snapshot(tmp_path, pages, when=day(0))
    write_snapshot(tmp_path, pages, when=day(1))
    assert main(["diff", "--data", str(tmp_path)]) == ExitStatus.OK
    assert "no changes" in capsys.readouterr().out


# -- the diff is the whole delta: old + diff = new ---------------------------------------

# non-ASCII titles: Arrow sorts by UTF-8 bytes, Python by code point; the merge needs both to agree
_titles = st.sampled_from(["A", "B", "a", "Ärger", "Éé (Doel)", "z", "中"])
_props = st.lists(
    st.tuples(st.sampled_from(["ID", "Stelling", "Thema"]), st.sampled_from(["x", "y", "z", ""])),
    max_size=4,
)
_rels = st.lists(
    st.tuples(
        st.sampled_from(["direct", "derived"]),
        st.sampled_from(["r", "s"]),
        st.sampled_from(["T", "U"]),
    ),
    max_size=3,
)
_snapshot = st.dictionaries(_titles, st.tuples(_props, _rels), max_size=6)


def _apply(
    old: Counter[tuple[Any, ...]], rows: list[dict[str, Any]], key: str
) -> Counter[tuple[Any, ...]]:
    counter: Counter[tuple[Any, ...]] = Counter(old)
    for row in rows:
        if key == "property":
            before: tuple[Any, ...] = (row["title"], row["property"], row["old_value"])
            after: tuple[Any, ...] = (row["title"], row["property"], row["new_value"])
        else:
            before = after = (
                row["title"],
                row["kind"],
                row["relation"],
                row["source"],
                row["target"],
            )
        if row["change"] in ("removed", "changed"):
            counter[before] -= 1
        if row["change"] in ("added", "changed"):
            counter[after] += 1
    return +counter


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(before=_snapshot, after=_snapshot)
def test_old_plus_diff_is_new(
    tmp_path_factory: pytest.TempPathFactory, before: Any, after: Any
) -> None:
    data = tmp_path_factory.mktemp("data")
    snaps = []
    for n, spec in enumerate((before, after)):
        pages = [make_page(t, props=p, relations=r) for t, (p, r) in sorted(spec.items())]
        snaps.append(write_snapshot(data, pages, when=day(n), published=False))
    result = diff_snapshots(load_snapshot(snaps[0]), load_snapshot(snaps[1]))

    def props(spec: Any) -> Counter[tuple[Any, ...]]:
        return Counter((t, name, value) for t, (p, _r) in spec.items() for name, value in p)

    def rels(spec: Any) -> Counter[tuple[Any, ...]]:
        # as make_page stores them: a derived relation points from its target to the page
        return Counter(
            (t, kind, rel, t, end) if kind == "direct" else (t, kind, rel, end, t)
            for t, (_p, r) in spec.items()
            for kind, rel, end in r
        )

    assert _apply(props(before), result.tables["property_changes"], "property") == props(after)
    assert _apply(rels(before), result.tables["relation_changes"], "relation") == rels(after)
    assert {r["title"] for r in result.tables["page_changes"] if r["change"] == "added"} == set(
        after
    ) - set(before)
    assert {r["title"] for r in result.tables["page_changes"] if r["change"] == "removed"} == set(
        before
    ) - set(after)
    titles = [r["title"] for r in result.tables["page_changes"]]
    assert titles == sorted(titles)


def test_diff_refuses_to_write_over_a_snapshot(tmp_path: Path) -> None:
    old, new = _old_and_new(tmp_path / "data")
    before = {p.name: p.read_bytes() for p in old.iterdir()}
    assert main(["diff", str(old), str(new), "--out", str(old)]) == ExitStatus.USAGE
    assert {p.name: p.read_bytes() for p in old.iterdir()} == before  # the snapshot is intact
    out = tmp_path / "d"
    assert main(["diff", str(old), str(new), "--out", str(out)]) == ExitStatus.OK
    assert main(["diff", str(old), str(new), "--out", str(out)]) == ExitStatus.OK  # older diff
