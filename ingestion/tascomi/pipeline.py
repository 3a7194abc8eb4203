"""The daily Tascomi import: a full load the first time, then one `last_updated` series per missed day, and the
lookups in full on their schedule.

Each step (the full load, each day, the lookups) is one dlt load package carrying the records, the import log and
the cursor move (core.landing), so a cursor only ever advances together with the data it covers (invariant 4). A day
series that does not reconcile with the vendor's count is fetched again, then the step fails with the cursor unmoved.
An outage or a crash part-way through a run loses nothing: the steps already landed stay, the rest are retried by
the next run.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from functools import partial
from typing import Any

import dlt
from dlt.pipeline.exceptions import PipelineStepFailed

from core.contract import Table
from core.errors import SourceIncomplete, SourceNotConfigured, find_cause
from core.import_log import IngestReport, StepReport
from core.ingest_run import IngestRun
from core.lake import raw_schema
from core.landing import Received, StepLanding, TableFeed
from core.paging import SeriesMismatch
from core.source_kit import Progress
from core.workspace import Workspace
from ingestion.tascomi.client import TascomiClient
from ingestion.tascomi.settings import SOURCE, TascomiSettings

FULL = "full"
LOOKUPS = "lookups"


@dataclass(frozen=True)
class Step:
    label: str
    requested_day: date | None  # None: a full pull
    tables: tuple[Table, ...]


@dataclass(frozen=True)
class Cursor:
    """What has durably landed: the last day per daily table, the last full pull per lookup."""

    days: dict[str, date]
    lookups: dict[str, date]
    last_imported_at: str | None

    @classmethod
    def from_state(cls, state: dict[str, Any]) -> Cursor:
        def dates(section: str) -> dict[str, date]:
            return {t: date.fromisoformat(d) for t, d in state.get(section, {}).items()}

        return cls(dates("last_day_landed"), dates("lookup_pulled_on"), state.get("last_imported_at"))


def plan_steps(cursor: Cursor, tables: list[Table], settings: TascomiSettings, today: date) -> tuple[list[Step], int]:
    """The steps this run takes, oldest first, and how many days are left for later runs by the catch-up cap."""
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
        steps.append(Step(LOOKUPS, None, due))
    return steps, remaining


def ingest(settings: TascomiSettings, workspace: Workspace, progress: Progress = print) -> IngestReport:
    """Land everything due up to yesterday (London time) in the raw zone. One run per workspace at a time."""
    with IngestRun.open(SOURCE, settings, workspace, progress) as run:
        tables = run.entry.contract().selected(settings.tables)
        pipeline = run.pipeline()
        steps, remaining = plan_steps(Cursor.from_state(run.state(pipeline)), tables, settings, run.today)
        client = TascomiClient(
            settings.base_url,
            settings.public_key,
            settings.private_key,
            timeout_s=settings.timeout_s,
            max_attempts=settings.max_attempts,
            backoff_s=settings.backoff_s,
            max_retry_after_s=settings.max_retry_after_s,
            warn=progress,
        )
        run.report.days_remaining = remaining
        progress(f"tascomi: import day {run.today}, {len(steps)} step(s) to land")
        try:
            for step in steps:
                step_report = _land_step(run, pipeline, client, step, settings)
                run.report.steps.append(step_report)
                landed = ", ".join(f"{t} {n.rows_landed}" for t, n in step_report.tables.items() if n.rows_landed)
                rejected = sum(n.rows_rejected for n in step_report.tables.values())
                note = f" ({rejected} record(s) rejected: see rejected_records)" if rejected else ""
                progress(f"  {step.label:>10}: {landed or 'no changes'}{note}")
        finally:
            run.report.requests_made = client.requests_made
        report = run.finish(tables)
        if remaining:
            progress(f"tascomi: {remaining} day(s) left beyond the catch-up cap of {settings.catch_up_days}; run again")
        return report


def _land_step(
    run: IngestRun, pipeline: dlt.Pipeline, client: TascomiClient, step: Step, settings: TascomiSettings
) -> StepReport:
    """Land one step; a series that does not reconcile is fetched again, up to settings.series_attempts times."""
    for attempt in range(1, settings.series_attempts + 1):
        delivery = run.delivery(step.label, client.base_url)
        moved = partial(_move_cursor, step, run.today, delivery.imported_at)
        landing = StepLanding(_feeds(client, step, run.today), delivery, moved)
        try:
            run.land(pipeline, _step_source(landing))
            return StepReport(step.label, {t.table: t for t in landing.landed})
        except PipelineStepFailed as failed:
            mismatch = find_cause(failed, SeriesMismatch)
            if mismatch is None:
                raise
            if attempt == settings.series_attempts:
                raise SourceIncomplete(
                    f"tascomi step {step.label}: {mismatch} (after {attempt} attempts). Nothing from this step was "
                    "landed and the cursor did not move; the next run tries again."
                ) from failed
            time.sleep(settings.backoff_s * attempt)
    raise AssertionError("unreachable")


def _feeds(client: TascomiClient, step: Step, today: date) -> list[TableFeed]:
    feeds = []
    for table in step.tables:
        series = _SeriesReader(client, table, step, today)
        feeds.append(TableFeed(table, series.records(), series.expected, write_empty=step.requested_day is None))
    return feeds


class _SeriesReader:
    def __init__(self, client: TascomiClient, table: Table, step: Step, today: date) -> None:
        self.client, self.table, self.step, self.today = client, table, step, today
        self.received = 0

    def records(self) -> Iterator[Received]:
        unfinished_day = self.today.isoformat()
        columns = self.table.column_names  # a page of another table is refused, not landed as this one
        for record in self.client.series(self.table.name, self.step.requested_day, columns):
            self.received += 1
            last_updated = record.values.get(self.table.updated_at) if self.table.updated_at else None
            if self.step.requested_day is None and self.table.load == "daily" and _on_day(last_updated, unfinished_day):
                continue  # today's changes are partial: tomorrow's series for today brings them
            yield Received(record.values, record.url, record.index)
        self._check_vendor_clock()

    def expected(self) -> int | None:
        return self.received

    def _check_vendor_clock(self) -> None:
        vendor_today = self.client.vendor_date
        if vendor_today is not None and self.today > vendor_today:
            raise SourceNotConfigured(
                f"business day {self.today} is after the vendor's own date ({vendor_today}): its day is not over, so "
                "importing it would mark days landed that are still changing. Check --today / SOURCES__TASCOMI__TODAY "
                "and this machine's clock."
            )


def _on_day(value: Any, day: str) -> bool:
    return isinstance(value, str) and value[:10] == day


def _move_cursor(step: Step, today: date, imported_at: str) -> None:
    """Runs inside the package, after every record of the step was read: lands if and only if they land."""
    state = dlt.current.source_state()
    for table in step.tables:
        if table.load == "lookup":
            state.setdefault("lookup_pulled_on", {})[table.name] = today.isoformat()
        else:
            landed = step.requested_day or today - timedelta(days=1)
            state.setdefault("last_day_landed", {})[table.name] = landed.isoformat()
    state["last_imported_at"] = imported_at


def _step_source(landing: StepLanding) -> Any:
    @dlt.source(schema=raw_schema(SOURCE, landing.tables()))
    def tascomi() -> Any:
        return dlt.resource(landing.items(), name="raw", write_disposition="append")

    return tascomi()


__all__ = ["FULL", "LOOKUPS", "Cursor", "Step", "ingest", "plan_steps", "SourceIncomplete"]
