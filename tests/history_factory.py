"""Build parsed pages and published snapshots for the history, verify, diff and prune tests.

Records are made directly (not parsed from HTML) so each test states exactly
which values, relations and hashes the snapshots hold.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from output.history import new_snapshot_id, publish
from output.snapshot import SnapshotWriter
from parsers.records import (
    PARSER_VERSION,
    PageRecord,
    ParsedPage,
    PropertyRecord,
    RelationRecord,
    SectionRecord,
)
from scraper.archive.paths import STATE_NAME
from scraper.archive.state import ListedPage, NewFetch, State
from scraper.archive.warc import WarcArchive

START = datetime(2026, 9, 1, 6, 0, 0, tzinfo=UTC)

Prop = tuple[str, str] | tuple[str, str, Sequence[str]]  # (property, value[, links])
Rel = tuple[str, str, str]  # (kind, relation, target)


def make_page(
    title: str,
    element_type: str = "Kwaliteitsdoel",
    *,
    props: Iterable[Prop] = (),
    relations: Iterable[Rel] = (),
    text: str = "",
    revision_id: int = 1,
    page_id: int | None = None,
    fetched_at: str = "2026-09-01T06:00:00Z",
) -> ParsedPage:
    """A page whose content hash follows from its content, as a real parse gives."""
    props = list(props)
    relations = list(relations)
    content = repr((title, element_type, props, relations, text)).encode()
    page = PageRecord(
        title=title,
        namespace=0,
        page_id=page_id
        if page_id is not None
        else int(hashlib.sha1(title.encode()).hexdigest()[:5], 16),
        revision_id=revision_id,
        url=f"https://nora.test/wiki/{title.replace(' ', '_')}",
        element_type=element_type,
        categories=(element_type,) if element_type else (),
        fetched_at=fetched_at,
        content_sha256=hashlib.sha256(content).hexdigest(),
        parser_version=PARSER_VERSION,
        warnings=(),
        redirected_from="",
        is_redirect=False,
        historical=False,
    )
    properties = tuple(
        PropertyRecord(
            title=title,
            position=i,
            property=p[0],
            value=p[1],
            links=tuple(p[2]) if len(p) > 2 else (),
            external_links=(),
        )
        for i, p in enumerate(props)
    )
    rels = tuple(
        RelationRecord(
            title=title,
            kind=kind,
            position=i,
            source=title if kind == "direct" else target,
            relation=relation,
            target=target if kind == "direct" else title,
            target_exists=True,
            target_text="",
        )
        for i, (kind, relation, target) in enumerate(relations)
    )
    sections = (
        (SectionRecord(title=title, position=0, heading="", level=0, text=text),) if text else ()
    )
    return ParsedPage(page=page, properties=properties, relations=rels, sections=sections)


def write_snapshot(
    data_dir: Path,
    pages: Iterable[ParsedPage],
    *,
    when: datetime = START,
    command: str = "crawl",
    published: bool = True,
    extra: dict[str, object] | None = None,
    rows: Mapping[str, Iterable[object]] | None = None,
) -> Path:
    """A complete snapshot in ``DATA/snapshots/<id for when>``, published unless told not to.

    ``rows``: records of the tables that do not come from a page's HTML (``facts``,
    ``redirects``, ``checks``), as a crawl writes them."""
    out = Path(data_dir) / "snapshots" / new_snapshot_id(when)
    with SnapshotWriter(
        out, command=command, inputs=["test"], created_at=when, extra=extra
    ) as writer:
        for parsed in pages:
            writer.add(parsed)
        for table, records in (rows or {}).items():
            writer.add_rows(table, records)
    if published:
        publish(Path(data_dir), out)
    return out


def day(n: int) -> datetime:
    """START plus ``n`` days: snapshot times that sort as the test means them to."""
    return START + timedelta(days=n)


# -- archives as a crawl leaves them -------------------------------------------------------

SITE = "https://nora.test"
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
#: fixture pages used as templates for synthetic ones, with the title each carries
TEMPLATES: dict[str, str] = {
    "kwaliteitsdoel-mw143-headings.html": "Toegankelijk (Doel)",
    "bron-vector-caption.html": "Digitale Overheid Agenda 2020",
    "architectuurprincipe-smw-tooltips.html": "NAP09 Informatie is betrouwbaar",
    "begrip-td-labels-no-heading.html": "Afnemer (Begrip)",
}


def synthetic_page(n: int, version: int = 0) -> tuple[str, bytes]:
    """Page ``n``: a fixture page retitled "<title> n<n>"; ``version`` adds a body line."""
    name, title = list(TEMPLATES.items())[n % len(TEMPLATES)]
    html = (FIXTURES / name).read_bytes()
    new_title = f"{title} n{n}"
    for old, new in ((title, new_title), (title.replace(" ", "_"), new_title.replace(" ", "_"))):
        html = html.replace(old.encode(), new.encode())
    if version:
        marker = b'<div class="mw-parser-output">'
        html = html.replace(marker, marker + f"<p>Versie {version}</p>".encode(), 1)
    return new_title, html


def page_url(title: str) -> str:
    return f"{SITE}/wiki/{quote(title.replace(' ', '_'))}"


def archive_crawl(
    data_dir: Path,
    fetched: Sequence[tuple[str, bytes]],
    *,
    unchanged: Sequence[str] = (),
    gone: Sequence[str] = (),
    when: datetime = START,
) -> int:
    """Archive pages as ``nora crawl`` does (WARC records + state rows); returns the crawl id.

    ``fetched`` pages get an ok fetch in this crawl; ``unchanged`` titles are
    listed but not fetched (an earlier crawl holds them); ``gone`` titles are
    listed and answered 404.
    """
    data_dir = Path(data_dir)
    stamp = when.strftime("%Y-%m-%dT%H:%M:%SZ")
    with (
        State.open(data_dir / STATE_NAME) as state,
        WarcArchive(data_dir / "warc", now=lambda: when) as archive,
    ):
        crawl = state.begin_crawl(SITE, stamp, full=False)
        titles = [t for t, _ in fetched] + list(unchanged) + list(gone)
        listing = {
            t: ListedPage(t, 0, i + 1, int(when.timestamp()) % 100_000 + i, stamp, 1000)
            for i, t in enumerate(titles)
        }
        state.store_listing(crawl.id, listing.values(), [])
        for title, body in [*fetched, *((t, b"not here") for t in gone)]:
            status = 404 if title in gone else 200
            record = archive.write_exchange(
                "GET",
                page_url(title),
                [("User-Agent", "nora-archive/test")],
                status,
                "OK" if status == 200 else "Not Found",
                [("Content-Type", "text/html; charset=UTF-8")],
                body,
                stamp,
            )
            state.record_fetch(
                NewFetch(
                    crawl.id,
                    listing[title],
                    page_url(title),
                    "new",
                    "ok" if status == 200 else "gone",
                    stamp,
                    http_status=status,
                    sha256=record.payload_sha256,
                    warc_file=record.warc_file,
                    warc_offset=record.offset,
                )
            )
        state.finish_crawl(
            crawl.id,
            status="complete",
            finished_at=stamp,
            pages_listed=len(titles),
            pages_fetched=len(fetched),
            pages_failed=0,
        )
        return crawl.id
