"""robots.txt policy: agent groups, disallow/allow, crawl-delay, size cap, no rules."""

from __future__ import annotations

from scraper.net.robots import MAX_PARSED_BYTES, RobotsPolicy

URL = "https://wiki.example/robots.txt"
SITE = "https://wiki.example"

MEDIAWIKI_LIKE = b"""# robots.txt of a MediaWiki site
User-agent: *
Disallow: /index.php?
Disallow: /Speciaal:
Disallow: /wiki/Speciaal:
Crawl-delay: 2

User-agent: BadBot
Disallow: /
"""


def test_star_group_applies_to_us() -> None:
    policy = RobotsPolicy.parse(URL, MEDIAWIKI_LIKE)
    assert policy.allowed(f"{SITE}/wiki/Hoofdpagina")
    assert policy.allowed(f"{SITE}/api.php?action=query&meta=siteinfo")
    assert not policy.allowed(f"{SITE}/index.php?title=X&action=edit")
    assert not policy.allowed(f"{SITE}/wiki/Speciaal:RDF-export/X")
    assert policy.crawl_delay == 2.0
    assert policy.body == MEDIAWIKI_LIKE and policy.status == 200


def test_our_own_group_wins_over_star() -> None:
    body = b"User-agent: *\nDisallow: /\n\nUser-agent: nora-archive\nDisallow: /private\n"
    policy = RobotsPolicy.parse(URL, body)
    assert policy.allowed(f"{SITE}/wiki/A")
    assert not policy.allowed(f"{SITE}/private/x")
    other = RobotsPolicy.parse(URL, b"User-agent: otherbot\nDisallow: /\n")
    assert other.allowed(f"{SITE}/wiki/A")


def test_fractional_crawl_delay_is_rounded_up() -> None:
    assert RobotsPolicy.parse(URL, b"User-agent: *\nCrawl-delay: 0.5\n").crawl_delay == 1.0
    assert RobotsPolicy.parse(URL, b"User-agent: *\ncrawl-delay : 2.25\n").crawl_delay == 3.0
    assert RobotsPolicy.parse(URL, b"User-agent: *\nCrawl-delay: soon\n").crawl_delay is None
    assert RobotsPolicy.parse(URL, b"User-agent: *\nDisallow:\n").crawl_delay is None


def test_allow_all_and_empty_body() -> None:
    for policy in (RobotsPolicy.allow_all(URL, 404), RobotsPolicy.parse(URL, b"")):
        assert policy.allowed(f"{SITE}/anything?at=all")
        assert policy.crawl_delay is None
    assert RobotsPolicy.allow_all(URL, 404).status == 404


def test_only_the_first_500_kib_are_parsed_and_bad_bytes_tolerated() -> None:
    filler = b"# " + b"x" * 100 + b"\n"
    body = b"User-agent: *\nDisallow: /a\n\xff\xfe\n"
    body += filler * (MAX_PARSED_BYTES // len(filler) + 1) + b"Disallow: /b\n"
    policy = RobotsPolicy.parse(URL, body)
    assert not policy.allowed(f"{SITE}/a")
    assert policy.allowed(f"{SITE}/b")  # beyond the cap: never read
