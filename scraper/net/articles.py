"""Article URLs: a page title to the URL a reader opens, and never anywhere else.

MediaWiki refuses titles that hold a control character, one of ``# < > [ ] | { }``,
or a ``.``/``..`` path segment (``Title::secureAndSplit``), so a listing that
offers one is broken or hostile: ``../../api.php`` joined to ``/wiki/`` is
``/api.php``, which the crawler would fetch and store as a page.
``title_problem`` names what is wrong with such a title (discovery skips it
with a warning), and ``article_url`` refuses to build a URL that leaves the
article path, whatever the title.
"""

from __future__ import annotations

import re
from typing import Protocol
from urllib.parse import quote, urljoin, urlsplit

from scraper.errors import TitleOutsideArticlePath

#: wfUrlencode() leaves these unescaped in article URLs; we build the same URLs
TITLE_SAFE = ";@$!*(),/~:"
#: what stays as it is in siteinfo's articlepath: its structure and escapes already made;
#: anything else (a space, a non-ASCII letter) is percent-encoded, so every URL built is
#: one a WARC, an IRI and a WACZ index accept
ARTICLEPATH_SAFE = "/?&=$;:@!*(),~%+'"
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_FORBIDDEN = re.compile(r"[#<>\[\]|{}]")


class ArticlePath(Protocol):
    """Where a site serves its articles, as its siteinfo says (``scraper.crawl.SiteInfo``)."""

    @property
    def server(self) -> str: ...  # "https://host" or "//host"; "" when not said
    @property
    def articlepath(self) -> str: ...  # "/wiki/$1"


def title_problem(title: str) -> str | None:
    """Why MediaWiki could not have this title (None: it could)."""
    if not title.strip():
        return "an empty title"
    if _CONTROL.search(title):
        return "a control character"
    if _FORBIDDEN.search(title):
        return "a character MediaWiki titles cannot hold (# < > [ ] | { })"
    key = title.replace(" ", "_")
    segments = key.split("/")
    if "." in segments or ".." in segments:
        return "a '.' or '..' path segment"
    return None


def article_url(site: str, info: ArticlePath, title: str) -> str:
    """The URL a reader opens for ``title``: the site's server + articlepath.

    The host comes from the configured ``site`` (the crawler never leaves it); the
    article path from siteinfo, percent-encoded where it holds what a URL cannot (a
    space). Titles are encoded as MediaWiki's wfUrlencode does.
    Raises ``TitleOutsideArticlePath`` for a title MediaWiki could not have, or a
    URL that would not be under the article path.
    """
    encoded = quote(title.replace(" ", "_"), safe=TITLE_SAFE)
    articlepath = quote(info.articlepath, safe=ARTICLEPATH_SAFE)
    path = articlepath.replace("$1", encoded)
    server = info.server
    if server:
        server_url = urljoin(site + "/", server)
        if urlsplit(server_url).netloc != urlsplit(site).netloc:
            server = site  # siteinfo names another host (e.g. behind a proxy): stay on site
    base = urljoin(site + "/", server or site).rstrip("/") + "/"
    url = urljoin(base, path)
    prefix = urljoin(base, articlepath.split("$1", 1)[0])
    problem = title_problem(title)
    if not url.startswith(prefix) or problem is not None:
        raise TitleOutsideArticlePath(
            f"{title!r}: expected a title MediaWiki can have, with a URL under the article "
            f"path {prefix}; found {problem or 'a URL outside it'} ({url})"
        )
    return url
