"""The mutation suite (tests/mutations.py): every fixture under every layout variation.

Properties and relations must equal the unmutated fixture's, no word the parser found
before may be lost, added text must land in a record. ``python -m tests.mutations``
prints the summary (variations x fixtures run, share equal).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.mutations import MUTATIONS, check, mutable_fixtures, mutate

# the (fixture, mutation) pairs where the mutation has something to change
CASES = [
    (page, name)
    for page in mutable_fixtures()
    for name in MUTATIONS
    if mutate(page, name) is not None
]


@pytest.mark.parametrize(
    ("page", "name"), CASES, ids=[f"{name}-{page.stem}" for page, name in CASES]
)
def test_layout_variation_keeps_what_the_page_says(page: Path, name: str) -> None:
    assert check(page, name) == []


def test_every_variation_applies_somewhere() -> None:
    """A mutation that changes no fixture tests nothing: each must apply to several."""
    applied = {name: sum(1 for _, n in CASES if n == name) for name in MUTATIONS}
    assert min(applied.values()) >= 3, applied
    assert len(CASES) >= 600
