"""``nora calibrate``: learn a wiki's labels from its own SMW data; write a profile TOML.

A sample of pages (``--sample N``, default 60, spread over the wiki's categories) is
fetched with its SMW facts through the crawl's client and archived as the start of a
crawl (``scraper.crawl.sample``), or read from an archived crawl (``--crawl ID``, no
network). Each page's facts are found in its HTML (``parsers.alignment``), the sample
votes the labels (``parsers.calibration``), the profile is written to ``--out`` and a
before/after table compares the current profile with the inferred one on the sample.

Exit statuses: 0 the inferred profile reads everything the sample shows of SMW's
data; 1 something stays unexplained (listed); 2 usage (bad flags, a wiki without SMW,
an unknown crawl, nothing learnt); 3 locked; 4 unreachable; the rest as ``nora crawl``.
"""

from __future__ import annotations

import argparse
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from commands.exits import ExitStatus, fail
from commands.flags import crawl_number
from output.checks import Checker
from output.terminal import say
from parsers import parse_page, problems
from parsers.alignment import PageAlignment, align_page, relation_triple, relations_by_page
from parsers.calibration import (
    Calibration,
    coverage,
    load_profile,
    profile_toml,
    uncertain_lines,
    vote,
)
from parsers.errors import ProfileError
from parsers.profile import Profile
from parsers.records import FactRecord
from scraper.crawl.config import build_config
from scraper.crawl.sample import CalibrationError, Sample, SampledPage, sample_archive, sample_site
from scraper.errors import ScraperError

DEFAULT_SAMPLE = 60
#: unexplained items printed (all are counted)
SHOWN = 20
_DATA_LOSS = (problems.LOST, problems.PROPERTY_ROW, problems.RELATION_COLUMNS,
              problems.RELATION_ROW)  # fmt: skip


