"""The cross-checks (``output.checks``) on hand-made pages: a relation block whose query
reached its ``limit=`` shows a part of SMW's relations; the shown rows are still checked."""

from __future__ import annotations

from collections.abc import Sequence

from output.checks import (
    DERIVED_WITHOUT_DIRECT,
    DIRECT_WITHOUT_DERIVED,
    RELATION_NOT_IN_SMW,
    RELATION_NOT_SHOWN,
    Checker,
)
from parsers import ParsedPage, parse_page
from parsers.records import FactRecord

HEADER = "<tr><th>Vertrekpunt</th><th>Relatie</th><th>{}</th></tr>"
FOOTER = (
    '<tr class="smwfooter sortbottom"><td colspan="3"><span class="smw-table-furtherresults">'
    '<a href="/wiki/Speciaal:Vragen/x/offset%3D2">... meer resultaten</a></span></td></tr>'
)


def _link(title: str) -> str:
    return f'<a href="/wiki/{title}" title="{title}">{title}</a>'


def _page(
    title: str,
    direct: Sequence[tuple[str, str]] = (),
    derived: Sequence[tuple[str, str]] = (),
    limited: str = "",
) -> ParsedPage:
    """A page with a Relaties table of (relation, target) rows and an Afgeleide
    relaties table of (source, relation) rows; ``limited`` the kind whose table ends in
    SMW's further-results footer."""
    self_link = f'<a class="mw-selflink selflink">{title}</a>'
    body = ""
    if direct:
        rows = "".join(
            f"<tr><td>{self_link}</td><td>{r}</td><td>{_link(t)}</td></tr>" for r, t in direct
        )
        footer = FOOTER if limited == "direct" else ""
        body += (
            '<h2><span class="mw-headline">Relaties</span></h2><table class="smwtable">'
            f"{HEADER.format('Eindpunten')}{rows}{footer}</table>"
        )
    if derived:
        rows = "".join(
            f"<tr><td>{_link(s)}</td><td>{r}</td><td>{self_link}</td></tr>" for s, r in derived
        )
        footer = FOOTER if limited == "derived" else ""
        body += (
            '<h2><span class="mw-headline">Afgeleide relaties</span></h2><table class="smwtable">'
            f"{HEADER.format('Eindpunt')}{rows}{footer}</table>"
        )
    return parse_page(
        f'<div class="mw-parser-output">{body}</div>', "/wiki/" + title.replace(" ", "_")
    )


def _facts(title: str, relations: list[tuple[str, str]]) -> list[FactRecord]:
    """SMW's relation objects of ``title``: one subobject per (relation, target)."""
    values = []
    for n, (relation, target) in enumerate(relations):
        subject = f"{title}#relatie-{n}"
        values += [
            (subject, "Vertrekpunt", "_wpg", title, title),
            (subject, "Relatie", "_txt", relation, ""),
            (subject, "Eindpunt", "_wpg", target, target),
        ]
    return [FactRecord(title, i, *value, None, None) for i, value in enumerate(values)]


HELD = [("groepeert", "A"), ("groepeert", "B"), ("realiseert", "C"), ("realiseert", "D")]


def _check(*pages: tuple[ParsedPage, list[FactRecord] | None]) -> tuple[list[str], Checker]:
    checker = Checker()
    for parsed, facts in pages:
        checker.add(parsed, facts)
    return [
        f"{r.title} {r.kind} {r.smw_value or r.html_value}" for r in checker.finish({})
    ], checker


def test_a_truncated_relaties_block_hides_rows_without_disagreeing() -> None:
    page = _page("Dit", HELD[:2], limited="direct")
    rows, checker = _check((page, _facts("Dit", HELD)))
    assert rows == []
    assert checker.summary.query_limited == 1
    assert checker.summary.disagree == 0
    assert "1 pages show only part of their relations" in checker.summary.line()
    assert checker.manifest()["pages_query_limited"] == 1
    # the same rows without SMW's footer: the two hidden relations are missing
    whole, _ = _check((_page("Dit", HELD[:2]), _facts("Dit", HELD)))
    assert whole == [
        f"Dit {RELATION_NOT_SHOWN} realiseert C",
        f"Dit {RELATION_NOT_SHOWN} realiseert D",
    ]


def test_a_truncated_relaties_block_with_a_wrong_row_still_disagrees() -> None:
    page = _page("Dit", [HELD[0], ("groepeert", "Z")], limited="direct")
    rows, checker = _check((page, _facts("Dit", HELD)))
    assert rows == [f"Dit {RELATION_NOT_IN_SMW} groepeert Z"]
    assert checker.summary.disagree == 1


def test_truncated_afgeleide_relaties_hide_rows_without_disagreeing() -> None:
    sources = [_page(s, [("groepeert", "Dit")]) for s in ("A", "B", "C")]
    pages = [(p, None) for p in sources]
    limited = _page("Dit", derived=[("A", "groepeert")], limited="derived")
    rows, checker = _check(*pages, (limited, None))
    assert rows == []
    assert checker.summary.query_limited == 1
    whole = _page("Dit", derived=[("A", "groepeert")])
    rows, _ = _check(*pages, (whole, None))
    assert rows == [
        f"Dit {DIRECT_WITHOUT_DERIVED} B | groepeert | Dit",
        f"Dit {DIRECT_WITHOUT_DERIVED} C | groepeert | Dit",
    ]


def test_a_derived_row_from_a_truncated_relaties_block_is_found_in_smw() -> None:
    # A's Relaties show one row of two; Dit's Afgeleide relaties show the hidden one
    source = _page("A", [("groepeert", "X")], limited="direct")
    facts = _facts("A", [("groepeert", "X"), ("realiseert", "Dit")])
    target = _page("Dit", derived=[("A", "realiseert")])
    rows, _ = _check((source, facts), (target, None))
    assert rows == []
    # without A's facts the row cannot be judged: no disagreement either
    rows, _ = _check((source, None), (target, None))
    assert rows == []
    # a derived row SMW's relation objects of A do not hold either still disagrees, and
    # the hidden row, held by SMW, is missing from Afgeleide relaties that are whole
    wrong = _page("Dit", derived=[("A", "smaller")])
    rows, _ = _check((source, facts), (wrong, None))
    assert rows == [
        f"Dit {DERIVED_WITHOUT_DIRECT} A | smaller | Dit",
        f"Dit {DIRECT_WITHOUT_DERIVED} A | realiseert | Dit",
    ]
