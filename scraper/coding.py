"""HTTP content-coding (gzip, deflate) undone under a size cap.

Both sides of the archive need it: the client decodes a body on the wire
(``scraper.net.client``), and the archive's reader decodes the body it stored as
received (``scraper.archive.reader``).
"""

from __future__ import annotations

import zlib

from scraper.errors import ResponseTooLarge


def decode_body(raw: bytes, coding: str | None, url: str, limit: int) -> tuple[bytes, str | None]:
    """Undo gzip/deflate content-coding under the size cap: ``(body, error or None)``.

    Unknown codings come back as received (we only ask for gzip and deflate).
    A body that does not decode (truncated gzip) comes back raw with the error.
    More than ``limit`` decoded bytes raise ``ResponseTooLarge`` (gzip bombs).
    """
    name = (coding or "").strip().lower()
    if name in ("", "identity"):
        return raw, None
    if name in ("gzip", "x-gzip"):
        wbits_options = [16 + zlib.MAX_WBITS]
    elif name == "deflate":
        wbits_options = [zlib.MAX_WBITS, -zlib.MAX_WBITS]  # zlib-wrapped, else raw
    else:
        return raw, None
    last_error = ""
    for wbits in wbits_options:
        out = bytearray()
        data = raw
        try:
            while data:
                decomp = zlib.decompressobj(wbits)
                # max_length >= 1 here: 0 would mean "unlimited" to zlib
                out += decomp.decompress(data, limit + 1 - len(out))
                if len(out) > limit or decomp.unconsumed_tail:
                    raise ResponseTooLarge(
                        url, limit, f"more than {limit} bytes after {name} decoding"
                    )
                if not decomp.eof:
                    raise zlib.error("truncated stream")
                data = decomp.unused_data if wbits > 16 else b""  # gzip may have members
        except zlib.error as exc:
            last_error = f"expected a complete {name} body, found {exc}"
            continue
        return bytes(out), None
    return raw, last_error
