"""Where the client writes what it exchanged: a record sink, and what it says of a record.

The network seam archives every exchange, but it does not know the archive: it writes
through :class:`RecordSink`, which ``scraper.archive.warc.WarcArchive`` implements
(a WARC request + response pair, durable before it returns), and hands back the
:class:`StoredRecord` the sink gave it on each ``Fetched``. Structural protocols, so
neither side imports the other.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class StoredRecord(Protocol):
    """Where one response record lives, and what it says (enough to index it)."""

    @property
    def warc_file(self) -> str: ...  # file name relative to the archive's folder
    @property
    def offset(self) -> int: ...  # byte offset of the response record
    @property
    def length(self) -> int: ...  # stored (compressed) length of that record
    @property
    def record_id(self) -> str: ...
    @property
    def target_uri(self) -> str: ...
    @property
    def status(self) -> int: ...
    @property
    def fetched_at(self) -> str: ...  # ISO UTC
    @property
    def payload_sha256(self) -> str: ...  # hex SHA-256 of the decoded body


class RecordSink(Protocol):
    """What the client archives each exchange with."""

    def write_exchange(
        self,
        method: str,
        url: str,
        request_headers: Sequence[tuple[str, str]],
        status: int,
        reason: str,
        response_headers: Sequence[tuple[str, str]],
        body: bytes,
        fetched_at: str,
        *,
        http_version: str = "HTTP/1.1",
        payload_sha256: str | None = None,
    ) -> StoredRecord:
        """Store one request + response pair (``body`` as received, content-coding kept)
        and make it durable before returning."""
        ...
