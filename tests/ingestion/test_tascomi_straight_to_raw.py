"""The scale benchmark's straight-to-raw lake (benchmarks/tascomi_lake.py) lands what the connector lands.

Two days written straight to raw, then the connector's own run of the third day through the sandbox's API, must
equal three days landed by the connector: every raw table row for row (values and metadata; only the stamps of
time and dlt's random ids differ between any two runs), in the same hive partitions, with the same columns in the
same order in every file. The third day also proves the state package: the connector continues from the cursor
the writer left, asking only for the day after it.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from benchmarks.tascomi_lake import write_days
from core.workspace import Workspace
from ingestion.tascomi import ingest
from tests.conftest import FIRST_IMPORT, tascomi_settings

VARYING = ("_imported_at", "_dlt_id", "_dlt_load_id", "seconds")  # time stamps, dlt's random ids, read durations


def landed(home: Path, base_url: str) -> dict[str, object]:
    """Per raw table: its files' partitions and column lists, and its rows without the varying columns."""
    root = home / "lake" / "raw" / "planning" / "tascomi"
    found: dict[str, object] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("_dlt")):
        files = sorted(folder.rglob("*.parquet"))
        layout = sorted((str(f.parent.relative_to(folder)), tuple(pq.read_schema(f).names)) for f in files)
        names = [n for n in pq.read_schema(files[0]).names if n not in VARYING]
        columns = ", ".join(
            f"replace(\"{n}\", '{base_url}', 'BASE')" if n == "_source_ref" else f'"{n}"' for n in names
        )
        rows = duckdb.sql(f"select {columns} from read_parquet('{folder}/**/*.parquet') order by all").fetchall()
        found[folder.name] = (layout, rows)
    return found


def test_days_written_straight_to_raw_equal_what_the_connector_lands(tascomi_sandbox, workspace, tmp_path):
    from sandbox.tascomi.server import TascomiSandbox
    from sandbox.tascomi.world import TascomiWorld

    days = [FIRST_IMPORT + timedelta(days=n) for n in range(3)]
    for day in days:
        tascomi_sandbox.set_today(day)
        ingest(tascomi_settings(tascomi_sandbox, day), workspace, progress=lambda _: None)

    bulk = Workspace.at(tmp_path / "bulk")
    world = TascomiWorld(seed=7, start_date=FIRST_IMPORT, initial_applications=60, daily_new_applications=6)
    with TascomiSandbox(world, page_size=25) as server:
        written = write_days(world, bulk, days[0], days[1], server.base_url, page_size=25)
        server.set_today(days[2])
        report = ingest(tascomi_settings(server, days[2]), bulk, progress=lambda _: None)
        bulk_url = server.base_url
    assert list(report.rows) == [days[1].isoformat()], "the connector must go on from the writer's cursor"
    assert written.rows["applications"] > 60 and written.files > 48

    expected, got = landed(workspace.home, tascomi_sandbox.base_url), landed(bulk.home, bulk_url)
    assert sorted(got) == sorted(expected)
    for table in expected:
        assert got[table] == expected[table], table
