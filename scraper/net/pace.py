"""The client's clock and patience: the pause between requests, the limits, giving up.

Rules 3 to 5 of ``scraper.net.client`` as far as they are about time: request
starts at least ``delay`` seconds apart; no request or wait that would end past
``max_duration``; backoff with "equal jitter"; every retry wait of a run drawn
from ``retry_wait_budget``; ``give_up_after`` requests in a row that spent their
retries mean the site is down. The clock, ``sleep`` and the RNG are injected, so
tests run it in no time.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import NoReturn

from scraper.errors import RetriesExhausted, RunLimitReached, SiteUnreachable
from scraper.net.settings import ClientSettings

#: requests in a row whose answers dripped (cut at their limit, below min_rate) that
#: make the site unusable for this run: SiteUnreachable
DRIPS_IN_A_ROW = 2


class Pace:
    """How long the client waits, and when it must stop waiting."""

    def __init__(
        self,
        settings: ClientSettings,
        *,
        sleep: Callable[[float], None],
        clock: Callable[[], float],
        rng: random.Random,
    ) -> None:
        self.settings = settings
        self._sleep = sleep
        self._clock = clock
        self._rng = rng
        self._started = clock()
        self._last_start: float | None = None
        #: seconds of retry waits spent so far (against settings.retry_wait_budget)
        self.retry_waited = 0.0
        self._exhausted_in_a_row = 0
        self._dripping_in_a_row = 0

    def remaining(self) -> float | None:
        """Seconds left of ``max_duration`` (None: no limit)."""
        if self.settings.max_duration is None:
            return None
        return self.settings.max_duration - (self._clock() - self._started)

    def check_time(self, url: str, wait: float) -> None:
        """Refuse a wait (or a request, ``wait=0``) that would end past ``max_duration``."""
        left = self.remaining()
        if left is not None and wait >= left:
            raise RunLimitReached(
                url,
                "duration",
                f"expected the run to end within --max-duration {self.settings.max_duration:g} s,"
                f" found {max(0.0, left):.1f} s left"
                + (f" and a {wait:.1f} s wait" if wait else ""),
            )

    def retry_wait(self, url: str, wait: float, asked: float | None) -> None:
        """Spend ``wait`` seconds of the retry budget (``asked``: the site's Retry-After)."""
        budget = self.settings.retry_wait_budget
        left = budget - self.retry_waited
        if asked is not None and asked > left:
            raise RunLimitReached(
                url,
                "retry-wait",
                f"expected a Retry-After within the run's retry-wait budget ({left:.0f} of "
                f"{budget:g} s left), found {asked:.0f} s: the site asks us to come back later",
            )
        if wait > left:
            raise RunLimitReached(
                url,
                "retry-wait",
                f"expected retry waits within the run's budget of {budget:g} s, found it spent"
                f" ({self.retry_waited:.1f} s waited, {wait:.1f} s more asked)",
            )
        self.check_time(url, wait)
        self.retry_waited += wait
        self._sleep(wait)

    def backoff(self, retry: int) -> float:
        """Equal jitter: half of ``min(cap, base * 2**retry)`` fixed, half random."""
        ceiling = min(self.settings.backoff_cap, self.settings.backoff_base * 2.0**retry)
        return ceiling / 2 + self._rng.uniform(0.0, ceiling / 2)

    def wait_turn(self, url: str, delay: float) -> None:
        """Sleep until ``delay`` seconds have passed since the last request started."""
        if self._last_start is not None:
            wait = self._last_start + delay - self._clock()
            if wait > 0:
                self.check_time(url, wait)
                self._sleep(wait)
        self._last_start = self._clock()

    def answered(self) -> None:
        """A request got a usable answer: the streak of exhausted requests is over."""
        self._exhausted_in_a_row = 0
        self._dripping_in_a_row = 0

    def give_up(self, url: str, attempts: int, cause: str, *, dripping: bool = False) -> NoReturn:
        """``RetriesExhausted``; ``SiteUnreachable`` once ``give_up_after`` came in a row,
        or :data:`DRIPS_IN_A_ROW` requests that dripped (``dripping``)."""
        exhausted = RetriesExhausted(url, attempts, cause)
        self._exhausted_in_a_row += 1
        self._dripping_in_a_row = self._dripping_in_a_row + 1 if dripping else 0
        if self._dripping_in_a_row >= DRIPS_IN_A_ROW:
            raise SiteUnreachable(
                url,
                f"expected answers at {self.settings.min_rate:g} bytes/s or more, found "
                f"{self._dripping_in_a_row} requests in a row dripping (last: {cause})",
            ) from exhausted
        limit = self.settings.give_up_after
        if limit and self._exhausted_in_a_row >= limit:
            raise SiteUnreachable(
                url,
                f"expected the site to answer, found {self._exhausted_in_a_row} requests in "
                f"a row failing after {attempts} attempts each (last: {cause})",
            ) from exhausted
        raise exhausted
