"""The test wiki under other labels (issue 21): the same pages and SMW data shown in GEMMA
Online's words (``gemma_wiki``) and with every heading, header and label renamed
(``renamed_wiki``; Organisatie as "Beheerder", and as "Uitgever" on a Standaard).

- a crawl with the hand-written profile (``profiles/gemma.toml``, ``profiles/renamed.toml``)
  reads every page as the generator's ground truth says, with no warning and no
  disagreement with SMW;
- the same crawl without the profile is the silent failure the issue names, made loud:
  pages whose SMW data it did not read carry an ``smw-unread`` warning, and it exits 1.

Each wiki is small (``conftest.LABEL_WIKI_PAGES``) and built once; each crawl runs once.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from output.checks import DERIVED_KINDS, SMW_KINDS, UNREAD
from parsers.calibration import load_profile
from parsers.labels import DERIVED, DIRECT, PROPERTIES, fold
from tests.crawl_support import ROOT, nora, read_table, truth_differences
from tests.integration.wiki.test_crawl_wiki import content_namespaces
from tests.wiki.handle import LoopbackWiki
from tests.wiki.vocabulary import LABEL_SETS

PROFILES = {
    "gemma": ROOT / "profiles" / "gemma.toml",
    "renamed": ROOT / "profiles" / "renamed.toml",
}
_CRAWLS: dict[tuple[str, bool], tuple[int, Path]] = {}  # -> (exit status, data folder)


@pytest.fixture(params=sorted(PROFILES))
def label_wiki(request: pytest.FixtureRequest) -> tuple[str, LoopbackWiki]:
    name = str(request.param)
    wiki: LoopbackWiki = request.getfixturevalue(f"{name}_wiki")
    return name, wiki


def _crawl(
    name: str, wiki: LoopbackWiki, tmp: pytest.TempPathFactory, *, profile: bool
) -> tuple[int, Path]:
    """(exit status, latest snapshot) of one full crawl, with or without the profile."""
    key = (wiki.base_url, profile)
    if key not in _CRAWLS:
        data = tmp.mktemp(f"crawl-{name}-{'profile' if profile else 'nora'}")
        args = ["crawl", "--site", wiki.base_url, "--data", str(data), "--delay", "0",
                "--no-progress", "--contact", "tests@example.org"]  # fmt: skip
        if profile:
            args += ["--profile", str(PROFILES[name])]
        done = nora(*args)
        assert "failed 0" in done.stdout, done.stdout + done.stderr
        _CRAWLS[key] = (done.returncode, data)
    status, data = _CRAWLS[key]
    return status, data / "snapshots" / "latest"


def _warnings(snapshot: Path) -> dict[str, list[str]]:
    pages = read_table(snapshot, "pages")
    return {t: list(w) for t, w in zip(pages["title"], pages["warnings"], strict=True) if len(w)}


def _checks(snapshot: Path) -> dict[str, Any]:
    manifest = json.loads((snapshot / "manifest.json").read_text(encoding="utf-8"))
    checks: dict[str, Any] = manifest["extra"]["checks"]
    return checks


def test_the_wiki_shows_its_own_labels(label_wiki: tuple[str, LoopbackWiki]) -> None:
    name, wiki = label_wiki
    shown = {
        (page["element_type"], prop["property"])
        for page in wiki.truth["pages"]
        for prop in page.get("properties") or ()
    }
    labels = {label for _, label in shown}
    if name == "renamed":  # one SMW property under two labels, by element type
        assert ("Standaard", "Uitgever") in shown and ("Bouwsteen", "Beheerder") in shown
        assert not labels & {"ID", "Beschrijving", "Organisatie", "Elementtype"}
    else:
        assert "GEMMA type" in labels and "Referentiecomponent" in {t for t, _ in shown}
    assert wiki.truth["meta"]["labels"] == name


def test_a_crawl_with_the_profile_equals_the_ground_truth(
    label_wiki: tuple[str, LoopbackWiki], tmp_path_factory: pytest.TempPathFactory
) -> None:
    name, wiki = label_wiki
    status, snapshot = _crawl(name, wiki, tmp_path_factory, profile=True)
    assert _warnings(snapshot) == {} and status == 0
    checks = _checks(snapshot)
    assert checks["pages_checked_against_smw"] >= wiki.pages
    assert checks["pages_disagreeing"] == 0, checks["by_kind"]
    assert not set(checks["by_kind"]) & (SMW_KINDS | DERIVED_KINDS), checks["by_kind"]
    namespaces = content_namespaces(wiki.base_url)
    assert truth_differences(snapshot, wiki.truth, namespaces) == []


def test_a_crawl_without_the_profile_warns_where_smw_data_went_unread(
    label_wiki: tuple[str, LoopbackWiki], tmp_path_factory: pytest.TempPathFactory
) -> None:
    name, wiki = label_wiki
    status, snapshot = _crawl(name, wiki, tmp_path_factory, profile=False)
    unread = {t for t, ws in _warnings(snapshot).items() if any(w.startswith(UNREAD) for w in ws)}
    assert unread and status == 1
    # every warned page is one whose relations the checks find missing: no false alarm
    missing = set(read_table(snapshot, "checks").query("kind == 'relation-not-shown'")["title"])
    assert unread <= missing
    if name == "renamed":  # Verbanden are body text on every page: most pages warn
        assert len(unread) > wiki.pages // 2


def test_export_reads_the_profiles_label_map(
    renamed_wiki: LoopbackWiki, tmp_path_factory: pytest.TempPathFactory, tmp_path: Path
) -> None:
    """``nora export`` re-parses a crawl under ``--profile``: its checks use the
    profile's maps (Uitgever only by the Standaard's map), as the crawl's did."""
    _crawl("renamed", renamed_wiki, tmp_path_factory, profile=True)
    data = _CRAWLS[(renamed_wiki.base_url, True)][1]
    out = tmp_path / "export"
    done = nora("export", "--data", str(data), "--out", str(out), "--no-progress",
                "--profile", str(PROFILES["renamed"]))  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    checks = _checks(out)
    assert checks["pages_disagreeing"] == 0, checks["by_kind"]
    assert checks["property_map"]["Beheerder"]["source"] == "profile"
    assert checks["type_property_map"] == {"standaard": {"uitgever": "Organisatie"}}
    assert _warnings(out) == {}


