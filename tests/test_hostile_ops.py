"""Issue 19: bad flags, bad files and a damaged data folder get a clear line and a
documented status, never "internal error" (70); what verify checks is real.

Each case runs ``nora`` in a subprocess (no traceback may reach the terminal)
against a data folder made by one small crawl of a loopback fake wiki
(``tests.hostile``), bounded in requests and time.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from output.status import ExitStatus
from tests.hostile import HostileWiki
from tests.test_hostile_crawl import crawl, nora

_MADE: dict[str, Path] = {}


@pytest.fixture
def data(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Iterator[Path]:
    """A copy of a data folder holding one finished crawl of five pages (made once)."""
    if "data" not in _MADE:
        made = tmp_path_factory.mktemp("hostile-ops") / "data"
        with HostileWiki() as wiki:
            assert crawl(wiki, made).status == ExitStatus.OK
        _MADE["data"] = made
    copy = tmp_path / "data"
    shutil.copytree(_MADE["data"], copy, symlinks=True)
    yield copy


def _one_clear_line(err: str) -> None:
    assert "Traceback" not in err and "internal error" not in err, err
    assert err.strip(), "expected a line saying what was wrong"


# -- 8: usage errors, not bugs ----------------------------------------------------------


@pytest.mark.parametrize("command", ["show Alfa", "export", "package --out x.wacz"])
def test_a_crawl_number_sqlite_cannot_hold_is_a_usage_error(data: Path, command: str) -> None:
    result = nora(*command.split(), "--data", str(data), "--crawl", "9" * 23)
    assert result.returncode == ExitStatus.USAGE, result.stderr
    _one_clear_line(result.stderr)
    assert "expected a crawl number" in result.stderr


@pytest.mark.parametrize(
    ("flags", "said"),
    [
        (["--delay", "nan"], "delay: expected at least 0"),
        (["--delay", "inf"], "delay: expected at least 0"),
        (["--site", "http://[::1"], "Invalid IPv6 URL"),
        (["--site", "http://127.0.0.1:99999"], "Port out of range"),
        (["--site", "http://bot:pw@127.0.0.1:9"], "expected a URL without user name or password"),
    ],
)
def test_crawl_flags_that_cannot_be_used_are_usage_errors(
    tmp_path: Path, flags: list[str], said: str
) -> None:
    result = nora("crawl", "--data", str(tmp_path / "data"), "--site", "http://127.0.0.1:9", *flags)
    assert result.returncode == ExitStatus.USAGE, result.stderr
    _one_clear_line(result.stderr)
    assert said in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "pw" not in result.stderr  # the password is not repeated on the terminal
    assert not (tmp_path / "data").exists()  # nothing was done


def test_crawl_data_that_is_a_file_is_a_usage_error(tmp_path: Path) -> None:
    (file := tmp_path / "file").write_text("not a folder", encoding="utf-8")
    result = nora("crawl", "--data", str(file), "--site", "http://127.0.0.1:9")
    assert result.returncode == ExitStatus.USAGE, result.stderr
    _one_clear_line(result.stderr)
    assert "data: expected a folder, found a file" in result.stderr


# -- 8: verify checks something, and only inside the snapshot ------------------------------


@pytest.mark.parametrize("where", ["data", "empty"])
def test_verify_archive_with_no_warc_files_is_not_ok(
    data: Path, tmp_path: Path, where: str
) -> None:
    folder = data if where == "data" else tmp_path / "empty"
    folder.mkdir(exist_ok=True)
    result = nora("verify", "--archive", str(folder))
    assert result.returncode == ExitStatus.USAGE, result.stdout + result.stderr
    assert "OK" not in result.stdout
    assert "expected WARC files (*.warc.gz) to check, found none" in result.stderr


def test_verify_reads_no_file_outside_the_snapshot(data: Path, tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"not the snapshot's business\n")
    digest = hashlib.sha256(secret.read_bytes()).hexdigest()
    snapshot = (data / "snapshots" / "latest").resolve()
    manifest_path = snapshot / "manifest.json"
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    manifest["files"][str(secret)] = {"sha256": "0" * 64, "bytes": 1}
    manifest["files"]["../../../secret.txt"] = {"sha256": "0" * 64, "bytes": 1}
    (snapshot / "linked.csv").symlink_to(secret)
    manifest["files"]["linked.csv"] = {"sha256": "0" * 64, "bytes": 1}
    manifest_path.write_text(json.dumps(manifest), encoding="utf-8")
    result = nora("verify", str(snapshot))
    assert result.returncode == ExitStatus.PARTIAL, result.stdout + result.stderr
    assert digest not in result.stdout
    outside = "expected a file inside the snapshot folder, found a path outside it"
    assert result.stdout.count(outside) == 3, result.stdout
