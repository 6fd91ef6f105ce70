"""A wiki whose Semantic MediaWiki answers are built to exhaust memory (issue 19).

The fake wiki (``tests.hostile``) also speaks SMW here: siteinfo names the
extension, the property list and types are answered, and ``Special:ExportRDF``
answers with an entity bomb: one 10 KB internal entity used 40,000 times, a
133 KB answer that wrote out to 400 M characters (1.2 GB of memory; 300 MB of
``facts.csv``). ``nora crawl`` and ``nora export`` each run in a subprocess that
reports its own peak RSS, bounded in time; the server in requests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq

from commands.exits import ExitStatus
from parsers.facts import MAX_EXPANSION
from tests.hostile import HostileWiki, Reply, Request, json_reply

ROOT = Path(__file__).resolve().parents[2]
TITLES = ("Alfa", "Beta", "Gamma", "Delta", "Epsilon")
#: a crawl of five pages stays far below this; the bomb written out took 1.2 GB and more
PEAK_LIMIT_MIB = 600
BASE = "http://hostile.invalid/wiki/Special:URIResolver/"

#: ``nora ARGS`` in this process, then its peak RSS (KiB) as the last line on stderr
_MEASURED = (
    "import resource, sys\n"
    "from commands.cli import main\n"
    "try:\n"
    "    status = main(sys.argv[1:])\n"
    "finally:\n"
    "    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss\n"
    "    print(f'peak-rss-kib {peak}', file=sys.stderr)\n"
    "sys.exit(status)\n"
)


def rdf_answer(entity_chars: int, uses: int) -> bytes:
    """An ExportRDF answer for TITLES whose one entity is ``entity_chars`` long and is
    used ``uses`` times in a text value of an own property."""
    per_page = uses // len(TITLES)
    subjects = "".join(
        f'<swivt:Subject rdf:about="{BASE}{title}"><rdfs:label>{title}</rdfs:label>'
        f"<property:Heeft_beschrijving>{'&x;' * per_page}</property:Heeft_beschrijving>"
        "</swivt:Subject>\n"
        for title in TITLES
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f"<!DOCTYPE rdf:RDF[\n\t<!ENTITY x '{'A' * entity_chars}'>\n]>\n"
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:rdfs="http://www.w3.org/2000/01/rdf-schema#"'
        ' xmlns:swivt="http://semantic-mediawiki.org/swivt/1.0#"'
        f' xmlns:wiki="{BASE}" xmlns:property="{BASE}Property-3A">\n'
        f"{subjects}</rdf:RDF>\n"
    ).encode()


def smw_wiki(export: list[bytes]) -> HostileWiki:
    """The hostile wiki with SMW: everything normal but the export answer (``export[0]``,
    to be swapped by a test)."""
    wiki = HostileWiki(titles=TITLES, batch=50, max_requests=60)

    def smw(request: Request) -> Reply | None:
        query = request.query
        if request.path == "/api.php" and query.get("meta") == "siteinfo":
            answer = wiki.api(query)
            answer["query"]["extensions"] = [{"name": "SemanticMediaWiki", "version": "5.1.0"}]
            return json_reply(answer)
        if request.path == "/api.php" and query.get("action") == "smwbrowse":
            key = {"label": "Heeft beschrijving", "key": "Heeft_beschrijving"}
            return json_reply({"query": {"Heeft_beschrijving": key}, "query-continue-offset": 0})
        if request.path == "/api.php" and query.get("action") == "ask":
            typed = {"printouts": {"Heeft type": [f"{BASE[:-22]}swivt/1.0#_txt"]}}
            return json_reply({"query": {"results": {"Property:Heeft beschrijving": typed}}})
        if request.path == "/index.php" and "ExportRDF" in query.get("title", ""):
            return Reply(200, export[0], (("Content-Type", "application/xml; charset=utf-8"),))
        return None

    wiki.misbehave = smw
    return wiki


def measured(*args: str, timeout: float = 180) -> tuple[subprocess.CompletedProcess[str], int]:
    """``nora ARGS`` in a subprocess bounded in time; its result and peak RSS in MiB."""
    done = subprocess.run(
        [sys.executable, "-c", _MEASURED, *args],
        cwd=ROOT, capture_output=True, text=True, timeout=timeout, check=False,
    )  # fmt: skip
    lines = [line for line in done.stderr.splitlines() if line.startswith("peak-rss-kib ")]
    assert lines, done.stdout + done.stderr
    return done, int(lines[-1].split()[1]) // 1024


def checks_of(snapshot: Path) -> list[dict[str, str]]:
    return pq.read_table(snapshot / "checks.parquet").to_pylist()  # type: ignore[no-any-return]


def crawl_args(wiki: HostileWiki, data: Path) -> tuple[str, ...]:
    return (
        "crawl", "--site", wiki.url, "--data", str(data), "--delay", "0",
        "--no-progress", "--contact", "tests@example.org",
    )  # fmt: skip


def test_an_entity_bomb_is_a_malformed_answer_in_crawl_and_export(tmp_path: Path) -> None:
    bomb = rdf_answer(10_000, 40_000)
    assert len(bomb) < 140_000  # 133 KB on the wire
    export = [bomb]
    snapshot = tmp_path / "snapshots" / "latest"
    with smw_wiki(export) as wiki:
        crawl, crawl_peak = measured(*crawl_args(wiki, tmp_path))
        out = crawl.stdout + crawl.stderr
        assert crawl.returncode == ExitStatus.PARTIAL, out
        assert "Traceback" not in out
        assert "5 pages' SMW data could not be read" in crawl.stdout
        assert crawl_peak < PEAK_LIMIT_MIB, f"crawl peak {crawl_peak} MiB"
        assert wiki.count("/index.php") == 2  # asked once more at the end of the run
        rows = [r for r in checks_of(snapshot) if r["kind"] == "facts-unreadable"]
        assert sorted(r["title"] for r in rows) == sorted(TITLES)
        assert all("expected entities" in r["detail"] for r in rows), rows[0]["detail"]
        assert pq.read_table(snapshot / "facts.parquet").num_rows == 0
        manifest = json.loads((snapshot / "manifest.json").read_text())
        assert manifest["extra"]["checks"]["pages_facts_unreadable"] == 5
        # nora export reads the archived answer again: the same verdict, the same bound
        again = tmp_path / "again"
        export_run, export_peak = measured(
            "export", "--data", str(tmp_path), "--out", str(again), "--no-progress"
        )
        assert export_run.returncode == ExitStatus.PARTIAL, export_run.stdout + export_run.stderr
        assert "Traceback" not in export_run.stdout + export_run.stderr
        assert export_peak < PEAK_LIMIT_MIB, f"export peak {export_peak} MiB"
        rows_again = [r for r in checks_of(again) if r["kind"] == "facts-unreadable"]
        assert [(r["title"], r["detail"]) for r in rows_again] == [
            (r["title"], r["detail"]) for r in rows
        ]
        # the site mends its answer: the next crawl asks once more and gets the facts
        export[0] = rdf_answer(20, 5)
        mended, _ = measured(*crawl_args(wiki, tmp_path))
        assert mended.returncode == ExitStatus.OK, mended.stdout + mended.stderr
        assert wiki.count("/index.php") == 3
    assert not [r for r in checks_of(snapshot) if r["kind"] == "facts-unreadable"]
    assert pq.read_table(snapshot / "facts.parquet").num_rows == 5


def test_an_answer_within_the_bound_still_gives_its_facts(tmp_path: Path) -> None:
    # a long entity used a few times: 8x the answer, under MAX_EXPANSION
    fine = rdf_answer(1_000, 20)
    assert 7 * len(fine) < 1_000 * 20 < MAX_EXPANSION * len(fine)
    with smw_wiki([fine]) as wiki:
        crawl, _ = measured(*crawl_args(wiki, tmp_path))
    assert crawl.returncode == ExitStatus.OK, crawl.stdout + crawl.stderr
    snapshot = tmp_path / "snapshots" / "latest"
    facts = pq.read_table(snapshot / "facts.parquet").to_pylist()
    assert sorted({f["title"] for f in facts}) == sorted(TITLES)
    assert {len(f["value"]) for f in facts} == {1_000 * 4}
    assert not [r for r in checks_of(snapshot) if r["kind"] == "facts-unreadable"]
