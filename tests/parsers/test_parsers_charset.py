"""Charset handling (parsers.charset)."""

from __future__ import annotations

from parsers.charset import decode, to_utf8

PAGE = (
    '<!DOCTYPE html><html><head><meta charset="{charset}"/></head><body>'
    "<p>Eén ‘loket’</p></body></html>"
)


def test_declared_windows_1252_is_honoured() -> None:
    raw = PAGE.format(charset="windows-1252").encode("cp1252")
    text, warnings = decode(raw)
    assert "Eén ‘loket’" in text and warnings == []
    assert to_utf8(raw)[0].decode() == text


def test_undeclared_non_utf8_is_guessed_with_a_warning() -> None:
    text, warnings = decode("<p>caf\xe9</p>".encode("cp1252"))
    assert text == "<p>café</p>"
    assert warnings[0].startswith("encoding:")


def test_utf8_default_and_bom() -> None:
    assert decode("<p>é</p>".encode())[0] == "<p>é</p>"
    assert decode(b"\xef\xbb\xbf<p>x</p>")[0] == "<p>x</p>"
    assert to_utf8(b"<p>\xc3\xa9</p>") == (b"<p>\xc3\xa9</p>", [])
    latin = '<meta charset="iso-8859-1"><p>\xe9\x80</p>'.encode("latin-1")
    assert to_utf8(latin)[0].decode() == '<meta charset="iso-8859-1"><p>é€</p>'  # as cp1252


def test_http_equiv_and_xml_declarations() -> None:
    meta = b'<meta http-equiv="Content-Type" content="text/html; charset=windows-1252"/><p>\xe9</p>'
    assert decode(meta)[0].endswith("<p>é</p>")
    xml = b'<?xml version="1.0" encoding="ISO-8859-1"?><p>\xe9</p>'
    assert decode(xml)[0].endswith("<p>é</p>")
    unknown = b'<meta charset="klingon"/><p>x</p>'
    assert to_utf8(unknown)[1][0].startswith("encoding:")
