"""Text any editor or a hostile site controls costs linear time (issue 19).

Each test times one function on a hostile input of n and of 4n characters and holds
the ratio under 5: linear work gives about 4, the quadratic backtracking these
replaced gave 16 (``dates_in`` on 8,000 letters took 3.9 s, the
``<head`` search of ``nora show --open`` 35 s on 120 KB). ``benchmarks/bench_regex.py``
measures every expression of output/ and scraper/ the same way. The sizes are small
(4n at most 24,000 characters): on the shared test machine the cost of a character
read by a regular expression grows two- to threefold between 4,000 and 64,000
characters for any pattern (a plain ``\\d`` search too), which a ratio test at larger
sizes mistakes for backtracking; the complexity shows at these sizes already.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable

from output.agreement import Tally, dates_in
from output.charts import clean_svg
from output.errors import ChartError
from parsers.errors import SmwAnswerError
from parsers.facts import _expand_entities
from parsers.records import FactRecord, PropertyRecord
from scraper.snapshot.lookup import safe_view

MAX_RATIO = 5.0


def _sample(run: Callable[[int], object], n: int, reps: int) -> float:
    """CPU time of ``reps`` runs: time spent waiting for the CPU on a loaded machine is
    not the function's."""
    start = time.process_time()
    for _ in range(reps):
        run(n)
    return time.process_time() - start


def assert_linear(run: Callable[[int], object], n: int) -> None:
    """Time ``run`` at n and 4n, alternating, seven times each, and keep the best of each
    (a shared machine's load only ever adds time); a sample repeats ``run`` until it takes
    20 ms or more, for the same reason."""
    once = _sample(run, n, 1)
    reps = max(1, min(1000, int(0.02 / max(once, 1e-6)) + 1))
    small, large = float("inf"), float("inf")
    for _ in range(7):
        small = min(small, _sample(run, n, reps))
        large = min(large, _sample(run, 4 * n, reps))
    assert large <= MAX_RATIO * small, (
        f"{n:,} -> {small / reps:.5f}s, {4 * n:,} -> {large / reps:.5f}s: {large / small:.1f}x"
    )


def test_dates_in_a_long_run_of_letters() -> None:
    assert dates_in("Gepubliceerd op juni 7, 2022 en 7 juni 2022") == {"2022-06-07"}
    assert dates_in("xjuni 7, 2022") == set()  # a month name starts a word, as before
    assert_linear(lambda n: dates_in("a" * n), 1_000)


def test_one_long_value_against_every_date_property_of_a_page() -> None:
    """``Tally.add`` compares each value with every SMW property of the page."""
    facts = {
        f"Datum {i}": [FactRecord("P", 0, "P", f"Datum {i}", "_dat", "2022-06-07", "", None, None)]
        for i in range(10)
    }

    def tally(n: int) -> None:
        value = PropertyRecord("P", 0, "Beschrijving", "b" * n, (), ())
        Tally.empty().add([value], facts, {})

    assert_linear(tally, 1_000)


def test_safe_view_of_many_head_tags() -> None:
    assert_linear(lambda n: safe_view(b"<head " * (n // 6)), 6_000)


def test_clean_svg_with_many_unclosed_comments() -> None:
    def clean(n: int) -> None:
        with contextlib.suppress(ChartError):  # refused: an unclosed comment is no SVG
            clean_svg("<svg>" + "<!--" * (n // 4) + "</svg>")

    assert_linear(clean, 2_000)


def test_rdf_entities_many_references_and_unclosed_declarations() -> None:
    names = "".join(f"<!ENTITY e{i} 'v'>" for i in range(1_000))

    def references(n: int) -> None:
        _expand_entities(f"<!DOCTYPE r[{names}]><r>{'&e9' * (n // 3)}</r>")

    assert_linear(references, 2_000)

    def unclosed(n: int) -> None:  # within the 20,000 characters a DOCTYPE may take
        _expand_entities("<!DOCTYPE r[" + "<!ENTITY a 'x" * (n // 13) + "]>")

    assert_linear(unclosed, 1_000)


def test_entity_expansion_is_bounded() -> None:
    declared = "<!DOCTYPE r[<!ENTITY x '" + "A" * 10_000 + "'>]>"
    assert _expand_entities(declared + "<r>&x;</r>") == "<r>" + "A" * 10_000 + "</r>"
    try:
        _expand_entities(declared + "<r>" + "&x;" * 40_000 + "</r>")
    except SmwAnswerError as error:
        assert "expected entities writing the" in str(error)
    else:
        raise AssertionError("an answer written out 3,000 times its size was read")
