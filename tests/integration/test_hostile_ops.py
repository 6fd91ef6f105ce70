"""Issue 19: bad flags, bad files and a damaged data folder get a clear line and a
documented status, never "internal error" (70); what verify checks is real.

Each case runs ``nora`` in a subprocess (no traceback may reach the terminal)
against a data folder made by one small crawl of a loopback fake wiki
(``tests.hostile``), bounded in requests and time.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from commands.exits import ExitStatus, crawl_status
from tests.hostile import HostileWiki
from tests.integration.test_hostile_crawl import ROOT, crawl, nora
from tests.needs import unavailable

_MADE: dict[str, Path] = {}


@pytest.fixture
def data(tmp_path_factory: pytest.TempPathFactory, tmp_path: Path) -> Iterator[Path]:
    """A copy of a data folder holding one finished crawl of five pages (made once)."""
    if "data" not in _MADE:
        made = tmp_path_factory.mktemp("hostile-ops") / "data"
        with HostileWiki() as wiki:
            assert crawl_status(crawl(wiki, made)) == ExitStatus.OK
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


# -- 5: a damaged, locked or read-only state, and a latest that loops ---------------------


def _damage(data: Path, how: str) -> None:
    state = data / "state.sqlite"
    for extra in data.glob("state.sqlite-*"):
        extra.unlink()
    if how == "garbage":
        state.write_bytes(bytes(range(256)) * 160)
    else:  # cut in half
        with state.open("r+b") as fh:
            fh.truncate(state.stat().st_size // 2)


DAMAGED_COMMANDS = {
    "show": ["show", "Alfa"],
    "export": ["export", "--workers", "1"],
    "prune": ["prune", "--keep", "1"],
    "package": ["package", "--out", "{tmp}/x.wacz"],
    "crawl": ["crawl", "--site", "http://127.0.0.1:9", "--delay", "0", "--no-progress"],
    "calibrate": ["calibrate", "--crawl", "1", "--out", "{tmp}/profile.toml"],
}


@pytest.mark.parametrize("how", ["garbage", "half"])
@pytest.mark.parametrize("command", sorted(DAMAGED_COMMANDS))
def test_a_damaged_state_is_named_not_a_bug(
    data: Path, tmp_path: Path, how: str, command: str
) -> None:
    _damage(data, how)
    before = (data / "state.sqlite").read_bytes()
    args = [a.replace("{tmp}", str(tmp_path)) for a in DAMAGED_COMMANDS[command]]
    result = nora(*args, "--data", str(data))
    assert result.returncode == ExitStatus.DAMAGED, result.stdout + result.stderr
    _one_clear_line(result.stderr)
    assert f"{data / 'state.sqlite'}: expected the crawl state, found a damaged file" in (
        result.stderr
    )
    assert (data / "state.sqlite").read_bytes() == before  # nothing was changed


@pytest.mark.parametrize("how", ["garbage", "half"])
def test_status_is_critical_on_a_damaged_state_and_a_crashed_crawl_is_journaled(
    data: Path, how: str
) -> None:
    """status said "OK ... last crawl: none recorded" (exit 0), and a crawl that died on
    the state left no line in runs.jsonl."""
    _damage(data, how)
    status = nora("status", "--data", str(data))
    assert status.returncode == ExitStatus.USAGE, status.stdout  # critical (Nagios: 2)
    assert "CRITICAL" in status.stdout and "expected a readable crawl state" in status.stdout
    crawl = nora("crawl", "--site", "http://127.0.0.1:9", "--data", str(data), "--delay", "0")
    assert crawl.returncode == ExitStatus.DAMAGED
    last = json.loads((data / "logs" / "runs.jsonl").read_text().splitlines()[-1])
    assert last["status"] == "DAMAGED" and last["exit"] == ExitStatus.DAMAGED
    again = nora("status", "--data", str(data), "--json")
    problems = json.loads(again.stdout)["problems"]
    assert any(p.startswith("the last crawl run failed: DAMAGED") for p in problems), problems


def test_a_crawl_that_crashes_still_leaves_its_journal_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from commands import cli
    from scraper.crawl.run import Crawler

    def crash(self: Crawler) -> None:
        raise KeyError("surprise")

    monkeypatch.setattr(Crawler, "run", crash)
    data = tmp_path / "data"
    args = ["crawl", "--site", "http://127.0.0.1:9", "--data", str(data)]
    assert cli.main(args) == ExitStatus.INTERNAL
    assert "internal error" in capsys.readouterr().err
    last = json.loads((data / "logs" / "runs.jsonl").read_text().splitlines()[-1])
    assert last["status"] == "INTERNAL" and "KeyError" in last["message"]
    assert nora("status", "--data", str(data)).returncode == ExitStatus.PARTIAL


def test_a_state_locked_by_another_process_is_locked_not_a_bug(
    data: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """prune waited 30 s for SQLite, then exit 70. The wait is shortened for the test."""
    import sqlite3

    from commands import cli
    from scraper.archive import prune

    monkeypatch.setattr(prune, "BUSY_SECONDS", 0.2)
    holder = sqlite3.connect(data / "state.sqlite", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        status = cli.main(["prune", "--keep", "1", "--data", str(data)])
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err
    assert status == ExitStatus.LOCKED, err
    assert "expected the state free, found it locked by another process" in err
    assert "internal error" not in err and len(err.strip().splitlines()) == 1


def _read_only(data: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``nora ARGS`` with ``data`` read-only: chmod for a user, a read-only bind mount
    in a private mount namespace for root (whom permissions do not stop)."""
    command = [sys.executable, "-m", "commands.cli", *args]
    if os.geteuid() != 0:
        for path in (data, *data.rglob("*")):
            path.chmod(path.stat().st_mode & ~0o222)
        try:
            return subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=60)
        finally:
            for path in (data, *data.rglob("*")):
                path.chmod(path.stat().st_mode | 0o200)
    if shutil.which("unshare") is None:
        unavailable("unshare is not installed: a read-only data folder cannot be made as root")
    script = 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"'
    wrapped = ["unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh"]
    result = subprocess.run(
        [*wrapped, str(data), *command], cwd=ROOT, capture_output=True, text=True, timeout=60
    )
    if "mount:" in result.stderr:
        unavailable(f"no read-only bind mount here: {result.stderr.strip()}")
    return result


