"""Every error the ``scraper`` package raises on purpose, as one tree under ``ScraperError``.

Each carries what it is about (the URL, the request, the path, the title) and
says what was expected and what was found, so a log line is enough to act on.
Two branches come from the network: a ``FetchError`` is one request that failed
(the crawler catches it per page: the page is recorded as failed, the run goes
on), a ``RunStop`` ends the whole run (no per-page handler catches it, so it
passes through to the run, which stops before its snapshot; the next run resumes
the crawl). ``commands.exits`` maps the tree to the exit statuses of README's
table, in one place.

    ScraperError
    ├── FetchError(url, message)      one request failed (``scraper.net``): that page fails
    │   ├── OffSiteError              request or redirect to another host (refused, never sent)
    │   ├── ResponseTooLarge          body over ClientSettings.max_bytes (refused, not archived)
    │   ├── RetriesExhausted          per-request retry budget spent; .last_cause says why
    │   ├── RobotsDisallowed          robots.txt forbids the URL for our agent
    │   ├── TooManyRedirects          more than the allowed redirect hops
    │   └── ApiError                  api.php answered with an error object (.code, .info)
    ├── RunStop(url, message)         the run cannot go on (``scraper.net``): every page stops
    │   ├── RequestBudgetExhausted    --max-requests reached
    │   ├── RunLimitReached           --max-duration or the retry-wait budget spent
    │   ├── SiteUnreachable           robots.txt could not be fetched, or the site stopped answering
    │   └── CrawlDelayTooLong         robots.txt asks for a Crawl-delay over the cap
    ├── TitleOutsideArticlePath       a title whose URL would leave the article path (ValueError)
    ├── DiscoveryError(where, msg)    api.php answered what discovery cannot use (RuntimeError)
    │   ├── ContinuationLoop          a continuation handed out twice: following it would loop
    │   ├── UnknownNamespace          --namespace names one the wiki lacks (a usage error)
    │   └── ListingTooLong            past what the statistics allow, or no longer progressing
    ├── ArchiveError(path, message)   a WARC file is unreadable or damaged
    ├── StateError                    state.sqlite is unusable (a newer schema) (RuntimeError)
    ├── CrawlUnavailable(path, msg)   no crawl state, no such crawl, pruned, or never listed
    ├── LookupFailed(title, message)  no archived version of a page as asked (``nora show``)
    ├── PackageError(path, message)   a WACZ cannot be written
    ├── ConfigError(where, message)   a config file or flag holds something unusable (ValueError)
    ├── LockedError(path, holder)     another crawl, export or prune holds the data folder
    └── DataFolderError(path, msg)    the lock file or ``latest`` points outside the data folder

Private to ``scraper.net.client``, never raised out of it: ``_Undecodable`` (a gzip
body that does not decode), ``_Transient`` (a failure worth a retry) and its
``_Dripping`` (an answer far below any usable rate: one retry at most) steer its
retry loop and end as ``RetriesExhausted`` or ``SiteUnreachable``.
"""

from __future__ import annotations

from pathlib import Path


class ScraperError(Exception):
    """Root of every error the scraper package raises on purpose."""


class FetchError(ScraperError):
    """One request failed (its page fails, the run goes on); ``str()`` is ``"<url>: <message>"``."""

    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url
        self.message = message


class RunStop(ScraperError):
    """The run cannot go on: no page is fetched after it; ``str()`` is ``"<url>: <message>"``.

    Not a ``FetchError``, so a handler of one page's failure never swallows it.
    """

    def __init__(self, url: str, message: str) -> None:
        super().__init__(f"{url}: {message}")
        self.url = url
        self.message = message


class OffSiteError(FetchError):
    """A URL (or a redirect's Location) points off the configured site; never requested."""


class ResponseTooLarge(FetchError):
    """The response body exceeds the size cap (by Content-Length or by bytes streamed)."""

    def __init__(self, url: str, limit: int, found: str) -> None:
        super().__init__(url, f"expected a body of at most {limit} bytes, found {found}")
        self.limit = limit


class RetriesExhausted(FetchError):
    """Every attempt of one request failed; ``last_cause`` is the final failure."""

    def __init__(self, url: str, attempts: int, last_cause: str) -> None:
        super().__init__(
            url, f"expected a usable answer within {attempts} attempts, found {last_cause}"
        )
        self.attempts = attempts
        self.last_cause = last_cause


