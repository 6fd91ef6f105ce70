"""Link targets as page titles (parsers.links)."""

from __future__ import annotations

from lxml import etree

from parsers.links import Target, classify, links_in, title_from_url

_PARSER = etree.HTMLParser()


def anchor(html: str) -> etree._Element:
    root = etree.fromstring(f"<html><body>{html}</body></html>", _PARSER)
    found = root.find(".//a")
    assert found is not None
    return found


def test_title_attribute_wins_over_display_text() -> None:
    a = anchor('<a href="/wiki/Afnemer_(Begrip)" title="Afnemer (Begrip)">afnemers</a>')
    assert classify(a, "P") == Target("Afnemer (Begrip)", True)


def test_red_link_suffix_removed_and_marked_missing() -> None:
    a = anchor(
        '<a href="/index.php?title=Caf%C3%A9_%E2%80%98X%E2%80%99&amp;action=edit&amp;redlink=1"'
        ' class="new" title="Café ‘X’ (de pagina bestaat niet)">Café</a>'
    )
    assert classify(a, "P") == Target("Café ‘X’", False)


def test_href_percent_decoded_when_no_title() -> None:
    a = anchor('<a href="/wiki/Inzage_%26_Correctie/Burger%27s#Kop">x</a>')
    assert classify(a, "P") == Target("Inzage & Correctie/Burger's", True)
    b = anchor('<a href="/index.php?title=FS:Digikoppeling_3.0&amp;oldid=5">x</a>')
    assert classify(b, "P") == Target("FS:Digikoppeling 3.0", True)


def test_self_link_is_the_page() -> None:
    a = anchor('<a class="mw-selflink selflink">Tekst</a>')
    assert classify(a, "Eén overheid") == Target("Eén overheid", True)


def test_external_interwiki_image_and_anchor_links() -> None:
    assert classify(anchor('<a class="external text" href="https://x.nl/a">x</a>'), "P") == (
        "https://x.nl/a"
    )
    assert classify(anchor('<a href="http://y.nl/">y</a>'), "P") == "http://y.nl/"
    assert classify(anchor('<a href="/wiki/Bestand:Bron.png" class="image">i</a>'), "P") is None
    assert classify(anchor('<a href="#Kop">k</a>'), "P") is None
    assert classify(anchor("<a>geen href</a>"), "P") is None
    assert classify(anchor('<a href="/wiki/Speciaal:RDF-export/X">rdf</a>'), "P") is None


def test_links_in_keeps_order_without_repeats() -> None:
    root = etree.fromstring(
        '<html><body><td><a href="/wiki/B" title="B">b</a>, <a href="/wiki/A" title="A">a</a>,'
        ' <a href="/wiki/B" title="B">b</a> <a class="external" href="https://e.nl">e</a></td>'
        "</body></html>",
        _PARSER,
    )
    internal, external = links_in(root, "P")
    assert [t.title for t in internal] == ["B", "A"]
    assert external == ["https://e.nl"]


def test_title_from_url() -> None:
    assert title_from_url("https://www.noraonline.nl/wiki/FS:Foo_bar") == "FS:Foo bar"
    assert title_from_url("/index.php?title=A%26B&action=view") == "A&B"
    assert title_from_url("pages/foo.html") == ""
