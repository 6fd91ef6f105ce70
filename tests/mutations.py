"""Layout mutations of the fixtures: the parser's safety net against the unseen live site.

Nobody here has seen NORA Online's HTML. Each mutation below rewrites a fixture the
way a live-site variation plausibly would (a heading variant, a sub-heading, text
after a table, a title row, a header row, an icon table first, ``smwtable`` on every
table, th/td swapped, a trailing empty paragraph, MediaWiki 1.43's heading wrapper,
the old skin's missing ``.mw-parser-output`` ...), with plain lxml, knowing nothing of
the parser. ``check`` then states what must hold: the properties and relations equal
the unmutated fixture's (or, where the variation changes meaning, the stated result),
nothing the parser found before is lost (every word of every record still appears in
some record), and the text the mutation added lands in a record.

    python -m tests.mutations      # the table: variations x fixtures, share equal
"""

from __future__ import annotations

import copy
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import lxml.html
from lxml import etree
from lxml.html import HtmlElement as HTML

from parsers import ParsedPage, parse_page
from tests.golden import FIXTURES, fixture_pages

ADDED = "Zie ook de toelichting bij dit element"  # text some mutations add
ICON_DEFINITION = "Een definitie van het elementtype"
_BLOCK = re.compile(r"^\s*(eigenschappen|relaties|afgeleide relaties)\s*$", re.IGNORECASE)
_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Mutation:
    """``apply`` changes the tree and says whether there was anything to change."""

    apply: Callable[[HTML], bool]
    about: str
    adds: str = ""  # a text the mutation adds that must land in a record
    same_sections: bool = False  # the section headings and texts must stay as they were


# --- finding things, independently of the parser ----------------------------------------


def _text(element: HTML) -> str:
    return " ".join(element.text_content().split())


def content(tree: HTML) -> HTML:
    found = tree.xpath("//*[@id='mw-content-text']")
    if found:
        return found[0]  # type: ignore[no-any-return]
    body = tree.find("body")
    return body if body is not None else tree


def headings(tree: HTML) -> list[HTML]:
    return [h for h in content(tree).iter("h2", "h3", "h4") if isinstance(h, HTML)]


def heading_text(heading: HTML) -> str:
    """A heading's own text: its headline, without the "[bewerken]" edit link."""
    headline = heading.find(".//span[@class='mw-headline']")
    if headline is not None:
        return _text(headline)
    copied = copy.deepcopy(heading)
    for edit in copied.xpath(".//*[contains(@class,'mw-editsection')]"):
        edit.drop_tree()
    return _text(copied)


def block_headings(tree: HTML) -> list[HTML]:
    return [h for h in headings(tree) if _BLOCK.match(heading_text(h))]


def _first_row(table: HTML) -> list[HTML]:
    rows = table.xpath("./tr | ./tbody/tr | ./thead/tr")
    return [c for c in rows[0] if c.tag in ("td", "th")] if rows else []


def relation_tables(tree: HTML) -> list[HTML]:
    found = []
    for table in content(tree).iter("table"):
        heads = {_text(cell).casefold() for cell in _first_row(table)}
        if {"vertrekpunt", "relatie"} <= heads and heads & {"eindpunt", "eindpunten"}:
            found.append(table)
    return found


def _after_heading(heading: HTML) -> HTML:
    """The element a heading's block starts after (the 1.43 wrapper, if there is one)."""
    parent = heading.getparent()
    if parent is not None and "mw-heading" in (parent.get("class") or ""):
        return parent
    return heading


def property_tables(tree: HTML) -> list[HTML]:
    out = []
    for table in content(tree).iter("table"):
        if not isinstance(table, HTML) or table in relation_tables(tree):
            continue
        caption = table.find("caption")
        if caption is not None and "eigenschappen" in _text(caption).casefold():
            out.append(table)
            continue
        previous = table.getprevious()
        while previous is not None and previous.tag in ("p", "div") and not _text(previous):
            previous = previous.getprevious()
        if previous is not None:
            inner = previous.find(".//h2") if previous.tag == "div" else None
            text = heading_text(inner if inner is not None else previous)
            if text.casefold().startswith("eigenschappen"):
                out.append(table)
    return out


# --- the mutations ----------------------------------------------------------------------


def _rename_headings(tree: HTML) -> bool:
    found = False
    for heading in block_headings(tree):
        target = heading.find(".//span[@class='mw-headline']")
        target = target if target is not None else heading
        text = heading_text(heading)
        suffix = {"eigenschappen": " van dit element", "relaties": " (2)"}.get(text.casefold(), ":")
        for child in list(target):
            if child.tag == "span" and "mw-editsection" in (child.get("class") or ""):
                target.remove(child)
        target.text, found = text + suffix, True
        for child in list(target):
            target.remove(child)
    return found


