"""No traceback reaches a user: an unexpected error is one line and its own status."""

from __future__ import annotations

import argparse
import errno
import sqlite3
from pathlib import Path

import pytest

from commands import cli
from commands import prune as command_prune
from commands.exits import ExitStatus
from output.errors import storage_failure


def test_an_unexpected_error_is_one_line_and_internal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(args: argparse.Namespace) -> int:
        raise RecursionError("maximum recursion depth exceeded")

    monkeypatch.setattr(command_prune, "run", boom)
    status = cli.main(["prune", "--keep", "1", "--data", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == ExitStatus.INTERNAL and int(status) == 70
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert "internal error" in err and "RecursionError" in err
    logs = list((tmp_path / "logs").glob("nora-error-*.log"))
    assert len(logs) == 1 and "Traceback" in logs[0].read_text(encoding="utf-8")
    assert str(logs[0]) in err


def test_without_a_data_folder_the_traceback_goes_to_the_temp_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def boom(args: argparse.Namespace) -> int:
        raise KeyError("surprise")

    monkeypatch.setattr(command_prune, "run", boom)
    monkeypatch.setattr("tempfile.gettempdir", lambda: str(tmp_path))
    status = cli.main(["prune", "--keep", "1", "--data", str(tmp_path / "absent")])
    assert status == ExitStatus.INTERNAL
    assert len(list(tmp_path.glob("nora-error-*.log"))) == 1
    assert "Traceback" not in capsys.readouterr().err


@pytest.mark.parametrize(
    "error",
    [
        OSError(errno.ENOSPC, "No space left on device", "/data/warc/x.warc.gz"),
        sqlite3.OperationalError("database or disk is full"),
    ],
)
def test_a_full_disk_is_storage_not_internal(
    error: Exception,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    def full(args: argparse.Namespace) -> int:
        raise error

    monkeypatch.setattr(command_prune, "run", full)
    status = cli.main(["prune", "--keep", "1", "--data", str(tmp_path)])
    err = capsys.readouterr().err
    assert status == ExitStatus.STORAGE and int(status) == 8
    assert "Nothing already stored was lost" in err and "Traceback" not in err
    assert not list(tmp_path.glob("logs/nora-error-*"))


def test_storage_failure_looks_through_causes() -> None:
    try:
        try:
            raise OSError(errno.ENOSPC, "No space left on device")
        except OSError as inner:
            raise RuntimeError("writing the snapshot") from inner
    except RuntimeError as outer:
        assert storage_failure(outer) == "No space left on device"
    assert storage_failure(OSError(errno.ENOENT, "gone")) is None
    assert storage_failure(ValueError("x")) is None
