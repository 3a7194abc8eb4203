"""Read back what ingestion landed, to compare lakes landed under different histories of faults."""

from __future__ import annotations

from pathlib import Path

import duckdb

from core.registry import source_entry


def raw_table_folder(home: Path, source: str, table: str) -> Path:
    entry = source_entry(source)
    return home / "lake" / "raw" / entry.contract().tables.get(table, entry).department / source / table


COMPLETE = "_incomplete_series is distinct from 'true'"  # rows from a series that reconciled
INCOMPLETE = "_incomplete_series = 'true'"  # rows landed from a series the vendor's count refused


def raw_rows(home: Path, table: str, source: str = "tascomi", where: str = "true") -> list[tuple]:
    """Every landed record of `table` as (import step, contract values...), sorted; duplicates kept. `where`: a
    filter on the raw row (COMPLETE, INCOMPLETE)."""
    folder = raw_table_folder(home, source, table)
    if not folder.exists():
        return []
    columns = ", ".join(f'"{c}"' for c in source_entry(source).contract().tables[table].column_names)
    return duckdb.sql(
        f"select _import_step, {columns} from read_parquet('{folder}/**/*.parquet', union_by_name = true) "
        f"where {where} order by all"
    ).fetchall()


def raw_files(home: Path) -> dict[Path, bytes]:
    root = home / "lake" / "raw"
    return {p: p.read_bytes() for p in root.rglob("*.parquet")}
