"""Build: the pure package, with the parser modules compiled by mypyc when possible.

``parse_page`` has a speed contract (``make bench-parse``: at least 0.8x the
throughput of a bare ``lxml.html.fromstring``). The parser modules are plain,
fully typed Python; mypyc (part of mypy) compiles them to C extensions, about 1.2x
faster. ``parsers/page.py`` (which must accept any object), ``parsers/records.py``
(the record dataclasses whose slots ``parsers.extraction`` fills) and
``parsers/profile.py`` (a wiki's labels: a frozen dataclass that is loaded from TOML,
pickled to export workers and looked up a few times per table) stay interpreted.

Set ``NORA_PURE_PYTHON=1`` to install without compiling; a build that cannot compile
(no C compiler, no mypyc) installs the pure package too. With an editable install
the compiled modules sit beside the sources and shadow them: ``make install`` (which
``make test`` and ``make check`` run) rebuilds them whenever a parser source changes,
and ``tests/test_compiled.py`` fails when they are older than their sources.
"""

from __future__ import annotations

import os
import sys
from typing import Any

from setuptools import setup

COMPILED = [
    f"parsers/{name}.py"
    for name in (
        "blocks", "charset", "digest", "document", "endpoints", "extraction", "grid", "labels",
        "layout", "links", "metadata", "nesting", "problems", "properties", "relations", "sections",
        "text",
    )
]  # fmt: skip


def extensions() -> list[Any]:
    if os.environ.get("NORA_PURE_PYTHON", "").strip() not in ("", "0"):
        return []
    try:
        from mypyc.build import mypycify

        return list(mypycify(COMPILED, opt_level="3"))
    except (Exception, SystemExit) as error:  # no mypyc, no compiler, a type error
        print(f"nora-archive: parsers not compiled ({error}); installing pure Python",
              file=sys.stderr)  # fmt: skip
        return []


setup(ext_modules=extensions())
