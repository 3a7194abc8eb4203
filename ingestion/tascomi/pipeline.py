"""The daily Tascomi import: a full load the first time, then one `last_updated` series per missed day.

Each step (the full load, each day, the lookups) is one dlt load package that carries both the records and the
cursor move, so a cursor only ever advances together with the data it covers (invariant 4). An outage or a crash
part-way through a run loses nothing: the steps already landed stay, the rest are retried by the next run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

import dlt
import pyarrow as pa
from dlt.pipeline.exceptions import PipelineStepFailed

from data_platform.contract import Table, tascomi_tables
from data_platform.errors import find_cause
from ingestion.lake import raw_pipeline
from ingestion.tascomi.client import TascomiAccessDenied, TascomiClient, TascomiUnavailable
from ingestion.tascomi.settings import TascomiSettings

PIPELINE_NAME = "tascomi"
DEPARTMENT = "planning"
DATASET = "tascomi"
FULL = "full"
IMPORT_LOG = "import_log"
METADATA_COLUMNS: dict[str, dict[str, Any]] = {
    "_imported_at": {"data_type": "text"},
    "_import_date": {"data_type": "text"},
    "_requested_day": {"data_type": "text"},
    "_request_url": {"data_type": "text"},
    "_record_index": {"data_type": "bigint"},
}


@dataclass(frozen=True)
class Step:
    label: str
    requested_day: date | None  # None: a full pull
    tables: tuple[Table, ...]


@dataclass
class IngestReport:
    today: date
    rows: dict[str, dict[str, int]] = field(default_factory=dict)  # step label -> table -> rows landed
    days_remaining: int = 0
    requests_made: int = 0

    def rows_by_table(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for per_table in self.rows.values():
            for table, count in per_table.items():
                totals[table] = totals.get(table, 0) + count
        return totals


@dataclass(frozen=True)
class Cursor:
    """What has durably landed: the last day per daily table, the last full pull per lookup."""

    days: dict[str, date]
    lookups: dict[str, date]

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Cursor:
        def dates(section: str) -> dict[str, date]:
            return {t: date.fromisoformat(d) for t, d in state.get(section, {}).items()}

        return cls(dates("last_day_landed"), dates("lookup_pulled_on"))


def plan_steps(cursor: Cursor, tables: list[Table], settings: TascomiSettings) -> tuple[list[Step], int]:
    """The steps this run takes, oldest first, and how many days are left for later runs by the catch-up cap."""
    today = settings.business_day()
    daily = [t for t in tables if t.load == "daily"]
    steps: list[Step] = []
    never_loaded = tuple(t for t in daily if t.name not in cursor.days)
    if never_loaded:
        steps.append(Step(FULL, None, never_loaded))
    loaded = [t for t in daily if t.name in cursor.days]
    remaining = 0
    if loaded:
        first = min(cursor.days[t.name] for t in loaded) + timedelta(days=1)
        days = [first + timedelta(days=n) for n in range((today - first).days)]
        remaining = max(0, len(days) - settings.catch_up_days)
        for day in days[: settings.catch_up_days]:
            behind = tuple(t for t in loaded if cursor.days[t.name] < day)
            steps.append(Step(day.isoformat(), day, behind))
    due = tuple(
        t
        for t in tables
        if t.load == "lookup"
        and (t.name not in cursor.lookups or (today - cursor.lookups[t.name]).days >= settings.lookup_refresh_days)
    )
    if due:
        steps.append(Step("lookups", None, due))
    return steps, remaining


def ingest_tascomi(
    settings: TascomiSettings, lake: str | None = None, progress: Callable[[str], None] = print
) -> IngestReport:
    """Land everything due up to yesterday (London time) in the raw zone."""
    today = settings.business_day()
    tables = _selected_tables(settings)
    pipeline = raw_pipeline(PIPELINE_NAME, DEPARTMENT, DATASET, today, lake)
    _finish_interrupted_load(pipeline, progress)
    pipeline.sync_destination()
    cursor = Cursor.from_state(pipeline.state.get("sources", {}).get(PIPELINE_NAME, {}))
    steps, remaining = plan_steps(cursor, tables, settings)
    client = TascomiClient(
        settings.base_url,
        settings.public_key,
        settings.private_key,
        timeout_s=settings.timeout_s,
        max_attempts=settings.max_attempts,
        backoff_s=settings.backoff_s,
    )
    report = IngestReport(today=today, days_remaining=remaining)
    imported_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    progress(f"tascomi: import day {today}, {len(steps)} step(s) to land")
    try:
        for step in steps:
            counts: dict[str, int] = {}
            source = _step_source(client, step, settings, today, imported_at, counts)
            try:
                pipeline.run(source, loader_file_format="parquet")
            except PipelineStepFailed as failed:
                # dlt wraps errors raised while extracting; the vendor's refusal or outage is what operators need.
                vendor = find_cause(failed, TascomiAccessDenied, TascomiUnavailable)
                if vendor is None:
                    raise
                raise vendor from failed
            report.rows[step.label] = counts
            landed = ", ".join(f"{t} {n}" for t, n in counts.items() if n)
            progress(f"  {step.label:>10}: {landed or 'no changes'}")
    finally:
        report.requests_made = client.requests_made
    if remaining:
        progress(f"tascomi: {remaining} day(s) left beyond the catch-up cap of {settings.catch_up_days}; run again")
    return report


def _empty_table(table: Table) -> pa.Table:
    """A zero-row file with the table's columns: an empty table still exists in raw, so readers find it."""
    names = [*table.column_names, *METADATA_COLUMNS, "_dlt_load_id", "_dlt_id"]
    return pa.table({n: pa.array([], pa.int64() if n == "_record_index" else pa.string()) for n in names})


