"""What the client hands back: one answered GET, and one exchange as read off the wire.

``Fetched`` is public (``Client.get`` and ``Client.last``); ``Answer`` is the client's
own view of one hop before redirects are followed.
"""

from __future__ import annotations

from dataclasses import dataclass

from scraper.net.sink import StoredRecord


@dataclass(frozen=True)
class Fetched:
    """One answered GET (after redirects). 4xx/5xx that are not retried come back here too."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int
    headers: tuple[tuple[str, str], ...]  # response headers as received
    body: bytes  # decoded (content-coding removed)
    fetched_at: str  # ISO UTC, "2026-11-29T08:00:00Z"
    sha256: str  # hex SHA-256 of body
    record: StoredRecord | None  # the WARC response record; None without an archive

    def header(self, name: str, default: str | None = None) -> str | None:
        """First response header called ``name`` (case-insensitive)."""
        lower = name.lower()
        return next((v for k, v in self.headers if k.lower() == lower), default)


@dataclass(frozen=True)
class Answer:
    """One HTTP exchange as read off the wire (before redirects are followed)."""

    url: str
    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes  # decoded
    fetched_at: str
    sha256: str
    record: StoredRecord | None

    def header(self, name: str) -> str | None:
        lower = name.lower()
        return next((v for k, v in self.headers if k.lower() == lower), None)
