"""Compaction keeps raw complete and immutable in meaning (core/compaction.py, issue 17). Property, over generated
raw tables (days across months, files whose columns differ as a source's schema drifts, nulls, empty files): what a
reader that unions the files by name sees is the same before and after, record for record with every metadata value;
each old month is one file and the recent ones are untouched; a crash between writing a compacted file and deleting
what it replaces is finished by the next run, never doubled; a late file landing in a compacted month is merged on
the next run."""

from __future__ import annotations

import shutil
import tempfile
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from core.compaction import COMPACTED_DAY, CompactionMismatch, compact_table
from core.lake import partition_values

TABLE = "raw/planning/tascomi/applications"
TODAY = date(2026, 6, 15)
AFTER_DAYS = 30  # months ended before 2026-05-16 are compacted: March and April, not May or June
VENDOR_COLUMNS = ["id", "last_updated", "proposal", "ward"]
VALUES = st.one_of(st.none(), st.text(alphabet="abc ,'\"é0", max_size=5))


@st.composite
def raw_files(draw: st.DrawFn) -> list[tuple[date, pa.Table]]:
    files = []
    for n in range(draw(st.integers(1, 8))):
        day = date(2026, 3, 1) + timedelta(days=draw(st.integers(0, 110)))
        columns = draw(st.lists(st.sampled_from(VENDOR_COLUMNS), min_size=1, unique=True))
        rows = draw(st.integers(0, 4))
        data = {c: pa.array([draw(VALUES) for _ in range(rows)], pa.string()) for c in columns}
        data["_imported_at"] = pa.array([f"{day} 02:00:0{n}.{i:06d}" for i in range(rows)], pa.string())
        data["_record_index"] = pa.array([str(i) for i in range(rows)], pa.string())
        data["_dlt_id"] = pa.array([f"{n}-{i}" for i in range(rows)], pa.string())
        files.append((day, pa.table(data)))
    return files


def fresh(tmp_path: Path) -> Path:
    """A new folder per generated example: DuckDB caches what it read of a file by its path."""
    return Path(tempfile.mkdtemp(dir=tmp_path))


def land(lake: Path, files: list[tuple[date, pa.Table]], tag: str = "load") -> None:
    for n, (day, table) in enumerate(files):
        part = partition_values(day)
        folder = lake / TABLE / "/".join(f"{k}={v}" for k, v in part.items())
        folder.mkdir(parents=True, exist_ok=True)
        pq.write_table(table, folder / f"{tag}.{n}.parquet")


def read(lake: Path) -> list[tuple]:
    """The records as the staging views read them: every file, columns unioned by name (hive columns left out)."""
    glob = f"{lake / TABLE}/*/*/*/*/*.parquet"
    names = [*VENDOR_COLUMNS, "_imported_at", "_record_index", "_dlt_id"]
    relation = duckdb.sql(f"select * from read_parquet('{glob}', union_by_name = true, hive_partitioning = false)")
    kept = [f'"{c}"' if c in relation.columns else "null" for c in names]
    return sorted(duckdb.sql(f"select {', '.join(kept)} from relation").fetchall(), key=repr)


def months(lake: Path) -> dict[str, list[Path]]:
    found: dict[str, list[Path]] = {}
    for path in (lake / TABLE).glob("*/*/*/*/*.parquet"):
        year, month = path.parts[-5].split("=")[1], path.parts[-4].split("=")[1]
        found.setdefault(f"{year}-{month}", []).append(path)
    return found


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=raw_files())
def test_compaction_keeps_every_record_and_merges_only_old_months(tmp_path: Path, files):
    lake = fresh(tmp_path) / "lake"
    land(lake, files)
    before, layout = read(lake), months(lake)
    done = compact_table(str(lake), TABLE, TODAY, AFTER_DAYS)
    assert read(lake) == before
    after = months(lake)
    for month, paths in layout.items():
        if month < "2026-05" and len(paths) >= 2:
            assert len(after[month]) == 1 and f"import_day={COMPACTED_DAY}" in str(after[month][0]), month
        else:
            assert sorted(after[month]) == sorted(paths), f"{month} should be untouched"
    assert {m.month for m in done} == {m for m, p in layout.items() if m < "2026-05" and len(p) >= 2}
    assert compact_table(str(lake), TABLE, TODAY, AFTER_DAYS) == [], "a second run has nothing to do"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=raw_files(), crash_after=st.integers(0, 8))
