"""nora status: one screen of health, and an exit status cron, systemd and Nagios can use."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from commands.cli import main
from commands.exits import ExitStatus
from scraper.archive.lock import DataLock
from scraper.archive.paths import STATE_NAME
from scraper.archive.state import ListedPage, NewFetch, State
from scraper.crawl.health import lock_state
from scraper.crawl.journal import RunEntry, append_run, journal_path, recent_runs
from tests.history_factory import archive_crawl, make_page, synthetic_page, write_snapshot
from tests.scraper import test_crawl_run as crawl_mock

wiki = crawl_mock.wiki  # the responses mock of a small MediaWiki


def _now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _status(capsys: pytest.CaptureFixture[str], data: Path, *extra: str) -> tuple[int, str]:
    status = main(["status", "--data", str(data), *extra])
    return status, capsys.readouterr().out


@pytest.fixture
def healthy(tmp_path: Path) -> Path:
    """One finished crawl, its run in the journal, a snapshot made an hour ago."""
    data = tmp_path / "data"
    when = _now() - timedelta(hours=1)
    archive_crawl(data, [synthetic_page(n) for n in range(3)], when=when)
    write_snapshot(data, [make_page("A"), make_page("B")], when=when)
    append_run(data, RunEntry(when.isoformat(), 1, "OK", 0, 3, 3, 0, requests=17, seconds=4.2))
    return data


def test_healthy_is_ok_and_fits_one_screen(
    healthy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = _status(capsys, healthy)
    assert status == ExitStatus.OK, out
    lines = out.splitlines()
    assert lines[0].endswith(f"{healthy}: OK (checked {lines[0].split('checked ')[1]}")
    assert len(lines) <= 24 and max(map(len, lines)) < 200
    assert "last crawl : 1 complete" in out
    assert "listed 3, fetched 3, failed 0, requests 17" in out
    assert "1.0 h old (at most 36 h)" in out and "pages 2, properties 0" in out
    assert "disk       : warc " in out and "lock       : free" in out
    assert "problem" not in out


def test_json_says_the_same_for_machines(healthy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out = _status(capsys, healthy, "--json")
    report = json.loads(out)
    assert status == ExitStatus.OK and report["ok"] is True and report["exit_status"] == 0
    assert report["crawl"]["id"] == 1 and report["crawl"]["requests"] == 17
    assert report["snapshot"]["rows"]["pages"] == 2
    assert report["disk"]["warc"] > 0 and report["lock"] == {
        "held": False,
        "pid": None,
        "command": "",
    }


def test_stale_snapshot_is_a_problem_until_max_age_allows_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "data"
    write_snapshot(data, [make_page("A")], when=_now() - timedelta(hours=40))
    status, out = _status(capsys, data)
    assert status == ExitStatus.PARTIAL
    assert "NEEDS A LOOK" in out.splitlines()[0]
    assert "is 40.0 h old (expected at most 36 h)" in out
    assert _status(capsys, data, "--max-age", "48")[0] == ExitStatus.OK


def test_no_snapshot_and_no_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty").mkdir()
    status, out = _status(capsys, tmp_path / "empty")
    assert status == ExitStatus.PARTIAL and "expected a snapshot at snapshots/latest" in out
    assert main(["status", "--data", str(tmp_path / "none")]) == ExitStatus.USAGE
    assert "expected a data folder, found none" in capsys.readouterr().err
    assert main(["status", "--data", str(tmp_path), "--max-age", "0"]) == ExitStatus.USAGE


def _begin_unfinished(data: Path) -> None:
    with State.open(data / STATE_NAME) as state:
        crawl = state.begin_crawl("https://nora.test", _now().isoformat(), full=False)
        state.store_listing(crawl.id, [ListedPage("A", 0, 1, 1, "t", 10)], [])


def test_a_stopped_crawl_fails_and_a_running_one_holds_the_lock(
    healthy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _begin_unfinished(healthy)
    status, out = _status(capsys, healthy)
    assert status == ExitStatus.PARTIAL
    assert "last crawl : 2 stopped before finishing" in out
    assert "problem    : crawl 2 stopped before finishing" in out
    with DataLock(healthy):
        status, out = _status(capsys, healthy)
        assert status == ExitStatus.OK, out
        assert "last crawl : 2 running now" in out
        assert f"lock       : held by pid {os.getpid()}: " in out
    assert _status(capsys, healthy)[0] == ExitStatus.PARTIAL


def test_lock_is_read_from_proc_locks_without_taking_it(tmp_path: Path) -> None:
    assert lock_state(tmp_path).held is False  # no lock file at all
    with DataLock(tmp_path):
        found = lock_state(tmp_path)
        assert (found.held, found.pid) == (True, os.getpid())
        assert "pytest" in found.command or "python" in found.command
        # without /proc/locks the pid written in the file is what is left
        assert lock_state(tmp_path, locks=tmp_path / "no-proc-locks").pid == os.getpid()
    assert lock_state(tmp_path).held is False
    (tmp_path / "crawl.lock").write_text("999999999\n")  # a killed holder's stale pid
    assert lock_state(tmp_path, locks=tmp_path / "no-proc-locks").held is False


def test_a_run_that_never_reached_the_site_fails(
    healthy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    append_run(healthy, RunEntry(_now().isoformat(), None, "UNREACHABLE", 4, message="robots.txt"))
    status, out = _status(capsys, healthy)
    assert status == ExitStatus.PARTIAL
    assert "last run   : " in out and "UNREACHABLE (exit 4): robots.txt" in out
    assert "problem    : the last crawl run failed: UNREACHABLE: robots.txt" in out


@pytest.mark.parametrize("ending", [ExitStatus.LOCKED, ExitStatus.REFUSED, ExitStatus.HELD,
                                    ExitStatus.STORAGE, ExitStatus.INTERNAL])  # fmt: skip
def test_every_run_that_publishes_nothing_good_is_a_problem(
    healthy: Path, capsys: pytest.CaptureFixture[str], ending: ExitStatus
) -> None:
    append_run(healthy, RunEntry(_now().isoformat(), None, ending.name, int(ending), message="x"))
    status, out = _status(capsys, healthy)
    assert status == ExitStatus.PARTIAL
    assert f"the last crawl run failed: {ending.name}: x" in out


def _fetch(state: State, crawl_id: int, title: str, outcome: str) -> None:
    page = ListedPage(title, 0, abs(hash(title)) % 1000, 1, "t", 10)
    state.record_fetch(NewFetch(crawl_id, page, f"https://nora.test/wiki/{title}", "new",
                                outcome, _now().isoformat()))  # fmt: skip


def test_pages_failing_several_crawls_in_a_row(
    healthy: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    history = {"Stuk": ("ok", "failed", "failed"), "Hersteld": ("failed", "failed", "ok")}
    with State.open(healthy / STATE_NAME) as state:
        for night in range(3):
            crawl = state.begin_crawl("https://nora.test", f"t{night}", full=False)
            for title, outcomes in history.items():
                _fetch(state, crawl.id, title, outcomes[night])
            state.finish_crawl(crawl.id, status="partial", finished_at="t", pages_listed=2,
                               pages_fetched=1, pages_failed=1)  # fmt: skip
        _fetch(state, crawl.id, "Stuk", "failed")  # a retry in the same crawl: still one crawl
    status, out = _status(capsys, healthy)
    assert status == ExitStatus.OK  # their previous versions are in the snapshot
    assert "failing    : 1 pages failed 2+ crawls in a row: Stuk (2)" in out


def test_journal_skips_damaged_lines(tmp_path: Path) -> None:
    append_run(tmp_path, RunEntry("t1", 1, "OK", 0))
    with journal_path(tmp_path).open("a") as fh:
        fh.write('{"ts": "t2", "status"\n["not", "an", "object"]\n')
    append_run(tmp_path, RunEntry("t3", 2, "PARTIAL", 1, requests=5))
    assert [(r.ts, r.requests) for r in recent_runs(tmp_path)] == [("t1", 0), ("t3", 5)]


def test_nora_crawl_writes_the_journal_status_reads(
    tmp_path: Path,
    wiki: crawl_mock.MockWiki,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.chdir(tmp_path)
    crawl_mock.seed(wiki)
    args = ["crawl", "--site", crawl_mock.SITE, "--data", "data", "--delay", "0",
            "--contact", "tests@example.org", "--no-progress"]  # fmt: skip
    assert main(args) == ExitStatus.OK
    summary = capsys.readouterr().out
    requests = int(summary.split("requests ")[1].split(",")[0])
    status, out = _status(capsys, tmp_path / "data")
    assert status == ExitStatus.OK, out
    assert f"failed 0, requests {requests}; site {crawl_mock.SITE}" in out
    for title in ("F", "G", "H"):
        wiki.add(title, [])
    assert main([*args, "--max-requests", "8"]) == ExitStatus.PARTIAL  # stops before its end
    capsys.readouterr()
    status, out = _status(capsys, tmp_path / "data")
    assert status == ExitStatus.PARTIAL
    assert "problem    : crawl 2 stopped before finishing (last run: PARTIAL: request budget" in out


def test_the_oldest_archived_copy_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """What the rolling refresh bounds: the page of the last crawl fetched longest ago."""
    data = tmp_path / "data"
    six_days_ago = _now() - timedelta(days=6)
    pages = [synthetic_page(n) for n in range(3)]
    archive_crawl(data, pages, when=six_days_ago)
    archive_crawl(data, pages[1:], unchanged=[pages[0][0]], when=_now() - timedelta(hours=1))
    _status_code, out = _status(capsys, data)
    assert f"oldest archived copy: 6 days ({pages[0][0]}, fetched " in out, out
    report = json.loads(_status(capsys, data, "--json")[1])
    assert report["oldest_days"] == 6 and report["oldest_title"] == pages[0][0]
