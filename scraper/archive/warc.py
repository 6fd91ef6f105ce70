"""The raw archive: WARC files of every HTTP exchange, written with warcio.

Layout (``DATA/warc/``)::

    nora-20261129T080000Z-00001.warc.gz     one file per run (or per 512 MiB),
    nora-20261129T080000Z-00002.warc.gz     names sort in writing order

Each file starts with a ``warcinfo`` record, then one pair per HTTP exchange:
a ``request`` record followed by its ``response`` record (both WARC/1.0, each
its own gzip member, linked both ways by ``WARC-Concurrent-To``, with
``WARC-Block-Digest``/``WARC-Payload-Digest`` as SHA-1 computed by warcio, and
``WARC-Date`` = the exchange's ``fetched_at``). The response record holds the
real HTTP status line, headers and body as received (content-coding kept). The
request record holds the headers as sent, except that the values of
``Authorization``, ``Proxy-Authorization`` and ``Cookie`` are replaced by
``[redacted]``: an archive is handed on, credentials are not.

Crash safety: :meth:`WarcArchive.write_exchange` writes both members with one
``write``, then ``flush`` + ``os.fsync`` before returning, so an
:class:`ArchivedRecord` handed to the caller is on disk. A crash can only tear
the tail of the newest file; opening the archive runs :meth:`WarcArchive.repair`,
which walks the gzip members of the newest file and truncates it after the last
complete exchange (a torn member, an incomplete record, or a request whose
response is missing is cut). A run never appends to an older file: it starts a
new one on its first write.

Only a writer holding the data folder's lock may open a :class:`WarcArchive`
(opening repairs). Readers use functions, which never modify a file:
:func:`warc_files` here (writing order); in :mod:`scraper.archive.reader`,
``read_record`` (random access by file and offset, as indexed in ``state.sqlite``;
returns a typed ``ResponseHead`` and the decoded body) and ``iter_responses``
(streaming, from an offset); in :mod:`scraper.archive.integrity`, ``check_warc``
(every member and digest to the end, for ``nora verify --archive``; re-exported here).

Bodies read back are decoded (gzip/deflate content-coding undone), and
``ArchivedRecord.payload_sha256`` is the SHA-256 of that decoded body, equal to
``Fetched.sha256`` at fetch time and to the pages table's ``content_sha256``
when the parser hashes the same bytes. robots.txt is archived like any response
(target ``<site>/robots.txt``); there is no separate copy.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.warcwriter import WARCWriter

from output.manifest import tool_version
from output.staging import fsync_dir
from scraper.archive.integrity import check_warc, complete_record_type, iter_members
from scraper.archive.reader import ArchivedRecord

__all__ = [
    "WARC_SUFFIX",
    "ArchivedRecord",
    "Repair",
    "WarcArchive",
    "check_warc",
    "warc_files",
]

WARC_SUFFIX = ".warc.gz"
#: request headers whose value is never archived (the name stays, to show one was sent)
SECRET_REQUEST_HEADERS = frozenset({"authorization", "proxy-authorization", "cookie"})
REDACTED = "[redacted]"
_NAME_RE = re.compile(r"^(?P<prefix>.+)-(?P<stamp>\d{8}T\d{6}Z)-(?P<seq>\d{5,})\.warc\.gz$")
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Repair:
    """What :meth:`WarcArchive.repair` cut from a torn file."""

    warc_file: str
    kept_bytes: int  # new size: end of the last complete exchange
    cut_bytes: int  # bytes removed from the tail


def redacted(headers: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """Request headers as archived: credentials (:data:`SECRET_REQUEST_HEADERS`) replaced by
    :data:`REDACTED`, so that a WARC or WACZ handed on carries no password or session."""
    return [(k, REDACTED if k.lower() in SECRET_REQUEST_HEADERS else v) for k, v in headers]


def check_archive(folder: Path) -> tuple[int, list[str]]:
    """Check every WARC file in ``folder`` to its end; (files checked, problems)."""
    problems: list[str] = []
    files = sorted(p for p in Path(folder).iterdir() if p.name.endswith(WARC_SUFFIX))
    for path in files:
        problems.extend(check_warc(path))
    return len(files), problems


def warc_files(warc_dir: Path, prefix: str = "nora") -> list[Path]:
    """The WARC files of ``warc_dir`` in writing order (by sequence number, not by name,
    so a clock that went backwards between runs cannot reorder them)."""
    found = []
    for path in Path(warc_dir).glob(f"{prefix}-*{WARC_SUFFIX}"):
        match = _NAME_RE.match(path.name)
        if match is not None and match["prefix"] == prefix:
            found.append((int(match["seq"]), path.name, path))
    return [path for _, _, path in sorted(found)]


def _utc_now() -> datetime:
    return datetime.now(UTC)


class WarcArchive:
    """Append-only writer of WARC exchanges into ``warc_dir``; use as a context manager.

    ``info`` adds fields to each file's warcinfo record (e.g. ``site``,
    ``http-header-user-agent``). ``now`` names new files (tests inject it).
    Opening repairs the newest existing file (see :attr:`repaired`).
    """

    def __init__(
        self,
        warc_dir: Path,
        *,
        prefix: str = "nora",
        max_file_bytes: int = 512 * 1024 * 1024,
        info: Mapping[str, str] | None = None,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self.warc_dir = Path(warc_dir)
        self.prefix = prefix
        self.max_file_bytes = max_file_bytes
        self.info = dict(info or {})
        self._now = now
        self._fh: BinaryIO | None = None
        self._name: str | None = None
        self._warcinfo_id: str | None = None
        self.warc_dir.mkdir(parents=True, exist_ok=True)
        #: what repair() cut on open (None: nothing torn)
        self.repaired: Repair | None = self.repair()

    # -- context manager ---------------------------------------------------------
    def __enter__(self) -> WarcArchive:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
            self._name = None

    # -- files -------------------------------------------------------------------
    def files(self) -> list[Path]:
        """This archive's WARC files in writing order."""
        return warc_files(self.warc_dir, self.prefix)

    def _next_seq(self) -> int:
        seqs = [int(m["seq"]) for p in self.files() if (m := _NAME_RE.match(p.name))]
        return max(seqs, default=0) + 1

    def _open_new_file(self) -> BinaryIO:
        self.close()
        stamp = self._now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")
        name = f"{self.prefix}-{stamp}-{self._next_seq():05d}{WARC_SUFFIX}"
        fh = open(self.warc_dir / name, "xb")  # noqa: SIM115 - lives as long as the archive
        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True)
        fields: dict[str, str] = {
            "software": f"nora-archive/{tool_version()} warcio",
            "format": "WARC File Format 1.0",
            "isPartOf": self.prefix,
        }
        fields.update(self.info)
        record = writer.create_warcinfo_record(name, fields)
        writer.write_record(record)
        fh.write(buf.getvalue())
        _durable(fh)
        fsync_dir(self.warc_dir)
        self._fh, self._name = fh, name
        self._warcinfo_id = record.rec_headers.get_header("WARC-Record-ID")
        return fh

    # -- writing -----------------------------------------------------------------
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
    ) -> ArchivedRecord:
        """Write one request + response pair and make it durable before returning.

        ``body`` is the body as received (content-coding kept, de-chunked);
        ``payload_sha256`` is the hex SHA-256 of the decoded body (computed from
        ``body`` when not given, i.e. when there is no content-coding).
        """
        fh = self._fh
        if fh is None or fh.tell() >= self.max_file_bytes:
            fh = self._open_new_file()
        assert self._name is not None
        req_id = StatusAndHeadersParser.make_warc_id()
        resp_id = StatusAndHeadersParser.make_warc_id()
        common = {"WARC-Date": fetched_at}
        if self._warcinfo_id:
            common["WARC-Warcinfo-ID"] = self._warcinfo_id

        buf = io.BytesIO()
        writer = WARCWriter(buf, gzip=True)
        target = _request_target(url)
        req_http = StatusAndHeaders(
            f"{method} {target} {http_version}", redacted(request_headers), is_http_request=True
        )
        request = writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=req_http,
            warc_headers_dict={
                "WARC-Type": "request",
                "WARC-Record-ID": req_id,
                "WARC-Concurrent-To": resp_id,
                **common,
            },
        )
        writer.write_record(request)
        resp_start = buf.tell()
        resp_http = StatusAndHeaders(
            f"{status} {reason}".rstrip(), list(response_headers), protocol=http_version
        )
        response = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(body),
            length=len(body),
            http_headers=resp_http,
            warc_headers_dict={
                "WARC-Type": "response",
                "WARC-Record-ID": resp_id,
                "WARC-Concurrent-To": req_id,
                **common,
            },
        )
        writer.write_record(response)
        data = buf.getvalue()
        start = fh.tell()
        try:
            fh.write(data)
            _durable(fh)
        except BaseException:
            self._undo_partial_write(fh, start)
            raise
        return ArchivedRecord(
            warc_file=self._name,
            offset=start + resp_start,
            length=len(data) - resp_start,
            record_id=resp_id,
            target_uri=url,
            status=status,
            fetched_at=fetched_at,
            payload_sha256=payload_sha256 or hashlib.sha256(body).hexdigest(),
        )

    def _undo_partial_write(self, fh: BinaryIO, start: int) -> None:
        """After a failed write (disk full, interrupt) cut the file back to ``start``,
        so later records never follow a torn one; if even that fails, stop using
        the file (the next write starts a new one; ``check_warc`` will flag it)."""
        try:
            fh.seek(start)
            fh.truncate(start)
            _durable(fh)
        except OSError:
            log.error("%s: could not cut a failed write back to %d", self._name, start)
            with contextlib.suppress(OSError):
                fh.close()
            self._fh = None
            self._name = None

    # -- repair ------------------------------------------------------------------
    def repair(self) -> Repair | None:
        """Cut a torn tail off the newest WARC file; return what was cut (None: intact).

        Keeps everything up to the end of the last complete response (or warcinfo)
        record; a torn gzip member, an incomplete record, trailing garbage, or a
        request without its response after it is removed. A file left empty is
        deleted. Called on open; only the newest file can be torn (one writer,
        which never appends to older files).
        """
        files = self.files()
        if not files or self._fh is not None:
            return None
        path = files[-1]
        size = path.stat().st_size
        keep = 0
        with path.open("rb") as fh:
            for member in iter_members(fh):
                if member.problem is not None:
                    break
                rec_type = complete_record_type(member.data)
                if rec_type is None:
                    break
                if rec_type != "request":
                    keep = member.end
        if keep == size:
            if size == 0:  # killed between creating the file and its warcinfo
                path.unlink()
                fsync_dir(self.warc_dir)
            return None
        if keep == 0:
            path.unlink()
        else:
            with path.open("r+b") as fh:
                fh.truncate(keep)
                _durable(fh)
        fsync_dir(self.warc_dir)
        return Repair(warc_file=path.name, kept_bytes=keep, cut_bytes=size - keep)


def _request_target(url: str) -> str:
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def _durable(fh: BinaryIO) -> None:
    fh.flush()
    os.fsync(fh.fileno())