def test_a_compaction_cut_short_is_finished_not_doubled(tmp_path: Path, files, crash_after):
    """The crash: the compacted files written, only some of the files they replace deleted (put back here)."""
    example = fresh(tmp_path)
    lake, kept = example / "lake", example / "kept"
    land(lake, files)
    shutil.copytree(lake, kept)
    before = read(lake)
    compact_table(str(lake), TABLE, TODAY, AFTER_DAYS)
    originals = sorted(p for p in kept.rglob("*.parquet") if not (lake / p.relative_to(kept)).exists())
    for path in originals[crash_after:]:
        shutil.copy2(path, lake / path.relative_to(kept))
    compact_table(str(lake), TABLE, TODAY, AFTER_DAYS)
    assert read(lake) == before
    assert all((lake / p.relative_to(kept)).exists() is False for p in originals)


def test_a_late_file_in_a_compacted_month_is_merged_next_time(tmp_path: Path):
    lake = tmp_path / "lake"
    march = [(date(2026, 3, d), pa.table({"id": [str(d)], "_imported_at": [f"2026-03-{d:02d}"]})) for d in (2, 3)]
    land(lake, march)
    compact_table(str(lake), TABLE, TODAY, AFTER_DAYS)
    land(lake, [(date(2026, 3, 9), pa.table({"id": ["late"], "_imported_at": ["2026-06-14"]}))], tag="backfill")
    assert len(months(lake)["2026-03"]) == 2
    done = compact_table(str(lake), TABLE, TODAY, AFTER_DAYS)
    assert [(m.month, m.files_replaced, m.rows) for m in done] == [("2026-03", 2, 3)]
    assert len(months(lake)["2026-03"]) == 1
    ids = duckdb.sql(f"select id from read_parquet('{lake / TABLE}/*/*/*/*/*.parquet') order by id").fetchall()
    assert ids == [("2",), ("3",), ("late",)]


def test_a_compacted_file_that_does_not_read_back_keeps_every_file(tmp_path: Path, monkeypatch):
    lake = tmp_path / "lake"
    land(lake, [(date(2026, 3, d), pa.table({"id": [str(d)], "_imported_at": ["x"]})) for d in (2, 3)])
    # the store hands back something else than was written (a torn or corrupted write)
    monkeypatch.setattr(pq.ParquetFile, "read_row_group", lambda self, n, **_: pa.table({"id": ["torn"]}))
    with pytest.raises(CompactionMismatch, match="does not hold the records"):
        compact_table(str(lake), TABLE, TODAY, AFTER_DAYS)
    assert sorted(p.parent.name for p in (lake / TABLE).rglob("*.parquet")) == [
        "import_date=20260302",
        "import_date=20260303",
    ]


def test_the_command_compacts_each_enabled_source(tmp_path: Path, monkeypatch, capsys):
    from data_platform.cli import main

    lake = tmp_path / "lake"
    land(lake, [(date(2026, 3, d), pa.table({"id": [str(d)], "_imported_at": ["x"]})) for d in (2, 3, 4)])
    land(lake, [(date(2026, 6, 1), pa.table({"id": ["recent"], "_imported_at": ["y"]}))], tag="june")
    monkeypatch.setenv("DATA_PLATFORM_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("DATA_PLATFORM_LAKE", str(lake))
    assert main(["compact", "tascomi", "--today", "2026-06-15"]) == 0
    assert capsys.readouterr().out.splitlines() == ["tascomi: 1 table-months compacted (3 files into 1)"]
    assert sorted(months(lake)) == ["2026-03", "2026-06"] and len(months(lake)["2026-03"]) == 1
