"""SMW caps and wraps its answers silently; the crawler notices and says so (real SMW 5.1.0).

Measured on a clone of the test wiki with small limits in its LocalSettings:

- past ``$smwgQMaxLimit`` an ``action=ask`` answer is empty and still offers to
  continue, at the very offset it was asked for: a listing that trusted it would
  end there, short, without a word;
- past ``$smwgQUpperbound`` the offset restarts at 0: the answer repeats the first
  entries, and its continuation points back.

The property types of the crawl come through the same paged listing; each case
ends with a note that names the cap, and the entries before it are kept.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scraper.archive.state import State
from scraper.crawl.siteinfo import read_siteinfo
from scraper.crawl.smw import FactsFetcher, smw_site
from scraper.net.client import Client, ClientSettings

pytestmark = pytest.mark.wiki

#: properties with a declared type in the corpus (vocabulary + relation objects + FOAF)
DECLARED = 23


def _limits(wiki: Any, **settings: int) -> None:
    lines = "".join(f"\n${name} = {value};" for name, value in settings.items())
    path = Path(wiki.dir) / "mw" / "LocalSettings.php"
    path.write_text(path.read_text(encoding="utf-8") + lines + "\n", encoding="utf-8")


def _types(wiki: Any, tmp_path: Path) -> tuple[dict[str, str], str, int]:
    """The property types as a crawl asks for them: (types, note, requests)."""
    settings = ClientSettings(site=wiki.base_url, contact="t@example.org", delay=0.0)
    with Client(settings, None) as client, State.open(tmp_path / "state.sqlite") as state:
        info = read_siteinfo(client)
        smw = smw_site(info)
        assert smw is not None and smw.version == "5.1.0"
        crawl = state.begin_crawl(wiki.base_url, "2026-12-01T00:00:00Z", full=False)
        fetcher = FactsFetcher(client, state, crawl.id, smw, wiki.base_url, info)
        types, note = fetcher._paged("types", fetcher._types_page, _parse_types)
        return types, note, fetcher.stats.requests


def _parse_types(body: bytes, offset: int) -> Any:
    from parsers.facts import parse_types

    return parse_types(body, offset)


def test_default_limits_give_every_type(testwiki: Any, tmp_path: Path) -> None:
    types, note, requests = _types(testwiki, tmp_path)
    assert note == "" and len(types) == DECLARED and requests == 1


def test_an_answer_capped_at_the_max_limit_is_said_to_be_truncated(
    scratch_wiki: Any, tmp_path: Path
) -> None:
    _limits(scratch_wiki, smwgQMaxLimit=7)
    types, note, requests = _types(scratch_wiki, tmp_path)
    assert len(types) == 7 < DECLARED and requests == 2
    assert "offers to continue at offset 7, which does not move forward" in note
    assert "$smwgQMaxLimit" in note


def test_an_offset_wrapped_past_the_upper_bound_is_said_to_be_wrapped(
    scratch_wiki: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 8 a page: as a wiki with more properties than one answer holds
    monkeypatch.setattr("scraper.crawl.smw.LIST_LIMIT", 8)
    _limits(scratch_wiki, smwgQMaxLimit=20, smwgQUpperbound=10)
    types, note, requests = _types(scratch_wiki, tmp_path)
    assert len(types) == 16 < DECLARED and requests == 3  # 0, 8, then 16 -> 0 again
    assert "the answer at offset 16 repeats what came before" in note
    assert "$smwgQUpperbound" in note
