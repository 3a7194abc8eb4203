"""Landing one step of a source in the raw zone: the records, the rejects, the import log and the cursor move,
all in ONE dlt load package, so a cursor only ever advances together with the data it covers (invariant 4).

A connector describes a step as tables and an iterator of received records per table; `StepLanding` turns them into
raw rows (vendor names kept, unsafe names made distinct, every value text), routes a record that cannot be landed to
`rejected_records` with the reason instead of blocking the step, and yields the import-log rows last, so the log
says exactly what landed. Records land as Arrow tables of up to BATCH_ROWS rows (core.arrow_landing.records_table):
dlt then handles one item per batch, not per record, and writes each as parquet without normalising its rows.
"""

from __future__ import annotations

import errno
import shutil
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import dlt
from dlt.common.storages.load_storage import LoadStorage
from dlt.common.storages.normalize_storage import NormalizeStorage

from core.arrow_landing import records_table
from core.contract import Table
from core.errors import LakeUnwritable, find_cause
from core.import_log import (
    IMPORT_LOG,
    IMPORT_LOG_COLUMNS,
    INCOMPLETE,
    REJECTED_RECORD_COLUMNS,
    REJECTED_RECORDS,
    TableLanded,
    rejected_record,
    rejected_records_hints,
)
from core.lake import (
    Delivery,
    UnlandableValue,
    empty_columns,
    empty_raw_table,
    metadata_hints,
    raw_value,
    text_hints,
)

# Records per Arrow table handed to dlt. dlt's writer buffers items up to 5,000 rows per parquet row group, so this
# bounds only the records held at once (a batch of the widest Tascomi table, 760 columns, is a few tens of MB).
BATCH_ROWS = 1_000


@dataclass(frozen=True)
class Received:
    """One record as a source delivered it."""

    values: dict[str, Any]
    source_ref: str
    index: int
    incomplete: bool = False  # arrived in a series the source's count refused (raw's _incomplete_series)


@dataclass(frozen=True)
class TableFeed:
    """What a step lands for one table: its contract, the records, and how many the source said it holds."""

    table: Table
    records: Iterable[Received]
    expected: Callable[[], int | None] = lambda: None  # evaluated after the records were read
    write_empty: bool = False  # a full pull with no records still leaves a zero-row file, so readers find the table
    # Why the series was refused though its records land (marked incomplete; the table's cursor must not move), or
    # None: evaluated after the records were read.
    refused: Callable[[], str | None] = lambda: None


def next_imported_at(previous: str | None) -> str:
    """Now (UTC, microseconds), strictly after `previous`: deliveries stay totally ordered even across a clock
    step backwards or two steps in one microsecond."""
    now = datetime.now(UTC).replace(tzinfo=None)
    if previous:
        floor = datetime.fromisoformat(previous) + timedelta(microseconds=1)
        now = max(now, floor)
    return now.strftime("%Y-%m-%d %H:%M:%S.%f")


