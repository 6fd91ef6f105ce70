"""Invariant 1, conservation: every visible word of the content area lands somewhere.

The content area's visible text (after noise removal, per the text rules) is cut into
words; so is everything the page's records hold and everything the readers claimed
as chrome or display text (``parsers.harvest``). A word the page shows more often than
the records and claims together hold has been lost: ``lost`` returns those words in
page order (an excerpt for the ``lost`` warning), "" when every word is accounted for.

Words, not strings: a record holds a value as lines and a link target as a title,
so only the words are comparable. The pattern runs over extracted text only, never
over raw page HTML, and ``\\w+`` cannot backtrack.
"""

from __future__ import annotations

import operator
import re
from collections import Counter
from collections import _count_elements as count_into  # type: ignore[attr-defined]

from parsers.labels import LINE_MARK

_WORD = re.compile(r"\w+")
EXCERPT_WORDS = 30


def _held_verbatim(content: str, accounted: list[str]) -> bool:
    """The quick answer for the usual block: every whitespace-separated token of
    ``content`` is in ``accounted`` as often, spelled alike. When not (a label's colon
    dropped, a case changed), the words decide."""
    need: dict[str, int] = {}
    held: dict[str, int] = {}
    # counted in C straight into plain dicts (``count_into``: the loop behind
    # ``Counter.update``; a Counter's constructor cost more than the counting)
    count_into(need, content.replace(LINE_MARK, " ").split())
    count_into(held, " ".join(accounted).replace(LINE_MARK, " ").split())
    if not need.keys() <= held.keys():
        return False
    # counts compared pairwise in C (map), not token by token in a Python loop
    return all(map(operator.le, need.values(), map(held.__getitem__, need.keys())))


def words(text: str) -> list[str]:
    """The words of ``text``, case-folded."""
    return _WORD.findall(text.casefold())


def lost(content: str, accounted: list[str]) -> str:
    """Words of ``content`` that ``accounted`` does not hold (as many times), in order."""
    if _held_verbatim(content, accounted):
        return ""
    shown = words(content)
    if not shown:
        return ""
    held = Counter(words("\n".join(accounted)))
    missing = {w: n - held[w] for w, n in Counter(shown).items() if held[w] < n}
    if not missing:
        return ""
    out: list[str] = []
    for word in shown:
        if missing.get(word, 0) > 0:
            missing[word] -= 1
            out.append(word)
            if len(out) >= EXCERPT_WORDS:
                break
    return " ".join(out)
