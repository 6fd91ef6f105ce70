"""Text from the site made safe to print on a terminal, and to show in the report.

Titles, values, header values and API error messages are written by whoever runs
or edits the wiki. Printed raw, an ``ESC ] 0 ; ... BEL`` retitles the terminal, an
``ESC [ 2 J`` clears it, and other sequences can move the cursor over earlier lines
or, on some terminals, answer back as if typed. Every command prints such text
through :func:`printable`: each C0 control but newline and tab, DEL and each C1
control is written as its escape (``\\x1b``, ``\\x9b``), so it shows and does nothing.
Bidi controls (``U+202E`` right-to-left override and the like) are escaped too: they
reorder what follows them on screen, so ``abc\\u202etxt.exe`` would read as
``abcexe.txt``.

The report shows the same bidi controls as visible marks (:func:`visible_bidi`),
while the tables keep every value as the site has it (README, "CSV").
"""

from __future__ import annotations

import logging
import sys
from typing import IO

#: the bidi formatting characters: embeddings, overrides, isolates and the marks
BIDI_CONTROLS = frozenset([0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)])
_KEPT = frozenset({0x09, 0x0A})  # tab and newline lay text out; nothing else of C0 may
_CONTROLS = frozenset(range(0x00, 0x20)) - _KEPT | {0x7F} | frozenset(range(0x80, 0xA0))


def _escape(code: int) -> str:
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


_PRINTABLE = str.maketrans({code: _escape(code) for code in _CONTROLS | BIDI_CONTROLS})
_JSON_SAFE = str.maketrans({code: f"\\u{code:04x}" for code in _CONTROLS | BIDI_CONTROLS})
_VISIBLE_BIDI = str.maketrans({code: f"[U+{code:04X}]" for code in BIDI_CONTROLS})


def printable(text: object) -> str:
    """``text`` (``str()`` of it) with every control but newline and tab escaped."""
    return str(text).translate(_PRINTABLE)


def printable_json(text: str) -> str:
    """JSON text (``json.dumps(..., ensure_ascii=False)``) with the same characters written
    as JSON's own ``\\u`` escapes, so it stays the same JSON."""
    return text.translate(_JSON_SAFE)


def say(text: object, file: IO[str] | None = None) -> None:
    """``print`` for every command: one line (or several) through :func:`printable`."""
    print(printable(text), file=sys.stdout if file is None else file)


def printable_bytes(data: bytes) -> bytes:
    """Bytes for a terminal: read as UTF-8 (a byte that is none as ``\\xNN``), then
    :func:`printable`."""
    return printable(data.decode("utf-8", "backslashreplace")).encode("utf-8")


def visible_bidi(text: str) -> str:
    """``text`` with each bidi control shown as a mark (``[U+202E]``) that reorders nothing."""
    return text.translate(_VISIBLE_BIDI)


class PrintableFormatter(logging.Formatter):
    """A log formatter for the terminal: the formatted line through :func:`printable`
    (log messages carry titles and the site's answers)."""

    def format(self, record: logging.LogRecord) -> str:
        return printable(super().format(record))
