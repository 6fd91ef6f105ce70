"""SnapshotWriter: records in, a whole snapshot folder out, or nothing at all.

    with SnapshotWriter(out_dir, command="parse", inputs=paths) as writer:
        for parsed in pages:
            writer.add(parsed)
    writer.manifest  # the manifest that was written

Files are written into a hidden sibling folder (same file system, so the final
rename is atomic), forced to disk, described by ``manifest.json`` and only then
renamed to ``out_dir``. An exception inside the block removes that folder and
leaves ``out_dir`` as it was. Rows are buffered per table and handed to
:class:`output.tabular.TableWriter` every ``batch_rows`` rows, so memory stays
flat however many pages are added. Rows may also come already built, as Arrow
batches (``add_batches``: export's workers build them, so the writing process
only writes); they are cut into the same ``batch_rows`` batches, so the same
rows in the same order give byte-identical table files either way.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any

import pyarrow as pa

from output.errors import OutputError, SnapshotExistsError, SnapshotWriteError
from output.manifest import build_manifest, file_digest, write_manifest
from output.schema import SCHEMAS, TABLE_NAMES, to_record_batch
from output.staging import fsync_dir, make_temp_beside, swap_into_place
from output.tabular import TableWriter
from parsers.profile import NORA, Profile
from parsers.records import ParsedPage

log = logging.getLogger(__name__)

#: rows buffered per table before they become an Arrow batch and CSV lines
BATCH_ROWS = 10_000
#: rows per Parquet row group (batches are held until this many are pending)
ROW_GROUP_ROWS = 50_000


def _exists(path: Path) -> bool:
    return path.exists() or path.is_symlink()


def _remove(path: Path) -> None:
    """Remove a folder tree, a file or a symlink (never following the link)."""
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
    else:
        shutil.rmtree(path, ignore_errors=True)


class SnapshotWriter:
    """Context manager writing the tables and the manifest of one snapshot.

    ``add`` takes one parsed page (pages, properties, relations, sections);
    ``add_rows`` takes rows of the other tables (facts, redirects, checks);
    ``add_batches`` takes rows of any table as Arrow batches of its schema.

    ``out_dir`` must not exist unless ``force`` is true; then the old folder is
    moved aside, the new one renamed into place, and the old one removed only
    after that succeeded. ``inputs`` and ``extra`` (JSON-serialisable) go into
    the manifest as given; ``extra`` may still be updated inside the block.
    """

    def __init__(
        self,
        out_dir: Path | str,
        force: bool = False,
        *,
        command: str,
        inputs: Sequence[str] = (),
        extra: Mapping[str, Any] | None = None,
        created_at: datetime | None = None,
        batch_rows: int = BATCH_ROWS,
        row_group_rows: int = ROW_GROUP_ROWS,
        profile: Profile = NORA,
    ) -> None:
        self.out_dir = Path(out_dir)
        if not Path(os.path.abspath(self.out_dir)).name:
            raise OutputError(f"{out_dir}: expected a folder name to create, found none", out_dir)
        self.force = force
        self.command = command
        self.inputs = list(inputs)
        self.extra: dict[str, Any] = dict(extra or {})
        json.dumps(self.extra)  # fail now, not after the whole export
        self.created_at = created_at
        self.profile = profile  # the manifest names the labels the pages were parsed with
        self._batch_rows = max(1, batch_rows)
        self._row_group_rows = max(1, row_group_rows)
        self._buffers: dict[str, list[object]] = {name: [] for name in TABLE_NAMES}
        # built batches not yet written, in order, and their row count per table
        self._pending: dict[str, list[pa.RecordBatch]] = {name: [] for name in TABLE_NAMES}
        self._pending_rows = dict.fromkeys(TABLE_NAMES, 0)
        self._writers: dict[str, TableWriter] = {}
        self._temp: Path | None = None
        self._manifest: dict[str, Any] | None = None
        self._rows = dict.fromkeys(TABLE_NAMES, 0)
        self.pages = 0

    # -- the with block ---------------------------------------------------------------

    def __enter__(self) -> SnapshotWriter:
        target = Path(os.path.abspath(self.out_dir))
        if _exists(target) and not self.force:
            raise SnapshotExistsError(self.out_dir)
        if self.created_at is None:
            self.created_at = datetime.now(UTC)
        temp = make_temp_beside(target)
        self._temp = temp
        try:
            for name in TABLE_NAMES:
                self._writers[name] = TableWriter(
                    temp, name, SCHEMAS[name], row_group_rows=self._row_group_rows
                )
        except BaseException:
            self._abort()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc_type is not None:
            self._abort()
            return
        try:
            self._finish()
        except BaseException:
            self._abort()
            raise

    # -- adding rows ------------------------------------------------------------------

    def add(self, parsed: ParsedPage) -> None:
        """Append one page's rows to the four tables, in the order pages are added."""
        if self._temp is None:
            raise RuntimeError("SnapshotWriter.add() is only valid inside its with block")
        buffers = self._buffers
        buffers["pages"].append(parsed.page)
        buffers["properties"].extend(parsed.properties)
        buffers["relations"].extend(parsed.relations)
        buffers["sections"].extend(parsed.sections)
        self.pages += 1
        counts = self._rows
        counts["pages"] += 1
        counts["properties"] += len(parsed.properties)
        counts["relations"] += len(parsed.relations)
        counts["sections"] += len(parsed.sections)
        for name, rows in buffers.items():
            if len(rows) >= self._batch_rows:
                self._flush(name)

    def add_rows(self, table: str, records: Iterable[object]) -> None:
        """Append rows to one table (``facts``, ``redirects``, ``checks``: not from the HTML).

        ``records`` must be of that table's record type (``parsers.records.TABLES``).
        """
        if self._temp is None:
            raise RuntimeError("SnapshotWriter.add_rows() is only valid inside its with block")
        if table not in self._buffers:
            raise ValueError(f"expected one of the tables {TABLE_NAMES}, found {table!r}")
        rows = self._buffers[table]
        for record in records:
            rows.append(record)
            self._rows[table] += 1
            if len(rows) >= self._batch_rows:
                self._flush(table)
                rows = self._buffers[table]

    def add_batches(self, batches: Mapping[str, pa.RecordBatch], pages: int) -> None:
        """Append built rows: per table one batch of its schema, after what came before.

        ``pages`` is how many pages the batches hold (their ``pages`` rows).
        """
        if self._temp is None:
            raise RuntimeError("SnapshotWriter.add_batches() is only valid inside its with block")
        for table, batch in batches.items():
            if table not in self._buffers:
                raise ValueError(f"expected one of the tables {TABLE_NAMES}, found {table!r}")
            if not batch.schema.equals(SCHEMAS[table]):
                raise ValueError(f"{table}: expected a batch of the table's schema, found another")
            if not batch.num_rows:
                continue
            self._stage(table)  # rows added as records so far go first
            self._pending[table].append(batch)
            self._pending_rows[table] += batch.num_rows
            self._rows[table] += batch.num_rows
            self._drain(table)
        self.pages += pages

    @property
    def rows(self) -> dict[str, int]:
        """Rows added so far per table."""
        return dict(self._rows)

    @property
    def manifest(self) -> dict[str, Any]:
        """The manifest written to ``out_dir`` (after the with block succeeded)."""
        if self._manifest is None:
            raise RuntimeError("the snapshot has not been written (yet)")
        return self._manifest

    # -- internals --------------------------------------------------------------------

    def _flush(self, name: str) -> None:
        """The buffered records become a batch; whole ``batch_rows`` batches are written."""
        self._stage(name)
        self._drain(name)

    def _stage(self, name: str) -> None:
        rows = self._buffers[name]
        if rows:
            self._pending[name].append(to_record_batch(name, rows))
            self._pending_rows[name] += len(rows)
            self._buffers[name] = []

    def _drain(self, name: str, *, final: bool = False) -> None:
        """Write the pending rows in batches of exactly ``batch_rows`` (the rest when final)."""
        size = self._batch_rows
        while self._pending_rows[name] >= size or (final and self._pending_rows[name]):
            pending = self._pending[name]
            if len(pending) == 1 and pending[0].num_rows <= size:
                head, rest = pending[0], []
            else:
                table = pa.Table.from_batches(pending, schema=SCHEMAS[name])
                head = table.slice(0, size).combine_chunks().to_batches()[0]
                rest = table.slice(size).to_batches()
            self._writers[name].write(head)
            self._pending[name] = rest
            self._pending_rows[name] -= head.num_rows

    def _finish(self) -> None:
        assert self._temp is not None and self.created_at is not None
        files: dict[str, dict[str, Any]] = {}
        for name in TABLE_NAMES:
            self._stage(name)
            self._drain(name, final=True)
            writer = self._writers[name]
            writer.close()
            for path in (writer.csv_path, writer.parquet_path):
                files[path.name] = file_digest(path)
        manifest = build_manifest(
            command=self.command,
            created_at=self.created_at,
            inputs=self.inputs,
            extra=self.extra,
            rows={name: self._writers[name].rows for name in TABLE_NAMES},
            files=files,
            profile=self.profile,
        )
        write_manifest(self._temp, manifest)
        fsync_dir(self._temp)
        self._publish(self._temp, Path(os.path.abspath(self.out_dir)))
        self._temp = None
        self._manifest = manifest
        log.debug("snapshot written to %s", self.out_dir)

    def _publish(self, temp: Path, target: Path) -> None:
        """Rename the finished folder to ``target``; with force, swap out the old one."""
        if not _exists(target):
            try:
                os.rename(temp, target)
            except OSError as error:
                if _exists(target):
                    raise SnapshotExistsError(self.out_dir) from error
                raise SnapshotWriteError(
                    f"{self.out_dir}: could not move the snapshot into place: {error}",
                    self.out_dir,
                ) from error
            fsync_dir(target.parent)
            return
        if not self.force:
            raise SnapshotExistsError(self.out_dir)
        try:
            swap_into_place(temp, target)
        except OSError as error:
            raise SnapshotWriteError(
                f"{self.out_dir}: could not replace the snapshot, old one kept: {error}",
                self.out_dir,
            ) from error

    def _abort(self) -> None:
        """Close and remove the temporary folder; ``out_dir`` is never touched here."""
        for writer in self._writers.values():
            writer.abort()
        self._writers.clear()
        self._buffers = {name: [] for name in TABLE_NAMES}
        if self._temp is not None:
            _remove(self._temp)
            self._temp = None
