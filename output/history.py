"""Snapshots over time: ids, the ``latest`` pointer and the Hive-style history view.

Layout under a data folder ``DATA``::

    DATA/snapshots/20261129T080102Z/           one complete snapshot (CSV + Parquet + manifest)
    DATA/snapshots/latest -> 20261129T080102Z  relative symlink, repointed atomically
    DATA/history/<table>/snapshot=<id>/part-0.parquet

The history view holds hard links (a copy where the file system cannot link) to
each snapshot's Parquet files, partitioned the Hive way so DuckDB
(``read_parquet('DATA/history/properties/*/*.parquet', hive_partitioning=true)``),
Spark, Trino and pyarrow datasets read every snapshot as one table with a
``snapshot`` column, unchanged. The snapshot folders stay the source of truth:
``rebuild_history`` recreates the view from them at any time.

``pin_snapshot`` lets a reader (``nora diff``) hold a snapshot so that
``nora prune`` leaves it alone: a shared ``flock`` on a small file beside the
snapshot, released by the kernel even when the reader is killed.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import re
import shutil
import uuid
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from output.errors import HistoryError, SnapshotInUseError
from output.shrink import MAY_EMPTY, Shrink, compare, is_held

logger = logging.getLogger(__name__)

SNAPSHOTS_DIR = "snapshots"
HISTORY_DIR = "history"
LATEST = "latest"
PINS_DIR = ".pins"
MANIFEST_FILE = "manifest.json"  # = output.manifest.MANIFEST_NAME
PARTITION_KEY = "snapshot"
PART_NAME = "part-0.parquet"

_ID_FORMAT = "%Y%m%dT%H%M%SZ"
SNAPSHOT_ID_RE = re.compile(r"^\d{8}T\d{6}Z$")


@dataclass(frozen=True, slots=True)
class SnapshotInfo:
    """A complete snapshot folder under ``DATA/snapshots``."""

    id: str
    path: Path
    manifest: dict[str, Any]


def new_snapshot_id(now: datetime) -> str:
    """The snapshot id for a run started at ``now``: UTC, to the second, sortable."""
    if now.tzinfo is None:
        raise ValueError(f"expected an aware datetime, found naive {now!r}")
    return now.astimezone(UTC).strftime(_ID_FORMAT)


def new_snapshot_dir(data_dir: Path, now: datetime) -> Path:
    """``DATA/snapshots/<id>`` for ``now``, a second later while that name is taken.

    Two runs within one second (tests, a quick re-export) would otherwise collide.
    """
    parent = Path(data_dir) / SNAPSHOTS_DIR
    moment = now
    for _ in range(3600):
        candidate = parent / new_snapshot_id(moment)
        if not candidate.exists() and not candidate.is_symlink():
            return candidate
        moment += timedelta(seconds=1)
    raise HistoryError(parent, "expected a free snapshot id, found an hour's worth taken")


def snapshots_dir(data_dir: Path) -> Path:
    return Path(data_dir) / SNAPSHOTS_DIR


def history_dir(data_dir: Path) -> Path:
    return Path(data_dir) / HISTORY_DIR


def read_complete_manifest(snapshot_dir: Path) -> dict[str, Any] | None:
    """The snapshot's manifest when it says ``complete: true``, else None."""
    try:
        with (Path(snapshot_dir) / MANIFEST_FILE).open("rb") as handle:
            manifest = json.load(handle)
    except (OSError, ValueError):
        return None
    if not isinstance(manifest, dict) or manifest.get("complete") is not True:
        return None
    return manifest


def list_snapshots(data_dir: Path) -> list[SnapshotInfo]:
    """Complete snapshots in ``DATA/snapshots``, oldest first (ids sort by time).

    Folders without a complete manifest (a run that died, a writer's temporary
    folder) and the ``latest`` link are skipped.
    """
    parent = snapshots_dir(data_dir)
    if not parent.is_dir():
        return []
    found: list[SnapshotInfo] = []
    for child in sorted(parent.iterdir(), key=lambda p: p.name):
        if not SNAPSHOT_ID_RE.match(child.name) or child.is_symlink() or not child.is_dir():
            continue
        manifest = read_complete_manifest(child)
        if manifest is not None:
            found.append(SnapshotInfo(child.name, child, manifest))
    return found


