"""target_exists as of the snapshot: from the crawl's listing, not a link's old colour."""

from __future__ import annotations

from pathlib import Path

from parsers import parse_page
from scraper.snapshot.existence import Existing
from scraper.snapshot.pages import resolved

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


def test_listed_now_exists_listed_before_only_does_not_never_listed_keeps_its_colour() -> None:
    existing = Existing(now=frozenset({"Here"}), known=frozenset({"Here", "Moved away"}))
    assert existing.exists("Here", False) is True  # a red link to a page created since
    assert existing.exists("Moved away", True) is False  # blue in an old fetch, gone now
    assert existing.exists("Never written", False) is False
    assert existing.exists("Categorie:Iets", True) is True  # not a crawled title


def test_a_snapshot_row_follows_the_listing_and_its_digest_follows_the_row() -> None:
    for fixture in sorted(FIXTURES.glob("*.html")):
        parsed = parse_page(fixture.read_bytes(), "https://www.noraonline.nl/wiki/X")
        if any(r.target_exists for r in parsed.relations):
            break
    shown = [r.target for r in parsed.relations if r.target_exists]
    assert shown, "a fixture with a blue relation link"
    gone = Existing(now=frozenset(), known=frozenset(shown))
    after = resolved(parsed, {}, gone)
    assert not any(r.target_exists for r in after.relations if r.target in shown)
    assert after.page.content_sha256 != parsed.page.content_sha256
    same = resolved(parsed, {}, Existing(now=frozenset(shown), known=frozenset(shown)))
    assert same.page.content_sha256 == parsed.page.content_sha256
    assert same.relations == resolved(parsed, {}).relations
