"""Every selector, pattern and marker of MediaWiki's own markup the parsers key on, as data.

NORA Online's own CSS classes are not known (see NORA-PAGES.md), so the parsers
key on label text and on MediaWiki's stable markup. What one wiki names in its own
words - block, property and relation labels, element types, namespaces - is its
profile (``parsers.profile``; NORA Online's is ``NORA``); what MediaWiki, Semantic
MediaWiki and their extensions write on every wiki of the platform is here. When
live HTML disagrees with either, one edit adapts every parser.

Label comparisons are made on ``fold(text)``: case-folded, whitespace collapsed
and a trailing ":" dropped, so "Eigenschappen:" and "eigenschappen" match too.
"""

from __future__ import annotations

import functools
import re


def fold(text: str) -> str:
    """Normalise a label for comparison (case, whitespace, trailing colon)."""
    return " ".join(text.split()).rstrip(":").strip().casefold()


# --- raw-text markers (string search before any HTML parsing) -------------------

CONTENT_MARKERS = (b'id="mw-content-text"', b"id='mw-content-text'", b"id=mw-content-text")
"""Start of the content area in full pages of every skin generation (searched in bytes)."""

CATLINKS_MARKERS = (b'id="catlinks"', b"id='catlinks'", b"id=catlinks")
"""The category box; the parsed slice runs to its end (unless metadata lists categories)."""

AFTER_CONTENT_MARKERS = (b"NewPP limit report", b'class="printfooter"', b'id="catlinks"')
"""What follows the content, latest first searched backwards: the parser report
comment, the print footer, the category box."""

FULL_PAGE_MARKERS = (b"<html", b"<!doctype", b"<head", b"<body")
"""A document holding any of these (case-insensitive, near its start) is a full page."""

END_OF_PAGE = b"</html"

CONFIG_OPENERS = (b"RLCONF", b"mw.config.set")
"""Page configuration: ``RLCONF={...}`` (MediaWiki >= 1.31) or ``mw.config.set({...})``."""
SCRIPT_END = b"</script"
CONFIG_KEYS: tuple[str, ...] = tuple(
    f'"{key}":'
    for key in (  # in the order MediaWiki writes them
        "wgNamespaceNumber",
        "wgPageName",
        "wgCurRevisionId",
        "wgRevisionId",
        "wgArticleId",
        "wgIsRedirect",
        "wgCategories",
        "wgRedirectedFrom",
    )
)
"""The page-config keys read (as they appear in the JSON, quote and colon included)."""
REDIRECTED_FROM_MARKER = b"mw-redirectedfrom"

CONFIG_KEY_RE = re.compile(
    r'"(wgPageName|wgTitle|wgNamespaceNumber|wgArticleId|wgRevisionId|wgCurRevisionId|'
    r'wgIsRedirect|wgRedirectedFrom|wgCanonicalNamespace)"\s*+:\s*+'
    r'("(?:[^"\\]|\\.)*+"|-?\d++|true|false|null|!0|!1)'
)
"""Fallback when the config object is not valid JSON: the few keys we need, one by one."""

CATEGORIES_KEY_OPEN_RE = re.compile(r'"wgCategories"\s*+:\s*+\[')
"""Where the fallback reads ``wgCategories`` (the list runs to the first "]")."""

