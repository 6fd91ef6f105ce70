"""Which pages a crawl fetches, and why: a pure function of the listing and the state.

A page is fetched when (reason):

- ``new``: no ok fetch of its title exists (a moved page is new under its new title);
- ``changed``: its last revision id or ``touched`` differs from the newest ok fetch
  (``touched`` also moves when a template it uses changes);
- ``retry-failed``: the newest attempt before this crawl failed;
- ``full``: ``--full`` refetches a page that is otherwise unchanged;
- ``relation-target``: its "Afgeleide relaties" (computed by SMW from other pages) may
  have changed without a revision of its own: it is a target of a new, changed or
  deleted page, or the old or new target of a redirect that changed. A page's
  targets are its Relaties' links (the HTML) and, when SMW's data is there, every
  page value of its facts (``Heeft bron`` in Eigenschappen too: the targets SMW itself
  knows). When the facts of both the old and the new version are whole, only the
  targets whose relation changed are refetched: each target carries the digest of
  the subject (page or subobject) naming it, and a target whose digests are the same
  before and after saw nothing change (an edit of the body text refetches no
  target). Without facts on both sides every old and new target is refetched. Old
  targets come from the newest ok fetch before this crawl, new ones from this
  crawl's fetch, so the plan is recomputed after each round (``Plan.settled``);
- ``relation-source``: its relations pointed at a page that is gone from the listing
  (deleted, or moved away), or at a title that is new (its red link turned blue):
  SMW and MediaWiki render such a link anew without a revision or a new ``touched``
  of the page that shows it;
- ``redirect-source``: its relations pointed at a redirect that was created,
  deleted, edited, or now points elsewhere (redirects are listed with their
  version; ``scraper.crawl.discovery``).

- ``query-page``: its body shows an SMW query's results (``shows_query_results``: an
  overview table of other pages' values), and something in the wiki changed in this
  crawl (a page new, changed, deleted or moved, a redirect changed): what such a
  query shows follows other pages' values, categories and existence, with no
  revision or ``touched`` of its own. "Anything changed" is exact (a superset) and
  cheap: on the test wiki 2 pages of 318 show query results in their body;
- ``edited-during-crawl``: a page fetched in this crawl before a page whose fetch
  showed another revision than the listed one (edited between listing and fetch),
  when it is one of that page's old or new relation targets, or a query page: it may
  have been fetched before the edit. Each is fetched again at most once a crawl.
  The next night such a page is ``changed`` (the listing names the new revision) and
  every old and new target of it is a ``relation-target``, whatever SMW's digests say:
  SMW stores the edit's data and re-renders the queries naming it after the save, so a
  target fetched meanwhile (in this crawl, or as ``edited-during-crawl``) may show the
  old query results while the digests of the fetches on both sides already agree;
- ``refresh``: the rolling refresh, a backstop for dependencies no rule sees: the
  ``PlanInput.refresh`` unchanged pages whose archived copy is oldest (``--refresh-days
  K`` makes that ceil(N/K) a night, so every page is refetched at least every K nights).

Every other listed page is ``unchanged``: the snapshot re-parses its archived HTML.
Pages already fetched in this crawl (a resumed run) are not fetched again, but for
``edited-during-crawl``.
Relation targets are titles; a target that is a redirect is followed to its page.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from scraper.archive.rows import ListedPage, RedirectVersion

NEW = "new"
CHANGED = "changed"
RETRY_FAILED = "retry-failed"
FULL = "full"
RELATION_TARGET = "relation-target"
RELATION_SOURCE = "relation-source"
REDIRECT_SOURCE = "redirect-source"
QUERY_PAGE = "query-page"
EDITED_DURING_CRAWL = "edited-during-crawl"
REFRESH = "refresh"
UNCHANGED = "unchanged"
#: the order reasons are reported in
REASONS = (
    NEW, CHANGED, RETRY_FAILED, FULL, RELATION_TARGET, RELATION_SOURCE, REDIRECT_SOURCE,
    QUERY_PAGE, EDITED_DURING_CRAWL, REFRESH, UNCHANGED,
)  # fmt: skip
#: reasons whose old and new relation targets are refetched
_PRIMARY = frozenset({NEW, CHANGED, RETRY_FAILED})
#: reasons a relation rule may replace (the page would not be fetched otherwise)
_QUIET = (UNCHANGED, FULL)

FactTargets = Mapping[str, frozenset[str]]  # target -> digests of the subjects naming it


def _no_facts(ids: list[int]) -> Mapping[int, FactTargets]:
    return {}


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
    #: fetch ids -> their HTML relation targets (ids without targets may be absent)
    targets: Callable[[list[int]], Mapping[int, frozenset[str]]]
    redirects: Mapping[str, str] = field(default_factory=dict)
    full: bool = False
    skip: frozenset[str] = frozenset()  # attempted (and failed) in this run: not again now
    #: fetch ids -> their facts' page values; only fetches whose facts are whole
    fact_targets: Callable[[list[int]], Mapping[int, FactTargets]] = _no_facts
    #: this crawl asks SMW for the facts of what it fetches (so new facts will be known)
    facts_expected: bool = False
    #: the redirects of this crawl's listing and of the baseline's, with their versions
    redirect_versions: Mapping[str, RedirectVersion] = field(default_factory=dict)
    baseline_redirects: Mapping[str, RedirectVersion] = field(default_factory=dict)
    #: titles whose newest ok fetch shows an SMW query's results in its body
    query_pages: frozenset[str] = frozenset()
    #: titles fetched in this crawl whose HTML showed another revision than the listed one
    edited_now: frozenset[str] = frozenset()
    #: titles whose newest ok fetch before this crawl showed another revision than the
    #: listed one (edited during that crawl)
    edited_before: frozenset[str] = frozenset()
    #: titles fetched twice in this crawl already (never a third time)
    fetched_again: frozenset[str] = frozenset()
    #: how many unchanged pages the rolling refresh refetches (oldest archived copy first)
    refresh: int = 0


@dataclass(frozen=True, slots=True)
class Plan:
    reasons: Mapping[str, str]  # every listed title -> reason
    to_fetch: tuple[tuple[ListedPage, str], ...]  # (page, reason), namespace then title order
    deleted: tuple[str, ...]  # in the baseline listing, gone from this one
    already_done: int  # fetched earlier in this (resumed) crawl
    changed_redirects: tuple[str, ...] = ()  # created, deleted, edited or retargeted

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


class _Targets:
    """The HTML and facts targets of a set of fetches, looked up once."""

    def __init__(self, ids: Iterable[int], data: PlanInput) -> None:
        wanted = sorted(set(ids))
        self.html = data.targets(wanted)
        self.facts = data.fact_targets(wanted)

    def all(self, fetch_id: int | None) -> set[str]:
        if fetch_id is None:
            return set()
        return set(self.html.get(fetch_id, ())) | set(self.facts.get(fetch_id, {}))

    def changed(self, old: int | None, new: int, *, edited: bool = True) -> set[str]:
        """Targets whose relation differs between two versions.

        Without facts on both sides: every old and new target of an ``edited`` page (a
        new revision may change any relation), else those that appeared or went.
        """
        before, after = self.facts.get(old) if old is not None else None, self.facts.get(new)
        html = set(self.html.get(old, ())) ^ set(self.html.get(new, ())) if old else set()
        if old is None or before is None or after is None:
            return self.all(old) | self.all(new) if edited or old is None else html
        return html | {t for t in before.keys() | after.keys() if before.get(t) != after.get(t)}


def _changed_targets(
    primary: list[str], deleted: list[str], reasons: Mapping[str, str], data: PlanInput
) -> set[str]:
    """Targets whose Afgeleide relaties may differ: of changed, new and deleted pages, and
    of pages refetched for another reason whose own relations turned out to differ (SMW
    renames a moved page in every relation naming it, without a revision anywhere)."""
    fetched = [t for t in data.done if t in reasons]
    old = {t: data.prior[t].fetch_id for t in (*primary, *deleted, *fetched) if t in data.prior}
    new = {t: data.done[t] for t in fetched}
    found = _Targets([*old.values(), *new.values()], data)
    out: set[str] = set()
    chosen = set(primary)
    for title in primary:
        waits = data.facts_expected and title in old and old[title] in found.facts
        if title not in new and title in old and not waits:
            out |= found.all(old[title])  # when it waits: known once the new facts are
    for title, fetch_id in new.items():
        if title in data.edited_before:  # its targets may have rendered before SMW settled
            out |= found.all(old.get(title)) | found.all(fetch_id)
        else:
            out |= found.changed(old.get(title), fetch_id, edited=title in chosen)
    for title in deleted:
        out |= found.all(old.get(title))
    return {_resolve(t, data.redirects) for t in out}


def _sources_of(titles: Iterable[str], data: PlanInput) -> set[str]:
    """Titles whose newest ok fetch before this crawl had a relation to one of ``titles``."""
    wanted = set(titles)
    if not wanted:
        return set()
    by_id = {known.fetch_id: title for title, known in data.prior.items()}
    found = _Targets(by_id, data)
    return {title for fid, title in by_id.items() if not wanted.isdisjoint(found.all(fid))}


def _changed_redirects(data: PlanInput) -> list[str]:
    """Redirects created, deleted, retargeted, or edited (when both versions are known)."""
    now = dict(data.redirect_versions) or {a: RedirectVersion(b) for a, b in data.redirects.items()}
    before = data.baseline_redirects
    if not before and not data.baseline_titles:
        return []  # the first crawl: nothing to compare with
    changed = []
    for title in sorted(now.keys() | before.keys()):
        a, b = before.get(title), now.get(title)
        if a is None or b is None or a.to_title != b.to_title or _edited(a, b):
            changed.append(title)
    return changed


def _edited(a: RedirectVersion, b: RedirectVersion) -> bool:
    """Two versions of a redirect differ (unknown when either was listed without one)."""
    if None in (a.revision_id, b.revision_id, a.touched, b.touched):
        return False
    return a.revision_id != b.revision_id or a.touched != b.touched


def _fetched_before_edits(data: PlanInput) -> set[str]:
    """Pages fetched in this crawl before a page edited during it, which that edit may
    concern: its old and new relation targets, and the query pages (once each)."""
    edited = [t for t in data.edited_now if t in data.done]
    if not edited:
        return set()
    old_ids = [data.prior[t].fetch_id for t in edited if t in data.prior]
    found = _Targets([*(data.done[t] for t in edited), *old_ids], data)
    again: set[str] = set()
    for title in edited:
        old = data.prior[title].fetch_id if title in data.prior else None
        concerned = found.all(old) | found.all(data.done[title]) | set(data.query_pages)
        for target in {_resolve(t, data.redirects) for t in concerned}:
            fetched = data.done.get(target)
            if fetched is not None and fetched < data.done[title] and target != title:
                again.add(target)
    return {t for t in again if t not in data.fetched_again and t in data.listing}


def _oldest(data: PlanInput, reasons: Mapping[str, str]) -> list[str]:
    """The rolling refresh: the ``data.refresh`` pages with the oldest archived copy among
    those whose own reason is unchanged (the same pages in every round of a crawl)."""
    if data.refresh <= 0 or data.full:
        return []
    quiet = [
        (known.fetch_id, title)
        for title, known in data.prior.items()
        if title in data.listing and _own_reason(data.listing[title], data) in _QUIET
    ]
    chosen = [title for _, title in sorted(quiet)[: data.refresh]]
    return [t for t in chosen if reasons.get(t) in _QUIET]


def make_plan(data: PlanInput) -> Plan:
    reasons = {title: _own_reason(page, data) for title, page in data.listing.items()}
    primary = [t for t, r in reasons.items() if r in _PRIMARY]
    new = [t for t, r in reasons.items() if r == NEW and data.baseline_titles]
    deleted = sorted(data.baseline_titles - data.listing.keys())
    for target in _changed_targets(primary, deleted, reasons, data):
        if reasons.get(target) in _QUIET:
            reasons[target] = RELATION_TARGET
    for source in _sources_of([*deleted, *new], data):
        if reasons.get(source) in _QUIET:
            reasons[source] = RELATION_SOURCE
    redirects = _changed_redirects(data)
    if redirects:
        old_map = {a: v.to_title for a, v in data.baseline_redirects.items()}
        for title in redirects:
            for end in (_resolve(title, old_map), _resolve(title, data.redirects)):
                if reasons.get(end) in _QUIET:
                    reasons[end] = RELATION_TARGET
        for source in _sources_of(redirects, data):
            if reasons.get(source) in _QUIET:
                reasons[source] = REDIRECT_SOURCE
    if primary or deleted or redirects:  # the wiki changed: what a query shows may have
        for title in data.query_pages:
            if reasons.get(title) in _QUIET:
                reasons[title] = QUERY_PAGE
    again = _fetched_before_edits(data)
    for title in again:
        reasons[title] = EDITED_DURING_CRAWL
    for title in _oldest(data, reasons):
        reasons[title] = REFRESH
    to_fetch = tuple(
        (data.listing[t], r)
        for t, r in sorted(
            reasons.items(), key=lambda item: (data.listing[item[0]].namespace, item[0])
        )
        if r != UNCHANGED and (t not in data.done or t in again) and t not in data.skip
    )
    return Plan(
        reasons=reasons,
        to_fetch=to_fetch,
        deleted=tuple(deleted),
        already_done=sum(1 for t in data.done if t in data.listing),
        changed_redirects=tuple(redirects),
    )
