"""The main job on the embedded default: sandbox sources -> ingest day by day -> dbt build -> docs site."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb

from data_platform import dbt
from data_platform.paths import local_home
from ingestion.tascomi.pipeline import ingest_tascomi
from ingestion.tascomi.settings import TascomiSettings
from sandbox.tascomi.server import TascomiSandbox
from sandbox.tascomi.world import TascomiWorld

SUMMARY_TABLES = ("planning_applications", "planning_applications_history", "planning_officers", "planning_fees")
SUMMARY_PREFIX = "int_planning__"  # the history models: versions rebuilt from the change log


@dataclass
class DemoResult:
    rows_landed: dict[str, int]
    relation_rows: dict[str, int]
    duckdb_file: Path
    docs_page: Path
    lake: Path


def sandbox_settings(server: TascomiSandbox, today: date, **overrides: Any) -> TascomiSettings:
    """Settings that point the Tascomi pipeline at a sandbox server, importing as of `today`."""
    values: dict[str, Any] = {
        "base_url": server.base_url,
        "public_key": server.public_key,
        "private_key": server.private_key,
        "backoff_s": 0.2,
        "today": today,
    }
    return TascomiSettings(**{**values, **overrides})


def run_demo(
    days: int = 30,
    seed: int = 42,
    start: date | None = None,
    initial_applications: int = 300,
    progress: Callable[[str], None] = print,
) -> DemoResult:
    """Replay `days` days of Tascomi change from a fresh sandbox into a fresh local lake, then build and document."""
    # The demo owns its folder and resets it each time; a real lake under DATA_PLATFORM_HOME is never touched.
    home = local_home() / "demo"
    os.environ["DATA_PLATFORM_HOME"] = str(home)
    first_import = start or date.today() - timedelta(days=days)
    for stale in ("lake", "dlt", "docs"):
        shutil.rmtree(home / stale, ignore_errors=True)
    (home / "dev.duckdb").unlink(missing_ok=True)
    world = TascomiWorld(seed=seed, start_date=first_import, initial_applications=initial_applications)
    landed: dict[str, int] = {}
    with TascomiSandbox(world) as server:
        progress(f"sandbox Tascomi API at {server.base_url} (seed {seed}); importing {days + 1} day(s)")
        for offset in range(days + 1):
            today = first_import + timedelta(days=offset)
            server.set_today(today)
            report = ingest_tascomi(sandbox_settings(server, today), progress=progress)
            for table, count in report.rows_by_table().items():
                landed[table] = landed.get(table, 0) + count
    progress("dbt build (DuckDB, target dev): models, seeds, unit and data tests")
    progress(f"  {dbt.outcome(dbt.build(quiet=True))}")
    progress("dbt docs generate: the data catalogue")
    page = dbt.docs(quiet=True)
    return DemoResult(landed, _relation_rows(dbt.duckdb_path()), dbt.duckdb_path(), page, home / "lake")


def _relation_rows(database: Path) -> dict[str, int]:
    counts: dict[str, int] = {}
    with duckdb.connect(str(database)) as con:  # same settings as dbt's open connection
        found = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_name in ? or (starts_with(table_name, ?) and ends_with(table_name, '_history')) "
            "order by all",
            [list(SUMMARY_TABLES), SUMMARY_PREFIX],
        ).fetchall()
        for schema, table in found:
            counts[f"{schema}.{table}"] = con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0]
    return counts


def print_summary(result: DemoResult, progress: Callable[[str], None] = print) -> None:
    progress("\nRows landed in the raw zone:")
    for table, count in sorted(result.rows_landed.items()):
        progress(f"  {table:<24} {count:>8}")
    progress("History versions and trusted tables:")
    for relation, count in sorted(result.relation_rows.items()):
        progress(f"  {relation:<56} {count:>8}")
    progress(f"Lake folder:   {result.lake}")
    progress(f"DuckDB file:   {result.duckdb_file}   (query it with `dbt show` or any DuckDB client)")
    progress(f"Docs site:     {result.docs_page}   (the data catalogue: open it in a browser)")
