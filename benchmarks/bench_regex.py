"""Every regular expression of output/, scraper/ and parsers/facts.py against hostile input.

Each row times one expression (through the function that runs it, where it has one)
on the inputs that make it work hardest (long letter runs, a repeated opening token
that never closes, many alternatives) at n and 4n characters, best of three; a ratio
near 4 is linear, near 16 quadratic. commands/ holds no regular expression. The
parsers' own (parsers/ but facts.py) are measured with the parser.

    python -m benchmarks.bench_regex [n]

Written against names that exist before and after issue 19's fixes, so the same script
measured both (``PYTHONPATH`` pointing at either tree).
"""

from __future__ import annotations

import contextlib
import re
import sys
import time
from collections.abc import Callable

from output import agreement, charts, history, staging, tabular
from parsers import facts
from scraper.archive import prune, warc
from scraper.net import articles, robots
from scraper.snapshot import lookup

#: hostile shapes of n characters, for expressions that search free text
TEXTS: tuple[Callable[[int], str], ...] = (
    lambda n: "a" * n,
    lambda n: "1" * n,
    lambda n: " " * n,
    lambda n: "a " * (n // 2),
    lambda n: "1 a" * (n // 3),
    lambda n: "1 " + "a" * (n - 2),
    lambda n: "11-11-" * (n // 6),
    lambda n: "jan 1, " * (n // 7),
    lambda n: "a." * (n // 2),
)


def _each(search: Callable[[str], object]) -> Callable[[int], None]:
    def run(n: int) -> None:
        for shape in TEXTS:
            search(shape(n))

    return run


def _quietly(call: Callable[[], object]) -> None:
    with contextlib.suppress(Exception):  # a hostile input may be refused: time counts here
        call()


def _doctype(n: int) -> None:
    # facts reads a DOCTYPE within the first 20,000 characters: n/4 of them (at most 20,000)
    _quietly(lambda: facts._expand_entities("<!DOCTYPE a[" * (min(n // 4, 20_000) // 12)))


def _entities(n: int) -> None:
    unclosed = "<!DOCTYPE r[" + "<!ENTITY a 'x" * (min(n // 4, 19_000) // 13)
    _quietly(lambda: facts._expand_entities(unclosed + "]>"))


def _references(n: int) -> None:
    # 1,000 declared names (the DOCTYPE window holds about that many) and n '&'s
    names = "".join(f"<!ENTITY e{i} 'v'>" for i in range(1_000))
    _quietly(lambda: facts._expand_entities(f"<!DOCTYPE r[{names}]><r>{'&e9' * (n // 3)}</r>"))


CASES: tuple[tuple[str, str, Callable[[int], object]], ...] = (
    ("_MONTH_DAY_YEAR (dates_in)", "output/agreement.py",
     _each(agreement._MONTH_DAY_YEAR.findall)),
    ("_DAY_MONTH_YEAR (dates_in)", "output/agreement.py",
     _each(agreement._DAY_MONTH_YEAR.findall)),
    ("_ISO (dates_in)", "output/agreement.py", _each(agreement._ISO.findall)),
    ("_NUMERIC_DMY (dates_in)", "output/agreement.py", _each(agreement._NUMERIC_DMY.findall)),
    ("dates_in, all four", "output/agreement.py", _each(agreement.dates_in)),
    ("<head search (safe_view)", "scraper/snapshot/lookup.py",
     lambda n: lookup.safe_view(b"<head " * (n // 6))),
    ("_COMMENT <!--.*?--> (clean_svg)", "output/charts.py",
     lambda n: _quietly(lambda: charts.clean_svg("<svg>" + "<!--" * (n // 4) + "</svg>"))),
    ("_FORMULA_RE + _PLAIN_NUMBER_RE (csv_safe)", "output/tabular.py", _each(tabular.csv_safe)),
    ("_FORMULA_RE, digits then junk", "output/tabular.py",
     lambda n: tabular.csv_safe("+" + "1" * n + "." + "1" * n + "x")),
    ("_DOCTYPE_RE (_expand_entities), n/4 <= 20,000", "parsers/facts.py", _doctype),
    ("_ENTITY_RE, unclosed values, n/4 <= 20,000", "parsers/facts.py", _entities),
    ("entity references, 1,000 names", "parsers/facts.py", _references),
    ("_FRACTIONAL_DELAY (robots.txt line)", "scraper/net/robots.py",
     lambda n: robots._round_up_delay("crawl-delay: " + "1" * n + "." + "1" * n + " " * n + "x")),
    ("_CONTROL, _FORBIDDEN (title_problem)", "scraper/net/articles.py",
     _each(articles.title_problem)),
    ("_WARC_NAME (a WARC file name)", "scraper/archive/prune.py",
     lambda n: prune._WARC_NAME.match("a-" * (n // 2) + ".warc.gz")),
    ("_NAME_RE (a WARC file name)", "scraper/archive/warc.py",
     lambda n: warc._NAME_RE.match("a-20260101T000000Z-" * (n // 19) + "x")),
    ("TEMP_NAME (a staged file name)", "output/staging.py",
     lambda n: staging.TEMP_NAME.match("." + ".tmp-1" * (n // 6) + "x")),
    ("SNAPSHOT_ID_RE", "output/history.py", lambda n: history.SNAPSHOT_ID_RE.match("1" * n)),
    ("re.sub [^0-9T] (a WARC stamp)", "scraper/archive/prune.py",
     lambda n: re.sub(r"[^0-9T]", "", "x" * n)),
)  # fmt: skip


def best(run: Callable[[int], object], n: int, rounds: int = 3) -> float:
    """Best of ``rounds`` (one round when it takes over a second: a quadratic case)."""
    times: list[float] = []
    while len(times) < rounds and not (times and times[0] > 1.0):
        start = time.process_time()  # CPU time: a loaded machine's waits are not the regex's
        run(n)
        times.append(time.process_time() - start)
    return min(times)


def main(n: int = 20_000) -> None:
    print(f"{'expression':46} {'file':28} {'n=' + format(n, ','):>10} {'4n':>10} {'ratio':>6}")
    for name, where, run in CASES:
        small, large = best(run, n), best(run, 4 * n)
        ratio = large / small if small > 0 else float("nan")
        print(f"{name:46} {where:28} {small:9.4f}s {large:9.4f}s {ratio:6.1f}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
