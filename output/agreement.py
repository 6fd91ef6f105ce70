"""Does a value on the page say what SMW's data says? And which SMW property is a label?

Pure functions over records, for ``output.checks``.

``same(prop, facts, redirects)`` compares one Eigenschappen value (text, links,
external links) with the values SMW holds for one property, by the property's SMW
type: page values by the titles linked (redirects followed), URLs by the external
links, dates by the day (the page may write "7 juni 2022", "juni 7, 2022",
"2022-06-07" or "07-06-2022"), numbers by their value (Dutch decimal comma too), text
by its words (whitespace runs as one space; several values as a set of lines or of
", "-separated items).

``infer_mapping`` reads, across a whole crawl, which SMW property each label shows:
for every label the property whose values agree with it on the most pages, when they
agree on at least half of the pages that show the label with a value and carry
facts (ties go to the property named like the label). The mapping given in the
config (``property_map``) wins over the profile's (``Profile.property_map``), which
wins over what is inferred; "" in either says a label has no SMW property. Many
labels may name one property. What was chosen, how and with what agreement goes to
the manifest.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from parsers.records import FactRecord, PropertyRecord

PAGE, URI, DATE, NUMBER, BOOLEAN = "_wpg", "_uri", "_dat", "_num", "_boo"
#: a label is taken for a property when they agree on at least this share of its pages
MIN_AGREEMENT = 0.5
MONTHS = {
    name: number
    for number, names in enumerate(
        (("januari", "january", "jan"), ("februari", "february", "feb"),
         ("maart", "march", "mrt", "mar"), ("april", "apr"), ("mei", "may"),
         ("juni", "june", "jun"), ("juli", "july", "jul"), ("augustus", "august", "aug"),
         ("september", "sep", "sept"), ("oktober", "october", "okt", "oct"),
         ("november", "nov"), ("december", "dec")),
        start=1,
    )
    for name in names
}  # fmt: skip
_DAY_MONTH_YEAR = re.compile(r"(\d{1,2})\s+([^\W\d_]+)\.?\s+(\d{3,4})")
# a month name starts a word: tried from inside a run of letters as well, the pattern
# read the rest of the run again at every letter (quadratic in the run's length)
_MONTH_DAY_YEAR = re.compile(r"(?<![^\W\d_])([^\W\d_]+)\.?\s+(\d{1,2}),?\s+(\d{3,4})")
_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMERIC_DMY = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")


def words(text: str) -> str:
    return " ".join(text.split())


def _day(year: str, month: int, day: str) -> str | None:
    try:
        return datetime.date(int(year), month, int(day)).isoformat()
    except ValueError:
        return None


def dates_in(text: str) -> set[str]:
    """The days a text names, as ISO dates."""
    found: set[str] = set()
    lowered = text.lower()
    for m in _ISO.finditer(lowered):
        found.add(_day(m[1], int(m[2]), m[3]) or "")
    for m in _DAY_MONTH_YEAR.finditer(lowered):
        if m[2] in MONTHS:
            found.add(_day(m[3], MONTHS[m[2]], m[1]) or "")
    for m in _MONTH_DAY_YEAR.finditer(lowered):
        if m[1] in MONTHS:
            found.add(_day(m[3], MONTHS[m[1]], m[2]) or "")
    for m in _NUMERIC_DMY.finditer(lowered):
        found.add(_day(m[3], int(m[2]), m[1]) or "")
    found.discard("")
    return found


def _number(text: str) -> float | None:
    cleaned = text.strip().replace("\u00a0", "").replace(" ", "")
    if "," in cleaned and "." in cleaned:
        cleaned = cleaned.replace(".", "").replace(",", ".")  # 1.234,5
    else:
        cleaned = cleaned.replace(",", ".")
    try:
        return float(cleaned)
    except ValueError:
        return None


def resolve(title: str, redirects: Mapping[str, str]) -> str:
    seen: set[str] = set()
    while title in redirects and title not in seen:  # bounded by the redirect map
        seen.add(title)
        title = redirects[title]
    return title


def _items(text: str) -> set[str]:
    lines = {words(line) for line in text.split("\n") if line.strip()}
    if len(lines) > 1:
        return lines
    return {words(part) for part in text.split(",") if part.strip()}


def _bare(title: str) -> str:
    """A page title as SMW shows it in text: without its namespace prefix."""
    return title.split(":", 1)[1] if ":" in title else title


@dataclass(frozen=True, slots=True)
class Verdict:
    agree: bool
    html: str  # what the page shows, as compared
    smw: str  # what SMW holds, as compared


def same(
    prop: PropertyRecord | None, facts: Sequence[FactRecord], redirects: Mapping[str, str]
) -> Verdict:
    """Compare one label's value (None: not on the page) with one property's values."""
    kind = facts[0].type if facts else ""
    text = prop.value if prop is not None else ""
    if kind == PAGE:
        targets = {resolve(f.target, redirects) for f in facts}
        if prop is not None and prop.links:
            links = {resolve(link, redirects) for link in prop.links}
            return Verdict(links == targets, " | ".join(sorted(links)), " | ".join(sorted(targets)))
        shown = {_bare(t) for t in targets}
        found = _items(text) if text.strip() else set()
        return Verdict(found == shown, " | ".join(sorted(found)), " | ".join(sorted(targets)))
    values = [f.value for f in facts]
    if kind == URI and prop is not None and prop.external_links:
        links = set(prop.external_links)
        return Verdict(links == set(values), " | ".join(sorted(links)), " | ".join(sorted(values)))
    if kind == DATE:
        days = {f.date.isoformat() if f.date else f.value for f in facts}
        found = dates_in(text)
        return Verdict(found == days, " | ".join(sorted(found)) or words(text),
                       " | ".join(sorted(days)))  # fmt: skip
    if kind == NUMBER:
        numbers = {f.number for f in facts}
        shown_numbers = {_number(item) for item in _items(text)} if text.strip() else set()
        return Verdict(shown_numbers == numbers, words(text), " | ".join(sorted(values)))
    if len(values) == 1 or not values:
        smw = words(values[0]) if values else ""
        return Verdict(words(text) == smw, words(text), smw)
    found = _items(text)
    return Verdict(found == {words(v) for v in values}, " | ".join(sorted(found)),
                   " | ".join(sorted(words(v) for v in values)))  # fmt: skip


@dataclass(frozen=True, slots=True)
class Choice:
    """What a label was taken for, and why (for the manifest)."""

    property: str  # "" for none
    source: str  # "config" | "profile" | "inferred" | "none"
    agree: int  # pages where label and property agree
    pages: int  # pages showing the label with a value and carrying facts


@dataclass(slots=True)
class Tally:
    """Agreement counts across a crawl, a page at a time."""

    shown: Counter[str]
    agree: Counter[tuple[str, str]]

    @classmethod
    def empty(cls) -> Tally:
        return cls(Counter(), Counter())

    def add(
        self,
        props: Iterable[PropertyRecord],
        by_property: Mapping[str, Sequence[FactRecord]],
        redirects: Mapping[str, str],
    ) -> None:
        for prop in props:
            if not (prop.value.strip() or prop.links):
                continue
            self.shown[prop.property] += 1
            for name, facts in by_property.items():
                if same(prop, facts, redirects).agree:
                    self.agree[(prop.property, name)] += 1


def _similar(label: str, prop: str) -> int:
    a, b = label.casefold(), prop.casefold()
    return 2 if a == b else 1 if a in b or b in a else 0


def infer_mapping(
    tally: Tally, override: Mapping[str, str], profile: Mapping[str, str] | None = None
) -> dict[str, Choice]:
    """Each label shown on pages with facts -> its SMW property (see the module docstring):
    ``override`` (the config's map) first, then ``profile`` (the profile's, by label as
    shown), then inferred."""
    out: dict[str, Choice] = {}
    given = profile or {}
    for label, pages in sorted(tally.shown.items()):
        for source, table in (("config", override), ("profile", given)):
            if label in table:
                prop = table[label]
                out[label] = Choice(prop, source, tally.agree.get((label, prop), 0), pages)
                break
        if label in out:
            continue
        candidates = [(n, p) for (lab, p), n in tally.agree.items() if lab == label]
        if not candidates:
            out[label] = Choice("", "none", 0, pages)
            continue
        count, prop = max(candidates, key=lambda c: (c[0], _similar(label, c[1]), c[1]))
        if count >= max(1, MIN_AGREEMENT * pages):
            out[label] = Choice(prop, "inferred", count, pages)
        else:
            out[label] = Choice("", "none", count, pages)
    for label, prop in override.items():
        out.setdefault(label, Choice(prop, "config", 0, 0))
    return out
