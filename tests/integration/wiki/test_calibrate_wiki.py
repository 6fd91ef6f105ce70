"""``nora calibrate`` against the real MediaWiki + SMW test wiki.

- on the NORA-labelled wiki it reproduces the built-in profile's labels and exits 0;
- on a clone whose every block heading, relation header and some property labels are
  renamed (``tests.relabel``; one property under three labels on different element
  types), it learns the new labels, and the inferred profile reads the whole sample;
- its requests stay within ``N + ceil(N/20) + listing + 5`` (the clone's access log),
  ``--crawl ID`` gives the same profile offline with no request, and the next crawl
  fetches none of the sampled pages again;
- a wiki without SMW, and an archive whose SMW answers are damaged, end with one clear
  line and no traceback.
"""

from __future__ import annotations

import math
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from parsers.calibration import load_profile, property_map_of
from parsers.labels import DERIVED, DIRECT, PROPERTIES
from parsers.profile import NORA
from tests.relabel import relabel

pytestmark = pytest.mark.wiki


def nora(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "commands.cli", *map(str, args)],
        cwd=cwd, capture_output=True, text=True, timeout=900,
    )  # fmt: skip


def calibrate(wiki: Any, tmp_path: Path, *extra: str | Path) -> subprocess.CompletedProcess[str]:
    site = ("--site", wiki.base_url, "--data", tmp_path / "data", "--delay", "0")
    return nora("calibrate", *site, "--out", tmp_path / "profile.toml", *extra, cwd=tmp_path)


