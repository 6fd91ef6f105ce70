"""Which snapshot a command means: a folder, an id under ``DATA/snapshots``, or ``latest``.

Also the pair ``nora diff`` compares (default: the two newest complete snapshots)
and what ``nora report`` draws (the snapshot, the one before it, its history).
A name that finds nothing raises ``NoSuchSnapshot``, saying where it looked.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from output.errors import NoSuchSnapshot
from output.history import (
    SnapshotInfo,
    latest_snapshot,
    list_snapshots,
    read_complete_manifest,
    snapshots_dir,
)

#: where ``nora diff`` writes its tables unless told otherwise: DATA/diffs/OLD__NEW
DIFFS_DIR = "diffs"


def resolve_snapshot(data_dir: Path, name: str) -> Path:
    """A snapshot folder from a path, an id under DATA/snapshots, or ``latest``."""
    direct = Path(name)
    if direct.is_dir():
        return direct.resolve()
    candidate = snapshots_dir(data_dir) / name
    if candidate.is_dir():
        return candidate.resolve()
    raise NoSuchSnapshot(
        f"{name}: expected a snapshot folder or an id in {snapshots_dir(data_dir)}, found none"
    )


def require_complete(path: Path) -> dict[str, Any]:
    """The manifest of a complete snapshot at ``path`` (read after pinning it)."""
    manifest = read_complete_manifest(path)
    if manifest is None:
        raise NoSuchSnapshot(f"{path}: expected a complete snapshot, found none or incomplete")
    return manifest


def snapshot_or_latest(data_dir: Path, name: str | None) -> Path:
    """``name`` resolved, or the snapshot ``latest`` points at."""
    if name is not None:
        return resolve_snapshot(data_dir, name)
    path = latest_snapshot(data_dir)
    if path is None:
        raise NoSuchSnapshot(f"{snapshots_dir(data_dir)}/latest: expected a snapshot, found none")
    return path


def choose_pair(data_dir: Path, old: str | None, new: str | None) -> tuple[Path, Path]:
    """The two snapshots to compare: both named, or the two newest complete ones."""
    if (old is None) != (new is None):
        raise NoSuchSnapshot("expected OLD and NEW together (or neither), found only one")
    if old is not None and new is not None:
        return resolve_snapshot(data_dir, old), resolve_snapshot(data_dir, new)
    found = list_snapshots(data_dir)
    if len(found) < 2:
        raise NoSuchSnapshot(
            f"{snapshots_dir(data_dir)}: expected two complete snapshots to compare, "
            f"found {len(found)}"
        )
    return found[-2].path, found[-1].path


def diff_folder(data_dir: Path, old: Path, new: Path) -> Path:
    """Where the diff of ``old`` and ``new`` goes by default."""
    return data_dir / DIFFS_DIR / f"{old.name}__{new.name}"


def choose_report(
    data_dir: Path, snapshot: str | None, against: str | None
) -> tuple[Path, Path | None, list[SnapshotInfo]]:
    """The snapshot, the one to compare it with, and the history up to it."""
    path = snapshot_or_latest(data_dir, snapshot)
    known = list_snapshots(data_dir)
    ids = [info.path.resolve() for info in known]
    if path.resolve() in ids:
        history = known[: ids.index(path.resolve()) + 1]
    else:
        manifest = read_complete_manifest(path) or {}
        history = [SnapshotInfo(path.name, path, manifest)]
    if against is not None:
        old: Path | None = resolve_snapshot(data_dir, against)
    else:
        old = history[-2].path if len(history) >= 2 else None
    return path, old, history


def verify_target(data_dir: Path, name: str | None) -> Path | None:
    """What ``nora verify`` checks: ``name`` as a path first, else an id; None: no latest."""
    if name is None:
        return latest_snapshot(data_dir)
    direct = Path(name)
    if direct.exists() or not (snapshots_dir(data_dir) / name).exists():
        return direct
    return snapshots_dir(data_dir) / name
