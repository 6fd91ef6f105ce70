"""Layout mutations of the fixtures: the parser's safety net against the unseen live site.

Nobody here has seen NORA Online's HTML. Each mutation below rewrites a fixture the
way a live-site variation plausibly would (a heading variant, a sub-heading, text
after a table, a title row, a header row, an icon table first, ``smwtable`` on every
table, th/td swapped, a trailing empty paragraph, MediaWiki 1.43's heading wrapper,
the old skin's missing ``.mw-parser-output``; and issue 17's layout classes: relations
split per relation type as tables, as SMW ``format=ul`` and as ``format=list``, header
label variants, a rowspan'd Vertrekpunt, property group rows, SMW's ``tr.smwfooter``,
``headers=hide``, property blocks as a bold-label list and as a grid of divs), with
plain lxml, knowing nothing of the parser. ``check`` then states what must hold: the
properties and relations equal the unmutated fixture's (or, where the variation changes
meaning, the stated result),
nothing the parser found before is lost (every word of every record still appears in
some record), the text the mutation added lands in a record, and the mutation brings
no new warning (a variation the parser reads completely is no cause for one; a ``lost``
warning is one).

    python -m tests.mutations      # the table: variations x fixtures, share equal
"""

from __future__ import annotations

import copy
import functools
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
_BLOCK_WORDS = frozenset({"eigenschappen", "relaties", "afgeleide"})


@dataclass(frozen=True)
class Mutation:
    """``apply`` changes the tree and says whether there was anything to change."""

    apply: Callable[[HTML], bool]
    about: str
    adds: str = ""  # a text the mutation adds that must land in a record
    same_sections: bool = False  # the section headings and texts must stay as they were
    ordered: bool = True  # relations in the same order (False: the same rows, any order)
    #: the mutation renames or moves block headings: text a block keeps as body text
    #: stays the same, under the heading it now stands under
    headings_move: bool = False


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


# --- issue 17's layout classes ----------------------------------------------------------

_HEADS = {
    "vertrekpunt": "source",
    "relatie": "relation",
    "eindpunt": "target",
    "eindpunten": "target",
}


def _relation_grid(table: HTML) -> tuple[dict[str, int], HTML, list[list[HTML]]] | None:
    """(role -> column, header row, data rows as cells) of a plain relation table under a
    block heading: every row 3 cells, no spans; None otherwise."""
    if not _under_block_heading(table):
        return None
    rows = table.xpath("./tr | ./tbody/tr | ./thead/tr")
    if not rows:
        return None
    header = [c for c in rows[0] if c.tag in ("td", "th")]
    roles = {_HEADS.get(_text(c).casefold(), ""): i for i, c in enumerate(header)}
    if len(header) != 3 or {"source", "relation", "target"} - set(roles):
        return None
    data = []
    for row in rows[1:]:
        cells = [c for c in row if c.tag in ("td", "th")]
        if len(cells) != 3 or any(c.get("colspan") or c.get("rowspan") for c in cells):
            return None
        data.append(cells)
    return roles, rows[0], data


def _is_derived(table: HTML) -> bool:
    for element in table.itersiblings(preceding=True):
        found = [element] if element.tag in ("h2", "h3", "h4") else element.xpath(".//h2|.//h3")
        if found:
            return heading_text(found[-1]).casefold().startswith("afgeleide")
    return False


def _heading_level(table: HTML) -> int:
    for element in table.itersiblings(preceding=True):
        found = [element] if element.tag in ("h2", "h3", "h4") else element.xpath(".//h2|.//h3")
        if found:
            return int(found[-1].tag[1])
    return 2


def _by_relation(roles: dict[str, int], data: list[list[HTML]]) -> dict[str, list[list[HTML]]]:
    groups: dict[str, list[list[HTML]]] = {}
    for cells in data:
        groups.setdefault(_text(cells[roles["relation"]]), []).append(cells)
    return groups


def _sub_heading_html(level: int, name: str) -> str:
    sub = min(level + 1, 6)
    return f'<h{sub}><span class="mw-headline">{_escape(name)}</span></h{sub}>'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _inner(cell: HTML) -> str:
    return (_escape(cell.text or "")) + "".join(
        lxml.html.tostring(child, encoding="unicode") for child in cell
    )


