"""Ground-truth recording: every version of every `dbo` row, with the simulated day it appeared and disappeared.

Each vendor table `dbo.T` has a history table `academy_sandbox.h_T` (T's columns plus `_version`, `_valid_from`,
`_valid_to`) kept by statement-level triggers with transition tables, so one bulk UPDATE costs a few set-based
statements, not one trigger call per row. Rows are matched by content (multiset-exact, so a keyless table with
duplicate rows is still right); a row changed and changed again on the same day leaves one version for that day.
The triggers are generated from the live catalogue, so a schema change is followed by `install(...)` again.
"""

from __future__ import annotations

import psycopg
from psycopg import sql

from sandbox.academy.schema import SCHEMA, TABLES, VendorTable

SANDBOX_SCHEMA = "academy_sandbox"
META_COLUMNS = ("_version", "_valid_from", "_valid_to")


def history_table(table: str) -> str:
    return f"h_{table}"


def live_columns(conn: psycopg.Connection, table: str) -> list[str]:
    rows = conn.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped "
        "ORDER BY attnum",
        (f"{SCHEMA}.{table}",),
    ).fetchall()
    return [r[0] for r in rows]


def _ids(names: list[str] | tuple[str, ...], prefix: str = "") -> sql.Composable:
    return sql.SQL(", ").join(sql.SQL(prefix) + sql.Identifier(n) for n in names)


def create_history_table(conn: psycopg.Connection, t: VendorTable, day_sql: str) -> None:
    """Create h_T and fill it with the table's current rows, valid from the day `day_sql` evaluates to."""
    h = sql.Identifier(SANDBOX_SCHEMA, history_table(t.name))
    src = sql.Identifier(SCHEMA, t.name)
    cols = live_columns(conn, t.name)
    conn.execute(
        sql.SQL(
            "CREATE TABLE {h} (LIKE {src}, _version bigint GENERATED ALWAYS AS IDENTITY, "
            "_valid_from date NOT NULL, _valid_to date)"
        ).format(h=h, src=src)
    )
    conn.execute(
        sql.SQL("INSERT INTO {h} ({cols}, _valid_from) SELECT {cols}, ({day}) FROM {src}").format(
            h=h, cols=_ids(cols), day=sql.SQL(day_sql), src=src
        )
    )
    conn.execute(sql.SQL("CREATE INDEX ON {h} ({match}) WHERE _valid_to IS NULL").format(h=h, match=_ids(t.match_on)))


def _close_versions_sql(t: VendorTable, cols: list[str], gone: str) -> sql.Composable:
    """Close (or, when opened today, delete) one open version per row of `gone`, matched by full content."""
    h = sql.Identifier(SANDBOX_SCHEMA, history_table(t.name))
    match = list(t.match_on)
    rest = [c for c in cols if c not in match]
    join = sql.SQL(" AND ").join(
        [sql.SQL("c.{0} = g.{0}").format(sql.Identifier(c)) for c in match]
        + [sql.SQL("c.{0} IS NOT DISTINCT FROM g.{0}").format(sql.Identifier(c)) for c in rest]
        + [sql.SQL("c._rn = g._rn")]
    )
    return sql.SQL(
        """
        WITH gone AS (
            SELECT {cols}, row_number() OVER (PARTITION BY {cols}) AS _rn FROM ({gone}) AS g0
        ), cand AS (
            SELECT {hcols}, h._version, h._valid_from,
                   row_number() OVER (PARTITION BY {hcols} ORDER BY h._version) AS _rn
            FROM {h} AS h
            WHERE h._valid_to IS NULL AND ({hmatch}) IN (SELECT {match} FROM gone)
        ), hit AS (
            SELECT c._version, c._valid_from FROM cand AS c JOIN gone AS g ON {join}
        ), dropped AS (
            DELETE FROM {h} AS h USING hit WHERE h._version = hit._version AND hit._valid_from >= d
        )
        UPDATE {h} AS h SET _valid_to = d FROM hit WHERE h._version = hit._version AND hit._valid_from < d
        """
    ).format(
        cols=_ids(cols),
        hcols=_ids(cols, "h."),
        gone=sql.SQL(gone),
        h=h,
        hmatch=_ids(match, "h."),
        match=_ids(match),
        join=join,
    )


def _open_versions_sql(t: VendorTable, cols: list[str], added: str) -> sql.Composable:
    h = sql.Identifier(SANDBOX_SCHEMA, history_table(t.name))
    return sql.SQL("INSERT INTO {h} ({cols}, _valid_from) SELECT {cols}, d FROM ({added}) AS a").format(
        h=h, cols=_ids(cols), added=sql.SQL(added)
    )


def _function(name: str, body: list[sql.Composable]) -> sql.Composable:
    statements = sql.SQL(";\n").join(body)
    return sql.SQL(
        "CREATE OR REPLACE FUNCTION {fn}() RETURNS trigger LANGUAGE plpgsql AS $fn$\n"
        "DECLARE d date := {schema}.sim_day();\nBEGIN\n{statements};\nRETURN NULL;\nEND\n$fn$"
    ).format(fn=sql.Identifier(SANDBOX_SCHEMA, name), schema=sql.Identifier(SANDBOX_SCHEMA), statements=statements)


def install_triggers(conn: psycopg.Connection, t: VendorTable) -> None:
    """(Re)create the three history triggers of dbo.T from its current columns."""
    cols = live_columns(conn, t.name)
    col_list = ", ".join(f'"{c}"' for c in cols)
    old_minus_new = f"SELECT {col_list} FROM old_rows EXCEPT ALL SELECT {col_list} FROM new_rows"
    new_minus_old = f"SELECT {col_list} FROM new_rows EXCEPT ALL SELECT {col_list} FROM old_rows"
    functions = {
        "ins": [_open_versions_sql(t, cols, f"SELECT {col_list} FROM new_rows")],
        "del": [_close_versions_sql(t, cols, f"SELECT {col_list} FROM old_rows")],
        "upd": [_close_versions_sql(t, cols, old_minus_new), _open_versions_sql(t, cols, new_minus_old)],
    }
    events = {
        "ins": ("INSERT", "REFERENCING NEW TABLE AS new_rows"),
        "del": ("DELETE", "REFERENCING OLD TABLE AS old_rows"),
        "upd": ("UPDATE", "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows"),
    }
    table_id = sql.Identifier(SCHEMA, t.name)
    for kind, body in functions.items():
        fn = sql.Identifier(SANDBOX_SCHEMA, f"h_{t.name}_{kind}")
        trigger = sql.Identifier(f"zz_history_{kind}")  # zz_: fires after any other trigger on the table
        verb, referencing = events[kind]
        conn.execute(_function(f"h_{t.name}_{kind}", body))
        conn.execute(sql.SQL("DROP TRIGGER IF EXISTS {} ON {}").format(trigger, table_id))
        conn.execute(
            sql.SQL(
                "CREATE TRIGGER {trg} AFTER {verb} ON {tbl} {ref} FOR EACH STATEMENT EXECUTE FUNCTION {fn}()"
            ).format(trg=trigger, verb=sql.SQL(verb), tbl=table_id, ref=sql.SQL(referencing), fn=fn)
        )


def install_all(conn: psycopg.Connection, day_sql: str) -> None:
    for t in TABLES:
        create_history_table(conn, t, day_sql)
        install_triggers(conn, t)
