"""How each error becomes an exit status: README's table, in one place.

Every command ends through here. ``fail(command, error)`` prints one line
(``nora export: <what was expected, what was found>``) and returns the status
of the first row of :data:`STATUSES` the error matches; a row can be narrowed
to one command (:data:`BY_COMMAND`), where that command reads an error
differently. An error mapped to ``INTERNAL`` is raised on, to the entry point
(``commands.cli``), the last guard for every error no command expects: STORAGE
when it says the disk is full (``output.errors.storage_failure``, causes and
SQLite included), LOCKED or DAMAGED when SQLite says ``state.sqlite`` is held by
another process or is no readable database (``state_failure``), else INTERNAL with
its traceback in a file, as for any bug.

A crawl that stops on its own (robots.txt, a time limit, the site gone) ends
with a status in its outcome (``scraper.crawl.outcome``), not with an error.
"""

from __future__ import annotations

import sqlite3
import sys

from commands.errors import CommandError, UsageError
from output.errors import ChartError, HistoryError, OutputError, storage_failure
from output.status import ExitStatus
from output.terminal import say
from parsers.errors import ParserError
from scraper.errors import (
    ArchiveError,
    CrawlDelayTooLong,
    DiscoveryError,
    FetchError,
    LockedError,
    RequestBudgetExhausted,
    RobotsDisallowed,
    RunLimitReached,
    RunStop,
    ScraperError,
    UnknownNamespace,
)

#: (error class, status), first match wins: subclasses before their roots
STATUSES: tuple[tuple[type[BaseException], ExitStatus], ...] = (
    (LockedError, ExitStatus.LOCKED),
    (RequestBudgetExhausted, ExitStatus.PARTIAL),
    (RunLimitReached, ExitStatus.STOPPED),
    (RobotsDisallowed, ExitStatus.REFUSED),
    (CrawlDelayTooLong, ExitStatus.REFUSED),
    (RunStop, ExitStatus.UNREACHABLE),
    (FetchError, ExitStatus.UNREACHABLE),
    (UnknownNamespace, ExitStatus.USAGE),
    (DiscoveryError, ExitStatus.UNREACHABLE),
    (ScraperError, ExitStatus.USAGE),
    # not something a command expects: a bug, with a traceback
    (HistoryError, ExitStatus.INTERNAL),
    (ChartError, ExitStatus.INTERNAL),
    (OutputError, ExitStatus.USAGE),
    (ParserError, ExitStatus.USAGE),
    (CommandError, ExitStatus.USAGE),
    (OSError, ExitStatus.USAGE),  # STORAGE when the disk is full: see status_of
)

#: command -> rows checked before STATUSES
BY_COMMAND: dict[str, tuple[tuple[type[BaseException], ExitStatus], ...]] = {
    # the page's record is damaged: something to look at, as verify's damage is
    "show": ((ArchiveError, ExitStatus.PARTIAL),),
}


#: what SQLite says of a file that is no (longer a) database of ours: garbage, cut short
_DAMAGED_STATE = ("not a database", "malformed", "no such table", "no such column")


def state_failure(error: BaseException) -> tuple[ExitStatus, str] | None:
    """LOCKED or DAMAGED, and why, when ``error`` (or a cause) is SQLite saying that
    ``state.sqlite`` is held by another process or is no readable database; else None.

    Both are conditions of the data folder, not bugs: one clear line, no traceback.
    """
    from scraper.archive.state import BUSY_SECONDS

    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, sqlite3.DatabaseError):
            text = str(current).lower()
            if "locked" in text or "busy" in text:
                return ExitStatus.LOCKED, (
                    f"expected the state free, found it locked by another process for "
                    f"{BUSY_SECONDS:g} s ({current}); nothing was changed: run again once "
                    "that process (a backup, an sqlite3 shell) lets go"
                )
            if type(current) is sqlite3.DatabaseError or any(m in text for m in _DAMAGED_STATE):
                return ExitStatus.DAMAGED, (
                    f"expected the crawl state, found a damaged file ({current}); nothing was "
                    "changed, and the WARC files and snapshots are untouched: restore it "
                    "from a backup (README: a damaged state)"
                )
        current = current.__cause__ or current.__context__
    return None


def status_of(error: BaseException, command: str = "") -> ExitStatus:
    """The exit status ``nora COMMAND`` ends with after ``error``."""
    if isinstance(error, OSError) and storage_failure(error) is not None:
        return ExitStatus.STORAGE
    state = state_failure(error)
    if state is not None:
        return state[0]
    for kind, status in (*BY_COMMAND.get(command, ()), *STATUSES):
        if isinstance(error, kind):
            return status
    return ExitStatus.INTERNAL


def fail(command: str, error: BaseException, prefix: str = "") -> int:
    """Print ``nora COMMAND: [prefix]error`` on stderr; the status for it.

    Must be called while ``error`` is being handled: an internal one is raised on.
    """
    status = status_of(error, command)
    if status is ExitStatus.INTERNAL:
        raise error
    say(f"nora {command}: {prefix}{error}", file=sys.stderr)
    return int(status)


def usage(command: str, message: str) -> int:
    """``fail`` for a command line that cannot be used (``UsageError``)."""
    return fail(command, UsageError(message))
