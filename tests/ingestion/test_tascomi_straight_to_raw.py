"""The scale benchmark's straight-to-raw lake (benchmarks/tascomi_lake.py) lands what the connector lands.

Two days written straight to raw, then the connector's own run of the third day through the sandbox's API, must
equal three days landed by the connector: every raw table row for row (values and metadata; only the stamps of
time and dlt's random ids differ between any two runs), in the same hive partitions, with the same columns in the
same order in every file. The third day also proves the state package: the connector continues from the cursor
the writer left, asking only for the day after it. The writer is stopped in its second day first and started again
from its checkpoint, so the equality also proves a resumed writer (a 1,000,000-application set-up takes hours).
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from benchmarks.tascomi_lake import write_days
from core.lake import partition_values
from core.workspace import Workspace
from ingestion.tascomi import ingest
from tests.conftest import FIRST_IMPORT, TASCOMI_PAGE_SIZE, tascomi_settings, tascomi_world

VARYING = ("_imported_at", "_dlt_id", "_dlt_load_id", "seconds")  # time stamps, dlt's random ids, read durations


def landed(home: Path) -> dict[str, object]:
    """Per raw table: its files' partitions and column lists, and its rows without the varying columns (a record's
    source reference without the sandbox's loopback address, whose port differs between any two sandboxes)."""
    root = home / "lake" / "raw" / "planning" / "tascomi"
    found: dict[str, object] = {}
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("_dlt")):
        files = sorted(folder.rglob("*.parquet"))
        layout = sorted((str(f.parent.relative_to(folder)), tuple(pq.read_schema(f).names)) for f in files)
        names = [n for n in pq.read_schema(files[0]).names if n not in VARYING]
        columns = ", ".join(
            f"regexp_replace(\"{n}\", '^http://127\\.0\\.0\\.1:[0-9]+/', 'BASE/')" if n == "_source_ref" else f'"{n}"'
            for n in names
        )
        rows = duckdb.sql(f"select {columns} from read_parquet('{folder}/**/*.parquet') order by all").fetchall()
        found[folder.name] = (layout, rows)
    return found


def stop_in_second_day(second: date, base_url: str, bulk: Workspace, checkpoint: Path) -> Path:
    """A writer stopped in its second day, as a set-up cut off at scale is: the first day and its checkpoint kept, a
    file of the second day left half-way (the first day's applications file copied in as that file). Returns the
    first day's file."""
    world = tascomi_world()
    advance_to = world.advance_to

    def stop_on_second(day: date) -> None:
        if day == second:
            raise KeyboardInterrupt("stopped")
        advance_to(day)

    world.advance_to = stop_on_second  # type: ignore[method-assign]
    with pytest.raises(KeyboardInterrupt):
        write_days(world, bulk, FIRST_IMPORT, second, base_url, page_size=TASCOMI_PAGE_SIZE, checkpoint=checkpoint)
    applications = bulk.home / "lake" / "raw" / "planning" / "tascomi" / "applications"
    [first_file] = applications.rglob("*.parquet")
    half_way = applications / "/".join(f"{k}={v}" for k, v in partition_values(second).items()) / first_file.name
    half_way.parent.mkdir(parents=True)
    shutil.copy(first_file, half_way)
    return first_file


def test_days_written_straight_to_raw_equal_what_the_connector_lands(tascomi_sandbox, workspace, tascomi_days):
    days = [FIRST_IMPORT + timedelta(days=n) for n in range(3)]
    bulk, checkpoint = workspace, workspace.home / "writing.pickle"
    world, url = tascomi_sandbox.world, tascomi_sandbox.base_url
    first_day_file = stop_in_second_day(days[1], url, bulk, checkpoint)
    written = write_days(world, bulk, days[0], days[1], url, page_size=TASCOMI_PAGE_SIZE, checkpoint=checkpoint)
    assert first_day_file.exists(), "started again, the writer goes on from its checkpoint, not from the start"
    tascomi_sandbox.set_today(days[2])
    report = ingest(tascomi_settings(tascomi_sandbox, days[2]), bulk, progress=lambda _: None)
    assert list(report.rows) == [days[1].isoformat()], "the connector must go on from the writer's cursor"
    assert written.rows["applications"] > 60 and written.files > 48

    # the connector's own imports of the three days, fault-free from a fresh sandbox
    expected, got = landed(tascomi_days.home((0, 1, 2))), landed(bulk.home)
    assert sorted(got) == sorted(expected)
    for table in expected:
        assert got[table] == expected[table], table
