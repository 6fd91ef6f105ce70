"""What the wiki says of itself, and which of its namespaces a crawl lists.

``meta=siteinfo&siprop=general|namespaces|statistics|extensions|specialpagealiases``:
server, article path (the URL a reader sees, ``/wiki/$1`` on NORA), generator,
the namespaces with their ``content`` flag (content namespaces are crawled by
default), the wiki's page count (which bounds the listing: ``scraper.crawl.listing``),
whether it runs Semantic MediaWiki, and the local name of ``Special:ExportRDF``
(``scraper.crawl.smw``). Answers are read leniently in both JSON format versions
(``formatversion=2`` gives booleans and ``name``; version 1 gives ``""`` flags and ``*``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from scraper.errors import DiscoveryError, UnknownNamespace


class Api(Protocol):
    """The one method discovery needs from ``scraper.net.client.Client``."""

    def api(self, params: Mapping[str, str]) -> dict[str, object]: ...


#: crawled by default when the wiki has them and no namespaces are configured:
#: FS holds NORA's FS-Standaard copies, which are element pages too
USUALLY_INCLUDED: tuple[str, ...] = ("FS",)
#: left out by default when present and no exclusions are configured: drafts
USUALLY_EXCLUDED: tuple[str, ...] = ("Werkruimte", "Sandbox")


@dataclass(frozen=True, slots=True)
class Namespace:
    id: int
    name: str  # local name ("Categorie"), "" for the main namespace
    canonical: str  # canonical English name ("Category"), "" when none
    content: bool

    def matches(self, ref: int | str) -> bool:
        """True when ``ref`` (number or name, any case, "main"/"(main)" for 0) means this one."""
        if isinstance(ref, int):
            return ref == self.id
        wanted = ref.strip().replace("_", " ").casefold()
        if self.id == 0 and wanted in ("", "main", "(main)", "(hoofdnaamruimte)"):
            return True
        return wanted in (self.name.casefold(), self.canonical.casefold()) and wanted != ""


@dataclass(frozen=True, slots=True)
class SiteInfo:
    server: str  # "https://www.noraonline.nl" or protocol-relative "//host"
    articlepath: str  # "/wiki/$1"
    script: str  # "/index.php"
    generator: str  # "MediaWiki 1.39.6"
    sitename: str
    namespaces: tuple[Namespace, ...]
    pages: int | None = None  # statistics.pages: every page of every namespace
    articles: int | None = None  # statistics.articles: content pages
    #: (name, version) of each installed extension ("SemanticMediaWiki", "5.1.0")
    extensions: tuple[tuple[str, str], ...] = ()
    #: special page canonical name -> its first local alias ("ExportRDF" -> "RDFExporteren")
    special_pages: Mapping[str, str] | None = None

    def extension(self, name: str) -> str | None:
        """The version of an installed extension ("" when it gives none), None when absent."""
        return next((version for n, version in self.extensions if n == name), None)


def _count(value: object) -> int | None:
    """A statistics count (an int, or digits in version 1), None when absent or unusable."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


#: the largest integer SQLite stores: an id or count past it cannot be true
MAX_API_INT = 2**63 - 1


def api_int(where: str, name: str, value: object) -> int:
    """A whole number the API gives (an id, a revision, a length), as an int.

    An int or a string of digits within SQLite's range; anything else (``"abc"``, null,
    ``1e400``, ``10**20``) is a ``DiscoveryError`` saying what was expected and found.
    """
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().lstrip("-").isdigit():
        number = int(value)
    if number is None or not -MAX_API_INT <= number <= MAX_API_INT:
        raise DiscoveryError(where, f"expected {name} as a whole number, found {value!r:.80}")
    return number


def api_flag(value: object) -> bool:
    """formatversion=2 gives true/false; version 1 gives "" for true and omits false."""
    return value is True or value == ""


def _name(entry: Mapping[str, Any]) -> str:
    value = entry.get("name", entry.get("*", ""))
    return str(value) if value is not None else ""


