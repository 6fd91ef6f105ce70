"""The shape of a hand-written fixture expectation (``tests.fixture_expect`` holds them)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from parsers import ParsedPage

# pages rendered by the real SMW test wiki (smw-*) are checked against the ground truth
# saved with them, in tests/parsers/test_fixtures_smw.py; every other fixture has an EXPECT entry
# here, the plain-MediaWiki renderings (mw139-*) included
REAL_WIKI_PREFIX = ("smw-",)

Check = Callable[[ParsedPage], None]


@dataclass(frozen=True)
class Expect:
    """What one fixture must give; None means "not asserted here"."""

    title: str
    props: list[str]
    direct: int | None
    derived: int | None
    element_type: str | None = None
    categories: tuple[str, ...] | None = None
    namespace: int = 0
    page_id: int | bool | None = False  # False: not asserted
    revision_id: int | bool | None = False
    sections: list[tuple[str, int]] | None = None
    warnings: str = "none"  # "none", "some", or a word one warning must contain
    historical: bool | None = None
    redirected_from: str = ""
    is_redirect: bool = False
    checks: tuple[Check, ...] = field(default_factory=tuple)
