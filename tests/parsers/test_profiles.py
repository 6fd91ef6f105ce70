"""Profiles: a sister wiki's labels parse its pages; loading them from TOML, good and bad.

The GEMMA fixture (``fixtures/profiles/``) is parsed under ``profiles/gemma.toml`` and
compared with an expectation written by hand; under NORA's profile the same page loses
the blocks only GEMMA's labels name, with warnings. A profile file with a bad key or
value is a usage error that names the key, never a traceback.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from commands.cli import main
from commands.exits import ExitStatus
from output.manifest import read_manifest
from parsers import ParsedPage, parse_page
from parsers.errors import ProfileError
from parsers.profile import NORA, Profile, from_mapping
from scraper.crawl.config import build_config, read_profile, read_profile_file
from scraper.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]
GEMMA_FILE = ROOT / "profiles" / "gemma.toml"
PAGE = ROOT / "fixtures" / "profiles" / "gemma-referentiecomponent.html"
EXPECTED = PAGE.with_name(PAGE.stem + ".expected.json")


@pytest.fixture(scope="module")
def gemma() -> Profile:
    return read_profile_file(GEMMA_FILE)


def _records(parsed: ParsedPage) -> dict[str, Any]:
    """The fields the hand-written expectation holds, from a parse."""
    page = parsed.page
    return {
        "page": {
            "title": page.title,
            "namespace": page.namespace,
            "page_id": page.page_id,
            "revision_id": page.revision_id,
            "element_type": page.element_type,
            "categories": list(page.categories),
            "historical": page.historical,
            "warnings": list(page.warnings),
        },
        "properties": [
            {"property": p.property, "value": p.value, "links": list(p.links)}
            for p in parsed.properties
        ],
        "relations": [
            {
                "kind": r.kind,
                "position": r.position,
                "source": r.source,
                "relation": r.relation,
                "target": r.target,
                "target_exists": r.target_exists,
            }
            for r in parsed.relations
        ],
        "sections": [
            {"heading": s.heading, "level": s.level, "text": s.text} for s in parsed.sections
        ],
    }


# --- a page written with GEMMA's labels ---------------------------------------------------


def test_gemma_page_under_the_gemma_profile_matches_the_hand_written_expectation(
    gemma: Profile,
) -> None:
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))
    expected.pop("_comment")
    assert _records(parse_page(PAGE.read_bytes(), PAGE.name, gemma)) == expected


def test_nora_profile_does_not_place_what_only_gemma_names() -> None:
    parsed = parse_page(PAGE.read_bytes(), PAGE.name)  # the default: NORA
    records = _records(parsed)
    # "Bedient" is no NORA relation name, but it is a sub-heading under "Relaties": one
    # sub-heading per relation type names the relation of the list under it (issue 17)
    direct = [(r["relation"], r["target"]) for r in records["relations"] if r["kind"] == "direct"]
    assert ("Bedient", "Zaakafhandelcomponent") in direct
    assert ("Realiseert", "Registreren zaken") in direct
    assert "Bedient" not in [s["heading"] for s in records["sections"]]
    assert records["page"]["warnings"] == []
    # neither "GEMMA type" nor an ApplicationComponent icon means anything to NORA
    assert records["page"]["element_type"] == ""
    # what both profiles share is read alike
    assert len(records["properties"]) == 3
    assert [r["relation"] for r in records["relations"] if r["kind"] == "derived"] == ["Betreft"]


def test_gemma_icons_namespaces_and_history(gemma: Profile) -> None:
    fragment = (
        '<div class="mw-parser-output"><p><img src="/images/thumb/Bedrijfsfunctie.png/'
        '40px-Bedrijfsfunctie.png"/></p><p>Historie van de NORA</p></div>'
    )
    under_gemma = parse_page(fragment, "GEMMA Online:Colofon.html", gemma).page
    under_nora = parse_page(fragment, "GEMMA Online:Colofon.html", NORA).page
    assert (under_gemma.title, under_gemma.namespace) == ("GEMMA Online:Colofon", 4)
    assert under_nora.namespace == 0  # NORA's project namespace is "NORA Online"
    assert (under_gemma.element_type, under_nora.element_type) == ("Bedrijfsfunctie", "")
    assert (under_gemma.historical, under_nora.historical) == (False, True)


def test_gemma_profile_file_says_what_it_is(gemma: Profile) -> None:
    assert gemma.name == "gemma"
    assert "referentiecomponent" in gemma.element_types_by_fold
    assert "gemma type" in gemma.property_labels and "gemma type" in gemma.element_type_properties
    assert gemma.namespace_numbers["gemma online"] == 4
    assert gemma.blocks == NORA.blocks  # not given in the file: NORA's
    assert gemma.sha256 != NORA.sha256
    text = GEMMA_FILE.read_text(encoding="utf-8")
    for sureness in ("HIGH", "MEDIUM", "LOW"):
        assert sureness in text


# --- the profile's identity ---------------------------------------------------------------


def test_hash_is_stable_and_moves_with_the_values_not_the_name() -> None:
    same = from_mapping({"name": "another name"})
    assert same.sha256 == NORA.sha256 and same.name != NORA.name
    # order and spelling of labels do not matter: they are folded and sorted
    reordered = from_mapping({"name": "x", "source_headers": ["BRON", "van", "Vertrekpunt:"]})
    assert reordered.sha256 == NORA.sha256
    changed = from_mapping({"name": "nora", "source_headers": ["Vertrekpunt"]})
    assert changed.sha256 != NORA.sha256
    assert json.loads(NORA.canonical())["target_headers"] == {
        "eindpunt": "derived",
        "eindpunten": "direct",
    }


LABEL_MAPS = """
[profile]
name = "labels"
[profile.property_map]
"Beheerder:" = "Organisatie"
"UITGEVER" = "Organisatie"
"Opmerking" = ""
[profile.type_property_map."Standaard"]
"Uitgever" = "Uitgevende organisatie"
"""


def test_one_profile_file_holds_the_label_to_property_map(tmp_path: Path) -> None:
    profile = read_profile_file(_write(tmp_path / "labels.toml", LABEL_MAPS))
    assert profile.property_map == {
        "beheerder": "Organisatie", "uitgever": "Organisatie", "opmerking": ""
    }  # fmt: skip
    assert profile.type_property_map == {"standaard": {"uitgever": "Uitgevende organisatie"}}
    # many labels name one property; the element type's map wins on its pages
    assert profile.smw_property("Beheerder") == profile.smw_property("uitgever") == "Organisatie"
    assert profile.smw_property("Uitgever", "Standaard") == "Uitgevende organisatie"
    assert profile.smw_property("Beheerder", "standaard") == "Organisatie"
    assert profile.smw_property("Opmerking") == "" and profile.smw_property("ID") is None
    # the maps are part of the profile's identity; without them a profile keeps its hash
    values = json.loads(profile.canonical())
    assert values["property_map"]["uitgever"] == "Organisatie"
    assert profile.sha256 != from_mapping({"name": "labels"}).sha256
    assert "property_map" not in json.loads(NORA.canonical())
    assert hash(profile) == hash(read_profile_file(tmp_path / "labels.toml"))


def test_parse_page_refuses_a_profile_that_is_none() -> None:
    with pytest.raises(TypeError, match="profile"):
        parse_page("<p>x</p>", "x.html", {"name": "x"})  # type: ignore[arg-type]


# --- loading from TOML: good ----------------------------------------------------------------


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_profile_table_in_the_config_file(tmp_path: Path) -> None:
    config = _write(
        tmp_path / "nora.toml",
        '[crawl]\nsite = "https://www.gemmaonline.nl"\n\n'
        '[profile]\nname = "mini"\nelement_types = ["Referentiecomponent"]\n'
        '[profile.blocks]\n"Kenmerken" = "properties"\n"Relaties" = "direct"\n',
    )
    profile = build_config(config_file=config, env={}).profile
    assert profile.name == "mini"
    assert profile.element_types == ("Referentiecomponent",)
    assert profile.block_kind("Kenmerken van dit element") == "properties"
    assert profile.block_kind("Eigenschappen") == ""  # blocks given: NORA's replaced
    assert profile.property_labels == NORA.property_labels  # not given: NORA's kept
    # the same with the crawl settings at the top level
    config = _write(tmp_path / "flat.toml", '[profile]\nname = "flat"\n')
    assert build_config(config_file=config, env={}).profile.name == "flat"


def test_profile_file_named_by_the_config_and_by_the_flag(tmp_path: Path) -> None:
    (tmp_path / "profiles").mkdir()
    _write(tmp_path / "profiles" / "wiki.toml", 'name = "wiki"\nhistorical_markers = []\n')
    config = _write(tmp_path / "nora.toml", 'profile = "profiles/wiki.toml"\n')
    assert build_config(config_file=config, env={}).profile.name == "wiki"  # relative to it
    flagged = build_config(config_file=config, env={}, flags={"profile": str(GEMMA_FILE)})
    assert flagged.profile.name == "gemma"  # the flag wins
    assert read_profile(config, None, {}).name == "wiki"
    assert read_profile(None, GEMMA_FILE, {}).name == "gemma"
    assert read_profile(None, None, {}) is NORA


# --- loading from TOML: bad -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ('name = "x"\ncolour = "blue"\n', "profile.colour: unknown profile key"),
        ('element_types = ["A"]\n', "profile.name: expected the profile's name"),
        ('name = "x"\nelement_types = "Bron"\n', "profile.element_types: expected a list"),
        ('name = "x"\nrelation_names = ["", "A"]\n', "profile.relation_names: expected a list"),
        ('name = "x"\n[namespaces]\nFS = "3000"\n', "profile.namespaces.FS: expected a namespace"),
        ('name = "x"\n[namespaces]\nFS = true\n', "profile.namespaces.FS: expected a namespace"),
        ('name = "x"\n[blocks]\nKenmerken = "props"\n', "profile.blocks.Kenmerken: expected one"),
        ('name = "x"\nblocks = ["Relaties"]\n', "profile.blocks: expected a table"),
        ('name = "x"\n[blocks]\n', "profile.blocks: expected at least one"),
        ('name = "x"\n[target_headers]\nEindpunt = "properties"\n', "profile.target_headers"),
        ("name = [\n", "expected valid TOML"),
        ('name = "x"\nproperty_map = ["Uitgever"]\n', "profile.property_map: expected a table"),
        ('name = "x"\n[property_map]\nUitgever = 3\n', "profile.property_map.Uitgever: expected"),
        ('name = "x"\n[type_property_map]\nStandaard = "x"\n', "type_property_map.Standaard"),
    ],
)
def test_bad_profile_files_name_the_key(tmp_path: Path, text: str, needle: str) -> None:
    path = _write(tmp_path / "bad.toml", text)
    with pytest.raises(ConfigError) as caught:
        read_profile_file(path)
    assert needle in str(caught.value) and str(path) in str(caught.value)


def test_bad_profile_in_the_config_file_and_missing_files(tmp_path: Path) -> None:
    config = _write(tmp_path / "nora.toml", '[profile]\nname = "x"\nnamespace = {}\n')
    with pytest.raises(ConfigError, match=r"nora.toml: profile.namespace: unknown profile key"):
        build_config(config_file=config, env={})
    with pytest.raises(ConfigError, match=r"missing\.toml: cannot read"):
        read_profile(None, tmp_path / "missing.toml", {})
    config = _write(tmp_path / "other.toml", "profile = 3\n")
    with pytest.raises(ConfigError, match=r"profile: expected a \[profile\] table or a TOML file"):
        build_config(config_file=config, env={})


def test_profile_error_carries_the_key() -> None:
    with pytest.raises(ProfileError) as caught:
        from_mapping({"name": "x", "namespaces": {"FS": "x"}})
    assert caught.value.key == "namespaces.FS"


# --- the commands ---------------------------------------------------------------------------


def test_export_workers_parse_with_the_profile_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, gemma: Profile
) -> None:
    import scraper.snapshot.export as export
    import scraper.snapshot.pipeline as pipeline
    import scraper.snapshot.reparse as reparse
    from tests.history_factory import archive_crawl

    html = PAGE.read_bytes()
    names = [f"Zaakregistratiecomponent {n}" for n in range(4)]
    pages = [(name, html.replace(b"Zaakregistratiecomponent", name.encode())) for name in names]
    archive_crawl(tmp_path, pages)
    monkeypatch.setattr(pipeline, "PARALLEL_MIN_PAGES", 1)
    monkeypatch.setattr(reparse, "CHUNK_PAGES", 1)
    for workers in (1, 2):
        out = tmp_path / f"gemma-{workers}"
        result = export.export_crawl(tmp_path, out, workers=workers, profile=gemma)
        assert result.manifest["extra"]["workers"] == workers
        assert result.manifest["parser_profile"]["name"] == "gemma"
        types = pq.read_table(out / "pages.parquet", columns=["element_type"]).column(0)
        assert types.to_pylist() == ["Referentiecomponent"] * len(names)
        assert result.with_warnings == 0
    plain = export.export_crawl(tmp_path, tmp_path / "nora", workers=2)
    assert plain.with_warnings == 0  # the Bedient list: a relation sub-heading under NORA too


def test_nora_parse_with_the_gemma_profile_records_it_in_the_manifest(tmp_path: Path) -> None:
    out = tmp_path / "snap"
    status = main(["parse", str(PAGE), "--out", str(out), "--profile", str(GEMMA_FILE)])
    assert status == ExitStatus.OK  # no warnings under the matching profile
    manifest = read_manifest(out)
    gemma = read_profile_file(GEMMA_FILE)
    assert manifest["parser_profile"] == {"name": "gemma", "sha256": gemma.sha256}
    assert list(manifest).index("parser_profile") == list(manifest).index("parser_version") + 1
    plain = tmp_path / "plain"
    assert main(["parse", str(PAGE), "--out", str(plain)]) == ExitStatus.OK  # nothing lost
    assert read_manifest(plain)["parser_profile"] == {"name": "nora", "sha256": NORA.sha256}


@pytest.mark.parametrize("command", ["parse", "export", "crawl"])
def test_a_bad_profile_is_a_usage_error_with_one_line(
    tmp_path: Path, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = _write(tmp_path / "bad.toml", 'name = "x"\n[namespaces]\nFS = "x"\n')
    (tmp_path / "data").mkdir()
    argv = {
        "parse": ["parse", str(PAGE), "--out", str(tmp_path / "snap")],
        "export": ["export", "--data", str(tmp_path / "data")],
        "crawl": ["crawl", "--data", str(tmp_path / "data"), "--dry-run"],
    }[command]
    assert main([*argv, "--profile", str(bad)]) == ExitStatus.USAGE
    err = capsys.readouterr().err
    assert f"nora {command}: {bad}: profile.namespaces.FS: expected a namespace number" in err
    assert "Traceback" not in err
    assert not (tmp_path / "snap").exists()
