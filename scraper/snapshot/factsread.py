"""Reading pages' facts back from the archive: for a crawl's snapshot and for ``nora export``.

A page's facts are in one archived ``Special:ExportRDF`` answer shared with up to 49
other pages (``scraper.crawl.smw``). ``FactsReader`` reads and parses an answer once and
keeps the last few (snapshots list pages in the order they were fetched and asked
for, so consecutive pages share an answer), and the crawl's schema (property list,
types, the siteinfo namespaces) once.
"""

from __future__ import annotations

import json
import logging
import sqlite3
from collections import OrderedDict
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from parsers.errors import SmwAnswerError
from parsers.facts import ExportBatch, Schema, parse_export, parse_property_list, parse_types
from parsers.records import FactRecord
from scraper.archive.factindex import SmwRecord, schema_records
from scraper.archive.reader import read_record
from scraper.errors import ArchiveError

log = logging.getLogger(__name__)

#: parsed answers kept at a time
CACHED_ANSWERS = 4


def siteinfo_namespaces(body: bytes) -> dict[int, str]:
    """Namespace number -> local name from an archived siteinfo answer ({} if unreadable)."""
    try:
        data = json.loads(body)
        raw = data["query"]["namespaces"]
    except (ValueError, KeyError, TypeError):
        return {}
    entries = raw.values() if isinstance(raw, dict) else raw
    out: dict[int, str] = {}
    for entry in entries:
        if isinstance(entry, dict) and "id" in entry:
            name = entry.get("name", entry.get("*", ""))
            if isinstance(name, str) and name:
                out[int(entry["id"])] = name
    return out


def read_schema(warc_dir: Path, records: Iterable[SmwRecord]) -> Schema:
    """A crawl's schema read back from its archived answers (the siteinfo answer gives the
    namespaces' local names; a property list that did not come whole is not trusted)."""
    names: dict[str, str] = {}
    types: dict[str, str] = {}
    namespaces: dict[int, str] = {}
    trusted = True
    for record in records:
        try:
            _head, body = read_record(warc_dir, record.warc_file, record.warc_offset)
            if record.kind == "siteinfo":
                namespaces = siteinfo_namespaces(body)
            elif record.kind == "properties":
                names.update(parse_property_list(body).items)
            elif record.kind == "types":
                types.update(parse_types(body).items)
        except (ArchiveError, SmwAnswerError) as exc:
            log.warning("SMW schema answer unreadable: %s", exc)
            trusted = trusted and record.kind != "properties"
            continue
        if record.kind == "properties" and record.note:
            trusted = False
    return Schema(frozenset(names) if trusted else frozenset(), types, namespaces)


class FactsReader:
    """The facts of pages, from their archived answers (see the module docstring)."""

    def __init__(self, warc_dir: Path, schema: Schema) -> None:
        self.warc_dir = Path(warc_dir)
        self.schema = schema
        #: parsed answers, or why one could not be read
        self._answers: OrderedDict[tuple[str, int], ExportBatch | str] = OrderedDict()
        self.unreadable = 0

    def facts(self, title: str, warc_file: str, warc_offset: int) -> tuple[FactRecord, ...] | None:
        """The page's facts in the answer at (file, offset); None when it cannot be read."""
        return self.lookup(title, warc_file, warc_offset)[0]

    def lookup(
        self, title: str, warc_file: str, warc_offset: int
    ) -> tuple[tuple[FactRecord, ...] | None, str]:
        """The page's facts in the answer at (file, offset), and "" ; (None, why) when the
        answer cannot be read."""
        key = (warc_file, warc_offset)
        if key not in self._answers:
            self._answers[key] = self._read(warc_file, warc_offset)
            while len(self._answers) > CACHED_ANSWERS:
                self._answers.popitem(last=False)
        batch = self._answers[key]
        if isinstance(batch, str):
            return None, batch
        return batch.facts.get(title), ""

    def _read(self, warc_file: str, warc_offset: int) -> ExportBatch | str:
        try:
            head, body = read_record(self.warc_dir, warc_file, warc_offset)
            titles = _requested_titles(head.target_uri)
            return parse_export(body, titles, self.schema)
        except (ArchiveError, SmwAnswerError) as exc:
            log.error("SMW facts answer unreadable: %s", exc)
            self.unreadable += 1
            return str(exc)


def _requested_titles(url: str) -> list[str]:
    """The titles an export was asked for, from its URL (``pages=`` one a line)."""
    pages = parse_qs(urlsplit(url).query).get("pages", [""])[0]
    return [line for line in pages.split("\n") if line]


def crawl_schema(db: sqlite3.Connection, warc_dir: Path, crawl_id: int) -> Schema | None:
    """The schema of a crawl that asked SMW for facts, read from the archive; None for a
    crawl without."""
    records = _schema_records(db, crawl_id)
    return read_schema(Path(warc_dir), records) if records else None


def crawl_schema_notes(db: sqlite3.Connection, crawl_id: int) -> list[str]:
    """What the crawl noted about the schema answers its snapshot reads (for the manifest)."""
    return [r.note for r in _schema_records(db, crawl_id) if r.note]


def _schema_records(db: sqlite3.Connection, crawl_id: int) -> list[SmwRecord]:
    """The schema answers a snapshot of the crawl reads (``schema_records``), when the
    crawl asked SMW for facts; none otherwise."""
    if int(db.execute("PRAGMA user_version").fetchone()[0]) < 2:
        return []
    row = db.execute("SELECT facts FROM crawls WHERE id = ?", (crawl_id,)).fetchone()
    if not row or not row[0]:
        return []
    return schema_records(db, crawl_id)
