"""Landing the gazetteer: every full file not landed yet, oldest first, each its own step.

A file that cannot be read whole, lacks a required column or holds no rows is refused (a rejected_records row says
why) and the previous full file stays current: staging reads the latest landed full pull (macros/staging).
"""

from __future__ import annotations

from functools import partial

import dlt

from core.deliveries import Step, accept, describe, land_step
from core.import_log import IngestReport
from core.ingest_run import IngestRun
from core.landing_zone import LandingFile, list_files, not_landed
from core.source_kit import Progress
from core.tabular import Table as Tabular
from core.tabular import read_csv
from core.workspace import Workspace
from ingestion.gazetteer.settings import SOURCE, GazetteerSettings

TABLE = "llpg"


def ingest(settings: GazetteerSettings, workspace: Workspace, progress: Progress = print) -> IngestReport:
    """Land every gazetteer file not landed before (by content), oldest first."""
    with IngestRun.open(SOURCE, settings, workspace, progress) as run:
        table = run.entry.contract().tables[TABLE]
        pipeline = run.pipeline()
        files = not_landed(
            list_files(settings.landing_root, settings.file_pattern), run.state(pipeline).get("files", {})
        )
        for file in files:
            delivery = run.delivery(file.base_name, file.name)
            step = Step(file.base_name)
            step.add(
                accept(table, file.name, file.digest, partial(_read, file, settings.encoding), at_least_one_row=True)
            )
            step_report = land_step(pipeline, SOURCE, step, delivery, partial(_remember, file, delivery.imported_at))
            run.report.steps.append(step_report)
            progress(f"  gazetteer {file.name}: {describe(step_report)}")
        if not files:
            progress("gazetteer: no new file in the landing zone")
        return run.finish([table])


def _read(file: LandingFile, encoding: str) -> Tabular:
    return read_csv(file.read_bytes(), encoding)


def _remember(file: LandingFile, imported_at: str) -> None:
    """Inside the package: this content is handled (landed or refused), and the delivery order moves on."""
    state = dlt.current.source_state()
    state.setdefault("files", {})[file.digest] = file.name
    state["last_imported_at"] = imported_at
