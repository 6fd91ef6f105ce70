"""The ``nora`` console script: one sub-command per stage.

Each sub-command lives in its own module exposing ``configure(parser)`` and
``run(args) -> int``; they are imported only when chosen, so ``nora parse``
never loads the network stack.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from commands.exits import ExitStatus, condition_of
from output.terminal import PrintableFormatter, say

#: where error tracebacks go under the data folder (= scraper.crawl.progress.LOGS_DIR)
LOGS_DIR = "logs"

#: sub-command name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "crawl": (
        "commands.crawl",
        "discover, fetch and archive the wiki, then write a snapshot",
    ),
    "parse": ("commands.parse", "parse saved HTML files or folders into a snapshot"),
    "export": ("commands.export", "re-parse an archived crawl into a new snapshot"),
    "verify": ("commands.verify", "check a snapshot (or a WARC archive) for damage"),
    "diff": ("commands.diff", "what changed between two snapshots"),
    "prune": ("commands.prune", "remove old snapshots and unreferenced WARC files"),
    "report": ("commands.report", "one self-contained HTML report of a snapshot"),
    "graph": ("commands.graph", "a snapshot as RDF (Turtle or N-Triples), for SPARQL"),
    "package": ("commands.package", "a crawl as a WACZ, replayable in pywb"),
    "status": ("commands.status", "the data folder's health; non-zero when stale or failed"),
    "show": ("commands.show", "the archived HTML, headers or records of one page"),
    "calibrate": ("commands.calibrate", "learn a wiki's labels from its SMW data: a profile"),
}


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("nora-archive")
    except PackageNotFoundError:
        return "0+unknown"


def build_parser(chosen: str | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nora",
        description="Archive NORA Online and export it as CSV and Parquet tables.",
    )
    parser.add_argument("--version", action="version", version=f"nora-archive {_version()}")
    parser.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for name, (module_name, help_text) in COMMANDS.items():
        sub_parser = sub.add_parser(name, help=help_text, description=help_text)
        if name == chosen:
            importlib.import_module(module_name).configure(sub_parser)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    chosen = next((a for a in args_list if a in COMMANDS), None)
    parser = build_parser(chosen)
    args = parser.parse_args(args_list)
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(PrintableFormatter("%(levelname)s %(name)s: %(message)s"))
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.INFO, handlers=[handler])
    logging.captureWarnings(True)  # library warnings quote URLs and titles: printable too
    module = importlib.import_module(COMMANDS[args.command][0])
    try:
        return int(module.run(args))
    except KeyboardInterrupt:
        say("nora: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return int(ExitStatus.OK)
    except Exception as error:  # the last guard: no traceback reaches a user
        return _unexpected(args, error)


def _unexpected(args: argparse.Namespace, error: Exception) -> int:
    """One clear line on stderr for an error no command handled; the traceback to a file.

    A full disk is STORAGE (nothing stored is lost: the archive and the snapshots are
    written atomically); a state database held by another process or damaged is LOCKED
    or DAMAGED (``commands.exits.condition_of`` decides); anything else is a bug, INTERNAL.
    """
    name = f"nora {args.command}"
    condition = condition_of(error)
    if condition is not None:
        status, why = condition
        if status is ExitStatus.STORAGE:
            say(
                f"{name}: could not write: {why}. Nothing already stored was lost;"
                " free space and run the command again (a crawl continues where it stopped)",
                file=sys.stderr,
            )
        else:
            data = getattr(args, "data", None) or "data"
            print(f"{name}: {Path(data) / 'state.sqlite'}: {why}", file=sys.stderr)
        return int(status)
    where = _write_traceback(args, error)
    kept = f"traceback in {where}" if where else "no traceback file could be written"
    say(
        f"{name}: internal error (a bug, please report it): {type(error).__name__}: "
        f"{_one_line(str(error))} ({kept})",
        file=sys.stderr,
    )
    return int(ExitStatus.INTERNAL)


def _one_line(text: str, limit: int = 300) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _write_traceback(args: argparse.Namespace, error: Exception) -> Path | None:
    """``DATA/logs/error-<UTC>-<pid>.log`` when the data folder exists, else the temp folder."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    data = getattr(args, "data", None)
    folders = [Path(data) / LOGS_DIR] if data and Path(data).is_dir() else []
    folders.append(Path(tempfile.gettempdir()))
    text = "".join(traceback.format_exception(error))
    for folder in folders:
        path = folder / f"nora-error-{stamp}-{os.getpid()}.log"
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(f"nora {' '.join(sys.argv[1:])}\n{text}", encoding="utf-8")
        except OSError:
            continue
        logging.getLogger("nora").debug("traceback written to %s", path)
        return path
    return None


if __name__ == "__main__":
    sys.exit(main())
