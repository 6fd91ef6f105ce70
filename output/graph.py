"""A snapshot as RDF (Turtle or N-Triples), for SPARQL: the vocabulary is in docs/GRAPH.md.

IRIs are the wiki's own page URLs: a page titled ``T`` is
``<article base> + wfUrlencode(T with spaces as underscores)``, which is the URL a
reader opens (``https://www.noraonline.nl/wiki/Toegankelijk_(Doel)``). The
article base is read off the snapshot (the part of each page's ``url`` before
its encoded title; the most common one wins), else taken from ``--base``, else
the manifest's site + ``/wiki/``. Relation endpoints and links that are not
pages of the snapshot (red links, cell text) get an IRI the same way, so an IRI
is the same in every snapshot of the same site. A page's property values,
relations and facts are nodes under the page IRI (``#property-0``,
``#relation-3``, ``#fact-1``): position in the page, stable as long as the page is.

Terms are in the ``na:`` namespace ``tag:nora-archive,2026:vocab#`` (a tag URI,
RFC 4151: stable and ours, not dereferenceable), with ``rdf:type`` and
``rdfs:label``. The ``facts`` and ``redirects`` tables are included when the
snapshot has them. Rows stream from Parquet in batches into pyoxigraph's
serializer, so memory stays flat; the file is written beside its target and
renamed into place when whole.
"""

from __future__ import annotations

import os
import uuid
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pyarrow as pa
import pyarrow.parquet as pq
import pyoxigraph as ox

from output.errors import GraphError

VOCAB = "tag:nora-archive,2026:vocab#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
DEFAULT_BASE = "https://www.noraonline.nl/wiki/"
#: what MediaWiki's wfUrlencode leaves as is in a title (= scraper.crawl.discovery._TITLE_SAFE)
TITLE_SAFE = ";@$!*(),/~:"
SNAPSHOT_IRI = "tag:nora-archive,2026:snapshot/"
FORMATS: dict[str, ox.RdfFormat] = {
    "turtle": ox.RdfFormat.TURTLE,
    "ntriples": ox.RdfFormat.N_TRIPLES,
}
SUFFIXES = {".ttl": "turtle", ".nt": "ntriples"}
PREFIXES = {"na": VOCAB, "rdfs": RDFS, "xsd": XSD}
_BATCH_ROWS = 8192


def _term(name: str) -> ox.NamedNode:
    return ox.NamedNode(VOCAB + name)


A = ox.NamedNode(RDF_TYPE)
LABEL = ox.NamedNode(RDFS + "label")
_INT = ox.NamedNode(XSD + "integer")
_BOOL = ox.NamedNode(XSD + "boolean")
_DATETIME = ox.NamedNode(XSD + "dateTime")
_DATE = ox.NamedNode(XSD + "date")
_DOUBLE = ox.NamedNode(XSD + "double")
T = {
    name: _term(name)
    for name in (
        "Page", "PropertyValue", "Relation", "Fact", "Snapshot",
        "namespace", "pageId", "revisionId", "elementType", "category", "fetchedAt",
        "contentSha256", "warning", "isRedirect", "historical", "redirectedFrom",
        "warcFile", "warcOffset", "hasProperty", "name", "value", "position", "link",
        "externalLink", "hasRelation", "kind", "relationName", "source", "target",
        "targetExists", "relatedTo", "hasFact", "subject", "property", "type",
        "redirectsTo", "site", "createdAt", "snapshotOf", "targetResolved", "number", "date",
    )
}  # fmt: skip


def encode_title(title: str) -> str:
    return quote(title.replace(" ", "_"), safe=TITLE_SAFE)


def article_base(urls_and_titles: Iterator[tuple[str, str]], fallback: str) -> str:
    """The most common ``url`` minus its encoded title among http(s) page URLs."""
    found: Counter[str] = Counter()
    for url, title in urls_and_titles:
        encoded = encode_title(title)
        if urlsplit(url).scheme in ("http", "https") and encoded and url.endswith(encoded):
            found[url[: len(url) - len(encoded)]] += 1
    return found.most_common(1)[0][0] if found else fallback


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(int(value)), datatype=_INT)


