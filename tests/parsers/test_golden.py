"""Golden tests over every fixture: ``parse_page`` output is what ``make golden`` recorded.

The golden comparison catches any change in ``parse_page`` output, and the lock
ties the goldens to ``PARSER_VERSION``. What each fixture must give, stated by
hand, is in ``tests/parsers/test_golden_semantics.py``; what holds for every page, in
``tests/parsers/test_golden_invariants.py``.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from parsers import PARSER_VERSION, ParsedPage
from tests.fixture_expect import EXPECT, REAL_WIKI_PREFIX
from tests.golden import (
    LOCK,
    WITHHELD,
    fixture_pages,
    golden_path,
    goldens_digest,
    parse_fixture,
    read_lock,
    render,
    to_jsonable,
)

PAGES = fixture_pages()


def _ids(pages: list[Path]) -> list[str]:
    return [p.name for p in pages]


@pytest.mark.parametrize("page", PAGES, ids=_ids(PAGES))
def test_matches_golden(page: Path) -> None:
    if page.name in WITHHELD:
        pytest.fail(
            f"{page.name}: golden withheld, parse_page output known wrong: {WITHHELD[page.name]}"
        )
    golden = golden_path(page)
    if not golden.exists():
        pytest.fail(
            f"no golden {golden.name} for {page.name}: run `make golden` and review the diff"
        )
    parsed = parse_fixture(page)
    expected = json.loads(golden.read_text(encoding="utf-8"))
    assert to_jsonable_roundtrip(parsed) == expected, f"{page.name} differs from {golden.name}"
    assert render(parsed) == golden.read_text(encoding="utf-8"), (
        f"{golden.name}: same data, other layout"
    )


def to_jsonable_roundtrip(parsed: ParsedPage) -> object:
    """Through JSON so tuples compare equal to the golden's lists."""
    return json.loads(json.dumps(to_jsonable(parsed)))


def test_every_case_has_a_fixture() -> None:
    """EXPECT names no missing file (a renamed fixture must not silently drop its checks)."""
    names = {p.name for p in PAGES}
    assert set(EXPECT) <= names, sorted(set(EXPECT) - names)
    assert len([n for n in names if not n.startswith(REAL_WIKI_PREFIX)]) >= 30


def test_parser_version_moves_with_the_goldens() -> None:
    """Goldens that changed under an unchanged PARSER_VERSION fail here (see golden.LOCK)."""
    lock = read_lock()
    assert lock, f"fixtures/{LOCK} is missing: run make golden"
    assert lock["goldens_sha256"] == goldens_digest(), (
        "the goldens differ from the ones recorded with parser "
        f"{lock['parser_version']}: run make golden (and raise PARSER_VERSION if asked)"
    )
    assert lock["parser_version"] == PARSER_VERSION, (
        f"PARSER_VERSION is {PARSER_VERSION} but the goldens were recorded with "
        f"{lock['parser_version']}: run make golden"
    )