def read_siteinfo(api: Api) -> SiteInfo:
    """``meta=siteinfo``: general facts and namespaces."""
    params = {
        "action": "query",
        "meta": "siteinfo",
        "siprop": "general|namespaces|statistics|extensions|specialpagealiases",
    }
    answer = api.api(params)
    query = answer.get("query")
    if not isinstance(query, dict) or not isinstance(query.get("general"), dict):
        raise DiscoveryError("siteinfo", f"expected query.general, found {sorted(answer)}")
    general: dict[str, Any] = query["general"]
    raw_ns = query.get("namespaces", {})
    entries = raw_ns.values() if isinstance(raw_ns, dict) else raw_ns
    namespaces = tuple(
        sorted(
            (
                Namespace(
                    id=api_int("siteinfo", "namespace id", e["id"]),
                    name=_name(e),
                    canonical=str(e.get("canonical", "") or ""),
                    content=api_flag(e.get("content", False)),
                )
                for e in entries
                if isinstance(e, dict) and "id" in e
            ),
            key=lambda n: n.id,
        )
    )
    stats = query.get("statistics")
    stats = stats if isinstance(stats, dict) else {}
    articlepath = str(general.get("articlepath", "") or "")
    if "$1" not in articlepath:
        raise DiscoveryError("siteinfo", f"expected an articlepath with $1, found {articlepath!r}")
    extensions = tuple(
        (str(e.get("name", "")), str(e.get("version", "") or ""))
        for e in (query.get("extensions") or [])
        if isinstance(e, dict) and e.get("name")
    )
    aliases = query.get("specialpagealiases") or []
    special = {
        str(a["realname"]): str(a["aliases"][0])
        for a in (aliases if isinstance(aliases, list) else [])
        if isinstance(a, dict)
        and a.get("realname")
        and isinstance(a.get("aliases"), list)
        and a["aliases"]
        and isinstance(a["aliases"][0], str)
    }
    return SiteInfo(
        server=str(general.get("server", "") or ""),
        articlepath=articlepath,
        script=str(general.get("script", "/index.php") or "/index.php"),
        generator=str(general.get("generator", "") or ""),
        sitename=str(general.get("sitename", "") or ""),
        namespaces=namespaces,
        pages=_count(stats.get("pages")),
        articles=_count(stats.get("articles")),
        extensions=extensions,
        special_pages=special,
    )


def choose_namespaces(
    site: SiteInfo,
    include: Sequence[int | str] = (),
    exclude: Sequence[int | str] = (),
) -> tuple[Namespace, ...]:
    """The wiki's content namespaces, plus ``include``, minus ``exclude``.

    With no ``include`` the wiki's content namespaces are crawled, plus those of
    ``USUALLY_INCLUDED`` the wiki has; each included namespace is added to the
    content ones (so ``--namespace FS`` means "content and FS"). With no
    ``exclude``, the namespaces of ``USUALLY_EXCLUDED`` the wiki has are left out.
    Special (-1) and Media (-2) never hold pages. Unknown names raise
    ``UnknownNamespace`` (a typo must not silently crawl nothing).
    """

    def find(ref: int | str) -> Namespace:
        for ns in site.namespaces:
            if ns.matches(ref):
                return ns
        known = ", ".join(f"{n.id}={n.name or '(main)'}" for n in site.namespaces if n.id >= 0)
        raise UnknownNamespace("namespaces", f"expected one of {known}; found {ref!r}")

    def present(refs: Sequence[int | str]) -> list[Namespace]:
        return [ns for ref in refs for ns in site.namespaces if ns.matches(ref)]

    chosen = {ns.id: ns for ns in site.namespaces if ns.content and ns.id >= 0}
    if not include:
        # NORA's defaults apply where the wiki has those namespaces; any other
        # MediaWiki simply lacks them, so they are optional, unlike a typed name.
        chosen.update((ns.id, ns) for ns in present(USUALLY_INCLUDED))
    if not exclude:
        for ns in present(USUALLY_EXCLUDED):
            chosen.pop(ns.id, None)
    for ref in include:
        ns = find(ref)
        chosen[ns.id] = ns
    for ref in exclude:
        chosen.pop(find(ref).id, None)
    return tuple(chosen[i] for i in sorted(chosen) if i >= 0)
