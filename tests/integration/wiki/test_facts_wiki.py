"""SMW's own data, crawled from the real Semantic MediaWiki 5.1.0 test wiki.

- the ``facts`` table of a crawl holds exactly what the corpus stores in SMW
  (``Corpus.smw_data``: every element page's properties and relation objects);
- the checks find no disagreement on the unmodified wiki, and the mapping of
  labels to properties they inferred is the corpus's own (``SMW_PROPERTIES``);
- ``nora export`` rebuilds facts, redirects and checks offline, byte for byte;
- SMW's answers cost at most ceil(N/20) requests for N pages fetched;
- ``--no-facts`` asks SMW for nothing and still checks Afgeleide relaties.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from output.checks import LABEL_WITHOUT_PROPERTY
from tests.crawl_support import nora, read_table, records, reference_crawl
from tests.wiki import vocabulary as v
from tests.wiki.corpus import build, parse_now
from tests.wiki.generator import MONTHS
from tests.wiki.model import Corpus

__all__ = ["reference_crawl"]  # a fixture: one full crawl of the session wiki

pytestmark = pytest.mark.wiki


def corpus_of(wiki: Any) -> Corpus:
    params = json.loads((Path(wiki.dir) / "corpus" / "params.json").read_text("utf-8"))
    return build(params["seed"], params["pages"], parse_now(params["now"]))


def _as_model(row: dict[str, Any]) -> str:
    """A fact's value as the corpus model writes it (dates as the page shows them)."""
    if row["type"] == "_dat" and row["date"] is not None:
        day = row["date"]
        return f"{day.day} {MONTHS[day.month - 1]} {day.year}"
    return str(row["target"] or row["value"])


def facts_by_page(snapshot: Path) -> dict[str, dict[str, Any]]:
    """Per page, its facts in the shape of ``Corpus.smw_data``."""
    out: dict[str, dict[str, Any]] = {}
    subjects: dict[tuple[str, str], dict[str, list[str]]] = {}
    for row in records(read_table(snapshot, "facts")):
        page = out.setdefault(row["title"], {"properties": {}, "relations": []})
        if row["subject"] == row["title"]:
            page["properties"].setdefault(row["property"], []).append(_as_model(row))
        else:
            values = subjects.setdefault((row["title"], row["subject"]), {})
            values.setdefault(row["property"], []).append(_as_model(row))
    for (title, _subject), values in subjects.items():
        (source,), (name,) = values[v.REL_SOURCE], values[v.REL_NAME]
        out[title]["relations"].append(
            {"source": source, "relation": name, "targets": sorted(values[v.REL_TARGET])}
        )
    for page in out.values():
        page["properties"] = {k: sorted(vals) for k, vals in page["properties"].items()}
        page["relations"].sort(key=lambda r: (r["relation"], r["targets"]))
    return out


def test_facts_are_what_smw_stores(testwiki: Any, reference_crawl: Path) -> None:
    corpus = corpus_of(testwiki)
    found = facts_by_page(reference_crawl)
    checked = 0
    for page in corpus:
        if page.kind != "element" or page.ns not in (0, 3000):
            continue
        model = corpus.smw_data(page)
        expected = {
            "properties": {k: sorted(vals) for k, vals in model["properties"].items() if vals},
            "relations": sorted(model["relations"], key=lambda r: (r["relation"], r["targets"])),
        }
        got = found.get(page.title, {"properties": {}, "relations": []})
        assert got == expected, page.title
        checked += 1
    assert checked > testwiki.pages  # every element page of the crawled namespaces
    pages = set(read_table(reference_crawl, "pages")["title"])
    assert set(found) <= pages  # no facts of a page the snapshot does not hold
    facts = read_table(reference_crawl, "facts")
    assert str(facts["number"].dtype) == "float64"  # typed columns, typed in Parquet
    assert (facts[facts["type"] == "_dat"]["date"].notna()).all()


