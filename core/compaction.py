"""Compaction of a raw table's old import partitions (issue 17): a month's daily files become one file.

Why: every raw file is read for its footer whenever a table is scanned whole, and a Tascomi table's footer describes
~760 columns. A year of daily imports is ~730 files of applications: their parsed footers held ~1 GB beyond DuckDB's
memory_limit on a full rebuild and a third of its CPU (docs/benchmarks.md). One file per month holds the same records
in a fiftieth of the files.

Raw stays complete and immutable in meaning (invariant 1): a compacted file holds exactly the records of the files it
replaces, every column and every metadata value as landed (a column missing from an older file is null, as a reader
that unions the files by name sees it anyway), and it is written, reconciled (row count, read back) and only then are
the files it replaces deleted. It lives in the month's import_day=00 partition
(import_year=YYYY/import_month=MM/import_day=00/import_date=YYYYMM00/), a day no import lands on; readers that pick an
import's partitions from the import log also read day 00 of the same month (macros/history/import_partitions.sql), and
they keep their records by _imported_at, which compaction keeps. The import log itself and the rejected records are
never compacted: their partitions are what names where an import's records were landed.

A crash between writing the compacted file and deleting the files it replaces leaves both; the compacted file lists
the files it replaces in its parquet metadata, and every run first finishes such a compaction (deletes the listed
files still there) before doing anything else. Runs hold the source's lock (core/locking.py), as imports do, so no
import lands into a partition while it is compacted and no build reads a half-done month of the same nightly job.
"""

from __future__ import annotations

import hashlib
import json
import posixpath
import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from fsspec.core import url_to_fs

from core.errors import PlatformError
from core.locking import source_lock
from core.registry import SourceEntry
from core.workspace import Workspace

COMPACTED_DAY = "00"
# Tables whose partition columns say where an import's records landed: never merged across days.
NEVER_COMPACTED = frozenset({"import_log", "rejected_records"})
REPLACES_KEY = b"council_data_platform.compaction.replaces"
# The partition is the folders. A copy of them inside a file (written by a tool that read raw with hive partitioning
# on) would contradict the compacted file's folder, and readers take the folders': left out of the compacted file.
PARTITION_KEYS = frozenset({"import_year", "import_month", "import_day", "import_date"})
_DAY_FOLDER = re.compile(r"import_year=(\d{4})/import_month=(\d{2})/import_day=(\d{2})/import_date=\d{8}$")


class CompactionMismatch(PlatformError):
    """The compacted file does not hold the records of the files it was to replace: nothing was deleted."""


@dataclass(frozen=True)
class CompactedMonth:
    table: str  # raw/<department>/<source>/<table>, relative to the lake
    month: str  # YYYY-MM
    files_replaced: int
    rows: int


def month_folder(year: str, month: str) -> str:
    return (
        f"import_year={year}/import_month={month}/import_day={COMPACTED_DAY}/import_date={year}{month}{COMPACTED_DAY}"
    )


