"""The import log: one row per table per landed step, in the same load package as the records it describes.

It proves an import ran even when nothing changed (what freshness must measure for change-only sources) and keeps
the reconciliation: how many records the source said it held, how many landed, how many were rejected, which columns
arrived (schema drift is measured from it).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import dlt

from core.lake import Delivery, MetadataColumn, metadata_hints

IMPORT_LOG = "import_log"
REJECTED_RECORDS = "rejected_records"
# A table's outcome in one step (import_log.outcome)
LANDED, COMPLETE, FAILED, INCOMPLETE = "landed", "complete", "failed", "incomplete"

IMPORT_LOG_COLUMNS: tuple[MetadataColumn, ...] = (
    MetadataColumn("table_name", "text", "The source table this row reports on."),
    MetadataColumn("rows_landed", "bigint", "Records of the table landed in raw by this step."),
    MetadataColumn(
        "rows_expected", "bigint", "How many records the source said it held for this step (null: it does not say)."
    ),
    MetadataColumn("rows_rejected", "bigint", "Records received but landed in rejected_records instead (see reason)."),
    MetadataColumn("columns_received", "text", "Comma-separated raw column names the records arrived with."),
    MetadataColumn(
        "columns_renamed", "text", "JSON object: vendor column names that landed under a safe name, and that name."
    ),
    MetadataColumn(
        "outcome",
        "text",
        "What this step did for the table: `landed` (its records landed; more may follow in later steps), "
        "`complete` (the table's pull finished with this step: a snapshot is whole), `failed` (nothing of the "
        "table landed in this step and its cursor did not move: see error), or `incomplete` (the source's series was "
        "refused on every read: what arrived landed marked _incomplete_series, the cursor did not move, see error). "
        "Null in logs written before it existed.",
    ),
    MetadataColumn("seconds", "double", "Seconds the step spent reading this table from the source."),
    MetadataColumn(
        "error", "text", "Why the table failed or is incomplete in this step (null unless the outcome is one of those)."
    ),
)
REJECTED_RECORD_COLUMNS: tuple[MetadataColumn, ...] = (
    MetadataColumn("table_name", "text", "The source table the record was received for."),
    MetadataColumn("reason", "text", "Why the record could not land in its table."),
    MetadataColumn("record_json", "text", "The record as received, as ASCII-escaped JSON."),
)


@dataclass
class TableLanded:
    """What one step did for one table."""

    table: str
    rows_landed: int = 0
    rows_expected: int | None = None
    rows_rejected: int = 0
    columns_received: set[str] = field(default_factory=set)
    columns_renamed: dict[str, str] = field(default_factory=dict)
    outcome: str = LANDED
    seconds: float | None = None
    error: str | None = None

    def row(self, delivery: Delivery) -> dict[str, Any]:
        return {
            "table_name": self.table,
            "rows_landed": self.rows_landed,
            "rows_expected": self.rows_expected,
            "rows_rejected": self.rows_rejected,
            "columns_received": ",".join(sorted(self.columns_received)),
            "columns_renamed": json.dumps(self.columns_renamed, sort_keys=True),
            "outcome": self.outcome,
            "seconds": None if self.seconds is None else round(self.seconds, 3),
            "error": self.error,
            **delivery.stamp(0),
        }


def import_log_resource(delivery: Delivery, landed: Iterable[TableLanded]) -> Any:
    """The log rows of one step, evaluated after the step's tables were extracted (dlt extracts in order)."""

    def rows() -> Any:
        yield [t.row(delivery) for t in landed]

    hints = {**{c.name: {"data_type": c.data_type} for c in IMPORT_LOG_COLUMNS}, **metadata_hints()}
    return dlt.resource(rows, name=IMPORT_LOG, write_disposition="append", columns=hints)


def rejected_records_hints() -> dict[str, dict[str, str]]:
    return {**{c.name: {"data_type": c.data_type} for c in REJECTED_RECORD_COLUMNS}, **metadata_hints()}


def rejected_record(table: str, reason: str, record: Any, stamp: dict[str, Any]) -> dict[str, Any]:
    return {
        "table_name": table,
        "reason": reason,
        "record_json": json.dumps(record, ensure_ascii=True, sort_keys=True, default=str),
        **stamp,
    }


@dataclass
class StepReport:
    label: str
    tables: dict[str, TableLanded] = field(default_factory=dict)


@dataclass
class IngestReport:
    """What one run of a connector landed, for the command line and the jobs."""

    source: str
    import_date: date
    steps: list[StepReport] = field(default_factory=list)
    days_remaining: int = 0
    requests_made: int = 0
    drift: dict[str, list[str]] = field(default_factory=dict)  # table -> raw columns not in the contract
    schema_changes: dict[str, list[str]] = field(default_factory=dict)  # table -> what changed since the last run

    @property
    def rows(self) -> dict[str, dict[str, int]]:
        return {s.label: {t: landed.rows_landed for t, landed in s.tables.items()} for s in self.steps}

    def rows_by_table(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for step in self.steps:
            for table, landed in step.tables.items():
                totals[table] = totals.get(table, 0) + landed.rows_landed
        return totals

    def rejected_by_table(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for step in self.steps:
            for table, landed in step.tables.items():
                if landed.rows_rejected:
                    totals[table] = totals.get(table, 0) + landed.rows_rejected
        return totals

    def failed_tables(self) -> dict[str, str]:
        """Tables that failed in this run and did not land later in it, with the last error."""
        failed: dict[str, str] = {}
        for step in self.steps:
            for table, landed in step.tables.items():
                if landed.outcome == FAILED:
                    failed[table] = landed.error or "failed"
                else:
                    failed.pop(table, None)
        return failed

    def seconds_by_table(self) -> dict[str, float]:
        totals: dict[str, float] = {}
        for step in self.steps:
            for table, landed in step.tables.items():
                totals[table] = totals.get(table, 0.0) + (landed.seconds or 0.0)
        return totals
