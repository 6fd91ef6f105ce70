"""Every example in docs/ANALYSIS.md runs on a generated history and prints the right answer.

The expected answers are worked out here in plain Python from the same page
specs the snapshots were made of, not by running the documented queries.
"""

from __future__ import annotations

import ast
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from commands.cli import main
from output.history import new_snapshot_id
from parsers.records import ParsedPage
from tests.history_factory import make_page, write_snapshot

DOC = Path(__file__).resolve().parents[2] / "docs" / "ANALYSIS.md"
DOEL = "Toegankelijk (Doel)"

Spec = dict[str, tuple[str, list[tuple[str, str]], list[tuple[str, str, str]]]]


def _examples() -> dict[str, str]:
    text = DOC.read_text(encoding="utf-8")
    found = re.findall(r"<!-- example: ([\w-]+) -->\s*```python\n(.*?)```", text, re.S)
    return dict(found)


def _specs(month_start: datetime) -> list[tuple[datetime, Spec]]:
    """Four snapshots: 400 days before this month, 10 days before, and two in it."""
    doel_rel = [("direct", "Is gerelateerd aan", "Betrouwbaar (Doel)")]
    base: Spec = {
        DOEL: ("Kwaliteitsdoel", [("Stelling", "Toegankelijk voor iedereen")], doel_rel),
        "Betrouwbaar (Doel)": ("Kwaliteitsdoel", [("Stelling", "Betrouwbaar")], []),
        "NAP09 Informatie is betrouwbaar": (
            "Architectuurprincipe",
            [("ID", "NAP09")],
            [("direct", "realiseert", DOEL), ("direct", "realiseert", "Betrouwbaar (Doel)")],
        ),
        "Afnemer (Begrip)": ("Begrip", [("Beschrijving", "Wie afneemt")], []),
        "Dienst (Begrip)": ("Begrip", [("Beschrijving", "Wat geleverd wordt")], []),
    }
    old = dict(base)
    old[DOEL] = ("Kwaliteitsdoel", [("Stelling", "Oud")], doel_rel)
    before = dict(base)
    first = dict(base)
    first["Afnemer (Begrip)"] = ("Begrip", [("Beschrijving", "Wie een dienst afneemt")], [])
    first["IMP12 Bied inzage"] = ("Implicatie", [("ID", "IMP12")], [("direct", "volgt uit", DOEL)])
    second = dict(first)
    second[DOEL] = (
        "Kwaliteitsdoel",
        [("Stelling", "Toegankelijk voor iedereen, altijd"), ("ID", "KD03")],
        [*doel_rel, ("derived", "Is relevant binnen", "Dienstverlening")],
    )
    del second["Dienst (Begrip)"]
    return [
        (month_start - timedelta(days=400), old),
        (month_start - timedelta(days=10), before),
        (month_start, first),
        (month_start + timedelta(seconds=1), second),
    ]


def _pages(spec: Spec) -> list[ParsedPage]:
    return [
        make_page(title, kind, props=props, relations=rels)
        for title, (kind, props, rels) in sorted(spec.items())
    ]


@pytest.fixture(scope="module")
def history(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[tuple[datetime, Spec]]]:
    root = tmp_path_factory.mktemp("analysis")
    now = datetime.now(UTC)
    month_start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    specs = _specs(month_start)
    for when, spec in specs:
        write_snapshot(root / "data", _pages(spec), when=when)
    # the shell step the SPARQL examples start from
    graph = ["graph", "--data", str(root / "data"), "--out", str(root / "data" / "graph.ttl")]
    assert main(graph) == 0
    return root, specs


def _run(
    name: str, root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> list[str]:
    code = _examples()[name]
    monkeypatch.chdir(root)
    capsys.readouterr()
    exec(compile(code, f"{DOC.name}:{name}", "exec"), {"__name__": "__doc_example__"})
    return capsys.readouterr().out.splitlines()


def test_every_example_is_tested() -> None:
    tested = {
        "page-history-duckdb",
        "related-duckdb",
        "related-pandas",
        "changed-duckdb",
        "changed-pandas",
        "types-duckdb",
        "types-pandas",
        "types-over-time-duckdb",
        "related-sparql",
        "types-sparql",
    }
    assert set(_examples()) == tested


def test_page_history(history, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    root, specs = history
    expected = [
        f"{new_snapshot_id(when)} | {prop} | {value}"
        for when, spec in specs[1:]  # the first is more than a year old
        for prop, value in spec[DOEL][1]
    ]
    assert _run("page-history-duckdb", root, monkeypatch, capsys) == expected


def _related(spec: Spec) -> list[str]:
    pairs = set()
    for title, (_kind, _props, rels) in spec.items():
        for kind, relation, end in rels:
            source, target = (title, end) if kind == "direct" else (end, title)
            if source == DOEL:
                pairs.add((target, relation))
            elif target == DOEL:
                pairs.add((source, relation))
    return [f"{element} | {relation}" for element, relation in sorted(pairs)]


@pytest.mark.parametrize("name", ["related-duckdb", "related-pandas", "related-sparql"])
def test_related_elements(history, monkeypatch, capsys, name: str) -> None:  # type: ignore[no-untyped-def]
    root, specs = history
    expected = _related(specs[-1][1])
    assert len(expected) == 4
    assert _run(name, root, monkeypatch, capsys) == expected


@pytest.mark.parametrize("name", ["changed-duckdb", "changed-pandas"])
def test_changed_this_month(history, monkeypatch, capsys, name: str) -> None:  # type: ignore[no-untyped-def]
    root, specs = history
    month = specs[2][0].strftime("%Y%m")
    changed: set[str] = set()
    last: dict[str, str] = {}
    for when, spec in specs:
        for page in _pages(spec):
            title, sha = page.page.title, page.page.content_sha256
            if when.strftime("%Y%m") == month and last.get(title) != sha:
                changed.add(title)
            last[title] = sha
    assert changed == {DOEL, "Afnemer (Begrip)", "IMP12 Bied inzage"}
    (line,) = _run(name, root, monkeypatch, capsys)
    assert ast.literal_eval(line) == sorted(changed)


@pytest.mark.parametrize("name", ["types-duckdb", "types-pandas", "types-sparql"])
def test_element_types(history, monkeypatch, capsys, name: str) -> None:  # type: ignore[no-untyped-def]
    root, specs = history
    counts = Counter(kind for kind, _props, _rels in specs[-1][1].values())
    expected = [f"{k} | {n}" for k, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    assert _run(name, root, monkeypatch, capsys) == expected


def test_element_types_over_time(history, monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    root, specs = history
    kinds = sorted({kind for _when, spec in specs for kind, _p, _r in spec.values()})
    per_snapshot = [Counter(kind for kind, _p, _r in spec.values()) for _when, spec in specs]
    expected = [(kind, *(counts[kind] for counts in per_snapshot)) for kind in kinds]
    (line,) = _run("types-over-time-duckdb", root, monkeypatch, capsys)
    assert ast.literal_eval(line) == expected
