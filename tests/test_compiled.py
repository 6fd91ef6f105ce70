"""The mypyc-compiled parser modules (setup.py) are current, and behave as the sources do.

With an editable install the compiled modules sit beside the sources and take
precedence on import: a source edited after the last build would not be the code
that runs. ``make install`` (run by ``make test``) rebuilds them; run by hand, pytest
stops here instead of testing stale code.
"""

from __future__ import annotations

import importlib.machinery
from pathlib import Path

import pytest

import parsers

PACKAGE = Path(parsers.__file__).parent


def _compiled() -> list[tuple[Path, Path]]:
    out = []
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        for built in PACKAGE.glob(f"*{suffix}"):
            source = PACKAGE / (built.name[: -len(suffix)] + ".py")
            if source.exists():
                out.append((source, built))
    return out


def test_compiled_modules_are_not_older_than_their_sources() -> None:
    stale = [s.name for s, b in _compiled() if s.stat().st_mtime > b.stat().st_mtime]
    assert stale == [], f"compiled parser modules older than {stale}: run `make install`"


def test_compiled_modules_are_the_ones_imported() -> None:
    compiled = _compiled()
    if not compiled:
        pytest.skip("pure-Python install (NORA_PURE_PYTHON, or no compiler)")
    import parsers.layout

    assert Path(parsers.layout.__file__).suffix != ".py"
