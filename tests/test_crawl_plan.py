"""Incremental planning: which pages a crawl fetches, and why."""

from __future__ import annotations

from collections.abc import Mapping

from scraper.plan import (
    CHANGED,
    FULL,
    NEW,
    RELATION_SOURCE,
    RELATION_TARGET,
    RETRY_FAILED,
    UNCHANGED,
    Known,
    PlanInput,
    make_plan,
)
from scraper.state import ListedPage

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
) -> PlanInput:
    table = dict(targets or {})
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