class RobotsDisallowed(FetchError):
    """robots.txt disallows this URL for the nora-archive agent; not requested."""


class CrawlDelayTooLong(RunStop):
    """robots.txt asks for a Crawl-delay over ``ClientSettings.max_crawl_delay``.

    The site asks us not to crawl at any pace we can keep: the run stops at once
    rather than sleep for a day while holding the lock.
    """

    def __init__(self, url: str, asked: float, cap: float) -> None:
        super().__init__(
            url,
            f"expected a Crawl-delay of at most {cap:g} s, found {asked:g} s: the site asks "
            "not to be crawled at a pace this run can keep (raise --max-crawl-delay to obey it)",
        )
        self.asked = asked
        self.cap = cap


class RunLimitReached(RunStop):
    """The run's wall-clock limit (``--max-duration``) or retry-wait budget is spent.

    ``kind`` is ``"duration"`` or ``"retry-wait"``. Nothing more is requested; the
    crawl is left to be resumed by the next run.
    """

    def __init__(self, url: str, kind: str, message: str) -> None:
        super().__init__(url, message)
        self.kind = kind


class RequestBudgetExhausted(RunStop):
    """The run-level ``max_requests`` guard was reached; nothing more is requested."""


class SiteUnreachable(RunStop):
    """The site did not answer robots.txt usably (5xx or network failure after retries)."""


class TooManyRedirects(FetchError):
    """A redirect chain longer than the allowed number of hops."""


class ApiError(FetchError):
    """api.php returned ``{"error": {"code": ..., "info": ...}}`` (or no usable JSON)."""

    def __init__(self, url: str, code: str, info: str) -> None:
        super().__init__(url, f"expected an API result, found error {code!r}: {info}")
        self.code = code
        self.info = info


class ArchiveError(ScraperError):
    """A WARC file is unreadable or damaged; ``str()`` is ``"<path>: <message>"``."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = Path(path)
        self.message = message


class DiscoveryError(ScraperError, RuntimeError):
    """The API answered something discovery cannot use; carries the request."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where


class ContinuationLoop(DiscoveryError):
    """The API handed back a continuation it had already given: following it would loop."""


class UnknownNamespace(DiscoveryError):
    """An include/exclude names a namespace the wiki does not have (a usage error)."""


class ListingTooLong(DiscoveryError):
    """The listing went past what the wiki's statistics allow, or stopped progressing.

    Carries ``where`` (the listing request), as every ``DiscoveryError``.
    """


class TitleOutsideArticlePath(ScraperError, ValueError):
    """A title whose URL would leave the site's article path (never requested)."""


class StateError(ScraperError, RuntimeError):
    """The state database is unusable (newer schema than this program knows, ...)."""


class CrawlUnavailable(ScraperError):
    """An export cannot start: no state, no such crawl, a crawl without a listing.

    Carries the data folder and says what was expected and what was found.
    """

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


class PackageError(ScraperError):
    """A package cannot be written; ``str()`` is ``"<path>: <message>"``."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


class LookupFailed(ScraperError):
    """A page version cannot be found; ``str()`` says what was expected and found."""

    def __init__(self, title: str, message: str) -> None:
        super().__init__(message)
        self.title = title


class ConfigError(ScraperError, ValueError):
    """A config file or flag holds something unusable (exit status USAGE)."""

    def __init__(self, where: str, message: str) -> None:
        super().__init__(f"{where}: {message}")
        self.where = where


class LockedError(ScraperError, RuntimeError):
    """Another process holds the data folder's lock (exit status LOCKED).

    ``holder`` is its pid ("" when unknown); ``command`` what it runs ("crawl",
    "prune", ...; "" when unknown).
    """

    def __init__(self, path: Path, holder: str, command: str = "", since: str = "") -> None:
        if command:
            who = f"nora {command} (pid {holder or '?'}{f', since {since}' if since else ''})"
        else:
            who = f"pid {holder}" if holder else "another process"
        super().__init__(f"{path}: expected the data folder free, found {who} holding the lock")
        self.path = path
        self.holder = holder
        self.command = command


class DataFolderError(ScraperError, RuntimeError):
    """The data folder's lock file or ``latest`` link points outside it (a usage error)."""

    def __init__(self, path: Path, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
