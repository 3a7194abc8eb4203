"""A large Tascomi lake written straight to the raw zone, for the scale benchmark: minutes instead of hours.

    from benchmarks.tascomi_lake import write_days
    world = TascomiWorld(seed=42, start_date=first, initial_applications=100_000)
    write_days(world, workspace, first, first + timedelta(days=365), base_url="http://127.0.0.1:8765/rest/v1")

Same records, same metadata, same partitions as the connector would land, with the platform's own code doing the
parts that decide them: the connector's step planning (`plan_steps`, cursor moves as `_move_cursor` makes them), the
sandbox world's own records (`TascomiWorld.query` / `serialise`, what its server pages out), and core.landing's
`StepLanding` (raw names, text values, the metadata stamp, rejects, the import-log rows). Only the transport is
skipped: no HTTP, no JSON, and instead of dlt's extract / normalise / load, each step's rows are written by pyarrow
as one parquet file per table under the step's hive partition, named `{load_id}.{file_id}.parquet` as dlt names
them. At the end one real dlt package moves the pipeline state (the cursors and `last_imported_at`), so the
connector's next run continues from the last day written. tests/ingestion/test_tascomi_straight_to_raw.py proves a
day written this way equals the day the connector lands through the sandbox's API.
"""

from __future__ import annotations

import pickle
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import dlt
import pyarrow as pa
import pyarrow.parquet as pq
from dlt.common.utils import many_uniq_ids_base64, uniq_id

from core.compaction import aligned_columns
from core.contract import Table
from core.import_log import IMPORT_LOG, IMPORT_LOG_COLUMNS, REJECTED_RECORD_COLUMNS, REJECTED_RECORDS
from core.lake import DLT_COLUMNS, RAW_METADATA_COLUMNS, Delivery, partition_values, raw_pipeline, raw_schema
from core.landing import Received, StepLanding, TableFeed, next_imported_at
from core.registry import source_entry
from core.workspace import Workspace
from ingestion.tascomi.pipeline import Cursor, Step, move_cursor, plan_steps
from ingestion.tascomi.settings import SOURCE, TascomiSettings

# Rows per parquet row group, as dlt's buffered writer makes them (its default buffer_max_items, which the
# connector keeps). It also bounds the rows held at once: a full load of 100,000 applications (~750 columns
# each) held whole would be gigabytes of dicts.
ROW_GROUP = 5_000
_ARROW = {"text": pa.string(), "bigint": pa.int64(), "double": pa.float64()}


@dataclass
class Written:
    """What write_days landed: rows per table, files, and the cursor the state package carried."""

    rows: dict[str, int] = field(default_factory=dict)
    files: int = 0
    last_imported_at: str | None = None
    cursor: dict[str, Any] = field(default_factory=dict)


def write_days(
    world: Any,
    workspace: Workspace,
    first: date,
    last: date,
    base_url: str,
    page_size: int = 100,
    written: Written | None = None,
    checkpoint: Path | None = None,
) -> Written:
    """Write the imports of business days `first`..`last` (inclusive) into the workspace's raw zone, as daily runs
    of the connector against a sandbox serving `world` at `base_url` would land them, then move the pipeline state.
    `written`: what an earlier call wrote into this workspace (its cursor), to go on from there.
    `checkpoint`: a file kept after every day written, so a call stopped part way (a 1,000,000-application lake takes
    hours) goes on, when called again, from the last whole day, the files of any later day removed first."""
    entry = source_entry(SOURCE, workspace.project_dir)
    tables = entry.contract().selected(None)
    settings = TascomiSettings()
    settings.catch_up_days, settings.lookup_refresh_days = 60, 7  # the defaults: configspec leaves them unresolved
    written, day, finished = _resumed(checkpoint, written or Written(), first)
    if finished:
        return written
    state = written.cursor or {}
    root = Path(workspace.ensure().lake.removeprefix("file://")) / "raw" / entry.department / SOURCE
    if not root.exists():  # dlt initialises its dataset folder itself, with its first package
        _land_state(workspace, entry.department, first, state)
    _remove_days(root, day, last)  # a day a stopped call began and did not finish
    while day <= last:
        world.advance_to(day)
        steps, _ = plan_steps(Cursor.from_state(state), tables, settings, day)
        for step in steps:
            imported_at = next_imported_at(written.last_imported_at)
            written.last_imported_at = imported_at
            delivery = Delivery(imported_at, day, step.label, base_url)
            feeds = [_feed(world, table, step, day, base_url, page_size) for table in step.tables]
            load_id = str(time.time())  # dlt's load id: the package's creation time
            landing = StepLanding(feeds, delivery, lambda: None, load_id)
            written.files += _write_step(landing, tables, root / "{table}", day, load_id, written.rows)
            move_cursor(state, step, day, imported_at)
        written.cursor = state
        _keep(checkpoint, written, day, finished=False)
        day += timedelta(days=1)
    written.cursor = state
    _land_state(workspace, entry.department, last, state)
    _keep(checkpoint, written, last, finished=True)
    return written


def _resumed(checkpoint: Path | None, written: Written, first: date) -> tuple[Written, date, bool]:
    """What a stopped call kept: (what it had written, the next day to write, whether it had finished)."""
    if checkpoint is None or not checkpoint.exists():
        return written, first, False
    kept, through, finished = pickle.loads(checkpoint.read_bytes())
    return kept, through + timedelta(days=1), finished


