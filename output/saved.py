"""Saved HTML pages to a snapshot (``nora parse``): each file read, parsed and written.

Every page is exported, even one the parser warns about; a file that cannot be
read (not a regular file, over the size cap, an I/O error) is skipped and
counted as unreadable. No SMW data comes with saved pages, so the cross-checks
are the Afgeleide relaties checks only.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from output.checks import Checker
from output.errors import UnreadableInputError
from output.inputs import InputFile, read_page
from output.snapshot import SnapshotWriter
from parsers import parse_page
from parsers.profile import NORA, Profile

log = logging.getLogger(__name__)


@dataclass(slots=True)
class SavedRun:
    """What ``snapshot_saved`` wrote."""

    pages: int = 0
    warned: list[str] = field(default_factory=list)
    unreadable: list[str] = field(default_factory=list)
    manifest: dict[str, Any] = field(default_factory=dict)
    checks: str = ""  # the one-line summary of the cross-checks

    @property
    def problems(self) -> int:
        return len(self.warned) + len(self.unreadable)


def snapshot_saved(
    files: list[InputFile], out: Path | str, *, force: bool = False,
    shown: Iterable[InputFile] | None = None, profile: Profile = NORA,
) -> SavedRun:  # fmt: skip
    """Parse ``files`` into a snapshot in ``out`` with the wiki's ``profile``; ``shown`` is
    ``files`` behind a progress bar."""
    done = SavedRun()
    checker = Checker(profile=profile)
    with SnapshotWriter(
        out, force=force, command="parse", inputs=[f.name for f in files], profile=profile
    ) as writer:
        for item in files if shown is None else shown:
            try:
                data = read_page(item.path)
            except UnreadableInputError as error:
                log.warning("%s", error)
                done.unreadable.append(item.name)
                continue
            except OSError as error:
                log.error("%s: expected a readable file, found %s", item.name, error)
                done.unreadable.append(item.name)
                continue
            parsed = parse_page(data, item.name, profile)
            if parsed.page.warnings:
                done.warned.append(item.name)
                log.info("%s: %s", item.name, "; ".join(parsed.page.warnings))
            checker.add(parsed, None)  # no SMW data: the Afgeleide relaties checks only
            writer.add(parsed)
        writer.add_rows("checks", checker.finish({}))
        writer.extra.update(
            {
                "pages": writer.pages,
                "pages_with_warnings": len(done.warned),
                "unreadable": done.unreadable,
                "checks": checker.manifest(),
            }
        )
    done.pages = writer.pages
    done.manifest = writer.manifest
    done.checks = checker.summary.line(str(Path(out) / "checks.csv"))
    return done
