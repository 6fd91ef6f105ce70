"""Incremental planning: which pages a crawl fetches, and why."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import replace

from scraper.archive.rows import RedirectVersion
from scraper.archive.state import ListedPage
from scraper.crawl.plan import (
    CHANGED,
    EDITED_DURING_CRAWL,
    FULL,
    NEW,
    QUERY_PAGE,
    REDIRECT_SOURCE,
    REFRESH,
    RELATION_SOURCE,
    RELATION_TARGET,
    RETRY_FAILED,
    UNCHANGED,
    Known,
    PlanInput,
    make_plan,
)

T0 = "2026-11-01T00:00:00Z"
T1 = "2026-11-02T00:00:00Z"


def listing(*pages: tuple[str, int, str] | tuple[str, int, str, int]) -> dict[str, ListedPage]:
    out = {}
    for i, spec in enumerate(pages):
        title, rev, touched = spec[0], spec[1], spec[2]
        ns = spec[3] if len(spec) == 4 else 0  # type: ignore[misc]
        out[title] = ListedPage(title, ns, i + 1, rev, touched, 10)
    return out


def data(
    pages: dict[str, ListedPage],
    prior: dict[str, Known],
    *,
    targets: Mapping[int, set[str]] | None = None,
    baseline: set[str] | None = None,
    done: dict[str, int] | None = None,
    failed: set[str] | None = None,
    redirects: dict[str, str] | None = None,
    full: bool = False,
    skip: frozenset[str] = frozenset(),
    facts: Mapping[int, dict[str, str]] | None = None,
    redirect_versions: dict[str, RedirectVersion] | None = None,
    baseline_redirects: dict[str, RedirectVersion] | None = None,
) -> PlanInput:
    """``facts``: fetch id -> {target: digest of the subject naming it} (whole facts)."""
    table = dict(targets or {})
    known = {i: {t: frozenset({d}) for t, d in found.items()} for i, found in (facts or {}).items()}
    return PlanInput(
        listing=pages,
        baseline_titles=frozenset(baseline if baseline is not None else prior),
        prior=prior,
        failed_last=frozenset(failed or ()),
        done=done or {},
        targets=lambda ids: {i: frozenset(table[i]) for i in ids if i in table},
        redirects=redirects or {},
        full=full,
        skip=skip,
        fact_targets=lambda ids: {i: known[i] for i in ids if i in known},
        facts_expected=facts is not None,
        redirect_versions=redirect_versions or {},
        baseline_redirects=baseline_redirects or {},
    )


def fetched(plan_input: PlanInput) -> dict[str, str]:
    return {p.title: reason for p, reason in make_plan(plan_input).to_fetch}


def test_first_crawl_fetches_everything_as_new_in_namespace_title_order() -> None:
    pages = listing(("b", 1, T0), ("FS:a", 2, T0, 100), ("A", 3, T0))
    plan = make_plan(data(pages, {}))
    assert [p.title for p, _ in plan.to_fetch] == ["A", "b", "FS:a"]
    assert set(plan.reasons.values()) == {NEW}
    assert plan.deleted == ()


def test_nothing_changed_fetches_nothing() -> None:
    pages = listing(("A", 1, T0), ("B", 2, T0))
    prior = {"A": Known(10, 1, T0), "B": Known(11, 2, T0)}
    plan = make_plan(data(pages, prior, targets={10: {"B"}}))
    assert plan.to_fetch == ()
    assert plan.counts[UNCHANGED] == 2
    assert plan.settled


def test_revision_or_touched_change_is_changed() -> None:
    pages = listing(("A", 2, T0), ("B", 1, T1), ("C", 1, T0))
    prior = {"A": Known(10, 1, T0), "B": Known(11, 1, T0), "C": Known(12, 1, T0)}
    assert fetched(data(pages, prior)) == {"A": CHANGED, "B": CHANGED}


def test_old_and_new_relation_targets_of_a_changed_page() -> None:
    pages = listing(("A", 2, T0), ("Old", 1, T0), ("New", 1, T0), ("Other", 1, T0))
    prior = {t: Known(10 + i, 1, T0) for i, t in enumerate(["A", "Old", "New", "Other"])}
    # before A is fetched only its old target is known
    before = data(pages, prior, targets={10: {"Old"}})
    assert fetched(before) == {"A": CHANGED, "Old": RELATION_TARGET}
    # after this crawl fetched A (fetch 20, targets New) and Old, New is added; nothing else
    after = data(pages, prior, targets={10: {"Old"}, 20: {"New"}}, done={"A": 20, "Old": 21})
    plan = make_plan(after)
    assert {p.title: r for p, r in plan.to_fetch} == {"New": RELATION_TARGET}
    assert plan.reasons["Other"] == UNCHANGED
    assert plan.already_done == 2


def test_new_page_targets_and_deleted_page_old_targets() -> None:
    pages = listing(("X", 1, T0), ("Y", 1, T0), ("Fresh", 1, T0))
    prior = {"X": Known(1, 1, T0), "Y": Known(2, 1, T0), "Gone": Known(3, 1, T0)}
    plan_input = data(
        pages, prior, targets={3: {"X"}, 9: {"Y"}}, baseline={"X", "Y", "Gone"}, done={"Fresh": 9}
    )
    plan = make_plan(plan_input)
    assert plan.deleted == ("Gone",)
    assert {p.title: r for p, r in plan.to_fetch} == {"X": RELATION_TARGET, "Y": RELATION_TARGET}
    assert "Gone" not in plan.reasons


def test_move_is_delete_plus_new() -> None:
    # "Before" moved to "After": the old title is gone (a redirect now), the new one is new
    pages = listing(("After", 5, T1), ("T", 1, T0))
    prior = {"Before": Known(1, 4, T0), "T": Known(2, 1, T0)}
    plan = make_plan(
        data(pages, prior, targets={1: {"T"}}, baseline={"Before", "T"},
             redirects={"Before": "After"})
    )  # fmt: skip
    assert plan.deleted == ("Before",)
    assert {p.title: r for p, r in plan.to_fetch} == {"After": NEW, "T": RELATION_TARGET}


def test_targets_through_redirects_and_missing_targets() -> None:
    pages = listing(("A", 2, T0), ("Real", 1, T0))
    prior = {"A": Known(1, 1, T0), "Real": Known(2, 1, T0)}
    plan_input = data(pages, prior, targets={1: {"Alias", "Red link"}}, redirects={"Alias": "Real"})
    assert fetched(plan_input) == {"A": CHANGED, "Real": RELATION_TARGET}


def test_failed_pages_are_retried_next_crawl_but_not_twice_in_one_run() -> None:
    pages = listing(("A", 1, T0), ("B", 1, T0))
    prior = {"B": Known(2, 1, T0)}
    assert fetched(data(pages, prior, failed={"A", "B"})) == {"A": RETRY_FAILED, "B": RETRY_FAILED}
    assert fetched(data(pages, prior, failed={"A"}, skip=frozenset({"A"}))) == {}


def test_full_refetches_unchanged_and_keeps_reasons() -> None:
    pages = listing(("A", 2, T0), ("B", 1, T0))
    prior = {"A": Known(1, 1, T0), "B": Known(2, 1, T0)}
    assert fetched(data(pages, prior, full=True)) == {"A": CHANGED, "B": FULL}
    resumed = data(pages, prior, full=True, done={"A": 7})
    assert fetched(resumed) == {"B": FULL}


def test_summary_names_counts() -> None:
    pages = listing(("A", 2, T0), ("B", 1, T0))
    prior = {"A": Known(1, 1, T0), "B": Known(2, 1, T0), "C": Known(3, 1, T0)}
    text = make_plan(data(pages, prior)).summary()
    assert text.startswith("2 pages listed, 1 to fetch (changed 1, unchanged 1); 1 deleted")


def test_pages_relating_to_a_deleted_or_moved_page_are_refetched() -> None:
    # A and B point at C; C is moved away (gone from the listing, a redirect now) and
    # D is unrelated: SMW renders A's and B's Relaties anew without touching them
    prior = {t: Known(i + 1, 5, T0) for i, t in enumerate("ABCD")}
    pages = listing(("A", 5, T0), ("B", 5, T0), ("D", 5, T0), ("C2", 1, T1))
    plan_input = data(
        pages, prior, targets={1: {"C", "D"}, 2: {"C"}, 4: {"A"}}, redirects={"C": "C2"}
    )
    assert fetched(plan_input) == {"A": RELATION_SOURCE, "B": RELATION_SOURCE, "C2": NEW}


def test_property_links_in_smws_facts_are_targets_too() -> None:
    # A's Eigenschappen name B (Heeft bron): not a Relaties link, but a page value in SMW
    pages = listing(("A", 2, T0), ("B", 1, T0), ("C", 1, T0))
    prior = {"A": Known(1, 1, T0), "B": Known(2, 1, T0), "C": Known(3, 1, T0)}
    plan = data(pages, prior, targets={}, facts={1: {"B": "d1"}, 9: {"C": "d2"}}, done={"A": 9})
    assert fetched(plan) == {"B": RELATION_TARGET, "C": RELATION_TARGET}


def test_with_facts_on_both_sides_only_changed_relations_refetch_their_targets() -> None:
    pages = listing(("A", 2, T0), ("Same", 1, T0), ("Moved", 1, T0), ("Html", 1, T0))
    prior = {t: Known(i + 1, 1, T0) for i, t in enumerate(["A", "Same", "Moved", "Html"])}
    old = {"Same": "s", "Moved": "m1"}
    new = {"Same": "s", "Moved": "m2"}  # the subject naming Moved changed; Same's did not
    # before A is fetched, its old targets wait for the new version's facts
    waiting = data(pages, prior, targets={1: {"Html"}}, facts={1: old})
    assert fetched(waiting) == {"A": CHANGED}
    after = data(
        pages, prior, targets={1: {"Html"}, 9: {"Html"}}, facts={1: old, 9: new}, done={"A": 9}
    )
    assert fetched(after) == {"Moved": RELATION_TARGET}
    # a page whose body alone changed refetches no target at all
    body = data(pages, prior, targets={1: {"Html"}, 9: {"Html"}}, facts={1: old, 9: old},
                done={"A": 9})  # fmt: skip
    assert fetched(body) == {}
    # without facts for the new version (its answer failed): every old and new target
    fallback = data(pages, prior, targets={1: {"Html"}, 9: {"Html"}}, facts={1: old},
                    done={"A": 9})  # fmt: skip
    assert fetched(fallback) == {"Same": RELATION_TARGET, "Moved": RELATION_TARGET,
                                 "Html": RELATION_TARGET}  # fmt: skip


def test_a_refetched_page_whose_relations_changed_refetches_their_targets() -> None:
    # S was refetched as a relation source; SMW renamed an endpoint of its relation
    # object (a moved page) without a revision: the object's other endpoint T changed too
    pages = listing(("S", 1, T0), ("T", 1, T0), ("U", 1, T0))
    prior = {"S": Known(1, 1, T0), "T": Known(2, 1, T0), "U": Known(3, 1, T0)}
    plan = data(pages, prior, facts={1: {"T": "a", "U": "u"}, 9: {"T": "b", "U": "u"}},
                done={"S": 9})  # fmt: skip
    assert fetched(plan) == {"T": RELATION_TARGET}
    # without facts, only targets that appeared or went (S itself was not edited)
    html = data(pages, prior, targets={1: {"T", "U"}, 9: {"U"}}, done={"S": 9})
    assert fetched(html) == {"T": RELATION_TARGET}


def test_pages_linking_to_a_new_title_are_refetched() -> None:
    # A's red link to "Later" turns blue when Later is created
    pages = listing(("A", 1, T0), ("B", 1, T0), ("Later", 1, T1))
    prior = {"A": Known(1, 1, T0), "B": Known(2, 1, T0)}
    plan = data(pages, prior, targets={1: {"Later"}}, baseline={"A", "B"})
    assert fetched(plan) == {"Later": NEW, "A": RELATION_SOURCE}


def test_a_redirect_created_edited_retargeted_or_deleted_refetches_through_it() -> None:
    pages = listing(("A", 1, T0), ("B", 1, T0), ("Old", 1, T0), ("New", 1, T0), ("X", 1, T0))
    prior = {t: Known(i + 1, 1, T0) for i, t in enumerate(["A", "B", "Old", "New", "X"])}
    targets = {1: {"R"}, 2: {"Q"}}  # A links redirect R, B links redirect Q
    before = {"R": RedirectVersion("Old", 5, T0), "Q": RedirectVersion("X", 7, T0)}
    same = data(pages, prior, targets=targets, redirects={"R": "Old", "Q": "X"},
                redirect_versions=dict(before), baseline_redirects=before)  # fmt: skip
    assert fetched(same) == {}
    moved = data(pages, prior, targets=targets, redirects={"R": "New", "Q": "X"},
                 redirect_versions={"R": RedirectVersion("New", 6, T1), "Q": before["Q"]},
                 baseline_redirects=before)  # fmt: skip
    assert fetched(moved) == {"A": REDIRECT_SOURCE, "Old": RELATION_TARGET,
                              "New": RELATION_TARGET}  # fmt: skip
    edited = data(pages, prior, targets=targets, redirects={"R": "Old", "Q": "X"},
                  redirect_versions={"R": before["R"], "Q": RedirectVersion("X", 8, T1)},
                  baseline_redirects=before)  # fmt: skip
    assert fetched(edited) == {"B": REDIRECT_SOURCE, "X": RELATION_TARGET}
    gone = data(pages, prior, targets=targets, redirects={"Q": "X"},
                redirect_versions={"Q": before["Q"]}, baseline_redirects=before)  # fmt: skip
    assert fetched(gone) == {"A": REDIRECT_SOURCE, "Old": RELATION_TARGET}
    created = data(pages, prior, targets=targets, redirects={"R": "Old", "Q": "X"},
                   redirect_versions=dict(before),
                   baseline_redirects={"Q": before["Q"]})  # fmt: skip
    assert fetched(created) == {"A": REDIRECT_SOURCE, "Old": RELATION_TARGET}
    # redirects listed before their versions were kept: compared by target only
    unknown = {a: RedirectVersion(b.to_title) for a, b in before.items()}
    plain = data(pages, prior, targets=targets, redirects={"R": "Old", "Q": "X"},
                 redirect_versions=dict(before), baseline_redirects=unknown)  # fmt: skip
    assert fetched(plain) == {}


def test_query_pages_are_refetched_when_anything_in_the_wiki_changed() -> None:
    pages = listing(("Overview", 1, T0), ("P", 1, T0), ("Q", 1, T0))
    prior = {"Overview": Known(10, 1, T0), "P": Known(11, 1, T0), "Q": Known(12, 1, T0)}
    quiet = replace(data(pages, prior), query_pages=frozenset({"Overview"}))
    assert fetched(quiet) == {}  # nothing changed: not even the query page
    edited = listing(("Overview", 1, T0), ("P", 2, T1), ("Q", 1, T0))
    assert fetched(replace(quiet, listing=edited)) == {"P": CHANGED, "Overview": QUERY_PAGE}
    gone = listing(("Overview", 1, T0), ("P", 1, T0))
    assert fetched(replace(quiet, listing=gone)) == {"Overview": QUERY_PAGE}


def test_an_edit_during_the_crawl_refetches_targets_fetched_before_it_once() -> None:
    # A was edited after the listing: its fetch (22) shows a new relation to T, which this
    # crawl fetched (20) before A; U was fetched after A (23): it saw the edit already
    pages = listing(("A", 2, T1), ("T", 2, T1), ("U", 2, T1), ("Overview", 1, T0))
    prior = {"A": Known(1, 1, T0), "T": Known(2, 1, T0), "U": Known(3, 1, T0),
             "Overview": Known(4, 1, T0)}  # fmt: skip
    done = {"T": 20, "Overview": 21, "A": 22, "U": 23}
    base = replace(
        data(pages, prior, targets={1: {"U"}, 22: {"T", "U"}}, done=done),
        query_pages=frozenset({"Overview"}),
    )
    assert fetched(base) == {}  # no edit seen during the crawl: all done
    during = replace(base, edited_now=frozenset({"A"}))
    assert fetched(during) == {"T": EDITED_DURING_CRAWL, "Overview": EDITED_DURING_CRAWL}
    # refetched once (T: 24, Overview: 25): settled, and never a third time
    after = replace(during, done={**done, "T": 24, "Overview": 25},
                    fetched_again=frozenset({"T", "Overview"}))  # fmt: skip
    assert fetched(after) == {}
    assert make_plan(after).settled


def test_the_night_after_an_edit_during_the_crawl_refetches_all_its_targets() -> None:
    # A was edited during the last crawl (its fetch 1 showed the new revision 2): tonight
    # it is changed, and its targets are refetched although the digests of its facts
    # before and after agree (T was rendered before SMW stored A's new data)
    pages = listing(("A", 2, T1), ("T", 1, T0), ("V", 1, T0))
    prior = {"A": Known(1, 1, T0), "T": Known(2, 1, T0), "V": Known(3, 1, T0)}
    facts = {1: {"T": "a"}, 9: {"T": "a"}}
    settled = data(pages, prior, targets={1: {"V"}, 9: {"V"}}, facts=facts, done={"A": 9})
    assert fetched(settled) == {}
    after_edit = replace(settled, edited_before=frozenset({"A"}))
    assert fetched(after_edit) == {"T": RELATION_TARGET, "V": RELATION_TARGET}


def test_rolling_refresh_bounds_every_pages_age_by_k_nights() -> None:
    """Unchanged for 3K nights but for one edit a night: every page is refetched at least
    every K nights, ceil(N/K) refresh fetches a night, oldest archived copy first."""
    n, k = 23, 5
    titles = [f"P{i:02d}" for i in range(n)]
    fetch_id = 0
    prior: dict[str, Known] = {}
    last: dict[str, int] = {}
    for title in titles:
        fetch_id += 1
        prior[title] = Known(fetch_id, 1, T0)
        last[title] = 0
    revisions = dict.fromkeys(titles, 1)
    for night in range(1, 3 * k + 1):
        edited = titles[(night * 7) % n]
        revisions[edited] += 1
        pages = listing(*((t, revisions[t], T0) for t in titles))
        plan_input = replace(data(pages, prior), refresh=math.ceil(n / k))
        got = fetched(plan_input)
        assert sum(r == REFRESH for r in got.values()) == math.ceil(n / k)
        for title in got:
            fetch_id += 1
            prior[title] = Known(fetch_id, revisions[title], T0)
            last[title] = night
        assert max(night - seen for seen in last.values()) < k, night
    off = replace(data(listing(*((t, revisions[t], T0) for t in titles)), prior), refresh=0)
    assert fetched(off) == {}


def test_the_refresh_quota_is_ceil_n_over_k_a_night_and_none_the_same_night() -> None:
    from scraper.crawl.rounds import refresh_quota

    assert refresh_quota(318, 14, 1) == 23
    assert refresh_quota(318, 14, 2) == 46  # a skipped night: two nights' worth
    assert refresh_quota(318, 14, 0) == 0  # a second crawl the same night
    assert refresh_quota(318, 0, 3) == 0  # off
    assert refresh_quota(318, 14, 40) == 318  # never more than every page
