"""The nightly archive does not drift from the wiki: a short seeded soak (``make soak``
runs the long one, tests/wiki/soak.py says how).

Two nights on a clone of the test wiki cover the three ways an incremental crawl went
stale (issue 18): a query page's results changing with another page's value, a page
moved without a redirect (other pages' links to it turn red), and an edit during the
crawl concerning pages the crawl had fetched already. After each night the incremental
snapshot must equal a full crawl of the same wiki, table by table.
"""

from __future__ import annotations

from pathlib import Path

from tests.wiki.handle import LoopbackWiki
from tests.wiki.soak import Soak


def test_incremental_nights_equal_a_full_crawl(testwiki: LoopbackWiki, tmp_path: Path) -> None:
    from tests.wiki.handle import clone

    wiki = clone(testwiki, tmp_path / "wiki")
    try:
        soak = Soak(wiki, tmp_path, seed=18, ops=0, delay=0.3)
        soak.crawl(soak.data, incremental=True)
        plan = [
            ["overview-value", "move-no-redirect", "new", "category"],  # during: an edit
            ["delete", "template", "redirect", "recreate", "property", "relations"],
        ]
        for number, kinds in enumerate(plan, start=1):
            night = soak.night(number, during=number == 1, kinds=kinds)
            assert night.total == 0, night.line()
            assert night.incremental_requests < night.full_requests / 2, night.line()
    finally:
        wiki.destroy()
