"""Errors of the network seam and the archive, as one small tree.

``FetchError`` and its subclasses carry the URL that failed and say what was
expected and what was found, so a log line is enough to act on. The crawler
catches ``FetchError`` per page (record the page as failed, go on) and lets
``SiteUnreachable``, ``RequestBudgetExhausted``, ``RunLimitReached`` and
``CrawlDelayTooLong`` end the run.

``ArchiveError`` is the root for problems with WARC files on disk; it carries
the path instead of a URL.

    FetchError(url, message)
    ├── OffSiteError            request or redirect to another host (refused, never sent)
    ├── ResponseTooLarge        body over ClientSettings.max_bytes (refused, not archived)
    ├── RetriesExhausted        per-request retry budget spent; .last_cause says why
    ├── RobotsDisallowed        robots.txt forbids the URL for our agent
    ├── CrawlDelayTooLong       robots.txt asks for a Crawl-delay over the cap (run-level)
    ├── RequestBudgetExhausted  --max-requests reached (run-level guard)
    ├── RunLimitReached         --max-duration or the retry-wait budget spent (run-level)
    ├── SiteUnreachable         robots.txt could not be fetched (5xx / network)
    ├── TooManyRedirects        more than the allowed redirect hops
    └── ApiError                api.php answered with an error object (.code, .info)
    ArchiveError(path, message) a WARC file is unreadable or damaged
"""

from __future__ import annotations

from pathlib import Path


class FetchError(Exception):
    """Base of every network-side failure; ``str()`` is ``"<url>: <message>"``."""

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


class CrawlDelayTooLong(FetchError):
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


class RunLimitReached(FetchError):
    """The run's wall-clock limit (``--max-duration``) or retry-wait budget is spent.

    ``kind`` is ``"duration"`` or ``"retry-wait"``. Nothing more is requested; the
    crawl is left to be resumed by the next run.
    """

    def __init__(self, url: str, kind: str, message: str) -> None:
        super().__init__(url, message)
        self.kind = kind


class RequestBudgetExhausted(FetchError):
    """The run-level ``max_requests`` guard was reached; nothing more is requested."""


class SiteUnreachable(FetchError):
    """The site did not answer robots.txt usably (5xx or network failure after retries)."""


class TooManyRedirects(FetchError):
    """A redirect chain longer than the allowed number of hops."""


class ApiError(FetchError):
    """api.php returned ``{"error": {"code": ..., "info": ...}}`` (or no usable JSON)."""

    def __init__(self, url: str, code: str, info: str) -> None:
        super().__init__(url, f"expected an API result, found error {code!r}: {info}")
        self.code = code
        self.info = info


class ArchiveError(Exception):
    """A WARC file is unreadable or damaged; ``str()`` is ``"<path>: <message>"``."""

    def __init__(self, path: Path | str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = Path(path)
        self.message = message