def _bool(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=_BOOL)


def _when(text: str) -> ox.Literal:
    """``xsd:dateTime`` when ``text`` is an ISO time with a zone, else a plain string."""
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return ox.Literal(text)
    if moment.tzinfo is None:
        return ox.Literal(text)
    return ox.Literal(moment.isoformat().replace("+00:00", "Z"), datatype=_DATETIME)


@dataclass(slots=True)
class _Minter:
    """Page IRIs from titles, each endpoint labelled once."""

    base: str
    labelled: set[str]
    edges: set[tuple[str, str]]

    def iri(self, title: str) -> ox.NamedNode:
        return ox.NamedNode(self.base + encode_title(title))

    def endpoint(self, title: str) -> Iterator[ox.Triple]:
        if title not in self.labelled:
            self.labelled.add(title)
            yield ox.Triple(self.iri(title), LABEL, ox.Literal(title))


def _rows(path: Path, columns: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """Rows of a Parquet table as dicts, a batch at a time (only the columns present)."""
    try:
        table = pq.ParquetFile(path)
        names = table.schema_arrow.names
        present = [c for c in (columns or names) if c in names]
        for batch in table.iter_batches(batch_size=_BATCH_ROWS, columns=present):
            yield from batch.to_pylist()
    except (OSError, pa.ArrowException) as error:
        found = "none" if not path.exists() else f"{type(error).__name__}: {error}"
        raise GraphError(
            f"{path}: expected a readable Parquet table, found {found} "
            "(nora verify checks a snapshot)",
            path,
        ) from None


def _page_triples(row: dict[str, Any], mint: _Minter) -> Iterator[ox.Triple]:
    title = str(row["title"])
    page = mint.iri(title)
    yield ox.Triple(page, A, T["Page"])
    yield from mint.endpoint(title)
    if row.get("namespace") is not None:
        yield ox.Triple(page, T["namespace"], _int(row["namespace"]))
    for column, term in (("page_id", "pageId"), ("revision_id", "revisionId")):
        if row.get(column) is not None:
            yield ox.Triple(page, T[term], _int(row[column]))
    if row.get("element_type"):
        yield ox.Triple(page, T["elementType"], ox.Literal(str(row["element_type"])))
    for category in row.get("categories") or ():
        yield ox.Triple(page, T["category"], ox.Literal(str(category)))
    if row.get("fetched_at"):
        yield ox.Triple(page, T["fetchedAt"], _when(str(row["fetched_at"])))
    if row.get("content_sha256"):
        yield ox.Triple(page, T["contentSha256"], ox.Literal(str(row["content_sha256"])))
    for warning in row.get("warnings") or ():
        yield ox.Triple(page, T["warning"], ox.Literal(str(warning)))
    for column, term in (("is_redirect", "isRedirect"), ("historical", "historical")):
        if row.get(column):
            yield ox.Triple(page, T[term], _bool(True))
    if row.get("redirected_from"):
        yield ox.Triple(page, T["redirectedFrom"], ox.Literal(str(row["redirected_from"])))
    if row.get("warc_file"):
        yield ox.Triple(page, T["warcFile"], ox.Literal(str(row["warc_file"])))
        if row.get("warc_offset") is not None:
            yield ox.Triple(page, T["warcOffset"], _int(row["warc_offset"]))


def _property_triples(row: dict[str, Any], mint: _Minter) -> Iterator[ox.Triple]:
    title = str(row["title"])
    node = ox.NamedNode(f"{mint.iri(title).value}#property-{int(row['position'])}")
    yield ox.Triple(mint.iri(title), T["hasProperty"], node)
    yield ox.Triple(node, A, T["PropertyValue"])
    yield ox.Triple(node, T["name"], ox.Literal(str(row["property"])))
    yield ox.Triple(node, T["value"], ox.Literal(str(row["value"])))
    yield ox.Triple(node, T["position"], _int(row["position"]))
    for link in row.get("links") or ():
        yield ox.Triple(node, T["link"], mint.iri(str(link)))
        yield from mint.endpoint(str(link))
    for link in row.get("external_links") or ():
        yield ox.Triple(node, T["externalLink"], ox.Literal(str(link)))


def _relation_triples(row: dict[str, Any], index: int, mint: _Minter) -> Iterator[ox.Triple]:
    title, source, target = str(row["title"]), str(row["source"]), str(row["target"])
    node = ox.NamedNode(f"{mint.iri(title).value}#relation-{index}")
    yield ox.Triple(mint.iri(title), T["hasRelation"], node)
    yield ox.Triple(node, A, T["Relation"])
    yield ox.Triple(node, T["kind"], ox.Literal(str(row["kind"])))
    yield ox.Triple(node, T["relationName"], ox.Literal(str(row["relation"])))
    yield ox.Triple(node, T["source"], mint.iri(source))
    yield ox.Triple(node, T["target"], mint.iri(target))
    yield ox.Triple(node, T["position"], _int(row["position"]))
    if row.get("target_exists") is not None:
        yield ox.Triple(node, T["targetExists"], _bool(bool(row["target_exists"])))
    yield from mint.endpoint(source)
    yield from mint.endpoint(target)
    resolved = str(row.get("target_resolved") or "") or target
    if resolved != target:  # the target is a redirect: where it leads
        yield ox.Triple(node, T["targetResolved"], mint.iri(resolved))
        yield from mint.endpoint(resolved)
    if row["kind"] == "direct" and (source, resolved) not in mint.edges:
        mint.edges.add((source, resolved))
        yield ox.Triple(mint.iri(source), T["relatedTo"], mint.iri(resolved))


def _subject(subject: str, mint: _Minter) -> ox.NamedNode:
    """The page's IRI, or for a subobject ``Title#name`` the page's ``#subobject-name``."""
    page, hash_mark, name = subject.partition("#")
    if not hash_mark:
        return mint.iri(subject)
    return ox.NamedNode(f"{mint.iri(page).value}#subobject-{quote(name, safe='')}")


def _fact_triples(row: dict[str, Any], index: int, mint: _Minter) -> Iterator[ox.Triple]:
    title = str(row.get("title") or "")
    node = ox.NamedNode(f"{mint.iri(title).value}#fact-{index}")
    yield ox.Triple(mint.iri(title), T["hasFact"], node)
    yield ox.Triple(node, A, T["Fact"])
    if row.get("subject"):
        subject = str(row["subject"])
        yield ox.Triple(node, T["subject"], _subject(subject, mint))
        if subject not in mint.labelled:
            mint.labelled.add(subject)
            yield ox.Triple(_subject(subject, mint), LABEL, ox.Literal(subject))
    for column in ("property", "type", "value"):
        if row.get(column) is not None:
            yield ox.Triple(node, T[column], ox.Literal(str(row[column])))
    if row.get("target"):
        yield ox.Triple(node, T["target"], _subject(str(row["target"]), mint))
        yield from mint.endpoint(str(row["target"]))
    if row.get("number") is not None and row["number"] == row["number"]:  # not NaN
        yield ox.Triple(node, T["number"], ox.Literal(repr(float(row["number"])), datatype=_DOUBLE))
    if row.get("date") is not None:
        yield ox.Triple(node, T["date"], ox.Literal(row["date"].isoformat(), datatype=_DATE))


def graph_triples(snapshot: Path, base: str, manifest: dict[str, Any]) -> Iterator[ox.Triple]:
    """Every triple of the snapshot's graph, streamed (pages, properties, relations,
    then facts and redirects when the snapshot has those tables)."""
    snapshot = Path(snapshot)
    for table in ("pages", "properties", "relations"):
        if not (snapshot / f"{table}.parquet").is_file():
            raise GraphError(f"{snapshot}: expected {table}.parquet, found none", snapshot)
    mint = _Minter(base, set(), set())
    node = ox.NamedNode(SNAPSHOT_IRI + snapshot.name)
    yield ox.Triple(node, A, T["Snapshot"])
    yield ox.Triple(node, T["snapshotOf"], ox.NamedNode(base))
    if manifest.get("created_at"):
        yield ox.Triple(node, T["createdAt"], _when(str(manifest["created_at"])))
    for row in _rows(snapshot / "pages.parquet"):
        yield from _page_triples(row, mint)
    for row in _rows(snapshot / "properties.parquet"):
        yield from _property_triples(row, mint)
    counts: Counter[str] = Counter()
    for row in _rows(snapshot / "relations.parquet"):
        counts[str(row["title"])] += 1
        yield from _relation_triples(row, counts[str(row["title"])] - 1, mint)
    if (snapshot / "facts.parquet").is_file():
        counts.clear()
        for row in _rows(snapshot / "facts.parquet"):
            counts[str(row.get("title") or "")] += 1
            yield from _fact_triples(row, counts[str(row.get("title") or "")] - 1, mint)
    if (snapshot / "redirects.parquet").is_file():
        for row in _rows(snapshot / "redirects.parquet", ["from_title", "to_title"]):
            source, target = str(row["from_title"]), str(row["to_title"])
            yield ox.Triple(mint.iri(source), T["redirectsTo"], mint.iri(target))
            yield from mint.endpoint(source)
            yield from mint.endpoint(target)


def choose_format(out: Path, given: str | None) -> str:
    if given is not None:
        return given
    suffix = out.suffix.lower()
    if suffix not in SUFFIXES:
        raise GraphError(
            f"{out}: expected a file name ending in .ttl or .nt (or --format), found {out.name}",
            out,
        )
    return SUFFIXES[suffix]


def snapshot_base(snapshot: Path, manifest: dict[str, Any], base: str | None) -> str:
    """The article base for IRIs: ``base`` if given, else read off the pages table."""
    if base:
        try:
            ox.NamedNode(base)
        except ValueError as error:
            raise GraphError(
                f"--base: expected an absolute IRI, found {base!r} ({error})"
            ) from None
        return base
    site = str((manifest.get("extra") or {}).get("site") or "")
    fallback = site.rstrip("/") + "/wiki/" if site.startswith(("http://", "https://")) else ""
    pairs = (
        (str(r["url"]), str(r["title"]))
        for r in _rows(snapshot / "pages.parquet", ["url", "title"])
    )
    return article_base(pairs, fallback or DEFAULT_BASE)


@dataclass(frozen=True, slots=True)
class GraphResult:
    out: Path
    triples: int
    base: str
    format: str


def write_graph(
    snapshot: Path,
    out: Path,
    *,
    manifest: dict[str, Any],
    fmt: str | None = None,
    base: str | None = None,
    force: bool = False,
) -> GraphResult:
    """Write the snapshot's graph to ``out`` (atomically); returns what was written."""
    snapshot, out = Path(snapshot), Path(out)
    chosen = choose_format(out, fmt)
    if out.exists() and not force:
        raise GraphError(f"{out}: expected a new file, found one already there (use --force)", out)
    if not out.parent.is_dir():
        raise GraphError(f"{out.parent}: expected a folder for the graph, found none", out)
    iri_base = snapshot_base(snapshot, manifest, base)
    temp = out.with_name(f".{out.name}.{uuid.uuid4().hex}")
    count = 0

    def counted() -> Iterator[ox.Triple]:
        nonlocal count
        for triple in graph_triples(snapshot, iri_base, manifest):
            count += 1
            yield triple

    try:
        with temp.open("wb") as handle:
            ox.serialize(counted(), handle, FORMATS[chosen], prefixes=PREFIXES)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, out)
    finally:
        temp.unlink(missing_ok=True)
    return GraphResult(out, count, iri_base, chosen)
