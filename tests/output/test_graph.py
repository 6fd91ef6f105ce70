"""nora graph: RDF whose SPARQL answers equal DuckDB's over the same snapshot's Parquet."""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

import duckdb
import pyoxigraph as ox
import pytest

from commands.cli import main
from commands.exits import ExitStatus
from output.graph import VOCAB, encode_title
from parsers.records import FactRecord, RedirectRecord
from tests.crawl_support import reference_crawl
from tests.history_factory import make_page, write_snapshot

__all__ = ["reference_crawl"]  # a fixture: the shared crawl of the loopback test wiki

DOEL = "Toegankelijk (Doel)"
HOSTILE = '<script>alert("x")</script> "quoted" \\ back\nslash'

#: element types by count
TYPES_SPARQL = f"""
PREFIX na: <{VOCAB}>
SELECT ?type (COUNT(?page) AS ?pages) WHERE {{
  ?page a na:Page .
  OPTIONAL {{ ?page na:elementType ?t }}
  BIND (COALESCE(?t, "") AS ?type)
}} GROUP BY ?type
"""
TYPES_DUCKDB = "SELECT element_type, count(*) FROM '{snap}/pages.parquet' GROUP BY element_type"

#: which elements relate to a page, and how (both directions)
RELATED_SPARQL = f"""
PREFIX na: <{VOCAB}>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT DISTINCT ?element ?relation WHERE {{
  ?doel rdfs:label {{doel}} .
  ?r a na:Relation ; na:relationName ?relation .
  {{ ?r na:source ?doel ; na:target ?other }} UNION {{ ?r na:target ?doel ; na:source ?other }}
  ?other rdfs:label ?element .
}}
"""
RELATED_DUCKDB = """
SELECT DISTINCT CASE WHEN source = $doel THEN target ELSE source END AS element, relation
FROM '{snap}/relations.parquet' WHERE source = $doel OR target = $doel
"""


