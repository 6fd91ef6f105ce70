"""Every error the ``parsers`` package raises, as one tree under ``ParserError``.

``parse_page`` never raises: a page that does not parse as expected is recorded
with a warning on its page row (codes in ``parsers.problems``) and the run goes
on. Only reading SMW's own answers (``parsers.facts``), which are data the
caller asked for, and building a profile from a mapping (``parsers.profile``)
can fail outright.

    ParserError
    ├── SmwAnswerError   an SMW answer (Special:ExportRDF, JSON) that cannot be read (ValueError)
    └── ProfileError     a profile mapping (TOML) with an unknown key or a value of the wrong
                         shape; ``.key`` names it (ValueError; the config loader adds the file)
"""

from __future__ import annotations


class ParserError(Exception):
    """Root of every error the parsers package raises."""


class SmwAnswerError(ParserError, ValueError):
    """An SMW answer that cannot be read: says what was expected and what was found."""


class ProfileError(ParserError, ValueError):
    """A profile mapping holds an unknown key or a value of the wrong shape.

    ``key`` names the offending key (``blocks``, ``namespaces.FS`` ...), so the
    caller can say where: ``profile.namespaces.FS: expected a number, found 'x'``.
    """

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"{key}: {message}" if key else message)
        self.key = key
        self.message = message
