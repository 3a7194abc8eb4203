"""Read back what ingestion landed, to compare lakes landed under different histories of faults."""

from __future__ import annotations

from pathlib import Path

import duckdb

from data_platform.contract import tascomi_tables


def raw_rows(home: Path, table: str) -> list[tuple]:
    """Every landed record of `table` as (requested_day, contract values...), sorted; duplicates kept."""
    files = home / "lake" / "raw" / "planning" / "tascomi" / table
    if not files.exists():
        return []
    columns = ", ".join(f'"{c}"' for c in tascomi_tables()[table].column_names)
    return duckdb.sql(
        f"select _requested_day, {columns} from read_parquet('{files}/**/*.parquet', union_by_name = true) order by all"
    ).fetchall()


def raw_files(home: Path) -> dict[Path, bytes]:
    root = home / "lake" / "raw"
    return {p: p.read_bytes() for p in root.rglob("*.parquet")}
