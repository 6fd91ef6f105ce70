"""Labels are data (parsers.labels, parsers.profile) and warnings have one spelling
(parsers.problems)."""

from __future__ import annotations

from parsers import labels, problems
from parsers.profile import NORA


def test_fold_ignores_case_space_and_colon() -> None:
    assert labels.fold("  Eigen\u00a0schappen : ") == "eigen schappen"
    assert labels.fold("Eigenschappen:") in NORA.property_blocks
    assert NORA.block_kind("Afgeleide Relaties") == "derived"


def test_known_types_and_namespaces() -> None:
    assert NORA.element_types_by_fold[labels.fold("afgeleid principe")] == "Afgeleid principe"
    assert NORA.namespace_numbers["categorie"] == 14
    assert NORA.namespace_numbers["eigenschap"] == 102


def test_warning_spelling() -> None:
    assert problems.warning(problems.TRUNCATED, "a\n b") == "truncated: a b"
    long = problems.warning(problems.BODY_TEXT, "x" * 900)
    assert len(long) < problems.MAX_DETAIL + 20 and long.endswith("...")
    # an excerpt keeps the start and the end of what it quotes, and stays short
    quoted = problems.excerpt("begin " + "midden " * 100 + "einde")
    assert quoted.startswith("'begin") and quoted.endswith("einde'") and len(quoted) <= 122
    assert len(set(problems.CODES)) == len(problems.CODES)
    assert not set(problems.CODES) & set(problems.NOTE_CODES)