def latest_snapshot(data_dir: Path) -> Path | None:
    """The folder ``DATA/snapshots/latest`` points at, resolved, or None (also when the
    link leads nowhere: to itself, or to a folder that is gone)."""
    link = snapshots_dir(data_dir) / LATEST
    if not link.is_symlink() and not link.exists():
        return None
    try:
        target = link.resolve(strict=True)
    except (OSError, RuntimeError) as error:  # a link to itself, or to nothing
        logger.warning("%s: expected a link to a snapshot, found one that leads nowhere (%s)",
                       link, error)  # fmt: skip
        return None
    return target if target.is_dir() else None


def publish(data_dir: Path, snapshot_dir: Path) -> None:
    """Add a complete snapshot to the history view, then point ``latest`` at it.

    The history partitions appear first, so whoever follows ``latest`` also
    finds the snapshot in the history. Each step is atomic (rename / replace);
    running it twice for the same snapshot is harmless.
    """
    data_dir = Path(data_dir)
    snapshot_dir = Path(snapshot_dir)
    manifest = read_complete_manifest(snapshot_dir)
    if manifest is None:
        raise HistoryError(
            snapshot_dir, "expected a manifest with complete: true, found none or incomplete"
        )
    if is_held(manifest):
        raise HistoryError(
            snapshot_dir, "expected a snapshot to publish, found one held by the shrink guard"
        )
    _add_to_history(history_dir(data_dir), snapshot_dir, manifest)
    _point_latest(snapshots_dir(data_dir), snapshot_dir)
    logger.info("published snapshot %s", snapshot_dir.name)


def shrink_against_latest(
    data_dir: Path,
    rows: Mapping[str, int],
    *,
    max_share: float,
    accept: bool,
    may_empty: Iterable[str] = MAY_EMPTY,
) -> Shrink | None:
    """How a new snapshot with ``rows`` compares with ``latest`` (``output.shrink``)."""
    latest = latest_snapshot(data_dir)
    manifest = read_complete_manifest(latest) if latest is not None else None
    if latest is None or manifest is None:
        return None  # the first snapshot: nothing to lose
    return compare(
        latest.name, manifest, rows, max_share=max_share, accept=accept, may_empty=may_empty
    )


def _table_names(manifest: dict[str, Any]) -> list[str]:
    tables = manifest.get("tables")
    return sorted(tables) if isinstance(tables, dict) else []


def _add_to_history(history: Path, snapshot_dir: Path, manifest: dict[str, Any]) -> None:
    snapshot_id = snapshot_dir.name
    for table in _table_names(manifest):
        source = snapshot_dir / f"{table}.parquet"
        if not source.is_file():
            raise HistoryError(
                snapshot_dir, f"expected {source.name} listed in the manifest, found none"
            )
        final = history / table / f"{PARTITION_KEY}={snapshot_id}"
        if _same_file(final / PART_NAME, source):
            continue
        # Build beside the final name under a dot-name (query engines skip
        # hidden folders), then rename: a partition is all there or absent.
        temp = history / table / f".{PARTITION_KEY}={snapshot_id}.{uuid.uuid4().hex}"
        temp.mkdir(parents=True)
        try:
            _link_or_copy(source, temp / PART_NAME)
            if final.exists():
                shutil.rmtree(final)  # stale (snapshot replaced) or left without its file
            os.rename(temp, final)
        finally:
            if temp.exists():
                shutil.rmtree(temp, ignore_errors=True)


