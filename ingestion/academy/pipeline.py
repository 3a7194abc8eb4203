"""The Academy import: every selected table, chunk by chunk, each step one load package per department.

A run plans, per table, what is due: change-only tables (a change column) read everything changed since their cursor
(the first run reads the whole table, `full`); snapshot tables (no change column) read a whole dated copy once per
import day. Then it lands steps until every table is done: a step reads the next chunk of every unfinished table
(`concurrency` at a time) and lands them, with the import log and every cursor move, in ONE dlt load package
(invariant 4). A crash costs at most the step in flight: the next run resumes each table after its last landed
chunk (a snapshot resumes only on the same import day; a later day starts a fresh one, and the partial copy, never
marked complete, is ignored by history). One failing table (timeout, missing, unreadable) is logged as `failed`
with its error, keeps its cursor, and the other tables go on; the run then ends with SourceIncomplete naming it.

Tables of one department land under raw/<department>/academy/ through that department's pipeline (own state).
"""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import dlt
import pyarrow.compute as pc
import sqlalchemy as sa

from core.arrow_landing import raw_batch
from core.contract import Table
from core.errors import SourceIncomplete, SourceUnavailable
from core.import_log import (
    COMPLETE,
    FAILED,
    IMPORT_LOG,
    REJECTED_RECORD_COLUMNS,
    REJECTED_RECORDS,
    IngestReport,
    StepReport,
    TableLanded,
)
from core.ingest_run import IngestRun
from core.lake import Delivery, empty_columns, empty_raw_table, raw_schema, text_hints
from core.landing import StepLanding
from core.source_kit import Progress
from core.workspace import Workspace
from ingestion.academy import database as db
from ingestion.academy.settings import SOURCE, AcademySettings, check_routes

FULL, CHANGES, SNAPSHOT = "full", "changes", "snapshot"


@dataclass
class TableJob:
    """One table's work in this run: where its cursor stands, and what each landed chunk moves it to."""

    contract: Table
    source_table: sa.Table
    cursor: dict[str, Any]  # the table's state as landed (dlt source state, tables.<name>)
    label: str  # the import step stamped on its rows: full, changes, or snapshot <started at>
    first_chunk: bool = True
    done: bool = False
    failed: str | None = None

    @property
    def name(self) -> str:
        return self.contract.name

    @property
    def after(self) -> Any:
        if self.contract.load == "snapshot":
            return db.decode((self.cursor.get("current") or {}).get("after"))
        return db.decode(self.cursor.get("after"))

    def moved(self, chunk: db.Chunk, today: date) -> dict[str, Any]:
        """The table's state once this chunk has landed."""
        upper = chunk.range.upper if chunk.range.upper is not None else self._max_read(chunk)
        cursor = dict(self.cursor, columns=db.column_types(self.source_table))
        if self.contract.load == "snapshot":
            if chunk.last:
                cursor.update(current=None, last_complete=today.isoformat())
            else:
                cursor["current"] = {"label": self.label, "import_date": today.isoformat(), "after": db.encode(upper)}
            return cursor
        if upper is not None:
            cursor["after"] = db.encode(upper)
        cursor["pull"] = CHANGES if chunk.last else self.label
        return cursor

    def _max_read(self, chunk: db.Chunk) -> Any:
        column = db.range_column(self.contract)
        values = [pc.max(b.column(column)).as_py() for b in chunk.batches if b.num_rows]
        values = [v for v in values if v is not None]
        return max(values) if values else self.after


