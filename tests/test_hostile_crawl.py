"""``nora crawl`` against a hostile fake MediaWiki on loopback (``tests.hostile``).

Each test reproduces one misbehaviour of issue 11 with a real socket server,
bounded in requests and time, and holds the behaviour that fixed it. Limits are
set small here (timeouts, budgets, durations), so the suite stays quick; the
defaults are what a nightly job needs.
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from output.status import ExitStatus
from scraper.config import CrawlConfig
from scraper.crawl import Crawler
from scraper.outcome import CrawlOutcome
from tests.hostile import HostileWiki, Reply, Request

ROOT = Path(__file__).resolve().parents[1]
#: retries and waits small enough for a test, large enough to exercise them
FAST: dict[str, Any] = {"retries": 1, "backoff_base": 0.001, "backoff_cap": 0.01}


def crawl(wiki: HostileWiki, data: Path, *, full: bool = False, **settings: Any) -> CrawlOutcome:
    """One in-process crawl of ``wiki`` into ``data``; ``settings`` are CrawlConfig fields
    or, failing that, ClientSettings fields."""
    fields = CrawlConfig.__dataclass_fields__
    config_fields = {k: v for k, v in settings.items() if k in fields}
    client = {**FAST, **{k: v for k, v in settings.items() if k not in fields}}
    config = CrawlConfig(
        site=wiki.url, contact="tests@example.org", delay=0.0, data_dir=data, **config_fields
    )
    return Crawler(config, full=full, client_settings=client).run()


def test_deeply_nested_json_is_malformed_json_not_a_crash(tmp_path: Path) -> None:
    def nested(request: Request) -> Reply | None:
        if request.path == "/api.php":
            return Reply(200, b"[" * 200_000, (("Content-Type", "application/json"),))
        return None

    with HostileWiki(misbehave=nested) as wiki:
        outcome = crawl(wiki, tmp_path)
    assert outcome.status == ExitStatus.UNREACHABLE
    assert "expected a JSON object" in outcome.message
    assert not wiki.overflowed


def nora(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``nora`` in a subprocess, bounded in time (a run that does not end fails the test)."""
    return subprocess.run(
        [sys.executable, "-m", "scraper.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def nora_crawl(wiki: HostileWiki, data: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return nora(
        "crawl", "--site", wiki.url, "--data", str(data), "--delay", "0", "--no-progress",
        "--contact", "tests@example.org", *extra,
    )  # fmt: skip


def test_a_crawl_delay_of_a_day_stops_the_run_at_once(tmp_path: Path) -> None:
    """Obeyed, Crawl-delay: 86400 made the nightly run sleep for a day holding the lock."""
    with HostileWiki(robots_txt="User-agent: *\nCrawl-delay: 86400\n") as wiki:
        result = nora_crawl(wiki, tmp_path)
    assert result.returncode == ExitStatus.REFUSED, result.stdout + result.stderr
    assert "Crawl-delay of at most 60 s, found 86400 s" in result.stdout
    assert "Traceback" not in result.stderr
    assert wiki.seen == ["/robots.txt"]


def test_disallow_all_for_our_agent_says_robots_forbids_the_crawl(tmp_path: Path) -> None:
    robots = "User-agent: nora-archive\nDisallow: /\n\nUser-agent: *\nDisallow:\n"
    with HostileWiki(robots_txt=robots) as wiki:
        result = nora_crawl(wiki, tmp_path)
    assert result.returncode == ExitStatus.REFUSED, result.stdout + result.stderr
    assert "robots.txt forbids the crawl" in result.stdout
    assert "unreachable" not in result.stdout
    assert wiki.seen == ["/robots.txt"]


@pytest.mark.parametrize("after", ["86400", "Fri, 01 Jan 2100 00:00:00 GMT"])
def test_retry_after_of_a_day_stops_the_run_resumably(tmp_path: Path, after: str) -> None:
    busy = {"on": True}

    def unavailable(request: Request) -> Reply | None:
        if busy["on"] and request.path.startswith("/wiki/Gamma"):
            return Reply(503, b"maintenance", (("Retry-After", after),))
        return None

    with HostileWiki(misbehave=unavailable) as wiki:
        outcome = crawl(wiki, tmp_path, retries=5, backoff_cap=120.0)
        assert outcome.status == ExitStatus.STOPPED, outcome.summary()
        assert "come back later" in outcome.message and "run again" in outcome.message
        assert wiki.count("/wiki/Gamma") == 1  # asked once, not waited on
        busy["on"] = False
        again = crawl(wiki, tmp_path)
    assert again.status == ExitStatus.OK and again.crawl_id == outcome.crawl_id
    assert again.fetched == 5 and wiki.count("/wiki/Alfa") == 1  # resumed, not refetched


def test_503s_that_alternate_with_good_pages_end_within_the_retry_budget(tmp_path: Path) -> None:
    """Good pages reset the give-up counter; the run's retry-wait budget still ends it."""
    titles = tuple(f"Pagina {i:02d}" for i in range(20))

    def every_other(request: Request) -> Reply | None:
        if request.path.startswith("/wiki/") and int(request.title[-2:]) % 2:
            return Reply(503, b"busy", (("Retry-After", "1"),))
        return None

    with HostileWiki(titles=titles, misbehave=every_other, batch=50) as wiki:
        outcome = crawl(wiki, tmp_path, retries=2, backoff_cap=1.0, retry_wait_budget=3.0)
    assert outcome.status == ExitStatus.STOPPED, outcome.summary()
    assert "retry-wait budget" in outcome.message
    assert not wiki.overflowed and wiki.count("/wiki/") < 10


def test_max_duration_stops_a_slow_crawl_resumably(tmp_path: Path) -> None:
    titles = tuple(f"Pagina {i:02d}" for i in range(12))

    def slow(request: Request) -> Reply | None:
        if request.path.startswith("/wiki/"):
            time.sleep(0.2)
        return None

    with HostileWiki(titles=titles, misbehave=slow, batch=50) as wiki:
        outcome = crawl(wiki, tmp_path, max_duration=1.0)
        assert outcome.status == ExitStatus.STOPPED, outcome.summary()
        assert "--max-duration" in outcome.message and "run again" in outcome.message
        assert 0 < outcome.fetched < 12
        again = crawl(wiki, tmp_path, max_duration=60.0)
    assert again.status == ExitStatus.OK and again.crawl_id == outcome.crawl_id
    assert again.fetched == 12
    # every page once over both runs, and the one cut at the deadline once more
    assert wiki.count("/wiki/") <= 13
