"""The one network seam: every HTTP request of nora-archive goes through :class:`Client`.

The client owns the User-Agent, politeness (robots.txt, a minimum delay between
request starts, ``maxlag`` on api.php, ``Retry-After``), retries with jittered
exponential backoff, the size cap, the run-level request budget, the on-site
guard and the archive writer. Nothing else in the project imports ``requests``
(the seam is this module plus :mod:`scraper.net.transport`, the one GET on the wire;
its waits and limits are :mod:`scraper.net.pace`, its settings :mod:`scraper.net.settings`);
callers that inject a session type it as ``scraper.net.client.Session``. Tests swap
the session behind it (``responses``) and inject a fake clock, ``sleep``, RNG
and wall clock (``now``, which stamps ``fetched_at``).

Rules, in the order a request meets them:

1. Only URLs on the configured site (same scheme, host and port) are requested;
   anything else, including a redirect's ``Location``, raises ``OffSiteError``
   and is never sent.
2. robots.txt is fetched by :meth:`Client.start` (called lazily by ``api``/``get``
   when it was not called): 4xx means no rules, 5xx/unreachable after retries
   raises ``SiteUnreachable``. Every later URL, api.php included, is checked
   against it (``RobotsDisallowed``): if a site disallows its own API we stop
   rather than guess. ``Crawl-delay`` raises the delay (``max(delay, crawl_delay)``);
   one over ``max_crawl_delay`` (60 s) raises ``CrawlDelayTooLong``: the site asks
   for a pace the run cannot keep, so it stops instead of sleeping for a day.
   The robots.txt exchange is archived as a WARC request/response pair like any
   other (no separate copy on disk); ``client.robots.body`` holds it.
3. ``max_requests`` counts every HTTP request sent (robots, retries, redirect
   hops); the request past it raises ``RequestBudgetExhausted``. ``max_duration``
   bounds the client's whole life in seconds (``--max-duration``): no request
   starts, and no wait is begun, that would end past it (``RunLimitReached``),
   and a request's own limit is cut to what is left.
4. Requests are serial and their starts are at least ``effective_delay`` seconds
   apart (``effective_delay = max(delay, robots crawl-delay)``).
5. 429 and 503 wait ``Retry-After`` (seconds or HTTP date, capped at
   ``backoff_cap``; backoff when absent); other 5xx, timeouts and connection
   errors wait ``backoff_base * 2**n`` capped at ``backoff_cap``, with "equal
   jitter" (half fixed, half random). An api.php ``maxlag`` error (HTTP 200) waits
   ``Retry-After`` (else the reported lag, else 5 s). ``retries`` is the number
   of retries after the first attempt, per request; after that
   ``RetriesExhausted`` carries the last cause. ``give_up_after`` (5) such
   failures in a row raise ``SiteUnreachable`` instead: the site is down, the
   run should stop (and resume later) rather than try every page. All retry
   waits of a run together stay within ``retry_wait_budget`` (30 min): a wait
   that would overdraw it, or a ``Retry-After`` asking for more than is left of
   it (a day, a date in 2100), raises ``RunLimitReached`` instead of waiting, so
   pages that alternate with good ones cannot keep a run waiting for ever.
   An answer cut at its wall-clock limit that arrived slower than ``min_rate``
   (1 KiB/s) drips: that is the site's state, not a blip, so it is retried once at
   most (``DRIP_RETRIES``), and two such requests in a row raise ``SiteUnreachable``
   (a site that drips everything, robots.txt first, ends the run after two limits).
6. Redirects are followed by hand (at most ``MAX_REDIRECTS`` hops), each hop
   checked by rules 1-4 and archived.
7. Bodies are streamed; a ``Content-Length`` over ``max_bytes`` or more than
   ``max_bytes`` bytes streamed (before or after gzip decoding) raises
   ``ResponseTooLarge`` and nothing is archived.
8. Every completed HTTP exchange (200, 3xx, 404, 500 ...) is written to the
   archive as a WARC request + response pair, with the real status line and
   headers, before the client acts on it; a transfer that broke off (reset,
   timeout, truncated body) is not an exchange and is not archived. The body is
   stored as sent (gzip content-coding kept; ``Transfer-Encoding`` renamed to
   ``X-Archive-Orig-Transfer-Encoding`` because the body is stored de-chunked);
   ``scraper.archive.warc`` readers undo the content-coding. A gzip body that does not
   decode is archived (it was answered) and then retried like a network failure.

``Fetched.body`` is always the decoded body; ``Fetched.sha256`` its SHA-256.
"""