def _sub_heading(tree: HTML) -> bool:
    found = False
    for heading in block_headings(tree):
        level = int(heading.tag[1])
        anchor = _after_heading(heading)
        sub = lxml.html.fragment_fromstring(
            f"<h{min(level + 1, 6)}>Algemeen</h{min(level + 1, 6)}>"
        )
        anchor.addnext(sub)
        found = True
    return found


def _text_after_tables(tree: HTML) -> bool:
    tables = property_tables(tree) + relation_tables(tree)
    for table in tables:
        table.addnext(lxml.html.fragment_fromstring(f"<p>{ADDED}.</p>"))
    return bool(tables)


def _title_rows(tree: HTML) -> bool:
    found = False
    for table in relation_tables(tree):
        if not _under_block_heading(table):
            continue  # a title row would make an overview's table a relation block
        heads = {_text(c).casefold() for c in _first_row(table)}
        title = "Afgeleide relaties" if "eindpunt" in heads else "Relaties"
        _insert_first_row(table, f'<tr><th colspan="3">{title}</th></tr>')
        found = True
    for table in property_tables(tree):
        _insert_first_row(table, '<tr><th colspan="2">Eigenschappen</th></tr>')
        found = True
    return found


def _header_rows(tree: HTML) -> bool:
    tables = property_tables(tree)
    for table in tables:
        _insert_first_row(table, "<tr><th>Eigenschap</th><th>Waarde</th></tr>")
    return bool(tables)


def _insert_first_row(table: HTML, row_html: str) -> None:
    row = lxml.html.fragment_fromstring(row_html, create_parent="table")[0]
    rows = table.xpath("./tr | ./tbody/tr | ./thead/tr")
    if rows:
        rows[0].addprevious(row)
    else:
        table.append(row)


def _icon_table_first(tree: HTML) -> bool:
    root = content(tree)
    output = root.xpath("./div[contains(@class,'mw-parser-output')]")
    holder = output[0] if output else root
    icon = lxml.html.fragment_fromstring(
        '<table class="elementtype"><tr><td><img src="/images/Icoon.png" alt=""></td>'
        f"<td>{ICON_DEFINITION}.</td></tr></table>"
    )
    holder.insert(0, icon)
    return True


def _smwtable_everywhere(tree: HTML) -> bool:
    tables = list(content(tree).iter("table"))
    for table in tables:
        table.set("class", ((table.get("class") or "") + " sortable wikitable smwtable").strip())
    return bool(tables)


def _swap_cells(tree: HTML) -> bool:
    found = False
    for table in property_tables(tree):
        for row in table.xpath("./tr | ./tbody/tr"):
            cells = [c for c in row if c.tag in ("td", "th")]
            if len(cells) == 2:
                cells[0].tag = "td" if cells[0].tag == "th" else "th"
                found = True
    for table in relation_tables(tree):
        for cell in _first_row(table):
            cell.tag = "td" if cell.tag == "th" else "th"
            found = True
    return found


def _trailing_empty_paragraphs(tree: HTML) -> bool:
    blocks = [e for e in content(tree).iter("ul", "ol", "table") if e.getparent() is not None]
    blocks = [e for e in blocks if e.getparent().tag not in ("li", "td", "th")]  # type: ignore[union-attr]
    for element in blocks:
        element.addnext(lxml.html.fragment_fromstring("<p><br></p>"))
    return bool(blocks)


def _mw143_headings(tree: HTML) -> bool:
    found = False
    for heading in headings(tree):
        headline = heading.find("span[@class='mw-headline']")
        if headline is None:
            continue
        wrapper = lxml.html.fragment_fromstring(
            f'<div class="mw-heading mw-heading{heading.tag[1]}"></div>'
        )
        new = etree.SubElement(wrapper, heading.tag, id=headline.get("id") or "")
        new.text = _text(headline)
        wrapper.tail = heading.tail
        heading.getparent().replace(heading, wrapper)  # type: ignore[union-attr]
        found = True
    return found


def _old_skin(tree: HTML) -> bool:
    found = False
    for output in content(tree).xpath(".//div[contains(@class,'mw-parser-output')]"):
        output.drop_tag()
        found = True
    return found


def _div_label_lines(tree: HTML) -> bool:
    found = False
    for paragraph in content(tree).iter("p"):
        first = paragraph[0] if len(paragraph) else None
        if (
            first is not None
            and first.tag in ("b", "strong")
            and not (paragraph.text or "").strip()
        ):
            label = _text(first)
            if label.endswith(":") or (first.tail or "").lstrip().startswith(":"):
                paragraph.tag, found = "div", True
    return found