def test_calibrate_learns_the_profile_and_a_crawl_with_it_equals_the_ground_truth(
    label_wiki: tuple[str, LoopbackWiki], tmp_path: Path
) -> None:
    """No hand-written profile: ``nora calibrate`` infers one from the wiki's own SMW
    data, and the crawl that follows (same data folder) reads every page as the
    generator's truth says, with no warning and no disagreement with SMW."""
    name, wiki = label_wiki
    data, inferred = tmp_path / "data", tmp_path / "inferred.toml"
    site = ["--site", wiki.base_url, "--data", str(data), "--delay", "0",
            "--contact", "tests@example.org"]  # fmt: skip
    done = nora("calibrate", *site, "--out", str(inferred))
    assert done.returncode == 0, done.stdout + done.stderr
    learned, written = load_profile(inferred.read_text("utf-8")), PROFILES[name]
    # exactly the labels the wiki's templates show (the hand-written gemma.toml also
    # keeps NORA's fallbacks, "Inkomende relaties", "Van", ..., that no page shows) ...
    shown = LABEL_SETS[name]
    assert dict(learned.blocks) == {
        fold(shown.properties): PROPERTIES, fold(shown.direct): DIRECT,
        fold(shown.derived): DERIVED,
    }  # fmt: skip
    assert dict(learned.target_headers) == {
        fold(shown.header[2]): DIRECT, fold(shown.derived_target): DERIVED
    }  # fmt: skip
    assert learned.source_headers == {fold(shown.header[0])}
    assert learned.relation_headers == {fold(shown.header[1])}
    # ... each read as the hand-written profile reads it
    expected = load_profile(written.read_text("utf-8"))
    assert dict(learned.blocks).items() <= dict(expected.blocks).items()
    assert dict(learned.target_headers).items() <= dict(expected.target_headers).items()
    assert learned.source_headers <= expected.source_headers
    assert learned.relation_headers <= expected.relation_headers
    done = nora("crawl", *site, "--no-progress", "--profile", str(inferred))
    assert done.returncode == 0 and "failed 0" in done.stdout, done.stdout + done.stderr
    snapshot = data / "snapshots" / "latest"
    assert _warnings(snapshot) == {}
    checks = _checks(snapshot)
    assert checks["pages_disagreeing"] == 0, checks["by_kind"]
    namespaces = content_namespaces(wiki.base_url)
    assert truth_differences(snapshot, wiki.truth, namespaces) == []
