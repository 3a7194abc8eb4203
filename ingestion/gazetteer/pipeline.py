"""Landing the gazetteer: every full file not landed yet, oldest first, each its own step.

A file that cannot be read whole, lacks a required column or holds no rows is refused (a rejected_records row says
why) and the previous full file stays current: staging reads the latest landed full pull (macros/staging).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

import dlt

from core.deliveries import Step, accept, describe, drift, land_step
from core.import_log import IngestReport
from core.lake import Delivery, raw_pipeline
from core.landing import finish_interrupted_load, next_imported_at
from core.landing_zone import LandingFile, list_files, not_landed
from core.locking import source_lock
from core.registry import source_entry
from core.tabular import Table as Tabular
from core.tabular import read_csv
from core.workspace import Workspace
from ingestion.gazetteer.settings import SOURCE, GazetteerSettings

TABLE = "llpg"


def ingest(settings: GazetteerSettings, workspace: Workspace, progress: Callable[[str], None] = print) -> IngestReport:
    """Land every gazetteer file not landed before (by content), oldest first."""
    entry = source_entry(SOURCE, workspace.project_dir)
    table = entry.contract().tables[TABLE]
    today = settings.business_day()
    with source_lock(workspace.locks_dir, SOURCE):
        pipeline = raw_pipeline(workspace.ensure(), SOURCE, entry.department, today)
        finish_interrupted_load(pipeline, progress)
        pipeline.sync_destination()
        state = pipeline.state.get("sources", {}).get(SOURCE, {})
        files = not_landed(list_files(settings.landing_root, settings.file_pattern), state.get("files", {}))
        report = IngestReport(SOURCE, today)
        previous = state.get("last_imported_at")
        for file in files:
            delivery = Delivery(next_imported_at(previous), today, file.base_name, file.name)
            step = Step(file.base_name)
            read = partial(_read, file, settings.encoding)
            step.add(accept(table, file.name, file.digest, read, at_least_one_row=True))
            step_report = land_step(pipeline, SOURCE, step, delivery, partial(_remember, file, delivery.imported_at))
            report.steps.append(step_report)
            previous = delivery.imported_at
            progress(f"  gazetteer {file.name}: {describe(step_report)}")
        report.drift = drift(report, [table])
        if not files:
            progress("gazetteer: no new file in the landing zone")
        return report


def _read(file: LandingFile, encoding: str) -> Tabular:
    return read_csv(file.read_bytes(), encoding)


def _remember(file: LandingFile, imported_at: str) -> None:
    """Inside the package: this content is handled (landed or refused), and the delivery order moves on."""
    state = dlt.current.source_state()
    state.setdefault("files", {})[file.digest] = file.name
    state["last_imported_at"] = imported_at
