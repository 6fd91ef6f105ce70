"""Every hand-checked fixture gives what its ``EXPECT`` entry says (``tests.fixture_expect``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.fixture_checks import rels
from tests.fixture_expect import EXPECT, REAL_WIKI_PREFIX
from tests.golden import fixture_pages, parse_fixture

PAGES = fixture_pages()


def _ids(pages: list[Path]) -> list[str]:
    return [p.name for p in pages]


HAND_CHECKED = [p for p in PAGES if not p.name.startswith(REAL_WIKI_PREFIX)]


@pytest.mark.parametrize("page", HAND_CHECKED, ids=_ids(HAND_CHECKED))
def test_semantics(page: Path) -> None:
    assert page.name in EXPECT, f"{page.name}: add its hand-written expectations to EXPECT"
    want = EXPECT[page.name]
    pp = parse_fixture(page)
    got = pp.page
    assert got.title == want.title
    assert got.namespace == want.namespace
    assert [p.property for p in pp.properties] == want.props
    if want.direct is not None:
        assert len(rels(pp, "direct")) == want.direct
    if want.derived is not None:
        assert len(rels(pp, "derived")) == want.derived
    if want.element_type is not None:
        assert got.element_type == want.element_type
    if want.categories is not None:
        assert got.categories == want.categories
    if want.page_id is not False:
        assert got.page_id == want.page_id
    if want.revision_id is not False:
        assert got.revision_id == want.revision_id
    if want.sections is not None:
        assert [(s.heading, s.level) for s in pp.sections] == want.sections
    if want.warnings == "none":
        assert got.warnings == ()
    elif want.warnings == "some":
        assert got.warnings != ()
    else:
        assert any(want.warnings in w for w in got.warnings), got.warnings
    if want.historical is not None:
        assert got.historical is want.historical
    assert got.redirected_from == want.redirected_from
    assert got.is_redirect is want.is_redirect
    assert got.url == page.name
    for check in want.checks:
        check(pp)
