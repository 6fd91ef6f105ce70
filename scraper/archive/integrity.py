"""Is a WARC file whole? Gzip members, record completeness and digests.

Our WARC files are multi-member gzip, one record per member. Damage shows as a
member that does not inflate (flipped byte: CRC or inflate error), a member cut
short (truncation, which ``warcio check`` does not notice), bytes after the last
member (garbage), a member holding less or more than one record, or a record
whose block/payload digest does not match (checked by warcio). The member walk
is also what ``WarcArchive.repair`` uses to find the last complete exchange.
"""

from __future__ import annotations

import io
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from warcio.archiveiterator import ArchiveIterator

_CHUNK = 1 << 16


def check_warc(path: Path) -> list[str]:
    """Problems in one WARC file, read to its end (empty list: sound).

    Checks that the file is a sequence of complete gzip members (no torn member,
    no trailing garbage; ``warcio check`` misses truncation), that each member
    holds exactly one complete WARC record, and that every block and payload
    digest matches (via warcio).
    """
    path = Path(path)
    problems: list[str] = []
    try:
        with path.open("rb") as fh:
            for member in iter_members(fh):
                where = f"{path.name}: offset {member.offset}"
                if member.problem is not None:
                    problems.append(f"{where}: {member.problem}")
                    break
                if complete_record_type(member.data) is None:
                    problems.append(
                        f"{where}: expected one complete WARC record per gzip member, "
                        f"found {_describe_incomplete(member.data)}"
                    )
    except OSError as exc:
        return [f"{path.name}: expected a readable file, found {exc}"]
    if problems:
        return problems
    with path.open("rb") as fh:
        iterator = ArchiveIterator(fh, check_digests=True)
        try:
            for record in iterator:
                stream = record.raw_stream  # digests cover the bytes as stored
                while stream.read(_CHUNK):
                    pass
                if record.digest_checker.passed is False:
                    offset = iterator.get_record_offset()
                    for problem in record.digest_checker.problems:
                        problems.append(f"{path.name}: offset {offset}: {problem}")
        except Exception as exc:
            problems.append(f"{path.name}: expected readable WARC records, found {exc}")
    return problems


# -- gzip members -----------------------------------------------------------------
@dataclass(frozen=True)
class Member:
    offset: int
    end: int
    data: bytes
    problem: str | None  # set on the last member yielded when the file is damaged


def iter_members(fh: BinaryIO) -> Iterator[Member]:
    """Walk a multi-member gzip file member by member, decompressing each fully."""
    pending = b""  # compressed bytes read but not yet consumed
    pos = 0  # file offset of pending[0]
    eof = False
    while True:
        if not pending and not eof:
            pending = fh.read(_CHUNK)
            eof = not pending
        if not pending:
            return
        if not pending.startswith(b"\x1f\x8b") and len(pending) >= 2:
            yield Member(pos, pos, b"", f"expected a gzip member, found {pending[:8]!r}")
            return
        start = pos
        decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
        out = io.BytesIO()
        while True:
            try:
                out.write(decomp.decompress(pending))
            except zlib.error as exc:
                yield Member(start, start, b"", f"expected a valid gzip member, found {exc}")
                return
            if decomp.eof:
                used = len(pending) - len(decomp.unused_data)
                pos += used
                pending = decomp.unused_data
                yield Member(start, pos, out.getvalue(), None)
                break
            pos += len(pending)
            pending = fh.read(_CHUNK)
            if not pending:
                yield Member(
                    start,
                    pos,
                    b"",
                    f"expected a complete gzip member, found {pos - start} bytes "
                    "cut off before its end (truncated file)",
                )
                return


def _split_record(data: bytes) -> tuple[dict[str, str], int] | None:
    """WARC header fields (lower-case names) and the block start, or None."""
    if not data.startswith(b"WARC/"):
        return None
    end = data.find(b"\r\n\r\n")
    if end < 0:
        return None
    fields: dict[str, str] = {}
    for line in data[:end].split(b"\r\n")[1:]:
        name, sep, value = line.partition(b":")
        if sep:
            fields[name.strip().decode("utf-8", "replace").lower()] = value.strip().decode(
                "utf-8", "replace"
            )
    return fields, end + 4


def complete_record_type(data: bytes) -> str | None:
    """The WARC-Type of ``data`` if it is exactly one complete record, else None."""
    split = _split_record(data)
    if split is None:
        return None
    fields, block = split
    try:
        length = int(fields.get("content-length", ""))
    except ValueError:
        return None
    if len(data) != block + length + 4 or not data.endswith(b"\r\n\r\n"):
        return None
    return fields.get("warc-type") or None


def _describe_incomplete(data: bytes) -> str:
    split = _split_record(data)
    if split is None:
        return f"{len(data)} bytes without a WARC header"
    fields, block = split
    return (
        f"Content-Length {fields.get('content-length')!r} and "
        f"{len(data) - block} bytes after the header"
    )
