"""Landing the housing management extract: the files not landed yet, one step per extract day, oldest first.

A day's step carries that day's file of each table (properties, tenancies, household members) in one load package
with the state move, so an extract day lands whole or not at all. History is dated by each row's own
`last_modified` (invariant 3), so a day landed late or twice rebuilds the same history (invariant 2). A file that
cannot be read whole or lacks a required column is refused (a rejected_records row says why); the other tables of
that day still land, and a corrected file sent again lands as new content.
"""

from __future__ import annotations

from datetime import date
from functools import partial

import dlt

from core.contract import Table
from core.deliveries import Step, accept, describe, land_step
from core.import_log import IngestReport
from core.ingest_run import IngestRun
from core.landing_zone import LandingFile, list_files, not_landed
from core.source_kit import Progress
from core.tabular import Table as Tabular
from core.tabular import read_csv
from core.workspace import Workspace
from ingestion.housing_management.settings import SOURCE, HousingManagementSettings


def ingest(settings: HousingManagementSettings, workspace: Workspace, progress: Progress = print) -> IngestReport:
    """Land every extract file not landed before (by content), one step per extract day, oldest first."""
    with IngestRun.open(SOURCE, settings, workspace, progress) as run:
        tables = run.entry.contract().selected(settings.tables)
        pipeline = run.pipeline()
        steps = plan_steps(settings, tables, run.state(pipeline).get("files", {}))
        for label, files in steps:
            delivery = run.delivery(label, settings.landing_root)
            step = Step(label)
            for table, file in files:
                step.add(accept(table, file.name, file.digest, partial(_read, file, settings.encoding)))
            done = partial(_remember, [f for _, f in files], delivery.imported_at)
            step_report = land_step(pipeline, SOURCE, step, delivery, done)
            run.report.steps.append(step_report)
            progress(f"  housing extract {label}: {describe(step_report)}")
        if not steps:
            progress("housing_management: no new extract file in the landing zone")
        return run.finish(tables)


def plan_steps(
    settings: HousingManagementSettings, tables: list[Table], landed: dict[str, str]
) -> list[tuple[str, list[tuple[Table, LandingFile]]]]:
    """(label, files) per step: the pending files grouped by the day in their names, at most one per table a step,
    oldest day first (a file without a day in its name goes last, on its own)."""
    by_day: dict[tuple[date, int], list[tuple[Table, LandingFile]]] = {}
    for table in tables:
        pattern = settings.file_pattern.format(table=table.name)
        for file in not_landed(list_files(settings.landing_root, pattern), landed):
            day = file.day(settings.day_pattern) or date.max
            slot = 0
            while any(t.name == table.name for t, _ in by_day.get((day, slot), [])):
                slot += 1  # a second file of the same table for the same day goes in the next step
            by_day.setdefault((day, slot), []).append((table, file))
    return [
        (day.isoformat() if day != date.max else files[0][1].base_name, files)
        for (day, _), files in sorted(by_day.items(), key=lambda item: item[0])
    ]


def _read(file: LandingFile, encoding: str) -> Tabular:
    return read_csv(file.read_bytes(), encoding)


def _remember(files: list[LandingFile], imported_at: str) -> None:
    """Inside the package: these contents are handled (landed or refused), and the delivery order moves on."""
    state = dlt.current.source_state()
    for file in files:
        state.setdefault("files", {})[file.digest] = file.name
    state["last_imported_at"] = imported_at