@dataclass
class Step:
    """One load package of one department: the next chunk of each unfinished table."""

    jobs: list[TableJob]
    imported_at: str
    today: date
    source_ref: str
    settings: AcademySettings
    engine: sa.Engine
    warn: Progress
    landed: list[tuple[TableLanded, Delivery]] = field(default_factory=list)

    def items(self) -> Iterator[Any]:
        load_id = dlt.current.load_package_state()["load_id"]
        moves: dict[str, dict[str, Any]] = {}
        with ThreadPoolExecutor(max_workers=self.settings.concurrency, thread_name_prefix="academy-read") as pool:
            futures = {pool.submit(self._read, job): job for job in self.jobs}
            for future in as_completed(futures):
                job = futures[future]
                delivery = Delivery(self.imported_at, self.today, job.label, self.source_ref)
                report = TableLanded(job.name)
                self.landed.append((report, delivery))
                try:
                    chunk = future.result()
                except Exception as error:  # noqa: BLE001 - one table's failure is logged; the others land
                    report.outcome, report.error = FAILED, db.describe_error(error)
                    job.failed = report.error
                    continue
                index = 0
                for batch in chunk.batches:
                    yield dlt.mark.with_table_name(
                        raw_batch(batch, job.contract, delivery, index, load_id, report), job.name
                    )
                    index += batch.num_rows
                if job.first_chunk and job.label != CHANGES and chunk.rows == 0:  # an empty table still exists
                    yield dlt.mark.with_table_name(empty_raw_table(job.contract.column_names), job.name)
                report.rows_expected, report.seconds = chunk.expected, chunk.seconds
                report.outcome = COMPLETE if chunk.last else report.outcome
                moves[job.name] = job.moved(chunk, self.today)
        # after every chunk of the package was read: the cursor moves land if and only if the records do
        state = dlt.current.source_state()
        state.setdefault("tables", {}).update(moves)
        state["last_imported_at"] = self.imported_at
        for report, delivery in self.landed:
            yield dlt.mark.with_table_name(report.row(delivery), IMPORT_LOG)
        if any(job.first_chunk for job in self.jobs):
            # a table's first read also leaves an empty rejects file, so readers find the table before the first reject
            yield dlt.mark.with_table_name(empty_columns(REJECTED_RECORD_COLUMNS), REJECTED_RECORDS)

    def _read(self, job: TableJob) -> db.Chunk:
        column = db.range_column(job.contract)

        def attempt() -> db.Chunk:
            after = job.after
            next_range = db.next_range(self.engine, job.source_table, column, after, self.settings.batch_size)
            if after is None and job.label != CHANGES:  # the first chunk of a whole pull also takes the nulls
                next_range = db.Range(nulls=True, after=None, upper=next_range.upper)
            return db.read_chunk(self.engine, job.source_table, job.contract, next_range, self.settings.batch_size)

        return db.with_retries(attempt, self.settings.attempts, self.settings.backoff_s, self.warn, job.name)


def ingest(settings: AcademySettings, workspace: Workspace, progress: Progress = print) -> IngestReport:
    """Land every selected table's due chunks in the raw zone. One run per workspace at a time."""
    engine = db.make_engine(settings.connection_url, settings.concurrency, settings.statement_timeout_s)
    if engine.dialect.name not in db.TIMEOUT_DIALECTS:
        progress(
            f"academy: no statement timeout is set for dialect {engine.dialect.name!r}: set one on the login at "
            "the server, or a slow table holds its connection until it finishes"
        )
    try:
        with IngestRun.open(SOURCE, settings, workspace, progress) as run:
            tables = _selected_tables(engine, settings, run.entry.contract().tables.values(), progress)
            check_routes(settings, tables)
            # every department's pipeline is opened (and recovered) first: deliveries are ordered across them
            pipelines = {
                department: run.pipeline(department, f"{SOURCE}__{department}")
                for department in sorted({t.department for t in tables})
            }
            for department, pipeline in pipelines.items():
                _land_department(run, pipeline, [t for t in tables if t.department == department], settings, engine)
            report = run.finish(tables)
    finally:
        engine.dispose()
    _fail_if_incomplete(report)
    return report


def _selected_tables(engine: sa.Engine, settings: AcademySettings, contract: Any, progress: Progress) -> list[Table]:
    """Contract tables whose names match the patterns. A matching source table outside the contract is reported,
    never landed: nobody has classified its columns."""
    try:
        available = db.source_tables(engine, settings.db_schema)
    except sa.exc.SQLAlchemyError as error:
        raise SourceUnavailable(
            f"academy: cannot list the tables of schema {settings.db_schema!r} ({db.describe_error(error)}). Check "
            "SOURCES__ACADEMY__CONNECTION_URL, the network path to the replica and the login's rights."
        ) from error
    selected = [t for t in contract if settings.selects(t.name)]
    known = {t.name for t in selected}
    unknown = [name for name in available if settings.selects(name) and name not in known]
    if unknown:
        progress(
            f"academy: {len(unknown)} table(s) match the patterns but have no contract, so are not landed: "
            f"{', '.join(unknown[:10])}. Add ingestion/academy/contract/<table>.yml to land one."
        )
    if not selected:
        raise SourceIncomplete(f"academy: no contract table matches the patterns {settings.table_patterns()}")
    return selected


