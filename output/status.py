"""Exit statuses of the ``nora`` command, documented in README.md.

Kept in ``output`` because both ``output`` and ``scraper`` commands return them
and dependencies point from ``scraper`` to ``output``, never back.
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    #: the run finished and wrote its snapshot, but some pages failed or
    #: carried parse warnings (parse/crawl/export), or verify/diff found problems
    PARTIAL = 1
    #: bad command line, bad config, missing input: nothing was done
    USAGE = 2
    #: another run holds the lock on the data folder
    LOCKED = 3
    #: the site could not be reached (robots.txt / siteinfo failed)
    UNREACHABLE = 4
