"""The two jobs: `nightly` (what production schedules: every configured source -> build -> docs) and `demo` (the
same on the sandboxes, replaying days of change into a fresh workspace)."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import duckdb

from core.compaction import compact_source, compaction_line
from core.errors import PlatformError
from core.registry import SourceEntry
from core.workspace import Workspace
from data_platform import dbt
from data_platform.sources import connectors, sandboxes

Progress = Callable[[str], None]


@dataclass
class JobResult:
    workspace: Workspace
    rows_landed: dict[str, dict[str, int]] = field(default_factory=dict)  # source -> table -> rows
    failures: dict[str, str] = field(default_factory=dict)  # source -> why its ingest failed
    relation_rows: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)  # phase (ingest <source>, dbt build, docs) -> wall seconds
    build_outcome: str = ""
    published: dbt.PublishedBuild | None = None
    docs_page: Path | None = None
    target: str = "dev"

    @contextmanager
    def timed(self, phase: str) -> Iterator[None]:
        """Add the wall time of the block to `phase` (a phase run once per demo day adds up), even when it fails."""
        started = time.monotonic()
        try:
            yield
        finally:
            self.seconds[phase] = self.seconds.get(phase, 0.0) + time.monotonic() - started

    @property
    def duckdb_file(self) -> Path:
        return self.workspace.duckdb_path(self.target)

    @property
    def lake(self) -> str:
        return self.workspace.lake


def nightly(
    workspace: Workspace, target: str | None = None, sources: list[str] | None = None, progress: Progress = print
) -> JobResult:
    """Ingest every source (one failing source does not stop the others), register the raw tables (Athena), then
    build what the night's imports can change and document everything, then report source freshness as the docs step
    measured it (deploy/nightly.sh runs only this).
    The build is `source:<name>+` of each source imported since the live build (dbt.nightly_plan): a source with no
    new import keeps its live trusted tables, a night with no import builds nothing; everything on the first night,
    after a deploy, or when the sources built change.
    The build runs even after an ingest failure: raw only ever holds complete steps, so what is built is consistent,
    just older for that source; the failure is reported and the job exits non-zero."""
    result = JobResult(workspace, target=target or "dev")
    for entry, source in connectors(sources, workspace):
        if not entry.enabled:
            progress(f"{entry.name}: switched off in ingestion/registry.yml: not imported")
            continue
        try:
            with result.timed(f"ingest {entry.name}"):
                report = source.ingest(source.load_settings(), workspace, progress)
        except PlatformError as error:
            result.failures[entry.name] = str(error)
            progress(f"{entry.name}: import failed: {error}")
            continue
        result.rows_landed[entry.name] = report.rows_by_table()
        _compact(result, entry, progress)
    if dbt.target_type(workspace, result.target) == "athena":
        progress("registering the raw tables in Glue (register_raw_tables)")
        with result.timed("register raw tables"):
            dbt.register_raw_tables(workspace, target=result.target)
    _build_and_document(result, progress, nightly=True)
    _check_freshness(result, progress)
    return result


def _compact(result: JobResult, entry: SourceEntry, progress: Progress) -> None:
    """Merge the source's old raw months into one file each (core/compaction.py). A failure keeps every file and is
    reported like a failed import; the build goes on (compaction changes no record)."""
    try:
        with result.timed(f"compact {entry.name}"):
            compacted = compact_source(result.workspace, entry, date.today())
    except PlatformError as error:
        result.failures[f"{entry.name} compaction"] = str(error)
        progress(f"{entry.name}: compaction failed, every file kept: {error}")
        return
    if compacted:
        progress(compaction_line(entry.name, compacted))


def _check_freshness(result: JobResult, progress: Progress) -> None:
    """The freshness verdict of the run the docs step made for the catalogue (data_platform/catalogue.py measures it
    first), so the night measures it once. A stale source is an alert for the operator, never a failed night (its
    data is older; nothing is lost). Measured here only when the docs step left no verdict."""
    found = result.workspace.dbt_target_dir / "sources.json"
    with result.timed("freshness"):
        if not found.exists():
            with suppress(PlatformError):  # a failed check still writes its verdict
                dbt.source_freshness(result.workspace, target=result.target)
        verdict = json.loads(found.read_text()) if found.exists() else None
    progress(f"source freshness: {freshness_line(verdict)}")


def freshness_line(verdict: dict | None) -> str:
    """One line from dbt's sources.json: PASS, or an ALERT naming each source table that is late or unreadable."""
    if verdict is None:
        return "ALERT, no verdict: dbt source freshness did not run (see dbt's output above)"
    late = sorted(
        f"{r['unique_id'].split('.', 2)[-1]} {r['status']}" for r in verdict.get("results", []) if r["status"] != "pass"
    )
    return f"ALERT, late or unreadable: {', '.join(late)}" if late else "PASS"