class StepLanding:
    """The items of one step, each marked with its raw table: records, rejects, then the import log.

    `on_done` runs after the last record was read (the connector moves its cursor there, inside the package);
    `landed` reports what each table landed once the items were consumed."""

    def __init__(
        self, feeds: list[TableFeed], delivery: Delivery, on_done: Callable[[], None], load_id: str | None = None
    ) -> None:
        """`load_id`: the package's (default: that of the dlt package being extracted)."""
        self.feeds = feeds
        self.delivery = delivery
        self.on_done = on_done
        self.load_id = load_id
        self.landed: list[TableLanded] = []

    def tables(self) -> dict[str, dict[str, dict[str, str]]]:
        """Every raw table this step may write, with its column hints (for core.lake.raw_schema)."""
        log_hints = {**{c.name: {"data_type": c.data_type} for c in IMPORT_LOG_COLUMNS}, **metadata_hints()}
        return {
            **{feed.table.name: text_hints(feed.table.column_names) for feed in self.feeds},
            REJECTED_RECORDS: rejected_records_hints(),
            IMPORT_LOG: log_hints,
        }

    def items(self) -> Iterator[Any]:
        load_id = self.load_id or dlt.current.load_package_state()["load_id"]
        rejected: list[dict[str, Any]] = []
        for feed in self.feeds:
            yield from self._table_items(feed, rejected, load_id)
        for row in rejected:
            yield dlt.mark.with_table_name(row, REJECTED_RECORDS)
        if not rejected and any(feed.write_empty for feed in self.feeds):
            # a full pull also leaves an empty rejects file, so readers find the table before the first reject
            yield dlt.mark.with_table_name(empty_columns(REJECTED_RECORD_COLUMNS), REJECTED_RECORDS)
        for report in self.landed:
            yield dlt.mark.with_table_name(report.row(self.delivery), IMPORT_LOG)
        self.on_done()

    def _table_items(self, feed: TableFeed, rejected: list[dict[str, Any]], load_id: str) -> Iterator[Any]:
        table = feed.table
        report = TableLanded(table.name)
        self.landed.append(report)
        started = time.monotonic()
        batch: list[Received] = []
        for received in feed.records:
            batch.append(received)
            if len(batch) >= BATCH_ROWS:
                yield from self._batch_items(table, batch, report, rejected, load_id)
                batch = []
        if batch:
            yield from self._batch_items(table, batch, report, rejected, load_id)
        report.rows_expected = feed.expected()
        refused = feed.refused()
        if refused is not None:
            report.outcome, report.error = INCOMPLETE, refused
        report.seconds = time.monotonic() - started  # reading the source, interleaved with dlt's extract
        if feed.write_empty and report.rows_landed == 0:
            yield dlt.mark.with_table_name(empty_raw_table(table.column_names), table.name)

    def _batch_items(
        self, table: Table, batch: list[Received], report: TableLanded, rejected: list[dict[str, Any]], load_id: str
    ) -> Iterator[Any]:
        try:
            landed = self._raw(table, batch, report, load_id)
        except UnlandableValue:
            landed = None
        if landed is not None:
            yield dlt.mark.with_table_name(landed, table.name)
            return
        # Rare: some record holds a value that cannot be text. Find which, reject them, land the others.
        kept: list[Received] = []
        for received in batch:
            try:
                for key, value in received.values.items():
                    if key not in table.dropped:
                        raw_value(value)
            except UnlandableValue as error:
                report.rows_rejected += 1
                stamp = self.delivery.stamp(received.index, received.source_ref, received.incomplete)
                rejected.append(rejected_record(table.name, str(error), received.values, stamp))
                continue
            kept.append(received)
        if kept:
            yield dlt.mark.with_table_name(self._raw(table, kept, report, load_id), table.name)

    def _raw(self, table: Table, batch: list[Received], report: TableLanded, load_id: str) -> Any:
        return records_table(
            table,
            [received.values for received in batch],
            self.delivery,
            [received.index for received in batch],
            load_id,
            report,
            source_refs=[received.source_ref for received in batch],
            incomplete=[received.incomplete for received in batch],
        )


def finish_interrupted_load(pipeline: dlt.Pipeline, progress: Callable[[str], None]) -> None:
    """A run killed after extraction leaves packages on disk: land them (with their cursor moves) before planning anew.

    dlt hands a package from normalize to load in two moves: it renames the normalized package into the load folder,
    then deletes the extracted copy. A kill between the two leaves both, and every later normalize then fails on the
    existing folder ("Directory not empty"): the pipeline is wedged. The normalized copy is complete (the rename is
    atomic), so finishing the interrupted hand-over means deleting the extracted copy; then the load goes ahead."""
    _finish_interrupted_handover(pipeline, progress)
    if not pipeline.has_pending_data:
        return
    progress(f"{pipeline.pipeline_name}: finishing a load interrupted by an earlier run")
    try:
        pipeline.normalize()
        pipeline.load()
    except Exception as error:
        os_error = find_cause(error, OSError)
        if isinstance(os_error, OSError) and os_error.errno == errno.ENOSPC:
            raise LakeUnwritable(
                f"the disk is full while finishing an interrupted load ({os_error}). Free space and run again: "
                "the interrupted package is kept and lands then."
            ) from error
        raise


def _finish_interrupted_handover(pipeline: dlt.Pipeline, progress: Callable[[str], None]) -> None:
    extracted = Path(pipeline.working_dir) / "normalize" / NormalizeStorage.EXTRACTED_FOLDER
    load = Path(pipeline.working_dir) / "load"
    if not extracted.is_dir():
        return
    for package in sorted(p for p in extracted.iterdir() if p.is_dir()):
        handed_over = [
            load / folder / package.name
            for folder in (LoadStorage.NORMALIZED_FOLDER, LoadStorage.LOADED_FOLDER)
            if (load / folder / package.name).is_dir()
        ]
        if handed_over:
            progress(
                f"{pipeline.pipeline_name}: finishing the hand-over of package {package.name} (a run stopped in it)"
            )
            shutil.rmtree(package)