def configure(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--site", help="wiki base URL (default https://www.noraonline.nl)")
    parser.add_argument("--crawl", type=crawl_number, metavar="ID",
                        help="learn from this archived crawl instead (no network)")  # fmt: skip
    parser.add_argument("--sample", type=_sample_size, default=DEFAULT_SAMPLE, metavar="N",
                        help=f"pages to learn from (default {DEFAULT_SAMPLE})")  # fmt: skip
    parser.add_argument("--out", default="profile.toml", metavar="FILE",
                        help="where to write the profile (default profile.toml)")  # fmt: skip
    parser.add_argument("--data", help="data folder (default ./data)")
    parser.add_argument("--config", help="TOML config file (as nora crawl)")
    parser.add_argument("--contact", help="operator e-mail or URL for the User-Agent")
    parser.add_argument("--delay", type=float, help="seconds between requests (default 1.0)")
    parser.add_argument("--profile", metavar="FILE",
                        help="the profile to compare with (default: NORA Online)")  # fmt: skip


def _sample_size(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of pages, found {text!r}") from None
    if not 1 <= value <= 10_000:
        raise argparse.ArgumentTypeError(f"expected 1 to 10000 pages, found {value}")
    return value


@dataclass(frozen=True, slots=True)
class Reading:
    """How one profile reads the sample (a column of the before/after table)."""

    values: int
    values_found: int
    relations: int
    relations_found: int
    warnings: int
    checks: int
    missed: tuple[str, ...]
    #: per page, the relations left out (behind a reached query limit=)
    excused: tuple[frozenset[int], ...] = ()

    @staticmethod
    def share(found: int, total: int) -> str:
        return f"{found}/{total} ({found / total:.0%})" if total else "0/0"


def run(args: argparse.Namespace) -> int:
    try:
        config = build_config(
            config_file=args.config,
            flags={"site": args.site, "data_dir": args.data, "contact": args.contact,
                   "delay": args.delay, "profile": args.profile},
        )  # fmt: skip
        if args.crawl is not None:
            sample = sample_archive(Path(config.data_dir), args.crawl, args.sample)
        else:
            sample = sample_site(config, args.sample)
        pages = [p for p in sample.pages if p.facts is not None]
        if not pages:
            raise CalibrationError(
                sample.site, "SMW's answers for the sampled pages could not be read: "
                "calibration needs SMW's data"
            )  # fmt: skip
        alignments = _align(pages, config.profile)
        if not any(a.values or a.relations for a in alignments):
            raise CalibrationError(
                sample.site, "the sampled pages show none of SMW's data: nothing to learn from"
            )
        calibration = vote(alignments)
        where = f"{sample.site}, crawl {sample.crawl_id}"
        text = profile_toml(calibration, origin=where)
        try:
            inferred = load_profile(text)
        except ProfileError as exc:
            raise CalibrationError(
                sample.site, f"no usable profile could be inferred: {exc}"
            ) from None
        _write(Path(args.out), text)
    except (ScraperError, ProfileError, OSError) as exc:
        return fail("calibrate", exc)
    after = _reading(pages, alignments, inferred, {})
    before = _reading(pages, alignments, config.profile, dict(config.property_map), after.excused)
    _report(args, sample, len(pages), calibration, before, after)
    return int(ExitStatus.OK if not after.missed else ExitStatus.PARTIAL)


def _align(pages: Sequence[SampledPage], current: Profile) -> list[PageAlignment]:
    facts: dict[str, Sequence[FactRecord]] = {p.title: p.facts or () for p in pages}
    triple = relation_triple(f for page in facts.values() for f in page)
    relations = relations_by_page(facts, triple)
    out = []
    for page in pages:
        parsed = parse_page(page.html, page.url, current)
        kind = parsed.page.element_type or (parsed.page.categories or ("",))[0]
        out.append(align_page(page.html, page.title, facts[page.title], relations[page.title],
                              triple, kind, current.element_type_properties))  # fmt: skip
    return out


def _reading(
    pages: Sequence[SampledPage],
    alignments: Sequence[PageAlignment],
    profile: Profile,
    property_map: dict[str, str],
    excused: Sequence[frozenset[int]] | None = None,
) -> Reading:
    """How ``profile`` reads the sample; ``excused``: per page, the relations another
    reading left out (behind a reached query limit), so both count the same ones."""
    checker = Checker(property_map, profile)
    totals = [0, 0, 0, 0, 0]
    missed: list[str] = []
    left_out: list[frozenset[int]] = []
    for index, (page, alignment) in enumerate(zip(pages, alignments, strict=True)):
        parsed = parse_page(page.html, page.url, profile, fetched_at=page.fetched_at)
        given = excused[index] if excused is not None else None
        found = coverage(parsed, alignment, page.facts or (), given)
        left_out.append(found.excused)
        totals[0] += found.values
        totals[1] += found.values_found
        totals[2] += found.relations
        totals[3] += found.relations_found
        totals[4] += sum(1 for w in parsed.page.warnings if w.split(":", 1)[0] in _DATA_LOSS)
        missed += found.missed
        checker.add(parsed, page.facts)
    checks = len(checker.finish({}))
    values, values_found, relations, relations_found, warnings = totals
    return Reading(values, values_found, relations, relations_found, warnings, checks,
                   tuple(missed), tuple(left_out))  # fmt: skip


def _write(path: Path, text: str) -> None:
    """The profile, whole or not at all (a temporary file renamed over it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _report(
    args: argparse.Namespace,
    sample: Sample,
    usable: int,
    calibration: Calibration,
    before: Reading,
    after: Reading,
) -> None:
    if args.crawl is None:
        say(f"sample: {usable} of {len(sample.pages)} pages with SMW data ({sample.listed} listed);"
            f" {sample.requests} requests (bound {sample.bound(args.sample)}), archived in crawl"
            f" {sample.crawl_id} (the next nora crawl continues it)")  # fmt: skip
    else:
        say(f"sample: {usable} of {len(sample.pages)} pages with SMW data from crawl "
            f"{sample.crawl_id} ({sample.listed} archived); no requests")  # fmt: skip
    say(f"{'':24}{'current profile':>22}{'inferred profile':>22}")
    rows = (
        ("SMW values found", Reading.share(before.values_found, before.values),
         Reading.share(after.values_found, after.values)),
        ("SMW relations found", Reading.share(before.relations_found, before.relations),
         Reading.share(after.relations_found, after.relations)),
        ("data-loss warnings", str(before.warnings), str(after.warnings)),
        ("checks rows", str(before.checks), str(after.checks)),
    )  # fmt: skip
    for name, old, new in rows:
        say(f"{name:24}{old:>22}{new:>22}")
    say(f"profile written to {args.out}:")
    for entry in calibration.kept:
        scope = f" [{entry.element_type}]" if entry.element_type else ""
        meaning = f" = {entry.value}" if entry.value else ""
        say(f"  {entry.key}{scope}: {entry.label!r}{meaning} ({entry.support_text})")
    if calibration.uncertain:
        say(f"uncertain, left out ({len(calibration.uncertain)}):")
        for line in uncertain_lines(calibration)[:SHOWN]:
            say(f"  {line}")
    if after.missed:
        say(f"unexplained with the inferred profile ({len(after.missed)}):")
        for line in after.missed[:SHOWN]:
            say(f"  {line}")
