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