def test_on_the_nora_wiki_it_reproduces_the_built_in_labels(testwiki: Any, tmp_path: Path) -> None:
    done = calibrate(testwiki, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    text = (tmp_path / "profile.toml").read_text("utf-8")
    profile = load_profile(text)
    assert dict(profile.blocks) == {
        "eigenschappen": PROPERTIES, "relaties": DIRECT, "afgeleide relaties": DERIVED
    }  # fmt: skip
    assert profile.source_headers == {"vertrekpunt"}
    assert profile.relation_headers == {"relatie"}
    assert dict(profile.target_headers) == {"eindpunten": DIRECT, "eindpunt": DERIVED}
    assert len(profile.property_labels) >= 10
    assert profile.property_labels <= NORA.property_labels
    labels = property_map_of(text)
    assert labels["ID"] == "Heeft ID" and labels["Beschrijving"] == "Heeft beschrijving"
    assert "# 60 pages sampled" in text and " of " in text  # support beside each entry
    table = found(done.stdout)
    assert table["SMW values found"][-1] == "(100%)"
    assert table["SMW relations found"][-1] == "(100%)"


def found(stdout: str) -> dict[str, list[str]]:
    """The before/after table: row name -> [current, share, inferred, share]."""
    return {line[:24].strip(): line[24:].split() for line in stdout.splitlines()}


def test_renamed_labels_are_learnt(testwiki: Any, scratch_wiki: Any, tmp_path: Path) -> None:
    (tmp_path / "nora").mkdir()
    original = found(calibrate(testwiki, tmp_path / "nora").stdout)
    assert relabel(scratch_wiki) > 250
    done = calibrate(scratch_wiki, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    text = (tmp_path / "profile.toml").read_text("utf-8")
    profile = load_profile(text)
    assert dict(profile.blocks) == {
        "karakteristieken": PROPERTIES, "verbanden": DIRECT, "inkomende verbanden": DERIVED
    }  # fmt: skip
    assert profile.source_headers == {"van"}
    assert profile.relation_headers == {"soort"}
    assert set(dict(profile.target_headers)) == {"naar"}  # both kinds: the heading decides
    labels = property_map_of(text)
    assert labels["Uitspraak"] == "Stelling"
    assert labels["Uitgever"] == labels["Beheerder"] == labels["Organisatie"] == "Organisatie"
    table = found(done.stdout)
    assert table["SMW values found"][1] != "(100%)" and table["SMW values found"][3] == "(100%)"
    assert table["SMW relations found"][1] != "(100%)"
    assert table["SMW relations found"][3] == "(100%)"
    # the same sample shows the same SMW data under the new labels, all of it read
    assert table["SMW values found"][2] == original["SMW values found"][2]
    assert table["SMW relations found"][2] == original["SMW relations found"][2]


def test_budget_archive_and_offline(scratch_wiki: Any, tmp_path: Path) -> None:
    size = 30
    mark = scratch_wiki.log_mark()
    done = calibrate(scratch_wiki, tmp_path, "--sample", str(size))
    assert done.returncode == 0, done.stdout + done.stderr
    asked = scratch_wiki.requests_since(mark)
    listing = [line for line in asked if "allpages" in line or "allredirects" in line]
    assert len(asked) <= size + math.ceil(size / 20) + len(listing) + 5, asked
    sampled = {line.split()[1] for line in asked if line.startswith("GET /wiki/")}
    assert len(sampled) == size
    assert sum("RDFExporteren" in line for line in asked) == 1  # 50 pages an answer

    online = (tmp_path / "profile.toml").read_text("utf-8")
    mark = scratch_wiki.log_mark()
    offline = nora("calibrate", "--crawl", "1", "--data", tmp_path / "data",
                   "--out", tmp_path / "offline.toml", cwd=tmp_path)  # fmt: skip
    assert offline.returncode == 0, offline.stdout + offline.stderr
    assert scratch_wiki.requests_since(mark) == []
    assert (tmp_path / "offline.toml").read_text("utf-8") == online

    mark = scratch_wiki.log_mark()
    crawl = nora("crawl", "--site", scratch_wiki.base_url, "--data", tmp_path / "data",
                 "--delay", "0", "--no-progress", cwd=tmp_path)  # fmt: skip
    assert crawl.returncode == 0, crawl.stdout + crawl.stderr
    fetched = {line.split()[1] for line in scratch_wiki.requests_since(mark)
               if line.startswith("GET /wiki/")}  # fmt: skip
    assert fetched and not fetched & sampled
    with sqlite3.connect(tmp_path / "data" / "state.sqlite") as db:
        again = db.execute("SELECT title FROM fetches GROUP BY title HAVING count(*) > 1")
        assert again.fetchall() == []


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    assert "Traceback" not in done.stderr
    lines = [line for line in done.stderr.splitlines() if line.startswith("nora calibrate:")]
    assert len(lines) == 1, done.stderr
    return lines[0]


def test_a_wiki_without_smw_gets_a_clear_message(scratch_wiki: Any, tmp_path: Path) -> None:
    settings = scratch_wiki.dir / "mw" / "LocalSettings.php"
    text = settings.read_text("utf-8")
    settings.write_text(text[: text.index("# Semantic MediaWiki")], "utf-8")
    done = calibrate(scratch_wiki, tmp_path)
    assert done.returncode == 2
    assert "calibration needs SMW's data" in one_line_error(done)
    assert not (tmp_path / "profile.toml").exists()


def test_damaged_smw_answers_get_a_clear_message(testwiki: Any, tmp_path: Path) -> None:
    done = calibrate(testwiki, tmp_path, "--sample", "5")
    assert done.returncode in (0, 1), done.stdout + done.stderr
    data = tmp_path / "data"
    with sqlite3.connect(data / "state.sqlite") as db:
        records = db.execute(
            "SELECT warc_file, warc_offset FROM smw_records WHERE kind = 'pages'"
        ).fetchall()
    assert records
    for warc_file, offset in records:
        with (data / "warc" / warc_file).open("r+b") as fh:
            fh.seek(offset + 40)
            fh.write(b"\x00" * 64)  # inside the record's gzip member
    done = nora("calibrate", "--crawl", "1", "--data", data, "--out", tmp_path / "p.toml",
                cwd=tmp_path)  # fmt: skip
    assert done.returncode == 2
    assert "SMW's answers for the sampled pages could not be read" in one_line_error(done)
