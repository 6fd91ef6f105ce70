"""The mutation suite (tests/mutations.py): every fixture under every layout variation.

Properties and relations must equal the unmutated fixture's, no word the parser found
before may be lost, added text must land in a record. ``python -m tests.mutations``
prints the summary (variations x fixtures run, share equal).

Which (fixture, mutation) pairs have something to change is worked out by applying every
mutation to every fixture; pytest's cache keeps that list under a digest of the fixtures,
``tests/mutations.py`` and lxml's version, so a collection with nothing changed skips it.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import lxml.etree
import pytest

import tests.mutations
from tests.golden import FIXTURES
from tests.mutations import MUTATIONS, applicable, check, mutable_fixtures

Case = tuple[Path, str]
CACHE_KEY = "nora/mutation-cases"


def _digest(pages: list[Path]) -> str:
    digest = hashlib.sha256(Path(tests.mutations.__file__).read_bytes())
    digest.update(repr(lxml.etree.LXML_VERSION).encode())
    for page in pages:
        digest.update(page.name.encode() + b"\0" + page.read_bytes())
    return digest.hexdigest()[:20]


def cases(config: pytest.Config | None = None) -> list[Case]:
    """The (fixture, mutation) pairs where the mutation has something to change."""
    pages = mutable_fixtures()
    cache = getattr(config, "cache", None)  # None under -p no:cacheprovider
    digest = _digest(pages)
    if cache is not None:
        known = cache.get(CACHE_KEY, {})
        if known.get("digest") == digest:
            return [(FIXTURES / page, name) for page, name in known["cases"]]
    found = [(page, name) for page in pages for name in applicable(page)]
    if cache is not None:
        cache.set(CACHE_KEY, {"digest": digest, "cases": [[p.name, n] for p, n in found]})
    return found


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.name == "test_layout_variation_keeps_what_the_page_says":
        found = cases(metafunc.config)
        ids = [f"{name}-{page.stem}" for page, name in found]
        metafunc.parametrize(("page", "name"), found, ids=ids)


def test_layout_variation_keeps_what_the_page_says(page: Path, name: str) -> None:
    assert check(page, name) == []


def test_every_variation_applies_somewhere(pytestconfig: pytest.Config) -> None:
    """A mutation that changes no fixture tests nothing: each must apply to several."""
    found = cases(pytestconfig)
    applied = {name: sum(1 for _, n in found if n == name) for name in MUTATIONS}
    assert min(applied.values()) >= 3, applied
    assert len(found) >= 600
