"""The CSV formula rule against a real spreadsheet engine: LibreOffice, headless.

LibreOffice converts our CSV to CSV again: a cell it ran as a formula comes back
as its result. Every cell the rule prefixed must come back exactly as written
(shown as text, never run), while the same values unprefixed are run (the
oracle works). Skipped where LibreOffice is not installed (failed under CI, whose
``.ci/run`` installs ``libreoffice-calc-nogui``).
"""

from __future__ import annotations

import csv
import io
import subprocess
from pathlib import Path

from output.schema import to_record_batch
from output.tabular import csv_rows
from parsers.records import PropertyRecord
from tests.needs import program
from tests.output.test_output_csv import FORMULA_CASES


def _soffice() -> str:
    return program("soffice", install="apt-get install libreoffice-calc-nogui")


def _through_libreoffice(tmp_path: Path, text: str) -> list[str]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "cells.csv"
    source.write_text(text, encoding="utf-8", newline="")
    out = tmp_path / "out"
    subprocess.run(
        [
            _soffice(), "--headless", "--norestore",
            f"-env:UserInstallation={(tmp_path / 'profile').as_uri()}",
            "--convert-to", "csv", "--outdir", str(out), str(source),
        ],
        capture_output=True, timeout=120, check=True,
    )  # fmt: skip
    back = (out / "cells.csv").read_text(encoding="utf-8")
    return [row[3] if len(row) > 3 else "" for row in csv.reader(io.StringIO(back, newline=""))]


def test_libreoffice_runs_no_prefixed_cell(tmp_path: Path) -> None:
    raw = [v for v in FORMULA_CASES if v and "\r" not in v and "\n" not in v]
    records = [PropertyRecord(f"T{i}", i, "p", v, (), ()) for i, v in enumerate(raw)]
    ours = bytes(csv_rows(to_record_batch("properties", records))).decode()
    cells = [row[3] for row in csv.reader(io.StringIO(ours, newline=""))]
    back = _through_libreoffice(tmp_path, ours)
    prefixed = [(c, b) for c, b in zip(cells, back, strict=True) if c.startswith("'")]
    assert prefixed and all(c == b for c, b in prefixed), prefixed
    # the oracle: the same formula without the prefix is run by LibreOffice
    assert _through_libreoffice(tmp_path / "raw", "T,0,p,=1+1,,\r\n")[0] == "2"