from __future__ import annotations

import hashlib
import logging
import random
import time
from collections.abc import Callable, Mapping
from datetime import datetime
from types import TracebackType
from urllib.parse import urldefrag, urlencode, urljoin, urlsplit

import requests

from output.manifest import tool_version
from scraper.clock import iso_utc, utc_now
from scraper.coding import decode_body
from scraper.errors import (
    ApiError,
    CrawlDelayTooLong,
    FetchError,
    OffSiteError,
    RequestBudgetExhausted,
    RetriesExhausted,
    RobotsDisallowed,
    SiteUnreachable,
    TooManyRedirects,
)
from scraper.net.fetched import Answer, Fetched
from scraper.net.pace import Pace
from scraper.net.robots import RobotsPolicy
from scraper.net.settings import ClientSettings
from scraper.net.sink import RecordSink
from scraper.net.transport import (
    DRIP_ERRORS,
    TOTAL_TIMEOUT_FACTOR,
    TRANSPORT_ERRORS,
    transfer,
    watch_session,
)
from scraper.net.useragent import CONTACT_HELP, user_agent
from scraper.net.wire import (
    Origin,
    api_error_fields,
    header,
    json_object,
    maxlag_wait,
    parse_retry_after,
)

#: the session type callers may inject (tests, the fault proxy) without importing requests
Session = requests.Session

__all__ = [
    "CONTACT_HELP",
    "MAX_REDIRECTS",
    "Client",
    "ClientSettings",
    "Fetched",
    "Session",
    "parse_retry_after",
    "tool_version",
    "user_agent",
]

log = logging.getLogger(__name__)

#: redirect hops followed per request before TooManyRedirects
MAX_REDIRECTS = 5
#: retries of an answer that drips (cut at its wall-clock limit, below ClientSettings.min_rate)
DRIP_RETRIES = 1
#: statuses that are retried (5xx are retried too)
RETRY_STATUSES = frozenset({408, 429})


_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class _Undecodable(Exception):
    """A body whose content-coding does not decode (truncated gzip): retried."""


class _Transient(Exception):
    """A network failure (timeout, reset, truncated transfer): retried."""


class _Dripping(_Transient):
    """An answer arriving far below any usable rate: the site's state, retried once at most."""


