"""robots.txt as a policy object, on top of :mod:`urllib.robotparser`.

The client fetches robots.txt once per run (archiving it like any response) and
asks the policy before every request. Rules follow RFC 9309 where the client
decides: a 4xx robots.txt means "no rules" (:meth:`RobotsPolicy.allow_all`), a
5xx or unreachable one stops the run (the client raises ``SiteUnreachable``).
Only the first 500 KiB are parsed (RFC 9309 lets crawlers stop there).

Known limits of :mod:`urllib.robotparser`, kept on purpose (stdlib, no extra
dependency): rules match in file order (first match wins) rather than RFC
9309's longest match, and ``*``/``$`` wildcards inside paths are not expanded.
``Crawl-delay`` values with a fraction, which robotparser would ignore, are
rounded up to whole seconds before parsing: politeness errs on the slow side.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from urllib.robotparser import RobotFileParser

#: the product token matched against ``User-agent:`` lines (falls back to ``*``)
AGENT = "nora-archive"
#: RFC 9309 section 2.5: parsers must handle at least 500 kibibytes
MAX_PARSED_BYTES = 500 * 1024
_FRACTIONAL_DELAY = re.compile(r"^(\s*crawl-delay\s*:\s*)(\d*\.\d+)\s*$", re.IGNORECASE)


def _round_up_delay(line: str) -> str:
    match = _FRACTIONAL_DELAY.match(line)
    if match is None:
        return line
    return f"{match[1]}{math.ceil(float(match[2]))}"


@dataclass(frozen=True)
class RobotsPolicy:
    """What robots.txt allows the ``nora-archive`` agent.

    ``body`` is the robots.txt as fetched (b"" when there was none), ``url``
    where it came from, ``status`` its HTTP status (0 when not fetched).
    """

    url: str
    body: bytes
    status: int
    _parser: RobotFileParser = field(repr=False, compare=False)

    @classmethod
    def parse(cls, url: str, body: bytes, status: int = 200) -> RobotsPolicy:
        """Build a policy from a robots.txt body (bytes, decoded as UTF-8, lenient)."""
        parser = RobotFileParser(url)
        text = body[:MAX_PARSED_BYTES].decode("utf-8", errors="replace")
        parser.parse([_round_up_delay(line) for line in text.splitlines()])
        return cls(url=url, body=body, status=status, _parser=parser)

    @classmethod
    def allow_all(cls, url: str, status: int = 0) -> RobotsPolicy:
        """No robots.txt (4xx) or robots not obeyed: everything allowed, no crawl delay."""
        return cls.parse(url, b"", status)

    def allowed(self, url: str) -> bool:
        """True when robots.txt lets ``nora-archive`` fetch ``url``."""
        return bool(self._parser.can_fetch(AGENT, url))

    @property
    def crawl_delay(self) -> float | None:
        """Seconds asked by ``Crawl-delay`` for our agent (or ``*``), None when absent."""
        delay = self._parser.crawl_delay(AGENT)
        if delay is None:
            return None
        try:
            return max(0.0, float(delay))
        except (TypeError, ValueError):
            return None
