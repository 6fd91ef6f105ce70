"""HTTP details the client needs and nothing else does: origins, Retry-After, API answers.

Pure functions (no network, no clock of their own), so each rule is tested alone.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def parse_retry_after(value: str | None, now: datetime) -> float | None:
    """Seconds to wait for a ``Retry-After`` value (delta-seconds or HTTP date); None: unusable."""
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - now).total_seconds())


@dataclass(frozen=True)
class Origin:
    """scheme + host + port: what "on the configured site" means (default ports filled in)."""

    scheme: str
    host: str
    port: int

    @classmethod
    def of(cls, url: str) -> Origin | None:
        """The origin of an absolute http(s) URL; None for anything else."""
        try:
            parts = urlsplit(url)
            port = parts.port
        except ValueError:
            return None
        scheme = parts.scheme.lower()
        if scheme not in _DEFAULT_PORTS or not parts.hostname:
            return None
        return cls(scheme, parts.hostname.lower(), port or _DEFAULT_PORTS[scheme])

    def base(self) -> str:
        """``scheme://host[:port]`` (port only when not the default)."""
        default = _DEFAULT_PORTS[self.scheme] == self.port
        return f"{self.scheme}://{self.host}" + ("" if default else f":{self.port}")


def reason_phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def header(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    """First header called ``name`` (case-insensitive)."""
    lower = name.lower()
    return next((v for k, v in headers if k.lower() == lower), None)


def json_object(body: bytes) -> dict[str, object] | None:
    """``body`` parsed as a JSON object; None when it is not one.

    Nesting too deep for the decoder (``[`` x 200,000 raises ``RecursionError``) is
    malformed JSON like any other, not a crash.
    """
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        return None
    return data if isinstance(data, dict) else None


def api_error_fields(error: object) -> tuple[str, str]:
    """(code, info) of an api.php ``error`` object, whatever shape it came in."""
    if isinstance(error, dict):
        return str(error.get("code", "unknown")), str(error.get("info", ""))
    return "unknown", str(error)


def maxlag_wait(status: int, body: bytes, retry_after: str | None, now: datetime) -> float | None:
    """Seconds to wait if an answer is an api.php maxlag error (sent with HTTP 200)."""
    if status != 200 or b"maxlag" not in body:
        return None
    data = json_object(body)
    error = data.get("error") if data else None
    if not isinstance(error, dict) or error.get("code") != "maxlag":
        return None
    after = parse_retry_after(retry_after, now)
    if after is not None:
        return after
    lag = error.get("lag")
    if isinstance(lag, int | float) and lag > 0:
        return float(lag)
    return 5.0
