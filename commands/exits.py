"""The exit statuses of README's table, and how each way a command ends maps to one.

The library packages say what happened (an error of their tree, a crawl's
``scraper.crawl.outcome.CrawlOutcome``); only the commands decide the status, here.

- ``status_of(error, command)``: a condition of the machine or the data folder
  first (``condition_of``: STORAGE when the disk is full, causes and SQLite
  included; LOCKED or DAMAGED when SQLite says ``state.sqlite`` is held by another
  process or is no readable database), else the first row of :data:`STATUSES` the
  error matches (a row can be narrowed to one command: :data:`BY_COMMAND`), else
  INTERNAL: a bug.
- ``crawl_status(outcome)``: how a crawl run ended. One stopped by an error (a
  ``RunStop``, robots.txt, unusable answers, an unknown namespace, a full disk)
  gets that error's status, so a stop means the same whether it is raised or
  carried in an outcome.
- ``fail(command, error)`` prints one line (``nora export: <what was expected,
  what was found>``) and returns the status; an INTERNAL one is raised on, to the
  entry point (``commands.cli``), the last guard: one line, the traceback in a file.
"""

from __future__ import annotations

import sqlite3
import sys
from enum import IntEnum
from typing import TYPE_CHECKING

from commands.errors import CommandError, UsageError
from output.errors import OutputError, storage_failure
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

if TYPE_CHECKING:
    from scraper.crawl.outcome import CrawlOutcome


class ExitStatus(IntEnum):
    """Exit statuses of the ``nora`` command, documented in README.md."""

    OK = 0
    #: the run finished and wrote its snapshot, but some pages failed or
    #: carried parse warnings (parse/crawl/export), or verify/diff found problems
    PARTIAL = 1
    #: bad command line, bad config, missing input: nothing was done
    USAGE = 2
    #: another run holds the lock on the data folder
    LOCKED = 3
    #: the site could not be reached (robots.txt / siteinfo failed, or it stopped answering)
    UNREACHABLE = 4
    #: the site forbids the crawl: robots.txt disallows us, or asks for a Crawl-delay
    #: over the cap (``--max-crawl-delay``)
    REFUSED = 5
    #: the new snapshot would shrink the archive sharply: written, not published
    #: (``--accept-shrink`` publishes such a run)
    HELD = 6
    #: ``--max-duration`` or the run's retry-wait budget ran out: nothing lost, run
    #: again to continue
    STOPPED = 7
    #: the disk filled (or another write failed): nothing stored is lost; free
    #: space and run again
    STORAGE = 8
    #: the data folder is damaged: state.sqlite is no readable database (garbage, cut
    #: short); nothing was changed
    DAMAGED = 9
    #: an unexpected error (a bug): one line on stderr, the traceback in a log file
    INTERNAL = 70


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
    (OutputError, ExitStatus.USAGE),
    (ParserError, ExitStatus.USAGE),
    (CommandError, ExitStatus.USAGE),
    (OSError, ExitStatus.USAGE),  # STORAGE when the disk is full: see condition_of
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


def condition_of(error: BaseException) -> tuple[ExitStatus, str] | None:
    """STORAGE, LOCKED or DAMAGED, and why, when ``error`` (or a cause) is the disk or
    the state database saying no; else None. Conditions, not bugs: no traceback."""
    disk = storage_failure(error)
    if disk is not None:
        return ExitStatus.STORAGE, disk
    return state_failure(error)


def status_of(error: BaseException, command: str = "") -> ExitStatus:
    """The exit status ``nora COMMAND`` ends with after ``error``."""
    condition = condition_of(error)
    if condition is not None:
        return condition[0]
    for kind, status in (*BY_COMMAND.get(command, ()), *STATUSES):
        if isinstance(error, kind):
            return status
    return ExitStatus.INTERNAL


def crawl_status(outcome: CrawlOutcome) -> ExitStatus:
    """The exit status of a crawl run that ended with ``outcome``."""
    from scraper.crawl.outcome import Ending

    if outcome.error is not None:  # stopped early: the error says why
        return status_of(outcome.error, "crawl")
    if outcome.ending is Ending.HELD:
        return ExitStatus.HELD
    if outcome.failed or outcome.missing or outcome.warnings or outcome.unreadable:
        return ExitStatus.PARTIAL  # published, but some pages fell short
    return ExitStatus.OK


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