@pytest.mark.parametrize("command", ["show", "package"])
def test_a_read_only_data_folder_can_be_read(data: Path, tmp_path: Path, command: str) -> None:
    """show and package said "unable to open database file", exit 70: SQLite wants to
    create state.sqlite-shm beside the state even to read it."""
    import sqlite3

    with sqlite3.connect(data / "state.sqlite") as db:  # as a crawl that ended cleanly
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    assert not list(data.glob("state.sqlite-*"))
    args = ["show", "Alfa"] if command == "show" else ["package", "--out", f"{tmp_path}/x.wacz"]
    result = _read_only(data, *args, "--data", str(data))
    assert result.returncode == ExitStatus.OK, result.stdout + result.stderr
    assert "Alfa" in result.stdout if command == "show" else (tmp_path / "x.wacz").is_file()


def test_a_prune_during_a_package_removes_nothing_it_reads(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """package took neither the lock nor a pin: a prune meanwhile removed the WARC file it
    was reading, and the package failed."""
    from scraper.archive.prune import prune_locked
    from scraper.snapshot import package as packaging

    data = tmp_path / "data"
    with HostileWiki() as wiki:
        assert crawl_status(crawl(wiki, data)) == ExitStatus.OK
        time.sleep(1.1)  # WARC names and crawl starts are stamped to the second
        # crawl 1's file unneeded
        assert crawl_status(crawl(wiki, data, full=True)) == ExitStatus.OK
    first = sorted((data / "warc").glob("*.warc.gz"))[0]
    copy = packaging._copy_members
    pruned: list[tuple[str, ...]] = []

    def prune_meanwhile(path: Path, *args: Any, **kwargs: Any) -> Any:
        if not pruned:
            plan, done = prune_locked(data, keep=1)
            assert [p.name for p in plan.remove_warc] == [first.name]  # it wanted to
            pruned.append(done.removed_warc)
        return copy(path, *args, **kwargs)

    monkeypatch.setattr(packaging, "_copy_members", prune_meanwhile)
    result = packaging.package_crawl(data, tmp_path / "one.wacz", crawl_id=1)
    assert result.pages == 5 and (tmp_path / "one.wacz").is_file()
    assert pruned == [()] and first.is_file()  # held while read
    _plan, later = prune_locked(data, keep=1)  # and removed once nobody reads it
    assert later.removed_warc == (first.name,) and not first.exists()


def test_a_latest_link_to_itself_is_no_snapshot_not_a_bug(data: Path, tmp_path: Path) -> None:
    latest = data / "snapshots" / "latest"
    latest.unlink()
    latest.symlink_to("latest")
    expected = {
        ("status",): ExitStatus.PARTIAL,  # needs a look: no snapshot
        ("report", "--out", str(tmp_path / "r.html")): ExitStatus.USAGE,
        ("graph", "--out", str(tmp_path / "g.ttl")): ExitStatus.USAGE,
        ("prune", "--keep", "1"): ExitStatus.USAGE,
    }
    for args, status in expected.items():
        result = nora(*args, "--data", str(data))
        assert result.returncode == status, (args, result.stdout + result.stderr)
        assert "Traceback" not in result.stderr and "internal error" not in result.stderr
        assert "latest" in result.stdout + result.stderr