def _replace_with(table: HTML, html: str) -> None:
    parts = lxml.html.fragments_fromstring(html)
    anchor = table
    for part in parts:
        if isinstance(part, str):
            continue
        anchor.addnext(part)
        anchor = part
    anchor.tail = table.tail
    table.getparent().remove(table)  # type: ignore[union-attr]


def _split_tables(tree: HTML) -> bool:
    """Relaties split per relation type: a sub-heading per relation name over a
    2-column Vertrekpunt | Eindpunt table of its rows."""
    found = False
    for table in relation_tables(tree):
        grid = _relation_grid(table)
        if grid is None or not grid[2]:
            continue
        roles, _, data = grid
        level = _heading_level(table)
        html = ""
        for name, rows in _by_relation(roles, data).items():
            if not name:
                return False
            body = "".join(
                f"<tr><td>{_inner(c[roles['source']])}</td><td>{_inner(c[roles['target']])}</td></tr>"
                for c in rows
            )
            html += _sub_heading_html(level, name)
            head = "<tr><th>Vertrekpunt</th><th>Eindpunt</th></tr>"
            html += f'<table class="wikitable">{head}{body}</table>'
        _replace_with(table, html)
        found = True
    return found


def _only_links(cell: HTML) -> list[HTML] | None:
    links = [a for a in cell.iter("a") if a.get("href") or "selflink" in (a.get("class") or "")]
    rest = _text(cell)
    for a in links:
        rest = rest.replace(_text(a), "", 1)
    if not links or re.sub(r"[\s,;]", "", rest):
        return None
    return links


def _list_rows(table: HTML) -> tuple[int, str, list[tuple[str, list[HTML]]]] | None:
    """(level, printout label, [(relation, endpoint links)]) of a relation table whose
    other endpoint is always this page: the shape an SMW list query of it has."""
    grid = _relation_grid(table)
    if grid is None or not grid[2]:
        return None
    roles, _, data = grid
    derived = _is_derived(table)
    mine, other = ("target", "source") if derived else ("source", "target")
    rows = []
    for cells in data:
        if not cells[roles[mine]].xpath(".//a[contains(@class,'selflink')]"):
            return None
        links = _only_links(cells[roles[other]])
        if links is None:
            return None
        rows.append((_text(cells[roles["relation"]]), links))
    return _heading_level(table), "Vertrekpunt" if derived else "Eindpunt", rows


_LABEL = (
    '<span class="smw-field-label"><span class="smw-highlighter" data-type="1">'
    '<span class="smwtext">{}</span><span class="smwttcontent">Het {} van de relatie'
    "</span></span></span>: "
)


def _values(links: list[HTML]) -> str:
    shown = [lxml.html.tostring(a, encoding="unicode", with_tail=False) for a in links]
    return ", ".join(f'<span class="smw-value">{a}</span>' for a in shown)


def _split_lists(tree: HTML, inline: bool) -> bool:
    found = False
    for table in relation_tables(tree):
        shaped = _list_rows(table)
        if shaped is None:
            continue
        level, label, rows = shaped
        groups: dict[str, list[list[HTML]]] = {}
        for name, links in rows:
            groups.setdefault(name, []).append(links)
        if "" in groups:
            continue
        html = ""
        for name, items in groups.items():
            field = _LABEL.format(label, label.casefold())
            rendered = [
                f'<span class="smw-field">{field}{_values(links)}</span>' for links in items
            ]
            html += _sub_heading_html(level, name)
            if inline:
                row_html = ", ".join(f'<span class="smw-row">{r}</span>' for r in rendered)
                html += f'<p><span class="smw-format list-format">{row_html}</span></p>'
            else:
                html += (
                    '<ul class="smw-format ul-format">'
                    + "".join(f'<li class="smw-row">{r}</li>' for r in rendered)
                    + "</ul>"
                )
        _replace_with(table, html)
        found = True
    return found


def _header_variants(tree: HTML) -> bool:
    found = False
    spelled = {"vertrekpunt": "Vertrek punt", "relatie": "Relatie(s)", "eindpunt": "Eindpunt(en)",
               "eindpunten": "EINDPUNT(EN)"}  # fmt: skip
    for table in relation_tables(tree):
        if not _under_block_heading(table):
            continue
        for cell in _first_row(table):
            key = _text(cell).casefold()
            if key in spelled and not len(cell):
                cell.text = spelled[key]
                found = True
    return found


