"""The daily Tascomi import: a full load the first time, then one `last_updated` series per missed day, and the
lookups in full on their schedule.

Each step (the full load, each day, the lookups) is one dlt load package carrying the records, the import log and
the cursor move (core.landing), so a cursor only ever advances together with the data it covers (invariant 4). A day
series that does not reconcile with the vendor's count is fetched again; if the last read is refused too, what arrived
lands marked as from an incomplete series, that table's cursor stays, and the step fails (exit 2).
An outage or a crash part-way through a run loses nothing: the steps already landed stay, the rest are retried by
the next run.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Iterator
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
    """Land one step; a series that does not reconcile is fetched again, up to settings.series_attempts times.

    The last read of a day's step salvages: a series still refused lands what arrived, marked incomplete
    (a version the vendor serves only today would otherwise be lost when the record changes again before the next
    good run), the tables whose series did reconcile land as usual, and only their cursors move. The step then
    fails, so the run exits 2 and the next run fetches the refused series again."""
    for attempt in range(1, settings.series_attempts + 1):
        # Day series only: a lookup is a whole pull, not a change log, and the first full pull (a table's whole
        # content, too big to hold in memory) shows records only as they stand, so a retry next run loses no version.
        salvage = attempt == settings.series_attempts and step.requested_day is not None
        delivery = run.delivery(step.label, client.base_url)
        readers = [_SeriesReader(client, table, step, run.today, salvage) for table in step.tables]
        refused = partial(_refused, readers)
        moved = partial(_move_cursor, step, run.today, delivery.imported_at, refused)
        landing = StepLanding([reader.feed() for reader in readers], delivery, moved)
        try:
            run.land(pipeline, _step_source(landing, run.undeclared(pipeline, landing.tables())))
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
            continue
        if refused():
            said = "; ".join(f"{table}: {reason}" for table, reason in refused().items())
            raise SourceIncomplete(
                f"tascomi step {step.label}: {said} (after {attempt} attempts). What arrived landed, marked "
                "_incomplete_series (import log outcome 'incomplete'), so no version served is lost; for those "
                "tables the cursor did not move and the next run fetches them again."
            )
        return StepReport(step.label, {t.table: t for t in landing.landed})
    raise AssertionError("unreachable")


class _SeriesReader:
    """One table's series in one read of a step. `salvage`: the last read allowed; a refused series is kept (its
    records marked incomplete, the reason in `refused`) instead of failing the step."""

    def __init__(self, client: TascomiClient, table: Table, step: Step, today: date, salvage: bool) -> None:
        self.client, self.table, self.step, self.today, self.salvage = client, table, step, today, salvage
        self.received = 0
        self.refused: str | None = None

    def feed(self) -> TableFeed:
        return TableFeed(
            self.table,
            self.records(),
            self.expected,
            write_empty=self.step.requested_day is None,
            refused=lambda: self.refused,
        )

    def records(self) -> Iterator[Received]:
        if not self.salvage:
            yield from self._read()
            return
        # Whether the series reconciles is known only after its last page, and every record is stamped with it:
        # the last read holds one table's series (one day's changes) in memory until then.
        kept: list[Received] = []
        try:
            kept.extend(self._read())
        except SeriesMismatch as mismatch:
            self.refused = str(mismatch)
            self._check_vendor_clock()  # a day the vendor has not finished is refused, never salvaged
        for received in kept:
            yield Received(received.values, received.source_ref, received.index, incomplete=self.refused is not None)

    def _read(self) -> Iterator[Received]:
        unfinished_day = self.today.isoformat()
        columns = self.table.column_names  # a page of another table is refused, not landed as this one
        for record in self.client.series(self.table.name, self.step.requested_day, columns, salvage=self.salvage):
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


def _refused(readers: list[_SeriesReader]) -> dict[str, str]:
    return {reader.table.name: reader.refused for reader in readers if reader.refused is not None}


def _on_day(value: Any, day: str) -> bool:
    return isinstance(value, str) and value[:10] == day


def _move_cursor(step: Step, today: date, imported_at: str, refused: Callable[[], dict[str, str]]) -> None:
    """Runs inside the package, after every record of the step was read: lands if and only if they land."""
    move_cursor(dlt.current.source_state(), step, today, imported_at, refused())


def move_cursor(
    state: dict[str, Any], step: Step, today: date, imported_at: str, incomplete: Collection[str] = ()
) -> None:
    """The state after a step landed (also what benchmarks/tascomi_lake.py writes beside a lake it makes). A table
    whose series was refused (landed incomplete) keeps its cursor: the next run fetches that series again."""
    for table in step.tables:
        if table.name in incomplete:
            continue
        if table.load == "lookup":
            state.setdefault("lookup_pulled_on", {})[table.name] = today.isoformat()
        else:
            landed = step.requested_day or today - timedelta(days=1)
            state.setdefault("last_day_landed", {})[table.name] = landed.isoformat()
    state["last_imported_at"] = imported_at


def _step_source(landing: StepLanding, declared: dict[str, Any]) -> Any:
    """The step as a dlt source; `declared`: the raw tables its schema declares (those not yet in the pipeline's)."""

    @dlt.source(schema=raw_schema(SOURCE, declared))
    def tascomi() -> Any:
        return dlt.resource(landing.items(), name="raw", write_disposition="append")

    return tascomi()


__all__ = ["FULL", "LOOKUPS", "Cursor", "Step", "ingest", "plan_steps", "SourceIncomplete"]
