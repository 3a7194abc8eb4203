"""The opening and the close every connector shares, once: an ingest run.

`IngestRun.open` looks the source up in the registry, takes its lock, and hands the connector a run that opens the
source's raw pipelines (finishing a load an earlier run left behind, then restoring state from the lake), numbers
deliveries (`_imported_at`, strictly increasing across steps and runs), lands each step as one load package
(`land_package`: the one way a step lands and a failure is explained), and closes with the report (columns that
arrived outside the contract). A connector then says only how to plan its steps and read its records.
"""

from __future__ import annotations

import errno
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import dlt
from dlt.pipeline.exceptions import PipelineStepFailed

from core.contract import Table
from core.errors import LakeUnwritable, PlatformError, find_cause
from core.import_log import IngestReport
from core.lake import METADATA_NAMES, Delivery, raw_pipeline
from core.landing import finish_interrupted_load, next_imported_at
from core.locking import source_lock
from core.registry import SourceEntry, source_entry
from core.settings import SourceSettings
from core.source_kit import Progress
from core.workspace import Workspace


def explained(failed: BaseException) -> BaseException:
    """The error an operator should see for a failed step: the platform's own explanation found anywhere in the
    chain dlt wrapped it in, a full disk said as such, else the failure itself."""
    platform = find_cause(failed, PlatformError)
    if platform is not None:
        return platform
    os_error = find_cause(failed, OSError)
    if isinstance(os_error, OSError) and os_error.errno == errno.ENOSPC:
        return LakeUnwritable(
            f"the disk is full ({os_error}); nothing from this step was landed. Free space and run again."
        )
    return failed


def land_package(pipeline: dlt.Pipeline, data: Any) -> None:
    """Run one step's dlt source as one load package (parquet): it lands whole or not at all (invariant 4)."""
    try:
        pipeline.run(data, loader_file_format="parquet")
    except PipelineStepFailed as failed:
        explanation = explained(failed)
        if explanation is failed:
            raise
        raise explanation from failed


def drift(report: IngestReport, tables: Iterable[Table]) -> dict[str, list[str]]:
    """Raw columns that arrived but are not in the contract (a vendor's new or renamed column), per table."""
    contract = {t.name: set(t.column_names) for t in tables}
    found: dict[str, set[str]] = {}
    for step in report.steps:
        for name, landed in step.tables.items():
            extra = landed.columns_received - contract.get(name, set()) - METADATA_NAMES
            if extra:
                found.setdefault(name, set()).update(extra)
    return {t: sorted(c) for t, c in found.items()}


def _holds(table: Mapping[str, Any] | None, hints: Mapping[str, Mapping[str, str]]) -> bool:
    """Whether a table of dlt's schema already has every one of these columns, each with the hinted type."""
    if table is None:
        return False
    columns = table.get("columns", {})
    return all(columns.get(name, {}).get("data_type") == hint.get("data_type") for name, hint in hints.items())


@dataclass
class IngestRun:
    """One connector run, holding its source's lock. Open it with `IngestRun.open`."""

    entry: SourceEntry
    workspace: Workspace
    today: date
    progress: Progress
    report: IngestReport
    last_imported_at: str | None = None
    pipelines: list[dlt.Pipeline] = field(default_factory=list)

    @classmethod
    @contextmanager
    def open(
        cls, source: str, settings: SourceSettings, workspace: Workspace, progress: Progress = print
    ) -> Iterator[IngestRun]:
        """The run of `source` for the settings' business day; one run per source and workspace at a time."""
        entry = source_entry(source, workspace.project_dir)
        today = settings.business_day()
        with source_lock(workspace.locks_dir, source):
            yield cls(entry, workspace, today, progress, IngestReport(source, today))

    @property
    def source(self) -> str:
        return self.entry.name

    def pipeline(self, department: str | None = None, name: str | None = None) -> dlt.Pipeline:
        """The raw pipeline of `department` (default: the source's), ready to land: a load an earlier run left
        behind is finished, state is restored from the lake, and the delivery order continues after it."""
        pipeline = raw_pipeline(self.workspace.ensure(), self.source, department or self.entry.department,
                                self.today, name)  # fmt: skip
        finish_interrupted_load(pipeline, self.progress)
        pipeline.sync_destination()
        # Restored once, here: dlt's run() would read the lake's state again before the first package. Its own flag
        # for "already synced" (dlt 1.31; were it renamed, run() would only sync once more, as before). Not
        # `restore_from_destination = False`: that also stops dlt writing the state's copy into the lake.
        pipeline._state_restored = True
        stamp = self.state(pipeline).get("last_imported_at")
        self.last_imported_at = max(filter(None, (self.last_imported_at, stamp)), default=None)
        self.pipelines.append(pipeline)
        return pipeline

    def state(self, pipeline: dlt.Pipeline) -> dict[str, Any]:
        """The source's state as landed with its last package (cursors, contents handled, last_imported_at)."""
        return pipeline.state.get("sources", {}).get(self.source, {})

    def undeclared(
        self, pipeline: dlt.Pipeline, tables: Mapping[str, Mapping[str, Mapping[str, str]]]
    ) -> dict[str, Mapping[str, Mapping[str, str]]]:
        """Of a step's raw tables (table -> column hints, for core.lake.raw_schema), those the pipeline's schema
        does not yet hold as declared: a package declares only what changed. dlt merges a declared table into its
        schema column by column with every package, and rehashes the schema as it goes; for a source of wide tables
        that was most of a small package's cost, repeated for tables that had not changed since the first run."""
        if self.source not in pipeline.schema_names:
            return dict(tables)
        known = pipeline.schemas[self.source].tables
        return {name: hints for name, hints in tables.items() if not _holds(known.get(name), hints)}

    def delivery(self, label: str, source_ref: str) -> Delivery:
        """The next delivery's stamp: `_imported_at` strictly after every earlier one of the source."""
        imported_at = next_imported_at(self.last_imported_at)
        self.last_imported_at = imported_at
        return Delivery(imported_at, self.today, label, source_ref)

    def land(self, pipeline: dlt.Pipeline, data: Any) -> None:
        land_package(pipeline, data)

    def finish(self, tables: Iterable[Table]) -> IngestReport:
        """The report, with the columns that arrived outside the contract said once per table."""
        self.report.drift = drift(self.report, tables)
        for table, columns in sorted(self.report.drift.items()):
            shown = ", ".join(columns[:5]) + (f" and {len(columns) - 5} more" if len(columns) > 5 else "")
            self.progress(
                f"{self.source}: {table} arrived with {len(columns)} column(s) not in the contract ({shown}): they "
                "land in raw as received; see monitoring model source_schema_drift, and add them to the contract to "
                "use them"
            )
        return self.report
