"""Decoding, slicing and metadata (parsers.document)."""

from __future__ import annotations

from lxml import etree

from parsers.document import load

HEAD = (
    '<!DOCTYPE html><html><head><meta charset="{charset}"/><script>'
    'RLCONF={{"wgPageName":"Eén_loket","wgNamespaceNumber":0,"wgArticleId":7,'
    '"wgRevisionId":9,"wgCategories":["A"]}};</script></head><body>'
    '<h1 id="firstHeading">Eén loket</h1><div id="contentSub"></div>'
)
BODY = (
    '<div id="mw-content-text"><div class="mw-parser-output"><p>één</p></div></div>'
    '<div id="catlinks" class="catlinks"><div><ul><li>x</li></ul></div></div>'
    '<div id="mw-navigation">menu</div></body></html>'
)


def test_undeclared_non_utf8_content_is_reread() -> None:
    page = '<div id="mw-content-text"><p>caf\xe9</p></div>'
    doc = load(("<html><body>" + page + "</body></html>").encode("cp1252"))
    assert doc.warnings[0].startswith("encoding:")
    assert doc.root is not None and "café" in etree.tostring(doc.root, encoding="unicode")


def test_slice_parses_content_only_and_reads_rlconf() -> None:
    doc = load((HEAD.format(charset="UTF-8") + BODY).encode())
    assert doc.meta["wgPageName"] == "Eén_loket"
    assert doc.meta["wgCategories"] == ["A"]
    assert doc.root is not None and doc.root.get("class") == "mw-parser-output"
    assert b"menu" not in doc.source and b"RLCONF" not in doc.source
    assert doc.warnings == []
    assert doc.first_heading == ""  # only read when wgPageName is missing
    no_name = load(
        (HEAD.format(charset="UTF-8").replace('"wgPageName":"Eén_loket",', "") + BODY).encode()
    )
    assert no_name.first_heading == "Eén loket"


def test_old_minified_mw_config_set() -> None:
    page = (
        '<html><head><script>if(window.mw){mw.config.set({"wgPageName":"AP01",'
        '"wgIsRedirect":!1,"wgArticleId":4,"wgCategories":["X","Y"]});}</script></head><body>'
        '<div id="mw-content-text"><p>x</p></div></body></html>'
    )
    doc = load(page.encode())
    assert doc.meta["wgPageName"] == "AP01"
    assert doc.meta["wgIsRedirect"] is False
    assert doc.meta["wgCategories"] == ["X", "Y"]
    assert doc.root is not None and doc.root.get("id") == "mw-content-text"


def test_damage_is_reported() -> None:
    assert load(b"").warnings[0].startswith("empty:")
    assert load(b'{"error": 1}').warnings[0].startswith("not-html:")
    truncated = load((HEAD.format(charset="UTF-8") + BODY[:60]).encode())
    assert any(w.startswith("truncated:") for w in truncated.warnings)
    missing = load(b"<html><body><p>x</p></body></html>")
    assert missing.warnings[0].startswith("no-content-area:")


def test_bare_fragment_root() -> None:
    doc = load(b'<div class="mw-parser-output"><p>x</p></div>')
    assert doc.root is not None and doc.root.get("class") == "mw-parser-output"
    assert doc.meta == {} and doc.warnings == []
