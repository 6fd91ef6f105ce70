"""Errors of the ``commands`` package, as one tree under ``CommandError``.

The library packages raise their own trees (``scraper.errors``, ``output.errors``,
``parsers.errors``); a command adds only what is about its own command line.
``commands.exits`` maps every tree to the exit statuses of README's table.

    CommandError
    └── UsageError   a flag or argument that cannot be used (no data folder, --keep 0, ...)
"""

from __future__ import annotations


class CommandError(Exception):
    """Root of the errors a command raises about its own command line."""


class UsageError(CommandError):
    """A flag or argument that cannot be used; ``str()`` says what was expected and found."""
