"""What the phases of one crawl run share, handed to each of them explicitly.

``scraper.crawl.run.Crawler`` makes a ``RunContext`` when a run starts and a ``Site``
once the wiki has said what it is; the fetch phase (``scraper.crawl.rounds.Rounds``)
and the snapshot phase (``scraper.crawl.publication.Publication``) are given both,
with the open state and client, and keep no other state of the run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from scraper.archive.paths import WARC_DIR
from scraper.crawl.config import CrawlConfig
from scraper.crawl.siteinfo import SiteInfo
from scraper.crawl.smw import SmwSite
from scraper.net.client import Fetched


@dataclass(slots=True)
class RunContext:
    """One run's settings and clock, and the two things that change as it goes."""

    config: CrawlConfig
    now: Callable[[], datetime]
    #: publish a snapshot even when it shrinks the archive sharply (output.shrink)
    accept_shrink: bool = False
    #: what the run is writing, for the message when the disk fills
    phase: str = ""
    #: the crawl this run is doing, once it is known (the disk-full message names it)
    crawl_id: int | None = None
    #: pages fetched by this run (a resumed crawl's snapshot is stale once it is > 0)
    fetched_now: int = 0

    @property
    def data_dir(self) -> Path:
        return Path(self.config.data_dir)

    @property
    def warc_dir(self) -> Path:
        return self.data_dir / WARC_DIR


@dataclass(frozen=True, slots=True)
class Site:
    """What the wiki said of itself when the run began."""

    info: SiteInfo
    #: its Semantic MediaWiki, when it runs it and facts are on (``--no-facts``: None)
    smw: SmwSite | None
    #: the siteinfo answer, archived and indexed with SMW's schema
    answer: Fetched | None = None
