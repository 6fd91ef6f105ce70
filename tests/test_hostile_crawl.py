"""``nora crawl`` against a hostile fake MediaWiki on loopback (``tests.hostile``).

Each test reproduces one misbehaviour of issue 11 with a real socket server,
bounded in requests and time, and holds the behaviour that fixed it. Limits are
set small here (timeouts, budgets, durations), so the suite stays quick; the
defaults are what a nightly job needs.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from output.status import ExitStatus
from scraper.config import CrawlConfig
from scraper.crawl import Crawler
from scraper.outcome import CrawlOutcome
from tests.hostile import HostileWiki, Reply, Request

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
