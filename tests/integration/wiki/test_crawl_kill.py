"""kill -9 at random points of ``nora crawl``, then the same command again.

Each run is killed at a point chosen from its own JSON-lines log: before the
listing is stored, after k page fetches, while the snapshot is being written,
right after it was published. After at least ten kills the crawl is run to the
end. The final snapshot's tables must equal those of an uninterrupted crawl
(``fetched_at`` aside), the WARC files must be sound, no snapshot folder may be
incomplete, and no page may have been fetched twice except the one in flight at
each kill (counted from the wiki's access log).
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from output.history import read_complete_manifest
from scraper.archive.warc import check_warc
from tests.crawl_support import (
    ROOT,
    count_lines,
    lines_after,
    page_requests,
    read_table,
    reference_crawl,
    reference_status,
    table_differences,
)

__all__ = ["reference_crawl"]  # a fixture, shared with test_crawl_wiki.py

pytestmark = pytest.mark.wiki

MIN_KILLS = 10
MAX_RUNS = 40
RUN_TIMEOUT = 600.0


def _events(log_dir: Path, offsets: dict[Path, int]) -> list[dict[str, Any]]:
    """Log events written since ``offsets`` (per log file) were taken."""
    out: list[dict[str, Any]] = []
    if not log_dir.is_dir():
        return out
    for path in sorted(log_dir.glob("crawl-*.jsonl")):
        with path.open("rb") as fh:
            fh.seek(offsets.get(path, 0))
            for line in fh.read().splitlines():
                with contextlib.suppress(ValueError):  # a line being written right now
                    out.append(json.loads(line))
    return out


def _offsets(log_dir: Path) -> dict[Path, int]:
    if not log_dir.is_dir():
        return {}
    return {p: p.stat().st_size for p in log_dir.glob("crawl-*.jsonl")}


def _crawl_process(site: str, data: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            sys.executable, "-m", "commands.cli", "crawl", "--site", site, "--data", str(data),
            "--delay", "0", "--no-progress", "--contact", "kill-test@example.org",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip


def _trigger(rng: random.Random, attempt: int) -> tuple[str, float]:
    """Where to kill the next run: a phase and a parameter (phases taken in turn)."""
    roll = attempt % 6
    if roll == 0:
        return "time", rng.uniform(0.2, 1.5)  # startup, robots, siteinfo, listing
    if roll == 4:
        return "snapshot-start", rng.uniform(0.0, 0.4)  # inside SnapshotWriter
    if roll == 5:
        return "snapshot", 0.0  # published, crawl row not yet finished
    return "fetch", float(rng.randint(1, 40))


def _run_until(proc: subprocess.Popen[bytes], log_dir: Path, trigger: tuple[str, float]) -> bool:
    """Wait for the trigger and kill -9 the run; False when the run ended first."""
    kind, value = trigger
    offsets = _offsets(log_dir)
    started = time.monotonic()
    seen_at: float | None = None
    while proc.poll() is None:
        now = time.monotonic()
        assert now - started < RUN_TIMEOUT, "a crawl run took too long"
        if kind == "time":
            fire = now - started >= value
        else:
            events = _events(log_dir, offsets)
            if kind == "fetch":
                fire = sum(1 for e in events if e["event"] == "fetch") >= value
            else:
                if seen_at is None and any(e["event"] == kind for e in events):
                    seen_at = now
                fire = seen_at is not None and now - seen_at >= value
        if fire:
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
            return True
        time.sleep(0.01)
    return False


def test_kill_nine_at_random_points_then_resume(
    testwiki: Any, reference_crawl: Path, tmp_path: Path
) -> None:
    rng = random.Random(20261129)
    status = reference_status(reference_crawl)  # 1 when pages carry parse warnings
    data = tmp_path / "data"
    log_dir = data / "logs"
    access_log = Path(testwiki.access_log)
    start_line = count_lines(access_log)
    kills = 0
    phases: list[str] = []
    for attempt in range(MAX_RUNS):
        if kills >= MIN_KILLS:
            break
        trigger = _trigger(rng, attempt)
        proc = _crawl_process(testwiki.base_url, data)
        if _run_until(proc, log_dir, trigger):
            kills += 1
            phases.append(trigger[0])
        else:
            assert proc.returncode == status, f"a rerun after a kill ended {proc.returncode}"
    assert kills >= MIN_KILLS, f"only {kills} kills landed: {phases}"
    final = _crawl_process(testwiki.base_url, data)
    assert final.wait(timeout=RUN_TIMEOUT) == status
    assert {"time", "fetch", "snapshot-start", "snapshot"} <= set(phases), phases

    latest = data / "snapshots" / "latest"
    assert read_complete_manifest(latest) is not None
    assert table_differences(reference_crawl, latest) == []

    # no torn WARC, no incomplete snapshot folder, no writer's temporary folder left behind
    for warc in sorted((data / "warc").glob("*.warc.gz")):
        assert check_warc(warc) == [], warc.name
    for child in (data / "snapshots").iterdir():
        assert not child.name.startswith("."), f"left behind: {child.name}"
        if child.name != "latest":
            assert read_complete_manifest(child) is not None, f"incomplete snapshot {child}"

    # every page fetched; twice at most for the page in flight at each kill
    fetched = page_requests(lines_after(access_log, start_line))
    expected = set(read_table(reference_crawl, "pages")["title"])
    assert expected <= set(fetched)
    repeats = sum(count - 1 for count in fetched.values())
    assert repeats <= kills, f"{repeats} repeated page fetches over {kills} kills: " + ", ".join(
        t for t, c in fetched.items() if c > 1
    )