def _land_department(
    run: IngestRun, pipeline: dlt.Pipeline, tables: list[Table], settings: AcademySettings, engine: sa.Engine
) -> None:
    jobs = _plan(engine, settings, tables, run.state(pipeline).get("tables", {}), run.today, run.report, run.progress)
    number = 0
    while jobs:
        number += 1
        delivery = run.delivery("", _source_ref(engine, settings))
        for job in jobs:
            if job.label == SNAPSHOT:  # a new snapshot is named by the step that starts it
                job.label = f"{SNAPSHOT} {delivery.imported_at}"
        step = Step(jobs, delivery.imported_at, run.today, delivery.source_ref, settings, engine, run.progress)
        _run_step(run, pipeline, step)
        label = f"{pipeline.pipeline_name.split('__')[-1]} step {number}"
        run.report.steps.append(StepReport(label, {r.table: r for r, _ in step.landed}))
        run.progress(f"  {label}: " + ", ".join(_describe(r) for r, _ in step.landed))
        for job in jobs:
            landed = next(r for r, _ in step.landed if r.table == job.name)
            job.done = landed.outcome == COMPLETE
            job.first_chunk = False
            job.cursor = run.state(pipeline).get("tables", {}).get(job.name, job.cursor)
        jobs = [j for j in jobs if not j.done and not j.failed]


def _plan(
    engine: sa.Engine,
    settings: AcademySettings,
    tables: list[Table],
    cursors: dict[str, Any],
    today: date,
    report: IngestReport,
    progress: Progress,
) -> list[TableJob]:
    """What each table does this run; a table whose columns changed since the last run is reported."""
    due = [
        table
        for table in tables  # today's snapshot already landed: a re-run of the day adds nothing
        if not (table.load == "snapshot" and (cursors.get(table.name) or {}).get("last_complete") == today.isoformat())
    ]
    try:
        reflected = db.reflect(engine, settings.db_schema, {t.name: t.dropped for t in due})
    except sa.exc.SQLAlchemyError as error:
        raise SourceUnavailable(
            f"academy: cannot read the definitions of the tables in {settings.db_schema!r} "
            f"({db.describe_error(error)}). Check the replica is up and the login's rights."
        ) from error
    jobs = []
    for table in due:
        cursor = dict(cursors.get(table.name) or {})
        source_table = reflected.get(table.name)
        if source_table is None:
            missing = f"no table {settings.db_schema}.{table.name} in the source"
            report.steps.append(
                StepReport(f"plan {table.name}", {table.name: TableLanded(table.name, outcome=FAILED, error=missing)})
            )
            progress(f"academy: {table.name}: {missing} (its contract expects it)")
            continue
        changes = db.schema_changes(cursor.get("columns") or {}, db.column_types(source_table))
        if cursor.get("columns") and changes:
            report.schema_changes[table.name] = changes
            progress(f"academy: {table.name} changed since the last run: {'; '.join(changes)}")
        jobs.append(TableJob(table, source_table, cursor, _label(table, cursor, today)))
    return jobs


def _label(table: Table, cursor: dict[str, Any], today: date) -> str:
    if table.load == "snapshot":
        current = cursor.get("current")
        if current and current.get("import_date") == today.isoformat():
            return current["label"]  # resume today's snapshot where the last run stopped
        cursor.pop("current", None)  # an older unfinished snapshot is abandoned (history only uses complete ones)
        return SNAPSHOT
    return cursor.get("pull") or FULL


def _source_ref(engine: sa.Engine, settings: AcademySettings) -> str:
    url = engine.url
    return f"{url.get_backend_name()}://{url.host or ''}/{url.database or ''}/{settings.db_schema}"


def _run_step(run: IngestRun, pipeline: dlt.Pipeline, step: Step) -> None:
    # the import log and rejected_records as every source declares them, and each table's contract columns as text
    hints = StepLanding([], Delivery(step.imported_at, step.today, "", ""), lambda: None).tables()
    hints.update({job.name: text_hints(job.contract.column_names) for job in step.jobs})

    @dlt.source(schema=raw_schema(SOURCE, hints))
    def academy() -> Any:
        return dlt.resource(step.items(), name="raw", write_disposition="append")

    run.land(pipeline, academy())


def _describe(landed: TableLanded) -> str:
    if landed.outcome == FAILED:
        return f"{landed.table} FAILED ({landed.error})"
    return f"{landed.table} {landed.rows_landed}{' (complete)' if landed.outcome == COMPLETE else ''}"


def _fail_if_incomplete(report: IngestReport) -> None:
    failed = report.failed_tables()
    if failed:
        listed = "; ".join(f"{t}: {why}" for t, why in sorted(failed.items()))
        error = SourceIncomplete(
            f"academy: {len(failed)} table(s) failed and kept their cursors (the other tables landed): {listed}. "
            "The next run resumes them."
        )
        error.report = report  # type: ignore[attr-defined]
        raise error
