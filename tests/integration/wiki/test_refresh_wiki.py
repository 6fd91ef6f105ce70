"""The rolling refresh on the real test wiki: ceil(N/K) unchanged pages a night, the
oldest archived copies, and nothing when the last crawl was the same night."""

from __future__ import annotations

import math
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.crawl_support import nora, page_requests, read_table, reference_crawl

__all__ = ["reference_crawl"]

pytestmark = pytest.mark.wiki

K = 14


def _recrawl(wiki: Any, data: Path) -> tuple[str, dict[str, int]]:
    mark = wiki.log_mark()
    done = nora(
        "crawl", "--site", wiki.base_url, "--data", str(data), "--delay", "0", "--no-progress",
        "--contact", "tests@example.org", "--refresh-days", str(K),
    )  # fmt: skip
    assert done.returncode in (0, 1), done.stdout + done.stderr
    return done.stdout, dict(page_requests(wiki.requests_since(mark)))


def test_a_night_later_the_oldest_ceil_n_over_k_pages_are_refetched(
    testwiki: Any, reference_crawl: Path, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    shutil.copytree(reference_crawl.resolve().parents[1], data, symlinks=True)
    listed = len(read_table(reference_crawl, "pages"))
    _, same_night = _recrawl(testwiki, data)
    assert same_night == {}  # minutes after the last crawl: no night has passed
    night_before = (datetime.now(UTC) - timedelta(hours=23)).strftime("%Y-%m-%dT%H:%M:%SZ")
    with sqlite3.connect(data / "state.sqlite") as db:  # the last crawl began a night ago
        db.execute("UPDATE crawls SET started_at = ? WHERE id = 2", (night_before,))
        oldest = [t for (t,) in db.execute(
            "SELECT title FROM fetches WHERE outcome = 'ok' ORDER BY id LIMIT ?",
            (math.ceil(listed / K),))]  # fmt: skip
    out, next_night = _recrawl(testwiki, data)
    assert set(next_night) == set(oldest), out
    assert len(next_night) == math.ceil(listed / K)
    assert all(n == 1 for n in next_night.values())
