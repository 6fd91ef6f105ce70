"""Shared by the crawl tests, the crawl benchmark and the demo: compare a snapshot
with the corpus ground truth, read snapshot tables, count requests in an access log.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
#: columns that differ between two crawls of the same content (when and where it was archived)
VOLATILE = {"pages": ("fetched_at", "warc_file", "warc_offset")}
TABLE_KEYS = {
    "pages": ("namespace", "title"),
    "properties": ("title", "position"),
    "relations": ("title", "kind", "position"),
    "sections": ("title", "position"),
}


def nora(*args: str, timeout: float = 900) -> subprocess.CompletedProcess[str]:
    """Run ``nora`` (the project's CLI) in a subprocess; output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "commands.cli", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def read_table(snapshot: Path, name: str) -> pd.DataFrame:
    return pd.read_parquet(Path(snapshot) / f"{name}.parquet")


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A table's rows as dicts keyed by column name."""
    return [{str(k): v for k, v in row.items()} for row in frame.to_dict("records")]


def comparable(snapshot: Path, name: str) -> pd.DataFrame:
    """A table without its volatile columns, as plain Python values, in a stable order."""
    df = read_table(snapshot, name).drop(columns=list(VOLATILE.get(name, ())))
    for column in df.columns:
        if df[column].dtype == object:
            df[column] = df[column].map(lambda v: tuple(v) if hasattr(v, "tolist") else v)
    return df.sort_values(list(TABLE_KEYS[name]), kind="stable").reset_index(drop=True)


def table_differences(a: Path, b: Path) -> list[str]:
    """How two snapshots' tables differ (ignoring fetched_at); empty when identical."""
    problems: list[str] = []
    for name in TABLE_KEYS:
        left, right = comparable(a, name), comparable(b, name)
        if list(left.columns) != list(right.columns):
            problems.append(f"{name}: columns {list(left.columns)} != {list(right.columns)}")
        elif len(left) != len(right):
            problems.append(f"{name}: {len(left)} rows != {len(right)} rows")
        elif not left.equals(right):
            diff = (left != right).any(axis=1).to_numpy()
            first = int(diff.argmax())
            problems.append(
                f"{name}: {int(diff.sum())} rows differ, first: "
                f"{left.iloc[first].to_dict()} != {right.iloc[first].to_dict()}"
            )
    return problems


def _listify(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value]


def snapshot_pages(snapshot: Path) -> dict[str, dict[str, Any]]:
    """Per title, the snapshot's rows in the shape of ``tests.wiki.compare.actual``."""
    out: dict[str, dict[str, Any]] = {}
    for row in read_table(snapshot, "pages").to_dict("records"):
        out[row["title"]] = {
            "title": row["title"],
            "namespace": int(row["namespace"]),
            "element_type": row["element_type"],
            "categories": _listify(row["categories"]),
            "historical": bool(row["historical"]),
            "is_redirect": bool(row["is_redirect"]),
            "redirected_from": row["redirected_from"],
            "url_path": unquote(urlsplit(row["url"]).path),
            "properties": [],
            "relations": [],
            "sections": [],
            "positions_ok": True,
        }
    for table, fields in (
        ("properties", ("property", "value", "links", "external_links")),
        ("relations", ("kind", "source", "relation", "target", "target_exists")),
        ("sections", ("heading", "level", "text")),
    ):
        df = read_table(snapshot, table)
        # relation positions count within each kind; Relaties come before Afgeleide relaties
        df["_kind"] = df["kind"].map({"direct": 0}).fillna(1) if table == "relations" else 0
        df = df.sort_values(["title", "_kind", "position"], kind="stable")
        for row in df.to_dict("records"):
            page = out[row["title"]]
            if row["position"] != len(page[table]) and table != "relations":
                page["positions_ok"] = False
            page[table].append(
                {
                    k: _listify(row[k]) if k in ("links", "external_links")
                    else bool(row[k]) if k == "target_exists"
                    else int(row[k]) if k == "level"
                    else row[k]
                    for k in fields
                }
            )  # fmt: skip
    return out


def expected_pages(
    truth: Mapping[str, Any], namespaces: Iterable[int]
) -> dict[str, dict[str, Any]]:
    """The truth's non-redirect pages of the crawled namespaces, by title."""
    wanted = set(namespaces)
    return {
        p["title"]: p
        for p in truth["pages"]
        if not p.get("is_redirect") and int(p["namespace"]) in wanted
    }


def truth_differences(
    snapshot: Path, truth: Mapping[str, Any], namespaces: Sequence[int], limit: int = 10
) -> list[str]:
    """How a snapshot differs from the ground truth (empty: equal), judged as the wiki
    tests judge ``parse_page`` (``tests.wiki.compare.differences``), plus each page's URL."""
    from tests.wiki.compare import differences

    expected = expected_pages(truth, namespaces)
    found = snapshot_pages(snapshot)
    problems = [f"missing page {t!r}" for t in sorted(expected.keys() - found.keys())]
    problems += [f"unexpected page {t!r}" for t in sorted(found.keys() - expected.keys())]
    for title in sorted(expected.keys() & found.keys()):
        want, got = expected[title], found[title]
        for page, name, a, b in differences(want, got):
            problems.append(f"{page!r}: {name}: expected {a!r:.200}, found {b!r:.200}")
        if "url_path" in want and unquote(want["url_path"]) != got["url_path"]:
            problems.append(f"{title!r}: url: expected {want['url_path']}, found {got['url_path']}")
    more = len(problems) - limit
    return problems[:limit] + ([f"... {more} more"] if more > 0 else [])


def page_requests(lines: Iterable[str], article_prefix: str = "/wiki/") -> Counter[str]:
    """Page titles requested (GET /wiki/Title lines of an access log), with counts."""
    out: Counter[str] = Counter()
    for line in lines:
        method, _, uri = line.strip().partition(" ")
        path = urlsplit(uri).path
        if method == "GET" and path.startswith(article_prefix):
            out[unquote(path[len(article_prefix) :]).replace("_", " ")] += 1
    return out


def count_lines(path: Path) -> int:
    with Path(path).open("rb") as fh:
        return sum(1 for _ in fh)


def lines_after(path: Path, start: int) -> list[str]:
    with Path(path).open(encoding="utf-8", errors="replace") as fh:
        return [line for i, line in enumerate(fh) if i >= start]


_REFERENCE: dict[str, Path] = {}


@pytest.fixture
def reference_crawl(testwiki: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The latest snapshot of one uninterrupted full crawl of the test wiki (made once)."""
    key = str(testwiki.base_url)
    if key not in _REFERENCE:
        data = tmp_path_factory.mktemp("reference-crawl")
        result = nora(
            "crawl", "--site", key, "--data", str(data), "--delay", "0", "--no-progress",
            "--contact", "tests@example.org",
        )  # fmt: skip
        assert result.returncode in (0, 1), result.stdout + result.stderr
        assert "failed 0" in result.stdout and "missing" not in result.stdout, result.stdout
        _REFERENCE[key] = data / "snapshots" / "latest"
    return _REFERENCE[key]


def reference_status(snapshot: Path) -> int:
    """The exit status a crawl that wrote ``snapshot`` without failures should have had.

    ``commands.exits.crawl_status``: PARTIAL (1) when pages carry parse warnings, else OK (0).
    """
    manifest = json.loads((Path(snapshot) / "manifest.json").read_text(encoding="utf-8"))
    return 1 if manifest["extra"].get("pages_with_warnings") else 0