def compact_table(lake: str, table_path: str, today: date, after_days: int, min_files: int = 2) -> list[CompactedMonth]:
    """Compact every month of one raw table (lake URL or folder; table_path relative to it, e.g.
    raw/planning/tascomi/applications) that ended more than `after_days` days before `today` and holds at least
    `min_files` parquet files (an earlier compacted file of the month counts as one: a late backfill into an old
    month is merged into it). First, in any month holding a compacted file beside other files, the files a compacted
    file lists as replaced are deleted (a compaction a crash cut short)."""
    fs, root = url_to_fs(lake)
    table_dir = posixpath.join(root.rstrip("/"), table_path)
    if after_days <= 0 or not fs.exists(table_dir):
        return []
    cutoff = today - timedelta(days=after_days)
    done = []
    for (year, month), files in sorted(_files_by_month(fs, table_dir).items()):
        files = finish_interrupted(fs, table_dir, files)
        month_end = (date(int(year), int(month), 28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        if month_end >= cutoff or len(files) < min_files:
            continue
        rows = _compact_month(fs, table_dir, year, month, files)
        done.append(CompactedMonth(table_path, f"{year}-{month}", len(files), rows))
    return done


def finish_interrupted(fs: Any, table_dir: str, files: list[str]) -> list[str]:
    """A month's files less those a compacted file of the month replaces, which are deleted: they are left only when
    a crash came between writing the compacted file and deleting them (its records are in the compacted file)."""
    compacted = [path for path in files if f"/import_day={COMPACTED_DAY}/" in path]
    if not compacted or len(files) == len(compacted) == 1:
        return files
    replaced = {posixpath.join(table_dir, name) for path in compacted for name in _replaced_by(fs, path)}
    for path in files:
        if path in replaced:
            fs.rm(path)
    return [path for path in files if path not in replaced]


def _replaced_by(fs: Any, path: str) -> list[str]:
    with fs.open(path, "rb") as handle:
        metadata = pq.read_schema(handle).metadata or {}
    return json.loads(metadata.get(REPLACES_KEY, b"[]"))


def _files_by_month(fs: Any, table_dir: str) -> dict[tuple[str, str], list[str]]:
    months: dict[tuple[str, str], list[str]] = {}
    for path in fs.glob(posixpath.join(table_dir, "*/*/*/*/*.parquet")):
        found = _DAY_FOLDER.search(posixpath.dirname(path))
        if found:
            months.setdefault((found[1], found[2]), []).append(path)
    return {month: sorted(paths) for month, paths in months.items()}


def _compact_month(fs: Any, table_dir: str, year: str, month: str, files: list[str]) -> int:
    """Stream the month's files, in path (import) order, into one file, each as its own row group, so neither the
    writing nor the reconciliation holds more than one day's file in memory."""
    schemas = [_schema(fs, path) for path in files]
    schema = pa.unify_schemas(
        [pa.schema([f for f in one if f.name not in PARTITION_KEYS]) for one in schemas], promote_options="permissive"
    )
    replaced = [posixpath.relpath(path, table_dir) for path in files]
    schema = schema.with_metadata({REPLACES_KEY: json.dumps(replaced).encode()})
    folder = posixpath.join(table_dir, month_folder(year, month))
    digest = hashlib.sha256("\n".join(replaced).encode()).hexdigest()[:16]
    target = posixpath.join(folder, f"compacted.{digest}.parquet")
    fs.makedirs(folder, exist_ok=True)
    partial = target + ".partial"  # not *.parquet: no reader picks it up until it is whole
    rows = 0
    with fs.open(partial, "wb") as handle, pq.ParquetWriter(handle, schema, compression="zstd") as writer:
        for path in files:
            day = _aligned(_read(fs, path), schema)
            writer.write_table(day, row_group_size=max(day.num_rows, 1))
            rows += day.num_rows
    fs.mv(partial, target)
    _reconcile(fs, target, files, schema)
    for path in files:
        fs.rm(path)
    return rows


def aligned_columns(table: pa.Table, schema: pa.Schema) -> list[pa.ChunkedArray | pa.Array]:
    """The table's columns for every field of `schema`, in its order and types (a field the table lacks: nulls)."""
    present = set(table.column_names)  # a new list each time it is read: per field, 760 x 760 names for applications
    return [
        table.column(field.name).cast(field.type) if field.name in present else pa.nulls(table.num_rows, field.type)
        for field in schema
    ]


def _aligned(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """The table with every column of the month's schema, in its order (a column the file lacks is null)."""
    return pa.Table.from_arrays(aligned_columns(table, schema), schema=schema.remove_metadata())


def _reconcile(fs: Any, target: str, files: list[str], schema: pa.Schema) -> None:
    """The written file, read back, holds each replaced file's records as its own row group, value for value, or the
    compacted file is removed and the files stay."""
    with fs.open(target, "rb") as handle:
        written = pq.ParquetFile(handle)
        same = written.metadata.num_row_groups == len(files) and all(
            written.read_row_group(n).equals(_aligned(_read(fs, path), schema)) for n, path in enumerate(files)
        )
    if not same:
        fs.rm(target)
        raise CompactionMismatch(f"{target}: the compacted file does not hold the records it replaces; kept the files")


def _schema(fs: Any, path: str) -> pa.Schema:
    with fs.open(path, "rb") as handle:
        return pq.read_schema(handle)


def _read(fs: Any, path: str) -> pa.Table:
    with fs.open(path, "rb") as handle:
        return pq.read_table(handle)


def compaction_line(source: str, done: list[CompactedMonth]) -> str:
    """What a compaction run did for a source, in one line (the command and the nightly job say the same)."""
    files = sum(month.files_replaced for month in done)
    return f"{source}: {len(done)} table-months compacted ({files} files into {len(done)})"


def compact_source(workspace: Workspace, entry: SourceEntry, today: date) -> list[CompactedMonth]:
    """Compact every raw table of a registered source (not its import log or rejected records), holding the source's
    lock as an import does; nothing when its compact_after_days is 0."""
    tables = {name: table.department for name, table in entry.contract().tables.items()}
    done: list[CompactedMonth] = []
    with source_lock(workspace.locks_dir, entry.name):
        for table, department in sorted(tables.items()):
            if table not in NEVER_COMPACTED:
                path = f"raw/{department}/{entry.name}/{table}"
                done += compact_table(workspace.lake_url, path, today, entry.compact_after_days)
    return done
