"""``parse_page``: one page's HTML (str or bytes) in, the records of four tables out.

Labels, element types and namespaces come from a ``parsers.profile.Profile``
(NORA Online's by default); MediaWiki's own markup from ``parsers.labels``.
Page fields and their sources, first found wins:

* ``title``: ``wgPageName`` ("_" as space), else ``h1#firstHeading``, else the
  url (``/wiki/X``, ``?title=X``), else the url taken as a file name (stem).
* ``namespace``: ``wgNamespaceNumber``, else the title's prefix looked up in
  the profile's ``namespaces`` (NORA: Dutch and English names), else 0.
* ``page_id``: ``wgArticleId``; ``revision_id``: ``wgRevisionId``, else
  ``wgCurRevisionId`` (0 counts as unknown: ``None``).
* ``element_type``: the value (first line) of a property labelled Elementtype
  or Type (the profile's ``element_type_properties``); else the element-type icon: the
  first image in the content whose file name stem ("Bron.png" -> "Bron",
  thumbnail size prefixes removed) is a known type (the profile's ``element_types``);
  else "".
* ``categories``: ``wgCategories``, else the links of ``#catlinks`` (normal and
  hidden), without the "Categorie:" prefix (the profile's ``category_prefixes``).
* ``redirected_from``: ``wgRedirectedFrom``, else the link of
  ``span.mw-redirectedfrom``; ``is_redirect``: ``wgIsRedirect`` (or a
  ``.redirectMsg`` in the content when there is no metadata); ``historical``:
  the body text or a property value holds one of the profile's
  ``historical_markers`` (NORA: "Historie van de NORA", the banner of
  historical principles).
* ``content_sha256``: SHA-256 (lowercase hex) of the UTF-8 bytes of the page's
  content fields joined by U+001F, in this order: title, element type; the
  number of categories, each category; the number of properties, then per
  property its name, value, number of links, each link, number of external
  links, each of them; the number of relations, then per relation its kind,
  source, relation, target, "1"/"0" for ``target_exists``, target_text; the number of
  sections, then per section its heading, level, text. Counts and levels are
  decimal; records' ``title`` and ``position`` are implied (page title, order);
  U+001F is removed from every field first. Full definition and an example:
  ``parsers.digest``. It moves with the content only: chrome, request ids,
  parser-report comments, fetch times and ids are outside it.

* ``notes``: what an operator may want to know although nothing was lost or misread
  (text kept as body text inside a block, a relation table read by position; codes
  in ``parsers.problems.NOTE_CODES``).
* ``shows_query_results``: SMW inline query result markup
  (``labels.QUERY_RESULT_CLASSES``) stands in a body block (``parsers.blocks``), such
  as an overview table of other pages' values. Markup inside property or relation
  blocks (Eigenschappen, Relaties, Afgeleide relaties rendered by ``#ask``) does not
  count: those show the page's own facts and the relations naming it, which the crawl
  plan follows by their relation targets.

``parse_page`` never raises on input: damage, visible text that landed in no record
(``lost``) and whatever may be misread become ``warnings`` ("code: detail", codes in
``parsers.problems``); an unexpected internal error becomes an ``internal-error``
warning.

Speed: the work is in ``parsers.extraction`` and the pipeline it runs. Measured on
the shared 2-core machine, CPU time, medians of 9 interleaved rounds over the 98
fixtures and the real sample (``make bench-parse``): a bare ``lxml.html.fromstring``
2,577 pages/s, ``parse_page`` 1,308 pages/s: 0.51x (0.39-0.42x before this parser's
two speed passes; the parser before the read-only pipeline of issue 17 measured
0.58-0.63x; must 0.7x: not met). ``make bench-floor`` prices what no lxml-based
parser of these tables can skip (the parse of the content slice, one visit of every
element, one text serialisation, each link's attributes, the records and their
digest): 64% of lxml's time, which leaves 29.6 ms a pass above the floor at 0.7x for
line structure, the table model, blocks, readers, conservation and warnings; this
parser spends 50.8 ms on them. Time is linear in the page size, whatever the page
holds (``tests/parsers/test_parsers_linear.py``).
"""

from __future__ import annotations

from parsers import charset, problems
from parsers.extraction import extract, failed
from parsers.profile import NORA, Profile
from parsers.records import ParsedPage


def parse_page(
    html: str | bytes,
    url: str | None = None,
    profile: Profile = NORA,
    *,
    fetched_at: str = "",
) -> ParsedPage:
    """Parse one page with ``profile``'s labels (NORA Online's by default); never raises
    on input (problems become page warnings).

    Any object is accepted here; the modules it calls expect the types they declare.
    """
    if not isinstance(profile, Profile):  # a caller's mistake, not damaged input: say so
        raise TypeError(f"profile: expected a parsers.profile.Profile, found {profile!r}")
    where = url or ""
    try:
        warnings: list[str] = []
        if isinstance(html, bytes | bytearray | memoryview):
            raw, warnings = charset.to_utf8(bytes(html))
        elif isinstance(html, str):
            raw = html.encode("utf-8", "replace")
        else:
            raw = b""
            found = type(html).__name__
            warnings.append(
                problems.warning(problems.NOT_HTML, f"expected str or bytes, found {found}")
            )
        return extract(raw, warnings, where, fetched_at, profile)
    except Exception as error:  # the contract: never raise on input
        return failed(where, fetched_at, f"{type(error).__name__}: {error}", profile)