def _same_file(part: Path, source: Path) -> bool:
    """True when ``part`` already is ``source``: the same inode, or a copy of it.

    A snapshot replaced in place (``--force``) has new files; its partition
    must then be rebuilt, not kept pointing at the old ones.
    """
    try:
        a, b = part.stat(), source.stat()
    except FileNotFoundError:
        return False
    same_inode = (a.st_ino, a.st_dev) == (b.st_ino, b.st_dev)
    return same_inode or (a.st_size == b.st_size and a.st_mtime_ns == b.st_mtime_ns)


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        # Another file system, or one without hard links: a copy reads the same.
        shutil.copy2(source, target)


def _point_latest(parent: Path, snapshot_dir: Path) -> None:
    try:
        target = os.path.relpath(snapshot_dir.resolve(), parent.resolve())
    except ValueError:  # other drive: relative path impossible
        target = str(snapshot_dir.resolve())
    parent.mkdir(parents=True, exist_ok=True)
    temp = parent / f".{LATEST}.{uuid.uuid4().hex}"
    os.symlink(target, temp, target_is_directory=True)
    try:
        os.replace(temp, parent / LATEST)
    except OSError:
        temp.unlink(missing_ok=True)
        raise


def remove_from_history(data_dir: Path, snapshot_id: str) -> int:
    """Drop a snapshot's partitions from the history view; returns bytes freed.

    Hard links free nothing until the snapshot folder goes too, so only the
    bytes of copies (files with a single link) count.
    """
    freed = 0
    history = history_dir(data_dir)
    if not history.is_dir():
        return 0
    for table_dir in sorted(history.iterdir()):
        partition = table_dir / f"{PARTITION_KEY}={snapshot_id}"
        if not partition.is_dir():
            continue
        for file in partition.iterdir():
            stat = file.stat()
            if stat.st_nlink == 1:
                freed += stat.st_size
        shutil.rmtree(partition)
    return freed


def rebuild_history(data_dir: Path) -> list[str]:
    """Recreate ``DATA/history`` from the complete snapshots; returns their ids.

    Built aside and swapped in, so readers see the old view or the new one.
    """
    data_dir = Path(data_dir)
    history = history_dir(data_dir)
    fresh = data_dir / f".{HISTORY_DIR}.new.{uuid.uuid4().hex}"
    fresh.mkdir(parents=True)
    try:
        snapshots = list_snapshots(data_dir)
        for info in snapshots:
            _add_to_history(fresh, info.path, info.manifest)
        old = data_dir / f".{HISTORY_DIR}.old.{uuid.uuid4().hex}"
        if history.exists():
            os.rename(history, old)
        os.rename(fresh, history)
        shutil.rmtree(old, ignore_errors=True)
    finally:
        if fresh.exists():
            shutil.rmtree(fresh, ignore_errors=True)
    return [info.id for info in snapshots]


def _pin_path(snapshot_dir: Path) -> Path:
    snapshot_dir = Path(snapshot_dir).resolve()
    return snapshot_dir.parent / PINS_DIR / f"{snapshot_dir.name}.lock"


@contextlib.contextmanager
def pin_snapshot(snapshot_dir: Path) -> Iterator[None]:
    """Hold a shared lock on a snapshot while reading it; prune skips pinned ones.

    Where the pin file cannot be made (a read-only folder) the read goes on
    unpinned: nothing there is ours to prune anyway.
    """
    path = _pin_path(snapshot_dir)
    try:
        path.parent.mkdir(exist_ok=True)
        handle = path.open("a+b")
    except OSError as error:
        logger.debug("cannot pin %s: %s", snapshot_dir, error)
        yield
        return
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_SH)
        yield
    finally:
        handle.close()  # releases the lock


@contextlib.contextmanager
def claim_snapshot(snapshot_dir: Path) -> Iterator[None]:
    """Exclusive hold for removing a snapshot; SnapshotInUseError if it is pinned."""
    path = _pin_path(snapshot_dir)
    path.parent.mkdir(exist_ok=True)
    with path.open("a+b") as handle:
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise SnapshotInUseError(
                Path(snapshot_dir), "expected no reader, found it pinned by a running diff"
            ) from None
        yield
        with contextlib.suppress(OSError):
            if not Path(snapshot_dir).exists():
                path.unlink()
