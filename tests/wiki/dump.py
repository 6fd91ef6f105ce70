"""MediaWiki XML export (format 0.11) writer, and the tiny PNG icons of the element types."""

from __future__ import annotations

import hashlib
import struct
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import NamedTuple, TextIO
from xml.sax.saxutils import escape, quoteattr

NAMESPACES = {
    0: "", 4: "NORA Test", 6: "Bestand", 10: "Sjabloon", 14: "Categorie", 102: "Eigenschap",
    3000: "FS", 3001: "FS overleg", 3002: "Werkruimte", 3003: "Werkruimte overleg",
}  # fmt: skip


class Revision(NamedTuple):
    timestamp: str
    text: str
    comment: str
    user: str


class DumpPage(NamedTuple):
    title: str
    ns: int
    redirect: str
    revisions: tuple[Revision, ...]


def _sha1_base36(text: str) -> str:
    number = int(hashlib.sha1(text.encode("utf-8")).hexdigest(), 16)
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    out = ""
    while number:
        number, rem = divmod(number, 36)
        out = digits[rem] + out
    return out.rjust(31, "0")


def write_dump(out: TextIO, pages: Iterable[DumpPage], base_url: str) -> int:
    """Write the export; page and revision ids are placeholders (the importer assigns)."""
    out.write(
        '<mediawiki xmlns="http://www.mediawiki.org/xml/export-0.11/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://www.mediawiki.org/xml/export-0.11/ '
        'http://www.mediawiki.org/xml/export-0.11.xsd" version="0.11" xml:lang="nl">\n'
        "  <siteinfo>\n    <sitename>NORA Test</sitename>\n    <dbname>wiki</dbname>\n"
        f"    <base>{escape(base_url)}/wiki/Hoofdpagina</base>\n"
        "    <generator>nora-archive tests.wiki.corpus</generator>\n"
        "    <case>first-letter</case>\n    <namespaces>\n"
    )
    for key, name in NAMESPACES.items():
        out.write(f'      <namespace key="{key}" case="first-letter">{escape(name)}</namespace>\n')
    out.write("    </namespaces>\n  </siteinfo>\n")
    page_id = rev_id = 0
    for page in pages:
        page_id += 1
        out.write(f"  <page>\n    <title>{escape(page.title)}</title>\n    <ns>{page.ns}</ns>\n")
        out.write(f"    <id>{page_id}</id>\n")
        if page.redirect:
            out.write(f"    <redirect title={quoteattr(page.redirect)} />\n")
        parent = 0
        for rev in page.revisions:
            rev_id += 1
            data = rev.text.encode("utf-8")
            sha1 = _sha1_base36(rev.text)
            out.write(f"    <revision>\n      <id>{rev_id}</id>\n")
            if parent:
                out.write(f"      <parentid>{parent}</parentid>\n")
            out.write(
                f"      <timestamp>{rev.timestamp}</timestamp>\n"
                f"      <contributor>\n        <username>{escape(rev.user)}</username>\n"
                "        <id>0</id>\n      </contributor>\n"
                f"      <comment>{escape(rev.comment)}</comment>\n"
                "      <model>wikitext</model>\n      <format>text/x-wiki</format>\n"
                f'      <text bytes="{len(data)}" sha1="{sha1}" xml:space="preserve">'
                f"{escape(rev.text)}</text>\n      <sha1>{sha1}</sha1>\n    </revision>\n"
            )
            parent = rev_id
        out.write("  </page>\n")
    out.write("</mediawiki>\n")
    return page_id


def write_png(path: Path, rgb: tuple[int, int, int], size: int = 32) -> None:
    """A solid square PNG: enough for MediaWiki to store and show an element-type icon."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    row = b"\x00" + bytes(rgb) * size
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0))
    png += chunk(b"IDAT", zlib.compress(row * size))
    png += chunk(b"IEND", b"")
    path.write_bytes(png)
