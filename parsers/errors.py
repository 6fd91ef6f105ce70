"""Every error the ``parsers`` package raises, as one tree under ``ParserError``.

``parse_page`` never raises: a page that does not parse as expected is recorded
with a warning on its page row (codes in ``parsers.problems``) and the run goes
on. Only reading SMW's own answers (``parsers.facts``), which are data the
caller asked for, can fail outright.

    ParserError
    └── SmwAnswerError   an SMW answer (Special:ExportRDF, JSON) that cannot be read (ValueError)
"""

from __future__ import annotations


class ParserError(Exception):
    """Root of every error the parsers package raises."""


class SmwAnswerError(ParserError, ValueError):
    """An SMW answer that cannot be read: says what was expected and what was found."""
