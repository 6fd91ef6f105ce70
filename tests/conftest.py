"""Shared fixtures: the loopback MediaWiki test wiki (tests/wiki/README.md).

``testwiki`` (session): the shared, read-only wiki of ``TEST_WIKI_PAGES`` element pages
plus the tricky ones, started with ``tests/wiki/testwiki.sh up`` unless already serving
(WIKI_DIR / WIKI_PORT from the environment, defaults /tmp/nora-testwiki and 8089).
``gemma_wiki`` and ``renamed_wiki`` (session): small wikis (``LABEL_WIKI_PAGES`` pages) of the
same generator under another label set (WIKI_LABELS=gemma, renamed), each in its own folder
on its own port (WIKI_GEMMA_DIR / WIKI_GEMMA_PORT, defaults /tmp/nora-wiki-gemma and 8094;
WIKI_RENAMED_DIR / WIKI_RENAMED_PORT, /tmp/nora-wiki-renamed and 8095), built once.
``scratch_wiki`` (function): a throwaway clone on a free port whose pages tests may edit,
add, delete and move; removed afterwards. ``stale_scratch_wiki``: the same with SMW's
query dependency store off (SMW's default), so inverse queries stay stale until purged.

Without PHP (and without apt-get to install it) the wiki tests skip with the reason; under
CI (``CI=true``) they never skip: a wiki that cannot start fails the run.

Markers (pyproject.toml) are set here, so no test has to remember them: ``wiki`` on every
test that uses a wiki fixture or lives under ``integration/wiki/``, ``browser`` on every
test that calls ``tests.browser`` (or lives under ``integration/browser/``),
``spreadsheet`` under ``integration/spreadsheet/``, ``slow`` on everything under
``integration/`` and on the tests ``SLOW`` names. ``make test-fast`` deselects all four;
``make test`` runs everything.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from types import FunctionType

import pytest
import responses

from tests.client_support import FakeTime
from tests.needs import unavailable
from tests.wiki.handle import LoopbackWiki, WikiUnavailable, clone, run_script

TEST_WIKI_PAGES = 300
LABEL_WIKI_PAGES = 60
#: label set -> (default folder, default port) of its wiki (tests/wiki/vocabulary.py)
LABEL_WIKIS = {"gemma": ("/tmp/nora-wiki-gemma", 8094), "renamed": ("/tmp/nora-wiki-renamed", 8095)}


@pytest.fixture(scope="session")
def testwiki() -> Iterator[LoopbackWiki]:
    wiki_dir = Path(os.environ.get("WIKI_DIR", "/tmp/nora-testwiki"))
    env = {
        "WIKI_DIR": str(wiki_dir),
        "WIKI_PORT": os.environ.get("WIKI_PORT", "8089"),
        "WIKI_PAGES": str(TEST_WIKI_PAGES),
    }
    yield _wiki_up(wiki_dir, env)


def label_wiki(labels: str) -> LoopbackWiki:
    """The wiki of label set ``labels`` (``LABEL_WIKIS``), built if needed, serving."""
    folder, port = LABEL_WIKIS[labels]
    key = labels.upper()
    wiki_dir = Path(os.environ.get(f"WIKI_{key}_DIR", folder))
    env = {
        "WIKI_DIR": str(wiki_dir),
        "WIKI_PORT": os.environ.get(f"WIKI_{key}_PORT", str(port)),
        "WIKI_PAGES": str(LABEL_WIKI_PAGES),
        "WIKI_LABELS": labels,
    }
    return _wiki_up(wiki_dir, env)


@pytest.fixture(scope="session")
def gemma_wiki() -> LoopbackWiki:
    return label_wiki("gemma")


@pytest.fixture(scope="session")
def renamed_wiki() -> LoopbackWiki:
    return label_wiki("renamed")


def _wiki_up(wiki_dir: Path, env: dict[str, str]) -> LoopbackWiki:
    env.setdefault("WIKI_LABELS", "nora")  # never the caller's: each wiki names its own
    if shutil.which("php") is None and (shutil.which("apt-get") is None or os.geteuid() != 0):
        unavailable(
            "PHP is not installed (and apt-get cannot install it here): run "
            "`sudo bash tests/wiki/testwiki.sh install-packages` to enable the wiki tests"
        )
    try:
        url = run_script(["up"], env, timeout=900)
    except WikiUnavailable as error:
        if shutil.which("php") is None:
            unavailable(str(error))
        raise  # PHP is there, so a wiki that does not start is a failure, not a skip
    return LoopbackWiki(wiki_dir, url)


@pytest.fixture
def scratch_wiki(testwiki: LoopbackWiki) -> Iterator[LoopbackWiki]:
    target = Path(tempfile.mkdtemp(prefix="nora-scratch-wiki-"))
    wiki = clone(testwiki, target)
    try:
        yield wiki
    finally:
        wiki.destroy()


@pytest.fixture
def stale_scratch_wiki(testwiki: LoopbackWiki) -> Iterator[LoopbackWiki]:
    """A scratch clone with SMW's default: no query dependency store (stale inverse queries)."""
    target = Path(tempfile.mkdtemp(prefix="nora-stale-wiki-"))
    wiki = clone(testwiki, target, query_dependencies=False)
    try:
        yield wiki
    finally:
        wiki.destroy()


