"""What shapes the network seam's behaviour: one settings object, validated, no globals.

``scraper.crawl.config`` builds it from defaults, the TOML file, the environment
and flags; ``scraper.net.client.Client`` obeys it (the rules are in its docstring).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ClientSettings:
    """Everything that shapes the client's behaviour; one object, no globals."""

    site: str = "https://www.noraonline.nl"  # scheme://host[:port][/script path]
    api_path: str = "/api.php"
    contact: str | None = None  # operator e-mail/URL, goes into the User-Agent
    delay: float = 1.0  # minimum seconds between the starts of two requests
    timeout: float = 30.0  # connect and read timeout, seconds
    retries: int = 5  # retries after the first attempt, per request
    backoff_base: float = 2.0
    backoff_cap: float = 120.0  # also caps Retry-After
    max_bytes: int = 32 * 1024 * 1024
    max_requests: int | None = None  # run-level guard (robots, retries and hops count)
    maxlag: int = 5
    obey_robots: bool = True
    #: a robots.txt Crawl-delay over this stops the run (CrawlDelayTooLong)
    max_crawl_delay: float = 60.0
    #: seconds of retry waits (Retry-After, backoff) one client may spend in all
    retry_wait_budget: float = 1800.0
    #: seconds the client may run in all, from its creation (None: no limit)
    max_duration: float | None = None
    #: this many requests in a row that spent their retries mean the site is down:
    #: SiteUnreachable instead of RetriesExhausted, so a run stops instead of
    #: hammering a dead server once per page (0 disables)
    give_up_after: int = 5
    #: bytes a second: an answer cut at its wall-clock limit (timeout x 4) that came
    #: slower than this drips; it is retried once at most, and two dripping requests
    #: in a row mean the site is unusable (SiteUnreachable)
    min_rate: float = 1024.0

    def __post_init__(self) -> None:
        for name in (
            "delay",
            "timeout",
            "backoff_base",
            "backoff_cap",
            "max_crawl_delay",
            "retry_wait_budget",
            "min_rate",
        ):
            value = getattr(self, name)
            if not value >= 0:
                raise ValueError(f"{name}: expected a number >= 0, found {value!r}")
        if self.timeout <= 0 or self.max_bytes <= 0 or self.retries < 0:
            raise ValueError(
                "expected timeout > 0, max_bytes > 0 and retries >= 0, found "
                f"{self.timeout!r}, {self.max_bytes!r}, {self.retries!r}"
            )
        if self.max_requests is not None and self.max_requests < 0:
            raise ValueError(f"max_requests: expected >= 0, found {self.max_requests!r}")
        if self.max_duration is not None and not self.max_duration > 0:
            raise ValueError(f"max_duration: expected > 0 or None, found {self.max_duration!r}")
