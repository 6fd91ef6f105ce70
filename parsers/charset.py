"""Page bytes as UTF-8: declared charset, BOM, or a guess.

UTF-8 pages (declared, or with nothing declared) are passed through untouched:
decoding a whole page to ``str`` cost more than parsing its content area.
Other declared charsets are transcoded once. The charset declaration is found
by string search (a backtracking regular expression cost more than all of the
decoding). ``parsers.document`` validates the parsed slice and falls back to
``guess`` for pages that are not UTF-8 after all.
"""

from __future__ import annotations

import codecs

from parsers import labels, problems

_CHARSET_BYTES = frozenset(b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.:-")
_WHATWG_ALIASES = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "latin-1": "cp1252",
    "iso8859-9": "cp1254",
    "iso8859-11": "cp874",
    "gb2312": "gbk",
    "cp949": "euc_kr",
    # a page that could declare UTF-16 in ASCII bytes is not UTF-16 (WHATWG prescan)
    "utf-16": "utf-8",
    "utf-16-le": "utf-8",
    "utf-16-be": "utf-8",
}
"""As browsers do: a page declaring latin-1 or ASCII is read as windows-1252, and so on.
Only names in ``labels.TEXT_CHARSETS`` are honoured after this mapping."""


def to_utf8(data: bytes) -> tuple[bytes, list[str]]:
    """Page bytes as UTF-8 bytes: as they are when they already are, else transcoded.

    UTF-8 input (declared, or undeclared) is not decoded here at all: the
    content slice is validated in ``load`` (a page that is not UTF-8 after all
    comes back through ``guess``). A BOM or another declared charset
    (``<meta charset>``, the http-equiv content type, the XML declaration) is
    decoded and re-encoded once.
    """
    warnings: list[str] = []
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace").encode("utf-8"), warnings
    name = _declared_charset(data)
    declared = _codec_name(name) if name else None
    if name and declared is None:
        warnings.append(
            problems.warning(problems.ENCODING, f"unknown declared charset {name!r}; read as UTF-8")
        )
    if declared is None or declared == "utf-8":
        return data, warnings
    try:
        text = data.decode(declared)
    except UnicodeDecodeError as error:
        warnings.append(
            problems.warning(
                problems.ENCODING,
                f"expected {declared}, found an undecodable byte at {error.start}; replaced",
            )
        )
        text = data.decode(declared, errors="replace")
    return text.encode("utf-8"), warnings


def _declared_charset(data: bytes) -> str:
    """The charset of the first ``<meta ... charset=X>`` (or XML declaration), or "".

    String search instead of a regular expression: the backtracking pattern cost
    more per page than all of the decoding.
    """
    at = data.find(b"charset", 0, 4096)
    if at < 0:
        at = data.find(b"CHARSET", 0, 4096)
    while at >= 0:
        tag = data.rfind(b"<", 0, at)
        if tag >= 0 and data[tag : tag + 5].lower() == b"<meta" and data.find(b">", tag, at) < 0:
            value = data[at + 7 : at + 80].lstrip(b" \t\r\n=\"'")
            end = 0
            for byte in value:  # a loop over a dozen bytes beats a regex match here
                if byte not in _CHARSET_BYTES:
                    break
                end += 1
            if end:
                return value[:end].decode("ascii")
        at = data.find(b"charset", at + 7, 4096)
    if data.startswith(b"<?xml"):  # the declaration itself, not a lookalike further on
        match = labels.XML_ENCODING_RE.match(data, 0, 4096)
        if match:
            return match.group(1).decode("ascii")
    return ""


def decode(data: bytes) -> tuple[str, list[str]]:
    """Page bytes as text (declared charset, else UTF-8, else a guess), with warnings."""
    raw, warnings = to_utf8(data)
    try:
        return raw.decode("utf-8"), warnings
    except UnicodeDecodeError:
        text, why = guess(raw)
        return text, [*warnings, why]


def guess(data: bytes) -> tuple[str, str]:
    """Bytes that are not valid UTF-8 though nothing else was declared.

    Read as windows-1252 (what browsers assume), else latin-1; the second value
    is the warning. bs4's detector (UnicodeDammit) was tried here first; it cost
    300 us on a binary file and guessed windows-1252 on every NORA-like sample.
    """
    try:
        text, name = data.decode("cp1252"), "windows-1252"
    except UnicodeDecodeError:
        text, name = data.decode("latin-1"), "latin-1"
    detail = f"expected UTF-8 (nothing else declared), found other bytes; read as {name}"
    return text, problems.warning(problems.ENCODING, detail)


def _codec_name(name: str) -> str | None:
    if name == "UTF-8" or name == "utf-8":  # nearly every page: no codec registry lookup
        return "utf-8"
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return None
    canonical = _WHATWG_ALIASES.get(canonical, canonical)
    return canonical if canonical in labels.TEXT_CHARSETS else None
