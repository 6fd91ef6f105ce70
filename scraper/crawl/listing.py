"""How long a listing may grow: bounded by what the wiki's statistics say.

An API that hands out a fresh continuation on every answer would keep a run
listing for ever (1,536 requests in 90 s, memory rising, nothing stored). So all
the listing requests of one run together may yield at most ``listing_bound``
entries - the larger of siteinfo's ``statistics.pages`` and ``.articles``, x
``LISTING_MARGIN``, + ``LISTING_SLACK`` (statistics lag behind the wiki a little)
- in at most ``max_items // 10 + 50`` answers. ``scraper.crawl.discovery`` also ends a
listing after ``MAX_STALLED_ANSWERS`` answers in a row that bring no new title.
"""

from __future__ import annotations

from dataclasses import dataclass

from scraper.crawl.siteinfo import SiteInfo
from scraper.errors import ListingTooLong

#: the wiki's page count is multiplied by this, plus LISTING_SLACK, to bound a listing
LISTING_MARGIN = 1.25
LISTING_SLACK = 500
#: the bound when siteinfo gives no statistics
LISTING_DEFAULT_BOUND = 1_000_000
#: answers in a row that bring no new title before the listing is given up
MAX_STALLED_ANSWERS = 5


@dataclass
class ListingBudget:
    """What all the listing requests of one run may yield together (see the module doc)."""

    max_items: int
    items: int = 0
    answers: int = 0

    @property
    def max_answers(self) -> int:
        """Answers allowed: generous for 500 entries each, bounded all the same."""
        return self.max_items // 10 + 50

    def answer(self, where: str) -> None:
        """Count one answer of any listing request."""
        self.answers += 1
        self._check(where)

    def take(self, where: str, items: int) -> None:
        """Count the entries an answer brought."""
        self.items += items
        self._check(where)

    def _check(self, where: str) -> None:
        if self.items > self.max_items or self.answers > self.max_answers:
            raise ListingTooLong(
                where,
                f"expected at most {self.max_items} entries in {self.max_answers} answers "
                f"(the wiki's statistics with a margin), found {self.items} in "
                f"{self.answers} answers: the API keeps handing out continuations",
            )


def listing_bound(info: SiteInfo) -> int:
    """The most entries a run's listings may yield: the page count with a margin."""
    counts = [n for n in (info.pages, info.articles) if n is not None and n >= 0]
    if not counts:
        return LISTING_DEFAULT_BOUND
    return int(max(counts) * LISTING_MARGIN) + LISTING_SLACK
