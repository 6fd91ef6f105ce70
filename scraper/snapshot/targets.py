"""Relation targets recomputed after a parser upgrade, from the archive (no network).

The plan refetches the relation targets of changed pages, and it reads the targets
of a page's older version from the state, where the parser that fetched it put them.
A parser fix that reads more (or other) relations than before would leave those
stale, and the plan blind to them. So every fetch row records the parser version
that computed its targets (``fetches.targets_version``); before a crawl plans and
before ``nora export`` runs, the newest ok fetch of every title whose targets another
version computed is read back from its WARC record and parsed again, and its targets
replaced (and whether it shows an SMW query's results). Facts' targets
(``fact_targets``) come from SMW's data, not from the parser, and stay as they are.
"""

from __future__ import annotations

import logging
from pathlib import Path

from parsers import PARSER_VERSION
from parsers.profile import NORA, Profile
from scraper.archive.parsed import direct_targets, parse_html, shows_query
from scraper.archive.reader import read_record
from scraper.archive.state import State
from scraper.errors import ArchiveError

log = logging.getLogger(__name__)


def refresh_targets(
    state: State, warc_dir: Path, version: str = PARSER_VERSION, profile: Profile = NORA
) -> int:
    """Recompute the stale targets (see the module docstring); returns how many fetches."""
    stale = state.fetches.stale_targets(version)
    if not stale:
        return 0
    log.info("recomputing the relation targets of %d archived pages (parser %s)",
             len(stale), version)  # fmt: skip
    done = 0
    for fetch_id, title, url, warc_file, offset in stale:
        try:
            head, body = read_record(warc_dir, warc_file, offset)
        except ArchiveError as exc:
            log.warning("%s: targets not recomputed: %s", title, exc)
            continue
        parsed = parse_html(body, url, head.fetched_at, profile)
        if parsed is None:
            continue
        state.fetches.replace_targets(
            fetch_id, direct_targets(parsed), version, shows_query(parsed)
        )
        done += 1
    return done
