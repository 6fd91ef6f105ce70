"""Which pages a crawl fetches, and why: a pure function of the listing and the state.

A page is fetched when (reason):

- ``new``: no ok fetch of its title exists (a moved page is new under its new title);
- ``changed``: its last revision id or ``touched`` differs from the newest ok fetch
  (``touched`` also moves when a template it uses changes);
- ``retry-failed``: the newest attempt before this crawl failed;
- ``full``: ``--full`` refetches a page that is otherwise unchanged;
- ``relation-target``: it is an old or new direct relation target (Relaties) of a
  new, changed or deleted page. Its "Afgeleide relaties" are computed from other
  pages, so they change without a new revision of its own. Old targets come from
  the newest ok fetch before this crawl; new targets from this crawl's fetch, so
  the plan is recomputed after the first pages are fetched (``Plan.settled``);
- ``relation-source``: its Relaties pointed at a page that is gone from the listing
  (deleted, or moved away and now a redirect). Semantic MediaWiki renders such a
  relation anew (the moved-to page, or a red link) without a revision or a new
  ``touched`` of the page that shows it.

Every other listed page is ``unchanged``: the snapshot re-parses its archived HTML.
Pages already fetched in this crawl (a resumed run) are never fetched again.
Relation targets are titles; a target that is a redirect is followed to its page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from scraper.rows import ListedPage

NEW = "new"
CHANGED = "changed"
RETRY_FAILED = "retry-failed"
FULL = "full"
RELATION_TARGET = "relation-target"
RELATION_SOURCE = "relation-source"
UNCHANGED = "unchanged"
#: the order reasons are reported in
REASONS = (NEW, CHANGED, RETRY_FAILED, FULL, RELATION_TARGET, RELATION_SOURCE, UNCHANGED)
#: reasons whose old and new relation targets are refetched
_PRIMARY = frozenset({NEW, CHANGED, RETRY_FAILED})


@dataclass(frozen=True, slots=True)
class Known:
    """What the state knows of a title's newest ok fetch."""

    fetch_id: int
    revision_id: int
    touched: str


@dataclass(frozen=True, slots=True)
class PlanInput:
    listing: Mapping[str, ListedPage]  # this crawl's listing, by title
    baseline_titles: frozenset[str]  # the previous finished crawl's listing
    prior: Mapping[str, Known]  # newest ok fetch before this crawl, by title
    failed_last: frozenset[str]  # titles whose newest attempt before this crawl failed
    done: Mapping[str, int]  # ok fetches of this crawl: title -> fetch id
    #: fetch ids -> their direct relation targets (ids without targets may be absent)
    targets: Callable[[list[int]], Mapping[int, frozenset[str]]]
    redirects: Mapping[str, str] = field(default_factory=dict)
    full: bool = False
    skip: frozenset[str] = frozenset()  # attempted (and failed) in this run: not again now


@dataclass(frozen=True, slots=True)
class Plan:
    reasons: Mapping[str, str]  # every listed title -> reason
    to_fetch: tuple[tuple[ListedPage, str], ...]  # (page, reason), namespace then title order
    deleted: tuple[str, ...]  # in the baseline listing, gone from this one
    already_done: int  # fetched earlier in this (resumed) crawl

    @property
    def counts(self) -> Counter[str]:
        return Counter(self.reasons.values())

    @property
    def settled(self) -> bool:
        """True when fetching ``to_fetch`` cannot reveal new relation targets to fetch."""
        return not self.to_fetch

    def summary(self) -> str:
        counts = self.counts
        parts = [f"{r} {counts[r]}" for r in REASONS if counts.get(r)]
        return (
            f"{len(self.reasons)} pages listed, {len(self.to_fetch)} to fetch"
            f" ({', '.join(parts) or 'nothing'}); {len(self.deleted)} deleted;"
            f" {self.already_done} already fetched in this crawl"
        )


def _resolve(title: str, redirects: Mapping[str, str]) -> str:
    seen: set[str] = set()
    while title in redirects and title not in seen:  # bounded by the redirect map
        seen.add(title)
        title = redirects[title]
    return title


def _own_reason(page: ListedPage, data: PlanInput) -> str:
    known = data.prior.get(page.title)
    if page.title in data.failed_last:
        return RETRY_FAILED
    if known is None:
        return NEW
    if known.revision_id != page.revision_id or known.touched != page.touched:
        return CHANGED
    return FULL if data.full else UNCHANGED


def _targets_of(fetch_ids: Iterable[int], data: PlanInput) -> set[str]:
    found = data.targets(list(fetch_ids))
    return {_resolve(t, data.redirects) for targets in found.values() for t in targets}


def _sources_of(gone: Iterable[str], data: PlanInput) -> set[str]:
    """Titles whose newest ok fetch before this crawl had a relation to a ``gone`` title."""
    wanted = set(gone)
    if not wanted:
        return set()
    by_id = {known.fetch_id: title for title, known in data.prior.items()}
    found = data.targets(list(by_id))
    return {by_id[fid] for fid, targets in found.items() if not wanted.isdisjoint(targets)}


def make_plan(data: PlanInput) -> Plan:
    reasons = {title: _own_reason(page, data) for title, page in data.listing.items()}
    primary = [t for t, r in reasons.items() if r in _PRIMARY]
    deleted = sorted(data.baseline_titles - data.listing.keys())
    # old targets: from the newest ok fetch before this crawl of changed and deleted pages
    old_ids = [data.prior[t].fetch_id for t in (*primary, *deleted) if t in data.prior]
    # new targets: from this crawl's fetch of the changed and new pages
    new_ids = [data.done[t] for t in primary if t in data.done]
    for target in _targets_of(old_ids, data) | _targets_of(new_ids, data):
        if reasons.get(target) in (UNCHANGED, FULL):
            reasons[target] = RELATION_TARGET
    for source in _sources_of(deleted, data):
        if reasons.get(source) in (UNCHANGED, FULL):
            reasons[source] = RELATION_SOURCE
    to_fetch = tuple(
        (data.listing[t], r)
        for t, r in sorted(
            reasons.items(), key=lambda item: (data.listing[item[0]].namespace, item[0])
        )
        if r != UNCHANGED and t not in data.done and t not in data.skip
    )
    return Plan(
        reasons=reasons,
        to_fetch=to_fetch,
        deleted=tuple(deleted),
        already_done=sum(1 for t in data.done if t in data.listing),
    )
