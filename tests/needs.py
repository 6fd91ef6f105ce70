"""What a test needs from the machine: skipped on a developer's machine, failed under CI.

``.ci/run`` installs every tool the tests use (PHP for the test wiki, Chromium,
LibreOffice Calc); a tool missing there is a broken CI set-up, never a reason to skip.
"""

from __future__ import annotations

import os
import shutil
from typing import NoReturn

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1", "yes")


def unavailable(reason: str) -> NoReturn:
    """Skip the test, or fail it under CI (``CI=true``), saying why."""
    if in_ci():
        pytest.fail(f"{reason} (never skipped under CI: .ci/run installs it)")
    pytest.skip(reason)


def program(*names: str, install: str) -> str:
    """The path of the first of ``names`` on PATH, else ``unavailable``."""
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    unavailable(f"{names[0]} is not installed ({install})")
