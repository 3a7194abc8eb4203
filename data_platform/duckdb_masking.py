"""dbt-duckdb plugin: every DuckDB connection dbt opens is given the masking key as a session variable.

macros/masking.sql reads `getvariable('data_platform_masking_key')` at query time, so the key itself is never in
compiled SQL, the manifest, run results, the docs site or the DuckDB catalogue (view definitions name the variable).
A connection without the variable (a plain DuckDB client on dev.duckdb) gets an error from masked columns, never an
unkeyed hash. profiles.yml passes the workspace (`home`, `lake`) as plugin config; core/masking_key.py says where
the key comes from.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dbt.adapters.duckdb.plugins import BasePlugin

from core.masking_key import masking_key, set_duckdb_key


class Plugin(BasePlugin):
    def initialize(self, plugin_config: dict[str, Any]) -> None:
        home = Path(plugin_config.get("home") or "local")
        # the var lake_root as data_platform passes it (core/workspace.py); unset (dbt by hand) is no shared lake
        lake = str(plugin_config.get("lake") or "")
        self._key = masking_key(home, lake)

    def configure_connection(self, conn: Any) -> None:
        set_duckdb_key(conn, self._key)

    def configure_cursor(self, cursor: Any) -> None:
        # A cursor is a new DuckDB connection to the same database: session variables do not carry over.
        set_duckdb_key(cursor, self._key)
