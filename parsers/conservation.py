"""Invariant 1, conservation: every visible word of the content area lands somewhere.

The content area's visible text (after noise removal, per the text rules) is cut into
words; so is everything the page's records hold and everything the readers claimed
as chrome or display text (``parsers.harvest``). A word the page shows more often than
the records and claims together hold has been lost: ``lost`` returns those words in
page order (an excerpt for the ``lost`` warning), "" when every word is accounted for.

Words, not strings: a record holds a value as lines and a link target as a title,
so only the words are comparable. The pattern runs over extracted text only, never
over raw page text, and ``\\w+`` cannot backtrack.

How, for speed (most blocks lose nothing, so the "nothing lost" answer is what
costs): first the whitespace-separated tokens are compared spelled alike, as lists
when the accounted texts start with the shown tokens in page order (a property
table read row by row, a relation table whose rows are claimed as the page shows them:
no counting at all), else counted in C; only when that
fails do the case-folded words decide. The accounted texts come in stages
(``lost``'s ``more``): the tokens of the first stage alone are counted first, and
the later ones only when the first does not hold the block (for a relation block
the claimed display texts usually do, so the records' link titles, a second copy of
the same words, are rarely gathered, split and counted).
Every stage only adds to what is held, so the answer never depends on the staging.
A token shown with a trailing colon and held without it ("Label:" read as a label)
has the same words, so it is taken bare before the words are asked.
"""

from __future__ import annotations

import operator
import re
from collections import Counter
from collections import _count_elements as count_into  # type: ignore[attr-defined]
from collections.abc import Iterable, Sequence

from parsers.labels import LINE_MARK

_WORD = re.compile(r"\w+")
EXCERPT_WORDS = 30


def _tokens(texts: Iterable[str]) -> list[str]:
    """The whitespace-separated tokens of ``texts`` (line marks are whitespace here)."""
    return " ".join(texts).replace(LINE_MARK, " ").split()


def covers(held: dict[str, int], need: dict[str, int]) -> bool:
    """Every token of ``need`` is in ``held`` at least as often."""
    if not need.keys() <= held.keys():
        return False
    # counts compared pairwise in C (map), not token by token in a Python loop
    return all(map(operator.le, need.values(), map(held.__getitem__, need.keys())))


def _held_verbatim(
    content: str, accounted: Sequence[str], more: Iterable[str], later: list[str]
) -> bool:
    """The quick answer for the usual block: every whitespace-separated token of
    ``content`` is in ``accounted`` (then in ``more`` too, read into ``later`` only
    then) as often, spelled alike, or spelled alike but for a label's colon. When not
    (a case changed, words run together), the words decide."""
    shown = content.replace(LINE_MARK, " ").split()
    first = _tokens(accounted)
    if first[: len(shown)] == shown:  # the same tokens in the same order (most property
        return True  # blocks, lists), then maybe more: held without counting
    need: dict[str, int] = {}
    held: dict[str, int] = {}
    # counted in C straight into plain dicts (``count_into``: the loop behind
    # ``Counter.update``; a Counter's constructor cost more than the counting)
    count_into(need, shown)
    count_into(held, first)
    if covers(held, need):
        return True
    later += more
    if later:
        count_into(held, _tokens(later))  # adds to the first stage's counts
        if covers(held, need):
            return True
    return _held_but_colons(need, held)


def _held_but_colons(need: dict[str, int], held: dict[str, int]) -> bool:
    """Every token of ``need`` is held once the tokens held nowhere lose their trailing
    colons ("Label:" shown, "Label" read: a label reader drops it). A colon is no word,
    so these tokens have the same words as their bare spelling, and the answer is the
    words' answer."""
    colons = [token for token in need.keys() - held.keys() if token.endswith(":")]
    if not colons:
        return False
    bare = dict(need)
    for token in colons:  # bounded by the block's distinct tokens
        name = token.rstrip(":")
        bare[name] = bare.get(name, 0) + bare.pop(token)
    return covers(held, bare)


def words(text: str) -> list[str]:
    """The words of ``text``, case-folded."""
    return _WORD.findall(text.casefold())


def lost(content: str, accounted: Sequence[str], more: Iterable[str] = ()) -> str:
    """Words of ``content`` that ``accounted`` and ``more`` together do not hold (as
    many times), in order. ``more`` (any iterable) is only read when ``accounted``
    alone does not hold every token of ``content`` (module docstring)."""
    later: list[str] = []
    if _held_verbatim(content, accounted, more, later):
        return ""
    shown = words(content)
    if not shown:
        return ""
    held = Counter(words("\n".join(accounted)))
    held.update(words("\n".join(later)))
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