@pytest.fixture(scope="module")
def snapshot(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("graph") / "data"
    pages = [
        make_page(
            DOEL,
            props=[("Stelling", "Iedereen"), ("Zie", "NAP09", ["NAP09 Informatie is betrouwbaar"])],
            relations=[("direct", "Is gerelateerd aan", "Betrouwbaar (Doel)"),
                       ("direct", "Is gerelateerd aan", "Nog Niet Geschreven"),
                       ("derived", "realiseert", "NAP09 Informatie is betrouwbaar")],
        ),
        make_page("Betrouwbaar (Doel)", relations=[("direct", "steunt", DOEL)]),
        make_page(
            "NAP09 Informatie is betrouwbaar", "Architectuurprincipe",
            relations=[("direct", "realiseert", DOEL),
                       ("direct", "realiseert", "Betrouwbaar (Doel)")],
        ),
        make_page("Zonder type", "", props=[("Opmerking", HOSTILE)]),
        make_page(HOSTILE.replace("\n", " "), "Begrip", relations=[("direct", HOSTILE, DOEL)]),
        make_page("Ünïcode & co/slash: 'quote'", "Begrip"),
    ]  # fmt: skip
    # the tables a crawl of a wiki with SMW writes beside the HTML's, as it writes them
    facts = [
        FactRecord(DOEL, 0, DOEL, "Heeft stelling", "_txt", "Iedereen", "", None, None),
        FactRecord(DOEL, 1, f"{DOEL}#_sub1", "Is onderdeel van", "_wpg", "Kwaliteitsdoelen",
                   "Kwaliteitsdoelen", None, None),
        FactRecord(DOEL, 2, DOEL, "Gewicht", "_num", "2.5", "", 2.5, None),
        FactRecord(DOEL, 3, DOEL, "Vastgesteld op", "_dat", "2022-06-07", "", None,
                   datetime.date(2022, 6, 7)),
    ]  # fmt: skip
    redirects = [RedirectRecord("Toegankelijk", DOEL)]
    return write_snapshot(data, pages, rows={"facts": facts, "redirects": redirects})


def _graph(snapshot: Path, out: Path, *extra: str) -> int:
    data = snapshot.parent.parent
    return main(["graph", snapshot.name, "--data", str(data), "--out", str(out), *extra])


def _store(path: Path) -> ox.Store:
    store = ox.Store()
    store.load(path=str(path))
    return store


def _sparql(store: ox.Store, query: str, **bindings: str) -> set[tuple[Any, ...]]:
    """Solutions as tuples; ``bindings`` are put in the query as escaped literals."""
    for name, value in bindings.items():
        query = query.replace("{" + name + "}", str(ox.Literal(value)))
    found = store.query(query)
    assert isinstance(found, ox.QuerySolutions)
    return {tuple(_py(term) for term in solution) for solution in found}


def _py(term: Any) -> Any:
    if isinstance(term, ox.Literal) and term.datatype.value.endswith("#integer"):
        return int(term.value)
    return term.value


def _duckdb(sql: str, snapshot: Path, **params: str) -> set[tuple[Any, ...]]:
    rows = duckdb.execute(sql.format(snap=snapshot), params).fetchall()
    return {tuple(row) for row in rows}


@pytest.mark.parametrize("suffix", [".ttl", ".nt"])
def test_both_sparql_answers_equal_duckdb(snapshot: Path, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"graph{suffix}"
    assert _graph(snapshot, out) == ExitStatus.OK
    store = _store(out)
    types = _sparql(store, TYPES_SPARQL)
    assert types == _duckdb(TYPES_DUCKDB, snapshot)
    assert ("Kwaliteitsdoel", 2) in types and ("", 1) in types
    for doel in (DOEL, "Betrouwbaar (Doel)"):
        related = _sparql(store, RELATED_SPARQL, doel=doel)
        assert related == _duckdb(RELATED_DUCKDB, snapshot, doel=doel)
    assert len(_sparql(store, RELATED_SPARQL, doel=DOEL)) == 5


def test_iris_are_the_sites_page_urls_and_stable(snapshot: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a.nt", tmp_path / "b.nt"
    assert _graph(snapshot, a) == _graph(snapshot, b) == ExitStatus.OK
    assert a.read_bytes() == b.read_bytes()
    store = _store(a)
    doel = ox.NamedNode("https://nora.test/wiki/" + encode_title(DOEL))
    assert doel.value == "https://nora.test/wiki/Toegankelijk_(Doel)"
    assert list(store.quads_for_pattern(doel, ox.NamedNode(VOCAB + "elementType"), None))
    red = ox.NamedNode("https://nora.test/wiki/Nog_Niet_Geschreven")  # a red link: no page
    assert list(store.quads_for_pattern(doel, ox.NamedNode(VOCAB + "relatedTo"), red))
    assert not list(store.quads_for_pattern(red, None, ox.NamedNode(VOCAB + "Page")))
    unicode = "https://nora.test/wiki/%C3%9Cn%C3%AFcode_%26_co/slash:_%27quote%27"
    assert list(store.quads_for_pattern(ox.NamedNode(unicode), None, None))


def test_hostile_text_round_trips_as_literals(snapshot: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.ttl"
    assert _graph(snapshot, out) == ExitStatus.OK
    store = _store(out)
    values = _sparql(store, f"PREFIX na: <{VOCAB}> SELECT ?v WHERE {{ ?n na:value ?v }}")
    assert (HOSTILE,) in values
    names = _sparql(store, f"PREFIX na: <{VOCAB}> SELECT ?v WHERE {{ ?n na:relationName ?v }}")
    assert (HOSTILE,) in names


def test_facts_and_redirects_are_included_when_present(snapshot: Path, tmp_path: Path) -> None:
    out = tmp_path / "g.ttl"
    assert _graph(snapshot, out) == ExitStatus.OK
    store = _store(out)
    facts = _sparql(
        store,
        f"PREFIX na: <{VOCAB}> SELECT ?p ?v"
        " WHERE { ?f a na:Fact ; na:property ?p ; na:value ?v }",
    )
    assert facts == {
        ("Heeft stelling", "Iedereen"), ("Is onderdeel van", "Kwaliteitsdoelen"),
        ("Gewicht", "2.5"), ("Vastgesteld op", "2022-06-07"),
    }  # fmt: skip
    page = "https://nora.test/wiki/Toegankelijk_(Doel)"
    subjects = _sparql(
        store, f"PREFIX na: <{VOCAB}> SELECT DISTINCT ?s WHERE {{ ?f na:subject ?s }}"
    )
    assert subjects == {(page,), (page + "#subobject-_sub1",)}  # a subobject under its page
    typed = store.query(
        f"PREFIX na: <{VOCAB}> SELECT ?n ?d WHERE {{ OPTIONAL {{ ?f na:number ?n }}"
        " OPTIONAL { ?g na:date ?d } }"
    )
    assert isinstance(typed, ox.QuerySolutions)
    terms = {t for solution in typed for t in solution if t is not None}
    assert {(t.value, t.datatype.value.rsplit("#", 1)[1]) for t in terms} == {
        ("2.5", "double"), ("2022-06-07", "date")
    }  # fmt: skip
    redirect = _sparql(
        store, f"PREFIX na: <{VOCAB}> SELECT ?to WHERE {{ ?from na:redirectsTo ?to }}"
    )
    assert redirect == {("https://nora.test/wiki/Toegankelijk_(Doel)",)}


def test_every_triple_is_distinct_and_counted(
    snapshot: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "g.nt"
    assert _graph(snapshot, out) == ExitStatus.OK
    said = int(capsys.readouterr().out.split(": ")[2].split(" triples")[0])
    lines = out.read_text(encoding="utf-8").splitlines()
    assert said == len(lines) == len(set(lines)) == len(_store(out))


def test_without_facts_and_redirects(tmp_path: Path) -> None:
    snap = write_snapshot(tmp_path / "data", [make_page("A", relations=[("direct", "r", "B")])])
    out = tmp_path / "g.ttl"
    assert main(["graph", "--data", str(tmp_path / "data"), "--out", str(out)]) == ExitStatus.OK
    assert len(_store(out)) > 5 and snap.name in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--out", "g.rdf"], "expected a file name ending in .ttl or .nt"),
        (["--out", "g.ttl", "nosuch"], "nosuch: expected a snapshot folder or an id"),
        (["--out", "g.ttl", "--base", "not an iri"], "--base: expected an absolute IRI"),
        (["--out", "missing/g.ttl"], "expected a folder for the graph"),
    ],
)
def test_bad_input_is_a_one_line_usage_error(
    snapshot: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(tmp_path)
    data = snapshot.parent.parent
    assert main(["graph", "--data", str(data), *args]) == ExitStatus.USAGE
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    (tmp_path / "g.ttl").write_text("old")
    assert main(["graph", "--data", str(data), "--out", "g.ttl"]) == ExitStatus.USAGE
    assert "use --force" in capsys.readouterr().err


@pytest.mark.wiki
def test_real_crawl_graph_answers_equal_duckdb(reference_crawl: Path, tmp_path: Path) -> None:
    """The 300-page test wiki's crawl: both questions, for every Kwaliteitsdoel page."""
    snap = reference_crawl.resolve()
    out = tmp_path / "wiki.ttl"
    assert _graph(snap, out) == ExitStatus.OK
    store = _store(out)
    assert _sparql(store, TYPES_SPARQL) == _duckdb(TYPES_DUCKDB, snap)
    doelen = duckdb.execute(
        f"SELECT title FROM '{snap}/pages.parquet' WHERE element_type = 'Kwaliteitsdoel'"
    ).fetchall()
    assert doelen
    for (doel,) in doelen:
        assert _sparql(store, RELATED_SPARQL, doel=doel) == _duckdb(RELATED_DUCKDB, snap, doel=doel)
    # SMW's own data and the redirects: one na:Fact per row of facts, one link per redirect
    facts = _sparql(
        store, f"PREFIX na: <{VOCAB}> SELECT (COUNT(?f) AS ?n) WHERE {{ ?f a na:Fact }}"
    )
    assert facts == _duckdb("SELECT count(*) FROM '{snap}/facts.parquet'", snap) != {(0,)}
    redirects = _sparql(
        store, f"PREFIX na: <{VOCAB}> SELECT (COUNT(*) AS ?n) WHERE {{ ?a na:redirectsTo ?b }}"
    )
    assert redirects == _duckdb("SELECT count(*) FROM '{snap}/redirects.parquet'", snap)


def test_a_damaged_table_is_a_one_line_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    snap = write_snapshot(tmp_path / "data", [make_page("A")])
    (snap / "properties.parquet").write_bytes(b"not parquet")
    out = tmp_path / "g.ttl"
    assert main(["graph", "--data", str(tmp_path / "data"), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "properties.parquet: expected a readable Parquet table, found ArrowInvalid" in err
    assert len(err.strip().splitlines()) == 1
    assert not out.exists() and list(tmp_path.glob(".g.ttl.*")) == []
