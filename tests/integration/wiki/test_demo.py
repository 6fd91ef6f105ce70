"""``make demo`` stays true: the whole offline pipeline runs against the test wiki."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.wiki.handle import LoopbackWiki

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.wiki
@pytest.mark.slow
def test_demo_runs_end_to_end(testwiki: LoopbackWiki, tmp_path: Path) -> None:
    env = {**os.environ, "DEMO_DATA": str(tmp_path / "demo")}
    done = subprocess.run(
        [sys.executable, "-m", "tests.wiki.demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    for step in ("== export", "== verify", "== diff", "== done"):
        assert step in done.stdout
    assert "OK " in done.stdout and "DAMAGED" not in done.stdout
    assert (tmp_path / "demo" / "snapshots" / "latest" / "manifest.json").is_file()
