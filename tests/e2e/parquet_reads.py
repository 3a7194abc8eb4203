"""How many parquet files a statement opens: the EXPLAIN ANALYZE check that an incremental model's filter reaches the
scan (issue 17), shared by the history tests."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb

from core.masking_key import masking_key, set_duckdb_key
from core.workspace import Workspace


def parquet_files_read(workspace: Workspace, sql: str, profile: Path) -> int:
    """How many parquet files DuckDB opens to run `sql` on the ci warehouse (EXPLAIN ANALYZE's profile)."""
    with duckdb.connect(str(workspace.duckdb_path("ci"))) as con:
        set_duckdb_key(con, masking_key(workspace.home, workspace.lake))
        con.execute("pragma enable_profiling = 'json'")
        con.execute(f"pragma profiling_output = '{profile}'")
        con.execute(sql).fetchall()
    read = 0
    stack = [json.loads(profile.read_text())]
    while stack:
        node = stack.pop()
        stack.extend(node.get("children", []))
        read += int(node.get("extra_info", {}).get("Total Files Read", 0))
    return read