XML_ENCODING_RE = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:-]+)""")
"""Matched once, at the start of a page that opens with ``<?xml``, in its first 4 KiB."""

FIRST_HEADING_ID = b"firstheading"
"""``h1#firstHeading``'s id, lowercase: the heading is found by string search
(``parsers.metadata``), matching tag and attribute names case-insensitively."""

CONTROL_REFERENCE_RE = re.compile(
    rb"&#(?:[xX]0*+(?P<hex>[1-8bBcCeEfF]|1[0-9a-fA-F]|[fF][fF][fF][eEfF])(?![0-9a-fA-F])"
    rb"|0*+(?P<dec>[1-8]|1[124-9]|2[0-9]|3[01]|6553[45])(?![0-9]));?"
)
"""Numeric character references to what ``parsers.document`` removes from the bytes
(C0 controls but TAB, LF, CR; U+FFFE, U+FFFF): the parser would turn them into
the characters themselves. ``&#0;`` is left alone (the parser makes it U+FFFD).
Possessive ``0*+``: no digit alternative starts with 0, so nothing is given back."""

LINE_MARK = "\ue000"
"""Private-use character the text extractor uses as a line break inside lxml text.
Scanning every page for it costs time, so a U+E000 in a page is taken as a line
break too (private use: no NORA text holds it)."""

# --- content area ---------------------------------------------------------------

NOISE_TAGS: tuple[str, ...] = ("script", "style", "noscript")
"""Elements whose text is never visible (``link``/``meta`` carry no text at all)."""
NOISE_IDS = frozenset({"toc", "jump-to-nav", "catlinks"})
NOISE_CLASSES = frozenset(
    {
        "smwttcontent",  # SMW tooltip definition (the term stays)
        "mw-lingo-tooltip-tip",  # Lingo 2 definition (the term stays)
        "smwsearch",  # SMW's trailing " +" search link
        "mw-editsection",  # "[bewerken]"
        "toc",
        "mw-jump",
        "navbox",
        "printfooter",
        "catlinks",
        "smwbrowse",
    }
)
EDIT_SECTION_OPEN = b'<span class="mw-editsection">'
EDIT_SECTION_RE = re.compile(
    rb'<span class="mw-editsection"><span class="mw-editsection-bracket">\[</span>'
    rb"(?:<a [^<>]*+>(?:<span>)?+[^<>]*+(?:</span>)?+</a>"
    rb'|<span class="mw-editsection-divider">[^<>]*+</span>)++'
    rb'<span class="mw-editsection-bracket">\]</span></span>'
)
"""MediaWiki's edit link next to a heading, exactly as it writes it (1.2x-1.43: one
link, or source and visual editor links with a divider). Cut from the page bytes
before parsing: a sixth of the elements of a typical page, never text. Anything
else spelled differently is still removed from the tree (``mw-editsection``).
Possessive throughout: what each part leaves over can only start the next part, so
nothing given back could make a failed match succeed; it fails in one pass."""
NOISE_DIV_CLASSES = frozenset({"mw-lingo-tooltip"})
"""Lingo 3 puts all definitions in ``div.mw-lingo-tooltip`` boxes; Lingo 2 uses
``span.mw-lingo-tooltip`` around the term itself, which must stay."""
RDF_HREF_MARKERS = ("ExportRDF", "RDF-export", "RDF_export", "ExporteerRDF", "RDF exporteren")
RDF_HREF_COMMON = "RDF"  # in every marker: one cheap test before the list
"""The RDF export icon link after "Afgeleide relaties": not a link target."""

BLOCK_TAGS: tuple[str, ...] = (
    *("p", "li", "tr", "br", "h1", "h2", "h3", "h4", "h5", "h6", "div", "dd", "dt", "dl"),
    *("ul", "ol", "table", "caption", "blockquote", "pre", "hr", "center", "section"),
    *("figure", "figcaption"),
)
"""Elements that end a line (and start one: text before a block is its own line)."""

CELL_TAGS: tuple[str, ...] = ("td", "th")
TABLE_SECTION_TAGS: tuple[str, ...] = ("thead", "tbody", "tfoot")
"""Where a table's own rows may sit besides directly in it."""
HEADING_TAGS = {"h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
CONTAINER_TAGS = frozenset({"div", "section", "center", "article", "main", "span", "font"})
"""Wrappers that are descended into when a heading sits inside them."""

# --- blocks and MediaWiki's markup ---------------------------------------------------

PROPERTIES = "properties"
DIRECT, DERIVED = "direct", "derived"
"""The blocks a profile's labels open (``Profile.blocks``): the property block, the
direct relations (Relaties) and the derived ones (Afgeleide relaties)."""


def block_kind(text: str, blocks: tuple[tuple[str, str], ...]) -> str:
    """The kind of the first of ``blocks`` (folded label, kind; longest first) that ``text``
    starts with, then a space, "(", ":" or nothing; else "". So "Eigenschappen van dit
    element" and "Relaties (2)" name their blocks, "Relatiesoorten" none.

    It runs for every heading, caption and title row.
    """
    folded = fold(text)
    for label, kind in blocks:
        if folded.startswith(label):
            rest = folded[len(label) : len(label) + 1]
            if not rest or not rest.isalnum():
                return kind
    return ""


@functools.lru_cache(maxsize=4096)  # header texts repeat on every page of a wiki
def header_forms(text: str) -> frozenset[str]:
    """The forms a column header label is compared in: case, spaces and punctuation
    ignored (only letters and digits kept), a parenthesised plural both dropped and
    joined, so "Eindpunt(en)" is both "eindpunt" and "eindpunten", "Relatie(s)" both
    "relatie" and "relaties"."""
    folded = text.casefold()
    forms = {_letters(folded)}
    if "(" in folded:
        without = []
        depth = 0
        for char in folded:
            if char == "(":
                depth += 1
            elif char == ")":
                depth = max(0, depth - 1)
            elif not depth:
                without.append(char)
        forms.add(_letters("".join(without)))
    forms.discard("")
    return frozenset(forms)


def _letters(text: str) -> str:
    return "".join(char for char in text if char.isalnum())


# --- Semantic MediaWiki's query result markup (SMW 5.1, vendor/smw/README.md) -------------

QUERY_RESULT_CLASSES = frozenset({"smwtable", "smw-format", "smwfooter"})
"""Classes only SMW's inline query results carry: ``table.smwtable`` (formats table and
broadtable), ``ul/ol/span.smw-format`` (ul, ol, list), ``tr.smwfooter`` (more results).
A page showing one in a body block has ``shows_query_results``."""
QUERY_FOOTER_CLASSES = frozenset({"smwfooter"})
"""The last row of a query table that reached its ``limit=``: a link to further results
("... meer resultaten", or the query's ``searchlabel=``), query chrome, not data."""
QUERY_FURTHER_RESULTS_HREFS = (
    "Speciaal:Vragen",
    "Special:Ask",
    "Speciaal%3AVragen",
    "Special%3AAsk",
)
"""The further-results link of list formats points at Special:Ask (Dutch: Vragen)."""
QUERY_FIELD_LABEL_CLASS = "smw-field-label"
"""``format=ul``/``list``: the printout's label before each value ("Eindpunt: ")."""
QUERY_ROW_CLASS = "smw-row"
"""``format=ul``/``ol``/``list``: one result row (``li.smw-row``, ``span.smw-row``)."""
PRINTOUT_SEPARATORS = frozenset(":()")
"""Punctuation around printout labels in list formats ("Eindpunt: X (Vertrekpunt: Y)")."""


MAX_LABEL_LENGTH = 80
MAX_LABEL_WORDS = 8
MAX_ANNOUNCEMENT_WORDS = 5
"""A caption, title row or pseudo-heading naming a block is this short at most
("Eigenschappen van dit element"); a longer text is a sentence, not a label."""

HEADING_WRAPPER_CLASS = "mw-heading"
"""MediaWiki >= 1.43: ``div.mw-heading > h2`` instead of ``h2 > span.mw-headline``."""
CONTENT_TEXT_ID = "mw-content-text"
PARSER_OUTPUT_CLASS = "mw-parser-output"
REDIRECT_NOTICE_CLASS = "redirectMsg"
#: an SMW inline query's result table in the body text (an overview of other pages)
QUERY_RESULT_CLASS = "smwtable"
CATLINKS_ID = "catlinks"
IMAGE_LINK_CLASSES = frozenset(
    {"image", "mw-file-description", "internal", "mw-lingo-term", "smwbrowse", "mw-jump-link"}
)
EXTERNAL_LINK_CLASSES = frozenset({"external", "extiw"})
SELF_LINK_CLASSES = frozenset({"mw-selflink", "selflink"})
SELF_LINK_CLASS = "mw-selflink selflink"
"""MediaWiki's class attribute of a self-link, verbatim (the fast path of ``parsers.links``);
``strong.selflink`` before MediaWiki 1.28."""
RED_LINK_CLASS = "new"
RED_LINK_QUERY = "redlink=1"
ENDPOINT_SEPARATORS = frozenset(",;/·|&+")
"""Characters that separate the links of an endpoint cell: not text beside them."""
ENDPOINT_SEPARATOR_WORDS = frozenset({"en", "of", "and", "or"})

RED_LINK_SUFFIXES = (" (de pagina bestaat niet)", " (page does not exist)")
ARTICLE_PATH_PREFIXES = ("/wiki/", "./")
SCRIPT_PATH_MARKERS = ("index.php",)
THUMB_PREFIX_RE = re.compile(r"^(?:lossy-|lossless-)?(?:page\d+-)?\d+px-")

# --- hardening (issue 11): kept together at the end of the module ------------------

TEXT_CHARSETS = frozenset(
    {
        "utf-8",
        "cp866",
        *(f"iso8859-{n}" for n in (2, 3, 4, 5, 6, 7, 8, 10, 13, 14, 15, 16)),
        "koi8-r",
        "koi8-u",
        "mac-roman",
        "mac-cyrillic",
        "cp874",
        *(f"cp{n}" for n in range(1250, 1259)),
        "gbk",
        "gb18030",
        "big5",
        "euc_jp",
        "iso2022_jp",
        "shift_jis",
        "euc_kr",
    }
)
"""The declared charsets a page is decoded with: the WHATWG Encoding Standard's, as
Python's codec registry names them (after ``parsers.charset``'s browser aliases).
Any other name - UTF-7, which browsers refuse (``+ADw-script+AD4-`` is a script to
it), binary transforms such as base64, rot13 or zlib, ``undefined`` - is treated
as an unknown charset: the page is read as UTF-8, with an ``encoding`` warning."""

DEPTH_ERROR_MARKER = "Excessive depth in document"
"""What libxml2 says when a page is nested deeper than it parses (``parsers.nesting``)."""

FLATTEN_DEPTH = 512
"""Tags nested deeper than this are dropped (their text kept) from a page that hit
libxml2's depth limit, before it is parsed again."""

TAG_NAME_RE = re.compile(rb"<(/?)([A-Za-z][A-Za-z0-9:-]*+)")
"""The start of a start or end tag, for counting depth (``parsers.nesting``, which finds
the tag's end by string search: a pattern spanning the attributes rescanned the rest
of the page from every unclosed ``<a x``)."""

FLATTEN_HARD_DEPTH = 1536
"""Past FLATTEN_DEPTH, elements other than inline ones may nest on to this depth
(still well below libxml2's 2,048) before they are dropped too."""

INLINE_ELEMENTS = frozenset(
    b"a abbr b bdi bdo big cite code del dfn em font i ins kbd mark nobr q s samp small "
    b"span strike strong sub sup tt u var".split()
)
"""Inline elements: the ones that pile up unclosed (``<span>`` x 6,000)."""

VOID_ELEMENTS = frozenset(
    b"area base br col embed hr img input keygen link meta param source track wbr".split()
)
"""Elements that never have content, so never nest."""
