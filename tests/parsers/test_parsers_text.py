"""Text rules (parsers.text) over a tree stage 1 (parsers.walk) cleaned and marked."""

from __future__ import annotations

from lxml import etree

from parsers import parse_page
from parsers.text import inline_text, normalize, raw_text, text_of
from parsers.walk import walk

_PARSER = etree.HTMLParser()


def element(html: str) -> etree._Element:
    root = etree.fromstring(f"<html><body>{html}</body></html>", _PARSER)
    body = root.find("body")
    assert body is not None
    walk(body[0])  # stage 1: noise dropped, lines marked
    return body[0]


def test_paragraphs_list_items_and_br_end_lines() -> None:
    div = element("<div><p>Een\ntwee</p><ul><li>a</li><li>b<br>c</li></ul>staart</div>")
    assert text_of(div) == "Een twee\na\nb\nc\nstaart"


def test_text_before_a_nested_list_is_its_own_line() -> None:
    cell = element("<table><tr><td>kop<ol><li>een</li><li>twee</li></ol></td></tr></table>")
    assert text_of(cell) == "kop\neen\ntwee"


def test_cells_of_a_row_are_joined_by_one_space_rows_end_lines() -> None:
    table = element("<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>")
    assert text_of(table) == "A B\n1 2"


def test_nbsp_runs_and_source_newlines_are_one_space() -> None:
    para = element("<p>a\u00a0\u00a0 b\n\n\tc</p>")
    assert text_of(para) == "a b c"


def test_empty_lines_dropped_and_lines_trimmed() -> None:
    div = element("<div><p> </p><p>  x  </p><div></div><p>y</p></div>")
    assert text_of(div) == "x\ny"


def test_headings_and_dd_dt_end_lines() -> None:
    div = element("<div><h3>Kop</h3><dl><dt>term</dt><dd>uitleg</dd></dl></div>")
    assert text_of(div) == "Kop\nterm\nuitleg"


def test_noise_removed_and_following_text_kept() -> None:
    div = element(
        '<div><p>Een <span class="smw-highlighter"><span class="smwtext">afnemer</span>'
        '<span class="smwttcontent">De persoon die</span></span> is'
        '<span class="smwsearch"><a href="/x">+</a></span> hier.'
        '<span class="mw-editsection">[<a href="/e">bewerken</a>]</span></p>'
        "<script>var x = 1;</script><style>p {}</style>"
        '<div id="toc" class="toc">Inhoud 1 Kop</div>'
        '<p><span class="mw-lingo-tooltip"><span class="mw-lingo-tooltip-abbr">BSN</span>'
        '<span class="mw-lingo-tooltip-tip">Burgerservicenummer</span></span> telt.</p>'
        '<div class="mw-lingo-tooltip" id="x1">definitie</div></div>'
    )
    assert text_of(div) == "Een afnemer is hier.\nBSN telt."


def test_tocnumber_is_not_toc() -> None:
    div = element('<div><span class="tocnumber">1</span> blijft</div>')
    assert text_of(div) == "1 blijft"


def test_inline_text_and_normalize() -> None:
    assert inline_text("a\ue000 b\n c") == "a b c"
    assert normalize("  a  ") == "a"
    assert inline_text(raw_text(element("<p>x<b>y</b></p>"))) == "xy"


def test_noise_is_removed_on_any_element() -> None:
    html = (
        '<div class="mw-parser-output"><p>Een waarde<sup class="mw-editsection">[bewerken]'
        '</sup> <a class="smwsearch" href="/s">+</a>blijft.</p>'
        '<p class="printfooter">Overgenomen van x</p><ul id="toc"><li>Inhoud</li></ul>'
        '<ol class="a toc"><li>1 Kop</li></ol></div>'
    )
    parsed = parse_page(html, "/wiki/P")
    assert [s.text for s in parsed.sections] == ["Een waarde blijft."]


def test_a_dropped_block_leaves_a_line_break_a_dropped_span_none() -> None:
    """Noise goes before the lines are marked: the text after a dropped block still
    starts a line (as it would after the block), after a dropped inline element not."""
    div = element(
        '<div>een<div class="mw-lingo-tooltip">def</div>twee<br class="toc">drie'
        '<span class="smwttcontent">uitleg</span>vier</div>'
    )
    assert text_of(div) == "een\ntwee\ndrievier"


def test_dropped_cells_and_cells_before_whitespace_stay_apart() -> None:
    table = element(
        '<table><tr><td>a</td>\n<td>b</td><td class="navbox">weg</td><td>c</td></tr>'
        "<tr><td>d</td> <td>e</td>f <td>g</td></tr></table>"
    )
    assert text_of(table) == "a b c\nd e f g"


def test_a_cell_before_dropped_noise_gets_its_space_over_the_text_after_the_drop() -> None:
    """Noise goes before the lines are marked: where the text after a dropped element
    follows a cell with no tail, the cell's space is decided over that text
    (whitespace there already: no space added)."""
    row = element(
        '<table><tr><td>a</td><span class="smwsearch">+</span> <td>b</td>'
        '<span class="smwsearch">+</span>c<td>d</td><script>s</script> '
        "<script>t</script> e<td>f</td></tr></table>"
    ).find(".//tr")
    assert row is not None
    assert [cell.tail for cell in row.findall("td")] == [" ", " c", "  e", " "]
    assert text_of(row) == "a b cd ef"  # loose text runs into the next cell, as ever