def demo(
    workspace: Workspace,
    days: int = 14,
    seed: int = 42,
    start: date | None = None,
    progress: Progress = print,
) -> JobResult:
    """Replay `days` days of change from fresh sandboxes into a fresh demo workspace, then build and document.

    The demo builds the workspace itself (default ./local), so after it `dbt` and `data-platform` commands work on
    its tables with no setting (the analyst loop, docs/analysts/your-first-model.md). It resets the workspace each
    time, so it refuses one whose local lake it did not make: real imports are never deleted."""
    demo_space = workspace
    _claim_for_demo(demo_space)
    for stale in ("lake", "dlt", "docs", "locks", "sandbox"):
        shutil.rmtree(demo_space.home / stale, ignore_errors=True)
    demo_space.duckdb_path("dev").unlink(missing_ok=True)
    demo_space.ensure()
    first_import = start or date.today() - timedelta(days=days)
    result = JobResult(demo_space)
    with ExitStack() as stack:
        stands_ins = []
        for entry, source, stand_by in sandboxes(workspace):
            if not entry.enabled:
                continue
            stand_in = stack.enter_context(stand_by.demo(seed, first_import, demo_space.home / "sandbox"))
            stands_ins.append((entry, source, stand_in))
        names = ", ".join(entry.name for entry, _, _ in stands_ins)
        progress(f"sandboxes: {names} (seed {seed}); importing {days + 1} day(s) from {first_import}")
        for offset in range(days + 1):
            today = first_import + timedelta(days=offset)
            for entry, source, stand_in in stands_ins:
                with result.timed(f"ingest {entry.name}"):
                    stand_in.advance(today)
                    settings = source.load_settings(**stand_in.settings(), today=today)
                    report = source.ingest(settings, demo_space, progress)
                landed = result.rows_landed.setdefault(entry.name, {})
                for table, count in report.rows_by_table().items():
                    landed[table] = landed.get(table, 0) + count
    _build_and_document(result, progress)
    return result


DEMO_MARKER = ".demo-workspace"


class NotADemoWorkspace(PlatformError):
    """The demo would reset a workspace holding a lake it did not make."""


def _claim_for_demo(workspace: Workspace) -> None:
    """Mark the workspace as the demo's, unless its local lake already holds imports the demo did not make."""
    marker = workspace.home / DEMO_MARKER
    raw = Path(workspace.lake) / "raw"
    if not workspace.lake_is_remote and not marker.exists() and raw.is_dir() and any(raw.iterdir()):
        raise NotADemoWorkspace(
            f"{workspace.home} holds a lake the demo did not make ({raw}); the demo resets its workspace, so point it "
            "elsewhere: DATA_PLATFORM_HOME=/some/other/folder data-platform demo"
        )
    workspace.home.mkdir(parents=True, exist_ok=True)
    marker.write_text("made by data-platform demo: the demo may reset this workspace\n")


def _build_and_document(result: JobResult, progress: Progress, nightly: bool = False) -> None:
    """nightly: what the night's imports can change, data tests on the night's new rows, no unit tests
    (dbt.build_and_publish); the demo builds and tests it all."""
    workspace = result.workspace
    if nightly:
        what = "what the imports since the live build can change, data tests on the new rows"
    else:
        what = "models, seeds, unit and data tests"
    progress(f"dbt build (target {result.target}): {what}; publish if they pass")
    with result.timed("dbt build"):
        _, result.published = dbt.build_and_publish(
            workspace, target=result.target, quiet=True, progress=progress, nightly=nightly
        )
    result.build_outcome = result.published.outcome
    progress(f"  {result.build_outcome}")
    progress(f"  {result.published.line()}")
    if result.published.failed:
        result.failures["dbt build"] = f"not published: {result.published.outcome}"
    progress("dbt docs generate: the data catalogue")
    with result.timed("docs"):
        result.docs_page = dbt.docs(workspace, target=result.target, quiet=True, progress=lambda _: None)
    if workspace.duckdb_path(result.target).exists():
        result.relation_rows = trusted_relation_rows(workspace.duckdb_path(result.target))


def trusted_relation_rows(database: Path) -> dict[str, int]:
    """Row counts of the history models and the trusted tables (schemas ending _refined / _trusted)."""
    counts: dict[str, int] = {}
    with duckdb.connect(str(database)) as con:
        found = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where (ends_with(table_schema, '_trusted') and table_type = 'BASE TABLE') "
            "or (ends_with(table_schema, '_refined') and ends_with(table_name, '_history')) order by all"
        ).fetchall()
        for schema, table in found:
            counts[f"{schema}.{table}"] = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
    return counts


def print_summary(result: JobResult, progress: Progress = print) -> None:
    progress("\nRows landed in the raw zone:")
    width = max((len(source) for source in [*result.rows_landed, *result.failures]), default=0)
    for source, tables in sorted(result.rows_landed.items()):
        total = sum(tables.values())
        busiest = ", ".join(f"{t} {n}" for t, n in sorted(tables.items(), key=lambda i: -i[1])[:6])
        progress(f"  {source:<{width}} {total:>9} rows in {len(tables)} tables ({busiest}, ...)")
    for source, why in sorted(result.failures.items()):
        progress(f"  {source:<{width}} FAILED: {why}")
    if result.published:
        progress(result.published.line())
    progress("History versions and trusted tables:")
    for relation, count in sorted(result.relation_rows.items()):
        progress(f"  {relation:<64} {count:>8}")
    progress("Time taken (wall, seconds): " + ", ".join(f"{k} {v:.0f}" for k, v in result.seconds.items()))
    progress(f"Lake:          {result.lake}")
    progress(
        f"DuckDB file:   {result.duckdb_file}   (`dbt show`, or any DuckDB client: masked columns need the key, "
        "docs/platform-team/data-protection.md)"
    )
    progress(f"Docs site:     {result.docs_page}   (the data catalogue: open it in a browser)")
