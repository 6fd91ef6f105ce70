"""The data-folder lock: a second run is refused at once, a killed holder frees it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scraper.archive.lock import DataLock
from scraper.errors import DataFolderError, LockedError

HOLD = """
import sys, time
from pathlib import Path
from scraper.archive.lock import DataLock
with DataLock(Path(sys.argv[1])):
    print("held", flush=True)
    time.sleep(60)
"""


def test_second_lock_in_process_is_refused(tmp_path: Path) -> None:
    with DataLock(tmp_path), pytest.raises(LockedError, match=f"pid {os.getpid()}"):
        DataLock(tmp_path).acquire()
    with DataLock(tmp_path) as again:  # released: free again
        assert again.path == tmp_path / "crawl.lock"


def test_lock_held_by_another_process_then_freed_by_kill(tmp_path: Path) -> None:
    root = Path(__file__).resolve().parents[2]
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(tmp_path)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=root,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(LockedError) as info:
            DataLock(tmp_path).acquire()
        assert info.value.holder == str(holder.pid)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait(timeout=10)
    deadline = time.monotonic() + 5
    while True:  # the kernel drops a flock when its holder dies
        try:
            with DataLock(tmp_path):
                break
        except LockedError:
            assert time.monotonic() < deadline
            time.sleep(0.05)


def test_nora_crawl_exits_locked(tmp_path: Path) -> None:
    from commands.cli import main
    from commands.exits import ExitStatus

    with DataLock(tmp_path):
        status = main(
            ["crawl", "--site", "http://127.0.0.1:9", "--data", str(tmp_path), "--no-progress"]
        )
    assert status == ExitStatus.LOCKED


def test_the_message_names_the_holder(tmp_path: Path) -> None:
    with DataLock(tmp_path, "prune"), pytest.raises(LockedError) as info:
        DataLock(tmp_path, "crawl").acquire()
    assert f"found nora prune (pid {os.getpid()}, since " in str(info.value)
    assert "no other crawl" not in str(info.value)
    assert info.value.command == "prune" and info.value.holder == str(os.getpid())


def test_a_lock_file_that_is_a_symlink_is_refused_not_truncated(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from commands.cli import main
    from commands.exits import ExitStatus

    victim = tmp_path / "precious.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    data = tmp_path / "data"
    data.mkdir()
    (data / "crawl.lock").symlink_to(victim)
    assert main(["prune", "--keep", "1", "--data", str(data)]) == ExitStatus.USAGE
    assert "found a symlink to" in capsys.readouterr().err
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    (data / "crawl.lock").unlink()
    os.link(victim, data / "crawl.lock")  # a hard link is refused as well
    with pytest.raises(DataFolderError, match="hard link"):
        DataLock(data).acquire()
    assert victim.read_text(encoding="utf-8") == "keep me\n"


def test_a_latest_link_out_of_the_data_folder_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from commands.cli import main
    from commands.exits import ExitStatus

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    data = tmp_path / "data"
    (data / "snapshots").mkdir(parents=True)
    (data / "snapshots" / "latest").symlink_to(elsewhere)
    assert main(["prune", "--keep", "1", "--data", str(data)]) == ExitStatus.USAGE
    assert "expected a link to a snapshot in" in capsys.readouterr().err
    assert elsewhere.is_dir()
    with DataLock(tmp_path / "other"):  # a sound folder still locks
        pass
