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
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

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