def test_unmodified_wiki_has_no_disagreement(reference_crawl: Path) -> None:
    manifest = json.loads((reference_crawl / "manifest.json").read_text(encoding="utf-8"))
    checks = manifest["extra"]["checks"]
    assert checks["pages_checked_against_smw"] > 300 and checks["pages_disagreeing"] == 0
    rows = read_table(reference_crawl, "checks")
    assert set(rows["kind"]) <= {LABEL_WITHOUT_PROPERTY}, rows.to_dict("records")[:5]
    # the labels without SMW property are the corpus's own: Toelichting, Rationale, ...
    unmapped = set(rows["html_value"])
    props = read_table(reference_crawl, "properties")
    shown = set(props[props["value"].str.strip() != ""]["property"])  # with a value somewhere
    assert unmapped == shown - set(v.SMW_PROPERTIES)
    # and every label with an SMW property was mapped to it, from the crawl alone
    mapping = {label: c["property"] for label, c in checks["property_map"].items()}
    assert {k: p for k, (p, _) in v.SMW_PROPERTIES.items() if k in mapping} == {
        k: p for k, p in mapping.items() if p
    }
    assert checks["relation_properties"] == [v.REL_SOURCE, v.REL_NAME, v.REL_TARGET]
    assert "0 disagree" in checks["summary"] and "0 Afgeleide relaties rows" in checks["summary"]


def test_smw_answers_are_archived_and_cost_at_most_one_in_twenty(
    testwiki: Any, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    mark = testwiki.log_mark()
    result = nora(
        "crawl", "--site", testwiki.base_url, "--data", str(data), "--delay", "0",
        "--no-progress", "--contact", "tests@example.org",
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stdout + result.stderr
    lines = testwiki.requests_since(mark)
    pages = [
        line for line in lines if line.startswith("GET /wiki/") and "RDFExporteren" not in line
    ]
    smw = [
        line for line in lines
        if "RDFExporteren" in line or "action=smwbrowse" in line or "action=ask" in line
    ]  # fmt: skip
    assert len(smw) <= math.ceil(len(pages) / 20), (len(smw), len(pages))
    assert "checks: " in result.stdout and " disagree" in result.stdout
    # nora export rebuilds every table, facts and checks included, from the archive alone
    out = tmp_path / "export"
    exported = nora("export", "--data", str(data), "--out", str(out))
    assert exported.returncode in (0, 1), exported.stdout + exported.stderr
    latest = data / "snapshots" / "latest"
    for table in ("facts", "redirects", "checks", "relations"):
        assert (out / f"{table}.parquet").read_bytes() == (latest / f"{table}.parquet").read_bytes()
        assert (out / f"{table}.csv").read_bytes() == (latest / f"{table}.csv").read_bytes()
    assert len(read_table(out, "facts")) > 1000


def test_without_facts_nothing_is_asked_and_derived_rows_are_still_checked(
    testwiki: Any, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    mark = testwiki.log_mark()
    result = nora(
        "crawl", "--site", testwiki.base_url, "--data", str(data), "--delay", "0",
        "--no-progress", "--contact", "tests@example.org", "--no-facts",
    )  # fmt: skip
    assert result.returncode in (0, 1), result.stdout + result.stderr
    lines = testwiki.requests_since(mark)
    assert not [x for x in lines if "RDFExporteren" in x or "smwbrowse" in x or "action=ask" in x]
    latest = data / "snapshots" / "latest"
    assert read_table(latest, "facts").empty
    assert "no SMW data to check against" in result.stdout
    assert "0 Afgeleide relaties rows disagree" in result.stdout
    redirects = read_table(latest, "redirects")
    assert len(redirects) == 4 and "Afnemer" in set(redirects["from_title"])
    relations = read_table(latest, "relations")
    through = relations[relations["target"] != relations["target_resolved"]]
    assert (through["target"].isin(redirects["from_title"])).all()
    assert pd.api.types.is_bool_dtype(relations["target_exists"])