def _relation_list_punctuation(tree: HTML) -> bool:
    found = False
    for heading in headings(tree):
        if _BLOCK.match(heading_text(heading)):
            continue
        nxt = _after_heading(heading).getnext()
        if nxt is None or nxt.tag != "ul":
            continue
        items = [li for li in nxt if li.tag == "li"]
        if items and all(_only_a_link(li) for li in items):
            headline = heading.find(".//span[@class='mw-headline']")
            headline = headline if headline is not None else heading
            headline.text = (headline.text or "").rstrip() + ":"
            for li in items:
                li[0].tail = ","
            found = True
    return found


def _only_a_link(item: HTML) -> bool:
    return (
        len(item) == 1
        and item[0].tag == "a"
        and not (item.text or "").strip()
        and not (item[0].tail or "").strip()
    )


def _under_block_heading(table: HTML) -> bool:
    """The nearest heading before ``table`` (in document order) names a block."""
    for element in table.itersiblings(preceding=True):
        found = [element] if element.tag in ("h2", "h3", "h4") else element.xpath(".//h2|.//h3")
        if found:
            return bool(_BLOCK.match(heading_text(found[-1])))
    return False


def _no_property_heading(tree: HTML) -> bool:
    """The Eigenschappen heading removed where it is the first heading: the table is
    then a property table found by its rows alone, before any heading."""
    all_headings = headings(tree)
    if not all_headings or heading_text(all_headings[0]).casefold() != "eigenschappen":
        return False
    anchor = _after_heading(all_headings[0])
    nxt = anchor.getnext()
    if nxt is None or nxt.tag != "table" or nxt.find("caption") is not None:
        return False
    anchor.drop_tree()
    return True


def _full_width_rows(tree: HTML) -> bool:
    tables = [t for t in property_tables(tree) if "infobox" not in (t.get("class") or "")]
    for table in tables:
        rows = table.xpath("./tr | ./tbody/tr")
        if rows:
            row = lxml.html.fragment_fromstring(
                f'<tr><td colspan="2">{ADDED}.</td></tr>', create_parent="table"
            )[0]
            rows[-1].addnext(row)
    return bool(tables)


def _header_cells_outside_rows(tree: HTML) -> bool:
    found = False
    for table in relation_tables(tree):
        rows = table.xpath("./tr | ./tbody/tr")
        if not rows or not all(c.tag == "th" for c in rows[0]):
            continue
        header = rows[0]
        parent = header.getparent()
        at = parent.index(header)  # type: ignore[union-attr]
        for offset, cell in enumerate(list(header)):
            parent.insert(at + offset, cell)  # type: ignore[union-attr]
        parent.remove(header)  # type: ignore[union-attr]
        found = True
    return found


MUTATIONS: dict[str, Mutation] = {
    "identity": Mutation(
        lambda tree: True,
        "re-serialised by lxml, nothing changed",
        "",
        same_sections=True,
    ),
    "heading-variant": Mutation(
        _rename_headings,
        "Eigenschappen van dit element, Relaties (2), Afgeleide relaties:",
        "",
        same_sections=True,
    ),
    "sub-heading": Mutation(
        _sub_heading,
        "an h3 between a block heading and its table",
        "",
        same_sections=True,
    ),
    "text-after-table": Mutation(
        _text_after_tables,
        "a paragraph after every property and relation table",
        ADDED,
    ),
    "title-row": Mutation(
        _title_rows,
        "a colspan title row above property and relation tables",
        "",
        same_sections=True,
    ),
    "header-row": Mutation(
        _header_rows,
        "an Eigenschap | Waarde header row in property tables",
        "",
        same_sections=True,
    ),
    "icon-table-first": Mutation(
        _icon_table_first,
        "an icon/definition table before everything",
        ICON_DEFINITION,
    ),
    "smwtable-everywhere": Mutation(
        _smwtable_everywhere,
        "class smwtable on every table",
        "",
        same_sections=True,
    ),
    "th-td-swap": Mutation(
        _swap_cells,
        "label cells and relation header cells th<->td",
        "",
        same_sections=True,
    ),
    "trailing-empty-paragraph": Mutation(
        _trailing_empty_paragraphs,
        "<p><br></p> after every list and table",
        "",
        same_sections=True,
    ),
    "mw143-headings": Mutation(
        _mw143_headings,
        "div.mw-heading > h2 instead of h2 > span.mw-headline",
        "",
        same_sections=True,
    ),
    "old-skin": Mutation(
        _old_skin,
        "no .mw-parser-output wrapper",
        "",
        same_sections=True,
    ),
    "div-label-lines": Mutation(
        _div_label_lines,
        '"Label: value" lines as div instead of p',
        "",
        same_sections=True,
    ),
    "relation-list-punctuation": Mutation(
        _relation_list_punctuation,
        "a colon after relation-name headings, commas after their links",
        "",
        same_sections=True,
    ),
    "header-cells-outside-rows": Mutation(
        _header_cells_outside_rows,
        "relation header cells not in a tr",
        "",
        same_sections=True,
    ),
    "no-property-heading": Mutation(
        _no_property_heading,
        "the Eigenschappen heading gone: the table stands first",
    ),
    "full-width-row": Mutation(
        _full_width_rows,
        "a full-width (colspan=2) row in property tables",
        ADDED,
    ),
}