def _selected_tables(settings: TascomiSettings) -> list[Table]:
    contract = tascomi_tables()
    unknown = set(settings.tables) - set(contract)
    if unknown:
        raise ValueError(f"unknown Tascomi tables in settings: {sorted(unknown)}; known: {sorted(contract)}")
    return [t for name, t in contract.items() if not settings.tables or name in settings.tables]


def _finish_interrupted_load(pipeline: dlt.Pipeline, progress: Callable[[str], None]) -> None:
    """A crash after extraction leaves a package on disk: land it (with its cursor) before planning anew."""
    if pipeline.has_pending_data:
        progress("tascomi: finishing a load interrupted by an earlier run")
        pipeline.normalize()
        pipeline.load()


def _step_source(
    client: TascomiClient,
    step: Step,
    settings: TascomiSettings,
    today: date,
    imported_at: str,
    counts: dict[str, int],
) -> Any:
    @dlt.source(name=PIPELINE_NAME, section=PIPELINE_NAME)
    def tascomi() -> Any:
        tables = [
            dlt.resource(
                _table_rows(client, table, step, settings, today, imported_at, counts),
                name=table.name,
                write_disposition="append",
                columns={**{c: {"data_type": "text"} for c in table.column_names}, **METADATA_COLUMNS},
            )
            for table in step.tables
        ]
        return [*tables, _import_log(step, today, imported_at)]

    source = tascomi()
    # Raw keeps every value as the vendor sent it (text); typing is staging's job, so dlt must not guess.
    for detection in list(source.schema.settings.get("detections") or []):
        source.schema.remove_type_detection(detection)
    return source


def _import_log(step: Step, today: date, imported_at: str) -> Any:
    """One row per landed step, in the same package: proof that a day was imported even when nothing changed,
    which is what source freshness must measure for change-only tables."""
    row = {
        "tables": ",".join(t.name for t in step.tables),
        "_imported_at": imported_at,
        "_import_date": today.isoformat(),
        "_requested_day": step.requested_day.isoformat() if step.requested_day else FULL,
        "_record_index": 0,
    }
    return dlt.resource([row], name=IMPORT_LOG, write_disposition="append", columns=METADATA_COLUMNS)


def _table_rows(
    client: TascomiClient,
    table: Table,
    step: Step,
    settings: TascomiSettings,
    today: date,
    imported_at: str,
    counts: dict[str, int],
) -> Iterator[dict[str, Any]]:
    unfinished_day = today.isoformat()
    counts[table.name] = 0
    for record in client.records(table.name, step.requested_day):
        values = record.values
        last_updated = values.get("last_updated") or ""
        if step.requested_day is None and last_updated[:10] >= unfinished_day:
            continue  # today's records are partial: tomorrow's series for today brings them
        # Nulls are left out: a declared column is written as null anyway, and a sparse vendor column that is
        # null in a whole load carries nothing to keep.
        row = {k: v for k, v in values.items() if v is not None and k not in settings.drop_columns}
        row.update(
            _imported_at=imported_at,
            _import_date=unfinished_day,
            _requested_day=step.requested_day.isoformat() if step.requested_day else FULL,
            _request_url=record.url,
            _record_index=record.index,
        )
        counts[table.name] += 1
        yield row
    if step.requested_day is None and counts[table.name] == 0:
        yield _empty_table(table)
    # The cursor moves inside the load package, so it lands if and only if these rows land.
    state = dlt.current.source_state()
    if table.load == "lookup":
        state.setdefault("lookup_pulled_on", {})[table.name] = unfinished_day
    else:
        landed = step.requested_day or today - timedelta(days=1)
        state.setdefault("last_day_landed", {})[table.name] = landed.isoformat()