def _keep(checkpoint: Path | None, written: Written, through: date, finished: bool) -> None:
    if checkpoint is not None:
        partial = checkpoint.with_suffix(".partial")
        partial.write_bytes(pickle.dumps((written, through, finished)))
        partial.replace(checkpoint)  # whole or not at all: a stop while writing keeps the previous day's


def _remove_days(root: Path, first: date, last: date) -> None:
    day = first
    while day <= last and root.exists():
        partition = "/".join(f"{k}={v}" for k, v in partition_values(day).items())
        for folder in root.glob(f"*/{partition}"):
            shutil.rmtree(folder)
        day += timedelta(days=1)


def _feed(world: Any, table: Table, step: Step, today: date, base_url: str, page_size: int) -> TableFeed:
    """One table's series as the connector's _SeriesReader receives it: the server's rows in page order, each with
    the page URL it came on and its position in the series; a full load leaves out today's (unfinished) changes."""
    rows = world.query(table.name, step.requested_day)
    query = f"last_updated={step.requested_day.isoformat()}&" if step.requested_day else ""
    unfinished = today.isoformat()

    def records() -> Iterator[Received]:
        for index, row in enumerate(rows):
            values = world.serialise(table.name, row)
            if step.requested_day is None and table.load == "daily":
                stamp = values.get(table.updated_at) if table.updated_at else None
                if isinstance(stamp, str) and stamp[:10] == unfinished:
                    continue
            yield Received(values, f"{base_url}/{table.name}?{query}page={index // page_size + 1}", index)

    return TableFeed(table, records(), lambda: len(rows), write_empty=step.requested_day is None)


def _schema(name: str, tables: list[Table]) -> pa.Schema:
    """The raw file's columns in dlt's order: the declared columns, the metadata, then dlt's two."""
    declared = {t.name: t for t in tables}
    if name == IMPORT_LOG:
        own = [(c.name, _ARROW[c.data_type]) for c in IMPORT_LOG_COLUMNS]
    elif name == REJECTED_RECORDS:
        own = [(c.name, _ARROW[c.data_type]) for c in REJECTED_RECORD_COLUMNS]
    else:
        own = [(c, pa.string()) for c in declared[name].column_names]
    meta = [(c.name, _ARROW[c.data_type]) for c in (*RAW_METADATA_COLUMNS, *DLT_COLUMNS)]
    return pa.schema(own + meta)


def _write_step(
    landing: StepLanding, tables: list[Table], folder: Path, day: date, load_id: str, totals: dict[str, int]
) -> int:
    """Consume the step's items (records as Arrow tables, rejects, import log, in StepLanding's order) and write one
    parquet file per raw table, as dlt's load package would; returns the number of files written."""
    partition = "/".join(f"{k}={v}" for k, v in partition_values(day).items())
    writers: dict[str, pq.ParquetWriter] = {}
    pending: dict[str, list[pa.Table]] = {}

    def flush(name: str) -> None:
        pieces = pending.pop(name, [])
        if name not in writers:
            target = Path(str(folder).format(table=name)) / partition / f"{load_id}.{uniq_id(5)}.parquet"
            target.parent.mkdir(parents=True, exist_ok=True)
            writers[name] = pq.ParquetWriter(target, _schema(name, tables))
        table = pa.concat_tables(pieces)
        writers[name].write_table(table, row_group_size=ROW_GROUP)
        totals[name] = totals.get(name, 0) + table.num_rows

    for item in landing.items():
        name, data = item.meta.table_name, item.data
        schema = _schema(name, tables)
        pieces = pending.setdefault(name, [])
        pieces.append(_conform(data, schema, load_id))
        if sum(piece.num_rows for piece in pieces) >= ROW_GROUP:
            flush(name)
    for name in list(pending):
        flush(name)
    for writer in writers.values():
        writer.close()
    return len(writers)


def _conform(data: Any, schema: pa.Schema, load_id: str) -> pa.Table:
    """One item as rows of the raw file's schema: an Arrow table (records, with dlt's two columns as core.landing
    fills them) in the file's column order, a declared column it lacks as nulls; dict rows (rejects, import log)
    column by column, with dlt's ids as dlt's normaliser gives them."""
    if isinstance(data, pa.Table):
        return pa.Table.from_arrays(aligned_columns(data, schema), schema=schema)
    records = data if isinstance(data, list) else [data]
    own = [column for column in schema if column.name not in ("_dlt_load_id", "_dlt_id")]
    columns = {c.name: pa.array([record.get(c.name) for record in records], c.type) for c in own}
    columns["_dlt_load_id"] = pa.array([load_id] * len(records), pa.string())
    columns["_dlt_id"] = pa.array(many_uniq_ids_base64(len(records), 10), pa.string())
    return pa.table(columns, schema=schema)


def _land_state(workspace: Workspace, department: str, last: date, state: dict[str, Any]) -> None:
    """One real dlt package that moves the source state to `state`, as the connector's packages do, so its next
    run plans from the last day written (and the lake holds the state copy dlt restores from)."""
    pipeline = raw_pipeline(workspace, SOURCE, department, last)

    def moved() -> Iterator[Any]:
        source_state = dlt.current.source_state()
        for key, value in state.items():
            source_state[key] = dict(value) if isinstance(value, dict) else value
        yield from ()

    @dlt.source(schema=raw_schema(SOURCE, {}))
    def tascomi() -> Any:
        return dlt.resource(moved(), name="raw", write_disposition="append")

    pipeline.run(tascomi(), loader_file_format="parquet")
