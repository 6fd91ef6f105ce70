"""``nora crawl`` against a hostile fake MediaWiki on loopback (``tests.hostile``).

Each test reproduces one misbehaviour of issue 11 with a real socket server,
bounded in requests and time, and holds the behaviour that fixed it. Limits are
set small here (timeouts, budgets, durations), so the suite stays quick; the
defaults are what a nightly job needs.
"""

from __future__ import annotations

import base64
import itertools
import json
import random
import resource
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from commands import cli
from commands.exits import ExitStatus, crawl_status
from scraper.crawl.config import CrawlConfig
from scraper.crawl.outcome import CrawlOutcome
from scraper.crawl.run import Crawler
from tests.hostile import HostileWiki, Page, Reply, Request, json_reply

ROOT = Path(__file__).resolve().parents[2]
#: retries and waits small enough for a test, large enough to exercise them
FAST: dict[str, Any] = {"retries": 1, "backoff_base": 0.001, "backoff_cap": 0.01}


def crawl(
    wiki: HostileWiki,
    data: Path,
    *,
    full: bool = False,
    accept_shrink: bool = False,
    **settings: Any,
) -> CrawlOutcome:
    """One in-process crawl of ``wiki`` into ``data``; ``settings`` are CrawlConfig fields
    or, failing that, ClientSettings fields."""
    fields = CrawlConfig.__dataclass_fields__
    config_fields = {k: v for k, v in settings.items() if k in fields}
    client = {**FAST, **{k: v for k, v in settings.items() if k not in fields}}
    config = CrawlConfig(
        site=wiki.url, contact="tests@example.org", delay=0.0, data_dir=data, **config_fields
    )
    return Crawler(config, full=full, client_settings=client, accept_shrink=accept_shrink).run()


def test_deeply_nested_json_is_malformed_json_not_a_crash(tmp_path: Path) -> None:
    def nested(request: Request) -> Reply | None:
        if request.path == "/api.php":
            return Reply(200, b"[" * 200_000, (("Content-Type", "application/json"),))
        return None

    with HostileWiki(misbehave=nested) as wiki:
        outcome = crawl(wiki, tmp_path)
    assert crawl_status(outcome) == ExitStatus.UNREACHABLE
    assert "expected a JSON object" in outcome.message
    assert not wiki.overflowed