def _rowspan_sources(tree: HTML) -> bool:
    found = False
    for table in relation_tables(tree):
        grid = _relation_grid(table)
        if grid is None:
            continue
        roles, _, data = grid
        at = 0
        while at < len(data):
            source = data[at][roles["source"]]
            end = at + 1
            while end < len(data) and _same_cell(data[end][roles["source"]], source):
                end += 1
            if end - at > 1:
                source.set("rowspan", str(end - at))
                for cells in data[at + 1 : end]:
                    cells[roles["source"]].getparent().remove(cells[roles["source"]])  # type: ignore[union-attr]
                found = True
            at = end
    return found


def _same_cell(a: HTML, b: HTML) -> bool:
    same: bool = lxml.html.tostring(a, with_tail=False) == lxml.html.tostring(b, with_tail=False)
    return same


def _plain_property_rows(tree: HTML) -> list[tuple[HTML, list[tuple[HTML, HTML]]]]:
    """Property tables under a block heading of label/value rows only (no header, title
    or group rows, no infobox, every label non-empty)."""
    out = []
    for table in property_tables(tree):
        if "infobox" in (table.get("class") or "") or not _under_block_heading(table):
            continue
        if table.find("caption") is not None:
            continue
        pairs: list[tuple[HTML, HTML]] = []
        for row in table.xpath("./tr | ./tbody/tr | ./thead/tr"):
            cells = [c for c in row if c.tag in ("td", "th")]
            if len(cells) != 2 or not _text(cells[0]) or all(c.tag == "th" for c in cells):
                pairs = []
                break
            pairs.append((cells[0], cells[1]))
        if pairs:
            out.append((table, pairs))
    return out


