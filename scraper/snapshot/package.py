"""A crawl as a WACZ: the complete wiki as that crawl saw it, replayable in pywb.

The package holds one WARC file, ``archive/nora-crawl-<id>.warc.gz``, made of the
archive's own records copied byte for byte (gzip member for gzip member, so
record ids, dates and digests are the ones written at fetch time):

- a new ``warcinfo`` record saying what the package is (tool, crawl, site);
- the ``warcinfo`` record of every source WARC file a copied record refers to;
- for every page the crawl listed (and did not find gone), the request and
  response records of its newest successful fetch made in that crawl or before
  it, wherever that was written. An incremental crawl fetched only what
  changed; its package is still the whole wiki of that night.

``wacz create`` (py-wacz, with cdxj-indexer) then writes the WACZ around it:
the CDXJ index (``indexes/index.cdx.gz`` + ``index.idx``), ``pages/pages.jsonl``
(one line per page: url, archived time, title), ``datapackage.json`` with the
SHA-256 of every file and ``datapackage-digest.json``. ``wacz validate``
accepts it; ``wb-manager add --unpack-wacz`` loads it into pywb.

Everything is written in a temporary folder beside the output and the WACZ is
renamed into place only when whole. Errors are :class:`PackageError` (with the
path, saying what was expected and found); the export errors
(``scraper.snapshot.export.CrawlUnavailable``: no state, no such crawl) pass through.
"""

from __future__ import annotations

import contextlib
import io
import json
import logging
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

from warcio.warcwriter import WARCWriter

from output.manifest import tool_version
from scraper.archive.integrity import iter_members
from scraper.archive.lock import pin_archive
from scraper.archive.paths import WARC_DIR
from scraper.archive.readonly import CrawlInfo, choose_crawl, connect_state
from scraper.archive.warc import warc_files
from scraper.errors import ArchiveError, PackageError
from scraper.snapshot.pipeline import page_sources
from scraper.snapshot.reparse import PageSource

log = logging.getLogger(__name__)

WACZ_SUFFIX = ".wacz"
PAGES_NAME = "pages.jsonl"


@dataclass(slots=True)
class PackageResult:
    crawl: CrawlInfo
    out: Path
    pages: int = 0
    missing: list[str] = field(default_factory=list)  # listed, never archived ok
    records: int = 0  # WARC records in the package
    source_files: int = 0  # archive WARC files the records were copied from
    warc_bytes: int = 0
    wacz_bytes: int = 0


@dataclass(frozen=True, slots=True)
class _Header:
    warc_type: str
    record_id: str
    concurrent_to: str
    warcinfo_id: str


def _header(data: bytes) -> _Header:
    """The few WARC header fields the copy needs, from a decompressed record."""
    end = data.find(b"\r\n\r\n")
    fields: dict[str, str] = {}
    for line in data[: max(end, 0)].split(b"\r\n")[1:]:
        name, sep, value = line.partition(b":")
        if sep:
            fields[name.strip().lower().decode("ascii", "replace")] = value.strip().decode(
                "utf-8", "replace"
            )
    return _Header(
        fields.get("warc-type", ""),
        fields.get("warc-record-id", ""),
        fields.get("warc-concurrent-to", ""),
        fields.get("warc-warcinfo-id", ""),
    )


def _copy_members(
    path: Path, wanted: set[int], out: BinaryIO, infos_written: set[str]
) -> Iterator[int]:
    """Copy the response members of ``path`` at the ``wanted`` offsets (each with the
    request member written just before it, and the file's warcinfo) to ``out``.

    Yields each copied response offset. The bytes are the file's own.
    """
    warcinfo: tuple[int, int, str] | None = None  # (offset, end, record id)
    previous: tuple[int, int, _Header] | None = None
    left = set(wanted)  # once all are copied the walk stops (a crawl may be appending)
    with path.open("rb") as walk, path.open("rb") as raw:

        def copy(start: int, end: int) -> None:
            raw.seek(start)
            out.write(raw.read(end - start))

        for member in iter_members(walk):
            if member.problem is not None:
                raise ArchiveError(path, f"offset {member.offset}: {member.problem}")
            head = _header(member.data)
            if head.warc_type == "warcinfo" and warcinfo is None:
                warcinfo = (member.offset, member.end, head.record_id)
            if member.offset in wanted:
                if head.warc_type != "response":
                    raise ArchiveError(
                        path,
                        f"offset {member.offset}: expected a response record, "
                        f"found {head.warc_type or 'no WARC header'}",
                    )
                if warcinfo is not None and warcinfo[2] not in infos_written:
                    copy(warcinfo[0], warcinfo[1])
                    infos_written.add(warcinfo[2])
                if (
                    previous is not None
                    and previous[2].warc_type == "request"
                    and previous[2].concurrent_to == head.record_id
                ):
                    copy(previous[0], previous[1])
                copy(member.offset, member.end)
                left.discard(member.offset)
                yield member.offset
                if not left:
                    return
            previous = (member.offset, member.end, head)


def _package_warcinfo(out: BinaryIO, name: str, crawl: CrawlInfo, pages: int) -> None:
    writer = WARCWriter(out, gzip=True)
    fields = {
        "software": f"nora-archive/{tool_version()} warcio",
        "format": "WARC File Format 1.0",
        "isPartOf": f"nora-crawl-{crawl.id}",
        "description": (
            f"The wiki {crawl.site} as crawl {crawl.id} (started {crawl.started_at}) saw it: "
            f"the newest archived record of each of its {pages} pages, copied unchanged"
        ),
    }
    writer.write_record(writer.create_warcinfo_record(name, fields))


