"""Headless Chromium (Debian's ``chromium``) for the report tests and the README screenshot.

Started as the machine notes say it runs here: no sandbox (root), no GPU, no
background networking, a fresh profile each time. ``dump_dom`` returns the DOM
after the page loaded and its timers ran (``--virtual-time-budget``), so
anything a script would have changed shows in it; ``screenshot`` writes a PNG.
Without Chromium the tests skip on a developer machine and fail under CI.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from tests.needs import program

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def chromium() -> str:
    """The Chromium binary; skip (or fail under CI) when it is not installed."""
    return program("chromium", "chromium-browser", install="apt-get install chromium")


def _run(args: list[str], timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    with tempfile.TemporaryDirectory(prefix="nora-chromium-") as profile:
        return subprocess.run(
            [chromium(), *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            timeout=timeout,
            check=False,
        )


def dump_dom(page: Path, budget_ms: int = 3000) -> str:
    """The serialized DOM of ``page`` after load and ``budget_ms`` of virtual time."""
    done = _run([f"--virtual-time-budget={budget_ms}", "--dump-dom", Path(page).as_uri()])
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done.stdout.decode("utf-8")


def screenshot(page: Path, out: Path, width: int = 1280, height: int = 2000) -> Path:
    done = _run([f"--window-size={width},{height}", f"--screenshot={out}", Path(page).as_uri()])
    assert done.returncode == 0 and Path(out).is_file(), done.stderr.decode(errors="replace")[
        -2000:
    ]
    return Path(out)