# --- checking -----------------------------------------------------------------------------


def mutable_fixtures() -> list[Path]:
    """Fixtures the mutations can be applied to: full UTF-8 pages that are not damaged."""
    out = []
    for page in fixture_pages(FIXTURES):
        data = page.read_bytes()
        if page.name.startswith("damaged-") or b"<html" not in data[:2000].lower():
            continue
        if b"windows-1252" in data[:3000].lower():
            continue
        out.append(page)
    return out


def mutate(page: Path, name: str) -> bytes | None:
    """The fixture with mutation ``name`` applied, or None when it has nothing to change."""
    tree = lxml.html.document_fromstring(page.read_bytes())
    if not MUTATIONS[name].apply(tree):
        return None
    data: bytes = lxml.html.tostring(tree, encoding="utf-8", doctype="<!DOCTYPE html>")
    return data


def _words(parsed: ParsedPage) -> set[str]:
    texts = [p.property + " " + p.value for p in parsed.properties]
    texts += [
        " ".join((r.source, r.relation, r.target, getattr(r, "target_text", "")))
        for r in parsed.relations
    ]
    texts += [s.heading + " " + s.text for s in parsed.sections]
    return {w.casefold() for t in texts for w in _WORD.findall(t)}


def _props(parsed: ParsedPage) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(p.property, p.value, p.links) for p in parsed.properties]


def _rels(parsed: ParsedPage) -> list[tuple[str, str, str, str, bool]]:
    return [(r.kind, r.source, r.relation, r.target, r.target_exists) for r in parsed.relations]


def check(page: Path, name: str) -> list[str]:
    """What is wrong with the parse of ``page`` under mutation ``name`` ([] when all holds)."""
    mutated = mutate(page, name)
    if mutated is None:
        return []
    mutation = MUTATIONS[name]
    before = parse_page(page.read_bytes(), page.name)
    after = parse_page(mutated, page.name)
    problems = []
    if _props(after) != _props(before):
        problems.append(f"properties: {_props(before)} became {_props(after)}")
    if _rels(after) != _rels(before):
        problems.append(f"relations: {len(_rels(before))} rows became {len(_rels(after))}")
    lost = _words(before) - _words(after)
    if lost:
        problems.append(f"words lost: {sorted(lost)[:12]}")
    if mutation.adds and not any(mutation.adds in s.text for s in after.sections):
        problems.append(f"the added text {mutation.adds!r} landed nowhere")
    if mutation.same_sections:
        old = [(s.heading, s.text) for s in before.sections]
        new = [(s.heading, s.text) for s in after.sections]
        if new != old:
            problems.append(f"sections changed: {old[:3]} became {new[:3]}")
    new_warnings = set(after.page.warnings) - set(before.page.warnings)
    if [w for w in new_warnings if w.startswith("internal-error")]:
        problems.append(f"internal error: {new_warnings}")
    return problems


def run_all() -> tuple[int, int, list[tuple[str, str, list[str]]]]:
    """(runs, runs with everything equal, the failures)."""
    runs = equal = 0
    failures = []
    for page in mutable_fixtures():
        for name in MUTATIONS:
            if mutate(page, name) is None:
                continue
            runs += 1
            problems = check(page, name)
            if problems:
                failures.append((page.name, name, problems))
            else:
                equal += 1
    return runs, equal, failures


def main() -> int:
    runs, equal, failures = run_all()
    fixtures = len(mutable_fixtures())
    print(f"{len(MUTATIONS)} mutations x {fixtures} fixtures: {runs} runs (mutations that "
          f"change the page), {equal} equal ({100 * equal / max(runs, 1):.1f}%)")  # fmt: skip
    for page, name, problems in failures:
        print(f"  {name} on {page}: {'; '.join(problems)}")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