def write_package_warc(
    warc_dir: Path, sources: Iterable[PageSource], out_path: Path, crawl: CrawlInfo
) -> PackageResult:
    """Write the package's WARC file (see the module docstring) from ``sources``."""
    result = PackageResult(crawl, out_path)
    by_file: dict[str, dict[int, PageSource]] = {}
    for source in sources:
        if source.warc_file is None or source.warc_offset is None:
            result.missing.append(source.title)
            continue
        by_file.setdefault(source.warc_file, {})[source.warc_offset] = source
    order = {path.name: i for i, path in enumerate(warc_files(warc_dir))}
    unknown = sorted(set(by_file) - set(order))
    if unknown:
        raise PackageError(
            warc_dir, f"expected the WARC file {unknown[0]} the index names, found none"
        )
    pages = sum(len(offsets) for offsets in by_file.values())
    infos: set[str] = set()
    with out_path.open("xb") as out:
        _package_warcinfo(out, out_path.name, crawl, pages)
        for name in sorted(by_file, key=order.__getitem__):
            wanted = by_file[name]
            copied = set(_copy_members(warc_dir / name, set(wanted), out, infos))
            lost = sorted(set(wanted) - copied)
            if lost:
                raise ArchiveError(
                    warc_dir / name,
                    f"offset {lost[0]}: expected the response record of "
                    f"{wanted[lost[0]].title!r}, found no record starting there",
                )
            result.pages += len(copied)
            result.source_files += 1
        out.flush()
        os.fsync(out.fileno())
    result.records = 1 + len(infos) + 2 * result.pages
    result.warc_bytes = out_path.stat().st_size
    return result


def _pages_jsonl(sources: Iterable[PageSource], path: Path, crawl: CrawlInfo) -> None:
    header = {
        "format": "json-pages-1.0",
        "id": "pages",
        "title": f"{crawl.site}, crawl {crawl.id}",
    }
    with path.open("w", encoding="utf-8") as fh:
        fh.write(json.dumps(header, ensure_ascii=False) + "\n")
        for source in sources:
            if source.warc_file is None:
                continue
            line = {"url": source.url, "ts": source.fetched_at, "title": source.title}
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")


def _wacz_create(args: list[str], out: Path) -> None:
    """Run ``wacz create`` in-process; its chatter goes to the debug log."""
    from wacz.main import main as wacz_main

    chatter = io.StringIO()
    try:
        with contextlib.redirect_stdout(chatter):
            status = wacz_main(["create", *args])
    except Exception as exc:  # py-wacz raises plain exceptions on bad input
        raise PackageError(out, f"expected wacz create to succeed, found {exc!r}") from exc
    log.debug("wacz create: %s", chatter.getvalue())
    problems = [line for line in chatter.getvalue().splitlines() if "Invalid passed page" in line]
    if status != 0 or problems:
        what = problems[0] if problems else f"exit status {status}"
        raise PackageError(out, f"expected wacz create to succeed, found {what}")


def package_crawl(
    data_dir: Path, out: Path, *, crawl_id: int | None = None, force: bool = False
) -> PackageResult:
    """Write the WACZ of crawl ``crawl_id`` (default: the newest finished one) to ``out``."""
    data_dir, out = Path(data_dir), Path(out)
    if out.suffix != WACZ_SUFFIX:
        raise PackageError(out, f"expected a file name ending in {WACZ_SUFFIX}, found {out.name}")
    if out.exists() and not force:
        raise PackageError(out, "expected a new file, found one already there (use --force)")
    if not out.parent.is_dir():
        raise PackageError(out.parent, "expected a folder for the package, found none")
    with pin_archive(data_dir):  # a prune meanwhile removes no WARC file read here
        return _package(data_dir, out, crawl_id)


def _package(data_dir: Path, out: Path, crawl_id: int | None) -> PackageResult:
    db = connect_state(data_dir)
    try:
        crawl = choose_crawl(db, data_dir, crawl_id)
        sources = list(page_sources(db, crawl.id))
    finally:
        db.close()
    temp = Path(tempfile.mkdtemp(prefix=".nora-package-", dir=out.parent))
    try:
        warc = temp / f"nora-crawl-{crawl.id}.warc.gz"
        result = write_package_warc(data_dir / WARC_DIR, sources, warc, crawl)
        result.out = out
        if result.pages == 0:
            raise PackageError(out, f"expected archived pages in crawl {crawl.id}, found none")
        pages = temp / PAGES_NAME
        _pages_jsonl(sources, pages, crawl)
        wacz = temp / out.name
        description = (
            f"{crawl.site} as crawl {crawl.id} (started {crawl.started_at}) saw it: "
            f"{result.pages} pages, archived by nora-archive {tool_version()}"
        )
        _wacz_create(
            [
                "-o", str(wacz), "--pages", str(pages), "--hash-type", "sha256",
                "--title", f"NORA archive: {crawl.site}, crawl {crawl.id}",
                "--desc", description, str(warc),
            ],
            out,
        )  # fmt: skip
        with wacz.open("rb") as fh:
            os.fsync(fh.fileno())
        os.replace(wacz, out)
        result.wacz_bytes = out.stat().st_size
        return result
    finally:
        shutil.rmtree(temp, ignore_errors=True)