def _property_group_rows(tree: HTML) -> bool:
    tables = [t for t, pairs in _plain_property_rows(tree) if len(pairs) >= 2]
    for table in tables:
        rows = table.xpath("./tr | ./tbody/tr")
        middle = rows[len(rows) // 2]
        middle.addprevious(
            lxml.html.fragment_fromstring(
                '<tr><th colspan="2">Beheer</th></tr>', create_parent="table"
            )[0]
        )
        _insert_first_row(table, '<tr><th colspan="2">Algemeen</th></tr>')
    return bool(tables)


def _label_html(label: HTML) -> str:
    """The label cell's content (its tooltip markup too), without a trailing colon."""
    inner = _inner(label).rstrip()
    return inner[:-1] if inner.endswith(":") else inner


def _property_bullets(tree: HTML) -> bool:
    found = False
    for table, pairs in _plain_property_rows(tree):
        items = "".join(
            f"<li><b>{_label_html(label)}:</b> {_inner(value)}</li>" for label, value in pairs
        )
        _replace_with(table, f"<ul>{items}</ul>")
        found = True
    return found


def _property_div_grid(tree: HTML) -> bool:
    found = False
    for table, pairs in _plain_property_rows(tree):
        rows = "".join(
            f'<div class="rij"><div class="label">{_label_html(label)}</div>'
            f'<div class="waarde">{_inner(value)}</div></div>'
            for label, value in pairs
        )
        _replace_with(table, f'<div class="eigenschappen-grid">{rows}</div>')
        found = True
    return found


def _smwfooter(tree: HTML) -> bool:
    found = False
    for table in relation_tables(tree):
        if _relation_grid(table) is None:
            continue
        table.append(
            lxml.html.fragment_fromstring(
                '<tr class="smwfooter sortbottom"><td colspan="3"><a href="/index.php?title='
                'Speciaal:Vragen&amp;q=%5B%5BEindpunt%3A%3AX%5D%5D" title="Speciaal:Vragen">'
                "... meer resultaten</a></td></tr>",
                create_parent="table",
            )[0]
        )
        found = True
    return found


def _headers_hide(tree: HTML) -> bool:
    found = False
    for table in relation_tables(tree):
        grid = _relation_grid(table)
        if grid is None or not grid[2]:
            continue
        roles, header, _ = grid
        if roles != {"source": 0, "relation": 1, "target": 2}:
            continue
        header.getparent().remove(header)  # type: ignore[union-attr]
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
        headings_move=True,
    ),
    "sub-heading": Mutation(
        _sub_heading,
        "an h3 between a block heading and its table",
        "",
        same_sections=True,
        headings_move=True,
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
    "split-per-type-table": Mutation(
        _split_tables,
        "Relaties split per relation type: a sub-heading per name over Vertrekpunt | Eindpunt",
        "",
        same_sections=True,
        ordered=False,
    ),
    "split-per-type-ul": Mutation(
        lambda tree: _split_lists(tree, inline=False),
        "split per relation type as SMW format=ul, 'Eindpunt: ' printout labels with tooltips",
        "",
        same_sections=True,
        ordered=False,
    ),
    "split-per-type-list": Mutation(
        lambda tree: _split_lists(tree, inline=True),
        "split per relation type as SMW format=list, inline in one paragraph",
        "",
        same_sections=True,
        ordered=False,
    ),
    "header-label-variants": Mutation(
        _header_variants,
        "relation headers spelled Vertrek punt | Relatie(s) | Eindpunt(en)",
        "",
        same_sections=True,
    ),
    "rowspan-source": Mutation(
        _rowspan_sources,
        "one Vertrekpunt cell spanning the rows it shares (rowspan)",
        "",
        same_sections=True,
    ),
    "property-group-rows": Mutation(
        _property_group_rows,
        "two colspan group rows (Algemeen, Beheer) in property tables",
        "",
        same_sections=True,
    ),
    "smwfooter": Mutation(
        _smwfooter,
        "SMW's tr.smwfooter '... meer resultaten' row after relation tables",
        "",
        same_sections=True,
    ),
    "headers-hide": Mutation(
        _headers_hide,
        "SMW headers=hide: relation tables without their header row",
        "",
        same_sections=True,
    ),
    "property-bullet-list": Mutation(
        _property_bullets,
        "property tables as a bulleted list of bold 'Label:' items",
        "",
        same_sections=True,
    ),
    "property-div-grid": Mutation(
        _property_div_grid,
        "property tables as a grid of label and value divs",
        "",
        same_sections=True,
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


def applicable(page: Path) -> list[str]:
    """The mutations that have something to change in ``page`` (nothing serialised)."""
    data = page.read_bytes()
    return [name for name, m in MUTATIONS.items() if m.apply(lxml.html.document_fromstring(data))]


def mutate(page: Path, name: str) -> bytes | None:
    """The fixture with mutation ``name`` applied, or None when it has nothing to change."""
    tree = lxml.html.document_fromstring(page.read_bytes())
    if not MUTATIONS[name].apply(tree):
        return None
    data: bytes = lxml.html.tostring(tree, encoding="utf-8", doctype="<!DOCTYPE html>")
    return data


@functools.cache
def _unmutated(page: Path) -> ParsedPage:
    """The fixture's own parse: every mutation of it compares with this one parse."""
    return parse_page(page.read_bytes(), page.name)


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
    before = _unmutated(page)
    after = parse_page(mutated, page.name)
    problems = []
    if _props(after) != _props(before):
        problems.append(f"properties: {_props(before)} became {_props(after)}")
    old_rels, new_rels = _rels(before), _rels(after)
    if not mutation.ordered:
        old_rels, new_rels = sorted(old_rels), sorted(new_rels)
    if new_rels != old_rels:
        problems.append(f"relations: {old_rels[:4]} became {new_rels[:4]}")
    lost = _words(before) - _words(after)
    if mutation.headings_move:  # a block's name is chrome once no section carries it
        lost -= _BLOCK_WORDS
    if lost:
        problems.append(f"words lost: {sorted(lost)[:12]}")
    if mutation.adds and not any(mutation.adds in s.text for s in after.sections):
        problems.append(f"the added text {mutation.adds!r} landed nowhere")
    if mutation.same_sections:
        old = [(s.heading, s.text) for s in before.sections]
        new = [(s.heading, s.text) for s in after.sections]
        if mutation.headings_move:
            old = [("", t) for _, t in old if t]
            new = [("", t) for _, t in new if t]
        if new != old:
            problems.append(f"sections changed: {old[:3]} became {new[:3]}")
    new_warnings = set(after.page.warnings) - set(before.page.warnings)
    if new_warnings:  # a variation the parser reads completely deserves no warning
        problems.append(f"new warnings: {sorted(new_warnings)[:3]}")
    return problems


def run_all() -> tuple[int, int, list[tuple[str, str, list[str]]]]:
    """(runs, runs with everything equal, the failures)."""
    runs = equal = 0
    failures = []
    for page in mutable_fixtures():
        for name in applicable(page):
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
