"""Reading the archive back: random access by offset, streaming from an offset.

These functions never modify a file (only ``WarcArchive``, under the data lock,
writes and repairs). Bodies come back decoded (gzip/deflate content-coding
undone); a body that does not decode is reported, not raised from inside warcio.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

from scraper.coding import decode_body
from scraper.errors import ArchiveError, ResponseTooLarge

_NO_LIMIT = 1 << 40  # decoding cap when reading back: the client capped the fetch
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ArchivedRecord:
    """Where one response record lives, and what it says (enough to index it)."""

    warc_file: str  # file name relative to the warc dir
    offset: int  # byte offset of the response record's gzip member
    length: int  # compressed length of that member
    record_id: str  # WARC-Record-ID, "<urn:uuid:...>"
    target_uri: str
    status: int
    fetched_at: str  # WARC-Date, ISO UTC
    payload_sha256: str  # hex SHA-256 of the decoded body


@dataclass(frozen=True)
class ResponseHead:
    """The HTTP side of a stored response: status line and headers."""

    target_uri: str
    fetched_at: str
    status: int
    reason: str
    headers: tuple[tuple[str, str], ...]

    def header(self, name: str, default: str | None = None) -> str | None:
        """First header called ``name`` (case-insensitive)."""
        lower = name.lower()
        return next((v for k, v in self.headers if k.lower() == lower), default)


# -- reading ----------------------------------------------------------------------
def read_record(warc_dir: Path, warc_file: str, offset: int) -> tuple[ResponseHead, bytes]:
    """The response record at ``offset`` of ``warc_dir/warc_file``: head and decoded body."""
    path = Path(warc_dir) / warc_file
    try:
        with path.open("rb") as fh:
            fh.seek(offset)
            for record in ArchiveIterator(fh):
                if record.format != "warc":  # warcio guesses ARC for some garbage
                    raise ArchiveError(
                        path, f"offset {offset}: expected a WARC record, found {record.format!r}"
                    )
                if record.rec_type != "response":
                    raise ArchiveError(
                        path,
                        f"offset {offset}: expected a response record, found {record.rec_type!r}",
                    )
                head = _head(record)
                body, problem = _decoded_body(record, head)
                if problem is not None:
                    raise ArchiveError(path, f"offset {offset}: {problem}")
                return head, body
    except ArchiveError:
        raise
    except Exception as exc:  # warcio raises plain exceptions on bad data
        raise ArchiveError(path, f"offset {offset}: expected a WARC record, found {exc}") from exc
    raise ArchiveError(path, f"offset {offset}: expected a WARC record, found end of file")


def iter_responses(path: Path, start_offset: int = 0) -> Iterator[tuple[ArchivedRecord, bytes]]:
    """Every response record of one WARC file from ``start_offset``, with its decoded body.

    Streams (one record in memory at a time). Damage raises ``ArchiveError``
    after the intact records before it were yielded. A response whose body does
    not decode (a truncated gzip body the client archived, then retried) is not
    a usable answer and is skipped.
    """
    path = Path(path)
    with path.open("rb") as fh:
        fh.seek(start_offset)
        iterator = ArchiveIterator(fh)
        try:
            for record in iterator:
                if record.format != "warc":
                    raise ArchiveError(
                        path,
                        f"offset {iterator.offset}: expected a WARC record, "
                        f"found {record.format!r}",
                    )
                if record.rec_type != "response":
                    continue
                head = _head(record)
                body, problem = _decoded_body(record, head)
                offset = iterator.get_record_offset()
                length = iterator.get_record_length()
                if problem is not None:
                    log.warning("%s: offset %d: skipped: %s", path.name, offset, problem)
                    continue
                yield (
                    ArchivedRecord(
                        warc_file=path.name,
                        offset=offset,
                        length=length,
                        record_id=record.rec_headers.get_header("WARC-Record-ID") or "",
                        target_uri=head.target_uri,
                        status=head.status,
                        fetched_at=head.fetched_at,
                        payload_sha256=hashlib.sha256(body).hexdigest(),
                    ),
                    body,
                )
        except ArchiveError:
            raise
        except Exception as exc:
            raise ArchiveError(path, f"expected WARC records, found {exc}") from exc


def _decoded_body(record: Any, head: ResponseHead) -> tuple[bytes, str | None]:
    """The stored body with its content-coding undone: ``(body, problem or None)``.

    Decoded here rather than by warcio's ``content_stream`` so that a body that
    does not decode is reported, not raised from deep inside warcio.
    """
    raw = record.raw_stream.read()
    try:
        return decode_body(raw, head.header("Content-Encoding"), head.target_uri, _NO_LIMIT)
    except ResponseTooLarge as exc:  # cannot happen below _NO_LIMIT; keep the contract
        return raw, exc.message


def _head(record: Any) -> ResponseHead:
    http = record.http_headers
    status_line = (http.statusline if http is not None else "") or ""
    code, _, reason = status_line.partition(" ")
    return ResponseHead(
        target_uri=record.rec_headers.get_header("WARC-Target-URI") or "",
        fetched_at=record.rec_headers.get_header("WARC-Date") or "",
        status=int(code) if code.isdigit() else 0,
        reason=reason,
        headers=tuple((str(k), str(v)) for k, v in (http.headers if http is not None else [])),
    )
