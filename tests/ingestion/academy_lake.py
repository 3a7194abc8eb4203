"""Helpers for the Academy tests: a replica fixture, settings, and reading back what landed versus what was served."""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import duckdb

from core.registry import source_entry
from tests.conftest import repo_local_folder

REPO = Path(__file__).resolve().parents[2]
# Under the repo: PostgreSQL's OS user cannot enter pytest's private tmp dirs. Shared with the sandbox tests.
REPLICA_FOLDER = repo_local_folder("academy-pg-test")
START = date(2025, 1, 6)


def table(name: str) -> Any:
    return source_entry("academy").contract().tables[name]


def raw_glob(home: Path, name: str) -> str:
    return f"{home}/lake/raw/{table(name).department}/academy/{name}/*/*/*/*/*.parquet"


def raw_rows(home: Path, name: str, where: str = "true") -> list[dict[str, Any]]:
    """Every landed row of a table (contract columns as text, plus _import_step and _imported_at)."""
    if not list((home / "lake" / "raw" / table(name).department / "academy" / name).rglob("*.parquet")):
        return []
    relation = duckdb.sql(
        f"select * from read_parquet('{raw_glob(home, name)}', union_by_name = true, hive_partitioning = false) "
        f"where {where}"
    )
    return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]


def text(value: Any) -> str | None:
    """A served value in raw's text form (core/arrow_landing.py)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def key_of(name: str, row: dict[str, Any]) -> tuple:
    return tuple(text(row[c]) if not isinstance(row[c], str) else row[c] for c in table(name).key_columns)


def raw_keys(home: Path, name: str, where: str = "true") -> Counter:
    return Counter(key_of(name, r) for r in raw_rows(home, name, where))


def truth_keys(replica: Any, name: str, day: date) -> Counter:
    return Counter(key_of(name, r) for r in replica.truth.rows_as_of(name, day))


def import_log(home: Path) -> list[dict[str, Any]]:
    relation = duckdb.sql(
        f"select * from read_parquet('{home}/lake/raw/*/academy/import_log/*/*/*/*/*.parquet', union_by_name = true)"
        " order by _imported_at, table_name"
    )
    return [dict(zip(relation.columns, row, strict=True)) for row in relation.fetchall()]


def complete_snapshot(home: Path, name: str) -> list[dict[str, Any]]:
    """The rows of the latest complete snapshot of a snapshot table."""
    steps = [r["_import_step"] for r in import_log(home) if r["table_name"] == name and r["outcome"] == "complete"]
    assert steps, f"no complete snapshot of {name}"
    return raw_rows(home, name, f"_import_step = '{steps[-1]}'")
