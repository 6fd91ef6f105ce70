"""Body text sections: heading, level and text under it.

Rules (team brief): text before the first heading is the section with heading ""
and level 0, emitted only when its text is not empty; every other body heading
(h2..h6, level = the number) gives a section even when its text is empty; the
headings of the property block and of relation tables or lists are not sections
and their tables are not text (``parsers.blocks`` decides which blocks are body,
``parsers.reading`` builds the sections).
"""

from __future__ import annotations

from typing import NamedTuple


class Section(NamedTuple):
    """One body section before it gets its position."""

    heading: str
    level: int
    text: str