def nora(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    """``nora`` in a subprocess, bounded in time (a run that does not end fails the test)."""
    return subprocess.run(
        [sys.executable, "-m", "commands.cli", *args],
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
        assert crawl_status(outcome) == ExitStatus.STOPPED, outcome.summary()
        assert "come back later" in outcome.message and "run again" in outcome.message
        assert wiki.count("/wiki/Gamma") == 1  # asked once, not waited on
        busy["on"] = False
        again = crawl(wiki, tmp_path)
    assert crawl_status(again) == ExitStatus.OK and again.crawl_id == outcome.crawl_id
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
    assert crawl_status(outcome) == ExitStatus.STOPPED, outcome.summary()
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
        assert crawl_status(outcome) == ExitStatus.STOPPED, outcome.summary()
        assert "--max-duration" in outcome.message and "run again" in outcome.message
        assert 0 < outcome.fetched < 12
        again = crawl(wiki, tmp_path, max_duration=60.0)
    assert crawl_status(again) == ExitStatus.OK and again.crawl_id == outcome.crawl_id
    assert again.fetched == 12
    # every page once over both runs, and the one cut at the deadline once more
    assert wiki.count("/wiki/") <= 13


def _endless(kind: str) -> Callable[[Request], Reply | None]:
    """allpages answers with a fresh continuation every time, for ever."""
    counter = itertools.count()

    def misbehave(request: Request) -> Reply | None:
        if request.query.get("generator") != "allpages":
            return None
        n = next(counter)
        if kind == "growing":  # 50 new titles per answer: memory rose, nothing was stored
            titles = [f"Nep {n:05d} {i:02d}" for i in range(50)]
        else:  # the same two titles again and again
            titles = ["Alfa", "Beta"]
        pages = [
            {"pageid": 10_000 + i, "ns": 0, "title": t, "lastrevid": 1, "touched": "t", "length": 1}
            for i, t in enumerate(titles)
        ]
        return json_reply({"query": {"pages": pages}, "continue": {"gapcontinue": f"token-{n}"}})

    return misbehave


def test_an_endless_continuation_is_bounded_by_the_wiki_statistics(tmp_path: Path) -> None:
    with HostileWiki(misbehave=_endless("growing"), statistics={"pages": 100}) as wiki:
        outcome = crawl(wiki, tmp_path)
    assert crawl_status(outcome) == ExitStatus.UNREACHABLE, outcome.summary()
    assert "expected at most 625 entries" in outcome.message  # 100 x 1.25 + 500
    assert wiki.count("/api.php?action=query&generator=allpages") == 13  # 13 x 50 > 625
    # the listing was stored as it grew: a killed run keeps it
    with sqlite3.connect(tmp_path / "state.sqlite") as db:
        stored = db.execute("SELECT count(*) FROM listing").fetchone()[0]
        done = db.execute("SELECT listing_done FROM crawls").fetchone()[0]
    assert stored >= 500 and done == 0


def test_a_continuation_that_brings_nothing_new_is_given_up(tmp_path: Path) -> None:
    with HostileWiki(misbehave=_endless("same")) as wiki:
        outcome = crawl(wiki, tmp_path)
    assert crawl_status(outcome) == ExitStatus.UNREACHABLE, outcome.summary()
    assert "5 answers in a row with none" in outcome.message
    assert wiki.count("/api.php?action=query&generator=allpages") == 6


def test_a_title_listed_twice_is_kept_once_with_a_warning(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with HostileWiki(batch=2) as wiki:
        original = wiki.api

        def twice(query: dict[str, str]) -> dict[str, Any]:
            answer = original(query)
            pages = (answer.get("query") or {}).get("pages")
            if pages and query.get("gapcontinue"):
                pages.insert(0, {**pages[0], "title": "Alfa"})  # listed again later
            return answer

        wiki.api = twice  # type: ignore[method-assign]
        outcome = crawl(wiki, tmp_path)
    assert crawl_status(outcome) == ExitStatus.OK and outcome.listed == 5
    assert "titles listed more than once, kept once: Alfa" in caplog.text


def test_a_listed_title_cannot_escape_the_article_path(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """``../../api.php`` joined to /wiki/ was /api.php: fetched and stored as a page."""
    with HostileWiki(titles=("Alfa", "../../api.php", "Beta\x07bel", "Gamma#top")) as wiki:
        outcome = crawl(wiki, tmp_path)
    assert crawl_status(outcome) == ExitStatus.OK, outcome.summary()
    assert outcome.listed == 1 and outcome.fetched == 1
    assert [p for p in wiki.seen if not p.startswith(("/robots.txt", "/api.php?action"))] == [
        "/wiki/Alfa"
    ]
    assert "3 listed titles MediaWiki cannot have were skipped" in caplog.text


def _latest(data: Path) -> Path:
    return (data / "snapshots" / "latest").resolve()


def _rows(snapshot: Path) -> dict[str, int]:
    manifest = json.loads((snapshot / "manifest.json").read_text(encoding="utf-8"))
    return {name: info["rows"] for name, info in manifest["tables"].items()}


def test_a_moved_article_path_fails_loudly_and_loses_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Every page answering 404 was 'gone': an empty latest, crawl_complete true, exit 0;
    then prune --keep 1 removed the last good snapshot and export refused crawl 1."""
    with HostileWiki() as wiki:
        first = crawl(wiki, tmp_path)
        assert crawl_status(first) == ExitStatus.OK
        good = _latest(tmp_path)
        good_rows = _rows(good)
        # siteinfo now names another article path, and those URLs answer 404
        wiki.articlepath = "/other/$1"
        wiki.misbehave = lambda r: (
            Reply(404, b"nothing here") if r.path.startswith("/other/") else None
        )
        outcome = crawl(wiki, tmp_path, full=True)
    assert crawl_status(outcome) == ExitStatus.PARTIAL, outcome.summary()
    assert outcome.failed == 5 and outcome.gone == 0 and "5 pages failed" in outcome.message
    latest = _latest(tmp_path)
    assert latest != good and _rows(latest) == good_rows  # the previous versions kept
    manifest = json.loads((latest / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["extra"]["crawl_complete"] is False
    assert cli.main(["prune", "--keep", "1", "--data", str(tmp_path)]) == ExitStatus.OK
    assert _latest(tmp_path) == latest and _rows(latest)["pages"] == 5
    out = tmp_path / "crawl1"
    assert cli.main(["export", "--data", str(tmp_path), "--crawl", "1", "--out", str(out)]) == 0
    assert _rows(out) == good_rows  # crawl 1 rebuilt from the archive


def test_a_listing_that_shrinks_is_held_not_published(tmp_path: Path) -> None:
    with HostileWiki() as wiki:
        assert crawl_status(crawl(wiki, tmp_path)) == ExitStatus.OK
        good = _latest(tmp_path)
        for title in ("Beta", "Gamma", "Delta", "Epsilon"):
            del wiki.pages[title]  # the API lists 1 page of 5
        held = crawl(wiki, tmp_path)
        assert crawl_status(held) == ExitStatus.HELD, held.summary()
        assert "NOT PUBLISHED" in held.message and "4 of 5 pages lost (80%" in held.message
        assert "--accept-shrink" in held.message
        assert _latest(tmp_path) == good  # latest untouched
        assert held.snapshot_dir is not None and _rows(held.snapshot_dir)["pages"] == 1
        # prune counts only good snapshots, and keeps the newest held one to look at
        assert cli.main(["prune", "--keep", "1", "--data", str(tmp_path)]) == ExitStatus.OK
        assert good.is_dir() and held.snapshot_dir.is_dir()
        accepted = crawl(wiki, tmp_path, accept_shrink=True)
    assert crawl_status(accepted) == ExitStatus.OK, accepted.summary()
    assert accepted.snapshot_dir is not None and _latest(tmp_path) == accepted.snapshot_dir
    assert _rows(accepted.snapshot_dir)["pages"] == 1


def test_a_table_emptied_by_a_layout_change_is_held(tmp_path: Path) -> None:
    with HostileWiki() as wiki:
        assert crawl_status(crawl(wiki, tmp_path)) == ExitStatus.OK
        for page in wiki.pages.values():
            page.properties = ()  # a layout the parser no longer finds
            page.revision += 1
        held = crawl(wiki, tmp_path)
    assert crawl_status(held) == ExitStatus.HELD, held.summary()
    assert "table(s) emptied: properties" in held.message


def _limited(limit: int) -> Callable[[], None]:
    """preexec_fn: no file of the process may grow past ``limit`` bytes (EFBIG, as a full
    disk gives ENOSPC); Python ignores SIGXFSZ, so the write fails instead of the process."""
    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


def nora_crawl_limited(
    wiki: HostileWiki, data: Path, limit: int
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable, "-m", "commands.cli", "crawl", "--site", wiki.url, "--data",
            str(data), "--delay", "0", "--no-progress", "--contact", "tests@example.org",
        ],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
        preexec_fn=_limited(limit),
    )  # fmt: skip


@pytest.mark.parametrize("what", ["warc", "snapshot"])
def test_a_full_disk_says_what_filled_and_the_next_run_resumes(tmp_path: Path, what: str) -> None:
    """A full disk was a raw OSError traceback, exit 1: not told from 'some pages failed'."""
    for page in (pages := HostileWiki().pages).values():
        page.text = ("Heel lange tekst. " * 20_000) if what == "snapshot" else page.text
    # incompressible (the WARC is gzipped), stored in the WARC, not in the tables
    big = b"<!-- " + base64.b64encode(random.Random(1).randbytes(300_000)) + b" -->"

    def padded(request: Request) -> Reply | None:
        if what != "warc" or not request.path.startswith("/wiki/"):
            return None
        reply = wiki.answer(request)
        return Reply(reply.status, reply.body.replace(b"</body>", big + b"</body>"))

    with HostileWiki(pages=pages, misbehave=padded) as wiki:
        full = nora_crawl_limited(wiki, tmp_path, 1_000_000)
        assert full.returncode == ExitStatus.STORAGE, full.stdout + full.stderr
        assert "Traceback" not in full.stderr
        filled = "to " + str(tmp_path / "warc") if what == "warc" else "writing the snapshot"
        assert filled in full.stdout and "Nothing already stored is lost" in full.stdout
        assert "run again to continue crawl 1" in full.stdout
        assert not (tmp_path / "snapshots" / "latest").exists()
        again = nora_crawl_limited(wiki, tmp_path, 1 << 40)
    assert again.returncode == ExitStatus.OK, again.stdout + again.stderr
    assert "crawl 1, OK, listed 5" in again.stdout
    assert cli.main(["verify", "--data", str(tmp_path)]) == ExitStatus.OK


def test_an_export_that_would_shrink_latest_is_held_too(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with HostileWiki(titles=("Alfa", "Beta")) as wiki:
        assert crawl_status(crawl(wiki, tmp_path)) == ExitStatus.OK
        for i in range(8):
            wiki.pages[f"Nieuw {i}"] = Page(f"Nieuw {i}", page_id=100 + i)
        assert crawl_status(crawl(wiki, tmp_path)) == ExitStatus.OK
    latest = _latest(tmp_path)
    # crawl 1 (2 pages) re-exported as latest would lose 8 of 10 pages
    status = cli.main(["export", "--data", str(tmp_path), "--crawl", "1", "--workers", "1"])
    assert status == ExitStatus.HELD
    assert "NOT PUBLISHED" in capsys.readouterr().err and _latest(tmp_path) == latest
    args = ["export", "--data", str(tmp_path), "--crawl", "1", "--workers", "1"]
    assert cli.main([*args, "--accept-shrink"]) == ExitStatus.OK
    assert _rows(_latest(tmp_path))["pages"] == 2