class Client:
    """Serial, polite HTTP client for one MediaWiki site; use as a context manager."""

    requests_made: int
    robots: RobotsPolicy | None

    def __init__(
        self,
        settings: ClientSettings,
        archive: RecordSink | None,
        *,
        session: requests.Session | None = None,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.monotonic,
        rng: random.Random | None = None,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        """Warns (logging.WARNING) when ``settings.contact`` is missing; ``now`` gives fetched_at.

        Raises ``ValueError`` when ``settings.site`` is not an http(s) URL with a host.
        """
        origin = Origin.of(settings.site)
        if origin is None:
            raise ValueError(f"expected an http(s) site URL, found {settings.site!r}")
        self.settings = settings
        self.archive = archive
        self.origin = origin
        self._own_session = session is None
        self.session = session if session is not None else requests.Session()
        watch_session(self.session)  # one wall-clock limit per request (scraper.net.transport)
        self._clock = clock
        self._now = now
        self.pace = Pace(
            settings, sleep=sleep, clock=clock, rng=rng if rng is not None else random.Random()
        )
        self.requests_made = 0
        self.robots = None
        #: the last answered exchange (after redirects), e.g. to index an API record
        self.last: Fetched | None = None
        self.user_agent = user_agent(settings.contact)
        if not (settings.contact and settings.contact.strip()):
            log.warning(
                "no operator contact in the User-Agent (%s): the site's operators cannot "
                "reach you if this crawler bothers them; %s",
                self.user_agent,
                CONTACT_HELP,
            )

    def __enter__(self) -> Client:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        """Close the session if the client created it (the archive belongs to the caller)."""
        if self._own_session:
            self.session.close()

    @property
    def api_url(self) -> str:
        return self.settings.site.rstrip("/") + self.settings.api_path

    @property
    def retry_waited(self) -> float:
        """Seconds of retry waits spent so far (against ``settings.retry_wait_budget``)."""
        return self.pace.retry_waited

    @property
    def effective_delay(self) -> float:
        """``max(delay, robots Crawl-delay)``."""
        crawl_delay = self.robots.crawl_delay if self.robots is not None else None
        return max(self.settings.delay, crawl_delay or 0.0)

    # -- public calls ------------------------------------------------------------
    def start(self) -> RobotsPolicy:
        """Fetch and archive /robots.txt and build the policy (idempotent).

        4xx -> allow all; 5xx/network failure after retries -> ``SiteUnreachable``.
        With ``obey_robots=False`` nothing is fetched and everything is allowed.
        """
        if self.robots is not None:
            return self.robots
        url = self.origin.base() + "/robots.txt"
        if not self.settings.obey_robots:
            self.robots = RobotsPolicy.allow_all(url)
            return self.robots
        try:
            fetched = self._follow(url, check_robots=False)
        except (RetriesExhausted, OffSiteError, TooManyRedirects) as exc:
            raise SiteUnreachable(url, f"robots.txt could not be fetched: {exc.message}") from exc
        if 200 <= fetched.status < 300:
            policy = RobotsPolicy.parse(url, fetched.body, fetched.status)
        elif 400 <= fetched.status < 500:
            policy = RobotsPolicy.allow_all(url, fetched.status)
        else:
            raise SiteUnreachable(url, f"expected robots.txt or a 4xx, found HTTP {fetched.status}")
        if policy.crawl_delay and policy.crawl_delay > self.settings.max_crawl_delay:
            raise CrawlDelayTooLong(url, policy.crawl_delay, self.settings.max_crawl_delay)
        self.robots = policy
        if self.robots.crawl_delay and self.robots.crawl_delay > self.settings.delay:
            log.info("robots.txt Crawl-delay %.1f s raises the delay", self.robots.crawl_delay)
        return self.robots

    def api(self, params: Mapping[str, str]) -> dict[str, object]:
        """GET api.php with ``params`` plus format=json, formatversion=2, maxlag.

        Returns the parsed JSON object. A ``maxlag`` error is waited out and retried
        within the retry budget; any other ``{"error": ...}`` or a body that is not a
        JSON object raises ``ApiError``; a non-200 status after retries raises
        ``FetchError``. Every exchange is archived; ``client.last`` is its Fetched.
        """
        fixed = {"format": "json", "formatversion": "2", "maxlag": str(self.settings.maxlag)}
        query = [(k, v) for k, v in params.items() if k not in fixed]
        query += list(fixed.items())
        url = f"{self.api_url}?{urlencode(query)}"
        fetched = self._follow(url, api=True)
        if fetched.status != 200:
            raise FetchError(url, f"expected HTTP 200 from api.php, found HTTP {fetched.status}")
        data = json_object(fetched.body)
        if data is None:
            raise ApiError(url, "badjson", f"expected a JSON object, found {fetched.body[:80]!r}")
        error = data.get("error")
        if error is not None:
            code, info = api_error_fields(error)
            raise ApiError(url, code, info)
        if "warnings" in data:
            log.debug("api.php warnings for %s: %s", url, data["warnings"])
        return data

    def get(self, url: str) -> Fetched:
        """GET one on-site URL (absolute, or a path joined to the site); see module rules."""
        return self._follow(self._absolute(url))

    # -- the machinery -----------------------------------------------------------
    def _absolute(self, url: str) -> str:
        url = urldefrag(url)[0]
        if urlsplit(url).scheme:
            return url
        if url.startswith("/"):
            return self.origin.base() + url
        return urljoin(self.settings.site.rstrip("/") + "/", url)

    def _check(self, url: str, *, check_robots: bool) -> None:
        """Refuse before sending: off-site, robots, budget."""
        if Origin.of(url) != self.origin:
            raise OffSiteError(
                url, f"expected a URL on {self.origin.base()}, found another host or scheme"
            )
        if check_robots:
            policy = self.start()
            if not policy.allowed(url):
                raise RobotsDisallowed(
                    url, "expected robots.txt to allow nora-archive, found Disallow"
                )
        limit = self.settings.max_requests
        if limit is not None and self.requests_made >= limit:
            raise RequestBudgetExhausted(
                url, f"expected at most {limit} requests this run, found the budget spent"
            )
        self.pace.check_time(url, 0.0)

    def _follow(self, url: str, *, check_robots: bool = True, api: bool = False) -> Fetched:
        """One logical GET: retries per hop, redirects followed and checked by hand."""
        current = url
        for _hop in range(MAX_REDIRECTS + 1):
            answer = self._exchange(current, check_robots=check_robots, api=api)
            location = answer.header("Location")
            if answer.status in _REDIRECTS and location:
                current = urldefrag(urljoin(current, location))[0]
                if Origin.of(current) != self.origin:
                    raise OffSiteError(
                        current,
                        f"expected a redirect from {answer.url} to stay on "
                        f"{self.origin.base()}, found another host; refused",
                    )
                continue
            fetched = Fetched(
                url=url,
                final_url=answer.url,
                status=answer.status,
                headers=answer.headers,
                body=answer.body,
                fetched_at=answer.fetched_at,
                sha256=answer.sha256,
                record=answer.record,
            )
            self.last = fetched
            return fetched
        raise TooManyRedirects(
            url, f"expected at most {MAX_REDIRECTS} redirects, found more (last {current})"
        )

    def _exchange(self, url: str, *, check_robots: bool, api: bool) -> Answer:
        """One URL with the retry budget: transient failures wait and try again."""
        attempts = 0
        while True:
            self._check(url, check_robots=check_robots)
            attempts += 1
            wait: float
            asked: float | None = None  # what the site asked for (Retry-After, maxlag)
            dripping = False
            try:
                answer = self._send(url)
            except (_Undecodable, _Transient) as exc:
                cause = str(exc)
                dripping = isinstance(exc, _Dripping)
                wait = self.pace.backoff(attempts - 1)
            else:
                status = answer.status
                if status in RETRY_STATUSES or 500 <= status <= 599:
                    cause = f"HTTP {status}"
                    after = parse_retry_after(answer.header("Retry-After"), self._now())
                    if status in (429, 503) and after is not None:
                        asked = after
                        wait = min(after, self.settings.backoff_cap)
                    else:
                        wait = self.pace.backoff(attempts - 1)
                elif api and (lag := self._maxlag(answer)) is not None:
                    cause = "api.php maxlag error (server replication lag)"
                    asked = lag
                    wait = min(lag, self.settings.backoff_cap)
                else:
                    self.pace.answered()
                    return answer
            retries = (
                min(self.settings.retries, DRIP_RETRIES) if dripping else self.settings.retries
            )
            if attempts > retries:
                self.pace.give_up(url, attempts, cause, dripping=dripping)
            log.info("%s: %s; retry %d in %.1f s", url, cause, attempts, wait)
            self.pace.retry_wait(url, wait, asked)

    def _maxlag(self, answer: Answer) -> float | None:
        """Seconds to wait when ``answer`` is an api.php maxlag error."""
        return maxlag_wait(answer.status, answer.body, answer.header("Retry-After"), self._now())

    def _send(self, url: str) -> Answer:
        """Send one GET, read the body under the cap, archive the exchange."""
        self.pace.wait_turn(url, self.effective_delay)
        self.requests_made += 1
        fetched_at = iso_utc(self._now())
        limit = self.settings.max_bytes
        total = self.settings.timeout * TOTAL_TIMEOUT_FACTOR
        left = self.pace.remaining()
        try:
            wire = transfer(
                self.session,
                url,
                user_agent=self.user_agent,
                timeout=self.settings.timeout,
                limit=limit,
                clock=self._clock,
                total=total if left is None else max(0.1, min(total, left)),
                min_rate=self.settings.min_rate,
            )
        except DRIP_ERRORS as exc:
            raise _Dripping(f"a drip: {exc}") from exc
        except TRANSPORT_ERRORS as exc:
            raise _Transient(f"{type(exc).__name__}: {exc}") from exc
        except requests.RequestException as exc:  # a bad URL and the like: not retried
            raise FetchError(url, f"expected an HTTP answer, found {exc}") from exc
        coding = header(wire.headers, "Content-Encoding")
        body, decode_error = decode_body(wire.body, coding, url, limit)
        if decode_error is None and coding and body is wire.body and coding.lower() != "identity":
            log.warning("%s: unknown Content-Encoding %r, body kept as received", url, coding)
        sha256 = hashlib.sha256(body).hexdigest()
        record = None
        if self.archive is not None:
            # stored de-chunked, so readers must not de-chunk: keep the header renamed
            stored_headers = [
                (f"X-Archive-Orig-{k}" if k.lower() == "transfer-encoding" else k, v)
                for k, v in wire.headers
            ]
            record = self.archive.write_exchange(
                "GET",
                url,
                wire.request_headers,
                wire.status,
                wire.reason,
                stored_headers,
                wire.body,
                fetched_at,
                http_version=wire.version,
                payload_sha256=sha256,
            )
        if decode_error is not None:
            raise _Undecodable(decode_error)
        return Answer(url, wire.status, wire.headers, body, fetched_at, sha256, record)