@pytest.fixture
def fake() -> FakeTime:
    """The client tests' clock (``tests.client_support``): sleeps advance it, nothing waits."""
    return FakeTime()


@pytest.fixture
def mock() -> Iterator[responses.RequestsMock]:
    """``responses`` behind every ``requests`` session of the test."""
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        yield rsps


# --- markers ------------------------------------------------------------------------------

HERE = Path(__file__).resolve().parent
#: a test that uses one of these (or a fixture that does) needs a loopback wiki
WIKI_FIXTURES = frozenset(
    {"testwiki", "scratch_wiki", "stale_scratch_wiki", "gemma_wiki", "renamed_wiki"}
)
#: a test under one of these folders gets the folder's marker
FOLDER_MARKERS = {
    HERE / "integration": "slow",  # end to end: nora in subprocesses against loopback servers
    HERE / "integration" / "wiki": "wiki",
    HERE / "integration" / "browser": "browser",
    HERE / "integration" / "spreadsheet": "spreadsheet",
}

#: slow tests outside integration/ (whole files, or file::function for every parameter),
#: each over 2.5 s on the shared two-core machine: timing sweeps (n vs 4n), sweeps over
#: every offset or mutation, Hypothesis runs of hundreds of examples, nora in subprocesses,
#: pywb and the WACZ validator, wall-clock limits. make test runs them, test-fast does not.
SLOW = frozenset({
    "parsers/test_parsers_linear.py",
    "project/test_linear_time.py",
    "integration/wiki/test_crawl_kill.py",
    "parsers/test_conservation.py::test_no_mutation_loses_visible_text",
    "scraper/test_package.py::test_pywb_replays_three_pages_byte_identical",
    "scraper/test_package.py::test_the_package_is_valid_for_the_formats_own_validator",
    "scraper/test_archive.py::test_repair_cuts_torn_tail_at_many_offsets_of_the_last_exchange",
    "scraper/test_crawl_faultproxy.py::test_faults_are_seeded_and_bounded",
    "scraper/test_hostile_client.py::test_a_drip_ends_at_the_per_request_wall_clock_limit",
    "output/test_terminal.py::test_show_escapes_header_values_and_html_on_a_terminal",
    "output/test_terminal.py::test_api_error_info_is_escaped_by_crawl_and_by_status",
    "output/test_diff.py::test_old_plus_diff_is_new",
    "output/test_output_csv.py::test_any_text_matches_the_csv_module",
    "commands/test_cli_parse.py::test_console_script",
})  # fmt: skip


def _is_slow(item: pytest.Item, path: Path) -> bool:
    where = path.relative_to(HERE).as_posix()
    function = getattr(item, "originalname", item.name)
    return where in SLOW or f"{where}::{function}" in SLOW


def _calls_the_browser(item: pytest.Item) -> bool:
    """Whether the test function names a function of ``tests.browser`` (Chromium)."""
    function = getattr(item, "function", None)
    if not isinstance(function, FunctionType):
        return False
    names = function.__code__.co_names
    return any(
        getattr(function.__globals__.get(name), "__module__", None) == "tests.browser"
        for name in names
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        path = Path(str(item.path)).resolve()
        for folder, marker in FOLDER_MARKERS.items():
            if path.is_relative_to(folder):
                item.add_marker(marker)
        if WIKI_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker("wiki")
        if _calls_the_browser(item):
            item.add_marker("browser")
        if path.is_relative_to(HERE) and _is_slow(item, path):
            item.add_marker("slow")
