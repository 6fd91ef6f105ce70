"""Argument types shared by the commands: a flag that cannot be used is a usage error.

argparse calls each with the flag's text; an ``ArgumentTypeError`` becomes its
one-line message and exit status 2 (USAGE), before anything is opened.
"""

from __future__ import annotations

import argparse

#: the largest integer SQLite stores (crawl ids are SQLite row ids)
SQLITE_MAX_INT = 2**63 - 1


def crawl_number(text: str) -> int:
    """``--crawl ID``: a crawl's number, 1 up to what the state database can hold."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a crawl number, found {text!r}") from None
    if not 1 <= value <= SQLITE_MAX_INT:
        raise argparse.ArgumentTypeError(
            f"expected a crawl number from 1 to {SQLITE_MAX_INT}, found {text}"
        )
    return value
