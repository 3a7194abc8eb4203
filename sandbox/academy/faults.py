"""Faults for the ingestion tests: dropped connections, slow or blocked reads, schema changes between runs."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import psycopg
from psycopg import sql

from sandbox.academy import history, schema
from sandbox.academy.history import SANDBOX_SCHEMA

SLOW_POLICY = "academy_sandbox_slow_reads"


class Faults:
    """Each fault acts as the owner role (a member of pg_signal_backend), never as the platform's reader."""

    def __init__(self, connect: Callable[[], psycopg.Connection], reader_role: str) -> None:
        self._connect = connect
        self.reader_role = reader_role

    # -- connections ----------------------------------------------------------------------------------------------

    def reader_backends(self, active_only: bool = False) -> list[int]:
        """Server process ids of the reader role's sessions (only those running a statement, if asked)."""
        with self._connect() as conn:
            rows = conn.execute(
                "SELECT pid FROM pg_stat_activity WHERE usename = %s AND datname = current_database()"
                + (" AND state = 'active'" if active_only else ""),
                (self.reader_role,),
            ).fetchall()
        return [int(r[0]) for r in rows]

    def wait_for_active_read(self, timeout: float = 10.0) -> bool:
        """Block until a reader session is running a statement (for a test thread to strike mid-read)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.reader_backends(active_only=True):
                return True
            time.sleep(0.02)
        return False

    def terminate_reader_connections(self) -> int:
        """Kill every session of the reader role, as a failover or a DBA would. Returns how many were killed."""
        with self._connect() as conn:
            row = conn.execute(
                "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE usename = %s AND datname = current_database()",
                (self.reader_role,),
            ).fetchone()
        return int(row[0]) if row else 0

    def terminate_reader_connections_when_reading(self, timeout: float = 10.0) -> threading.Thread:
        """Start a thread that waits for a read in progress and then kills the reader's sessions."""

        def strike() -> None:
            if self.wait_for_active_read(timeout):
                self.terminate_reader_connections()

        thread = threading.Thread(target=strike, name="academy-terminate-reader", daemon=True)
        thread.start()
        return thread

    # -- slow and blocked reads -----------------------------------------------------------------------------------

    @contextmanager
    def slow_reads(self, table: str, seconds_per_row: float = 0.01) -> Iterator[None]:
        """Make the reader's scans of `dbo.<table>` cost `seconds_per_row` per row (a row-security policy that
        sleeps), so a statement timeout fires. The owner's own reads stay fast."""
        target = sql.Identifier(schema.SCHEMA, schema.table(table).name)
        with self._connect() as conn:
            conn.execute(sql.SQL("ALTER TABLE {} ENABLE ROW LEVEL SECURITY").format(target))
            conn.execute(
                sql.SQL("CREATE POLICY {policy} ON {t} FOR SELECT TO {reader} USING ({fn}({delay}))").format(
                    policy=sql.Identifier(SLOW_POLICY),
                    t=target,
                    reader=sql.Identifier(self.reader_role),
                    fn=sql.Identifier("academy_faults", "slow_row"),
                    delay=sql.Literal(float(seconds_per_row)),
                )
            )
        try:
            yield
        finally:
            with self._connect() as conn:
                conn.execute(sql.SQL("DROP POLICY IF EXISTS {} ON {}").format(sql.Identifier(SLOW_POLICY), target))
                conn.execute(sql.SQL("ALTER TABLE {} DISABLE ROW LEVEL SECURITY").format(target))

    @contextmanager
    def lock_table(self, table: str) -> Iterator[None]:
        """Hold an exclusive lock on `dbo.<table>` (as a long maintenance job would): reads wait until release."""
        target = sql.Identifier(schema.SCHEMA, schema.table(table).name)
        conn = self._connect()
        try:
            conn.execute(sql.SQL("LOCK TABLE {} IN ACCESS EXCLUSIVE MODE").format(target))
            yield
        finally:
            conn.rollback()
            conn.close()

    # -- schema changes -------------------------------------------------------------------------------------------

    def _alter(self, table: str, vendor_ddl: sql.Composable, history_ddl: list[sql.Composable]) -> None:
        t = schema.table(table)
        with self._connect() as conn, conn.transaction():
            conn.execute("SET LOCAL lock_timeout = '10s'")
            conn.execute(vendor_ddl)
            for ddl in history_ddl:
                conn.execute(ddl)
            history.install_triggers(conn, t)
            conn.execute(
                f"INSERT INTO {SANDBOX_SCHEMA}.schema_change (day, table_name, ddl) "
                f"SELECT {SANDBOX_SCHEMA}.sim_day(), %s, %s",
                (table, vendor_ddl.as_string(conn)),
            )

    def add_column(self, table: str, column: str, pg_type: str, default: str | None = None) -> None:
        """Add a column to `dbo.<table>` (existing rows get `default`, an SQL literal, and no change stamp)."""
        vendor = sql.Identifier(schema.SCHEMA, table)
        hist = sql.Identifier(SANDBOX_SCHEMA, history.history_table(table))
        col = sql.Identifier(column)
        type_sql = sql.SQL(pg_type)
        default_sql = sql.SQL(" DEFAULT {}").format(sql.SQL(default)) if default is not None else sql.SQL("")
        self._alter(
            table,
            sql.SQL("ALTER TABLE {} ADD COLUMN {} {}{}").format(vendor, col, type_sql, default_sql),
            [
                sql.SQL("ALTER TABLE {} ADD COLUMN {} {}{}").format(hist, col, type_sql, default_sql),
                # before today the column did not exist: closed versions read as null
                sql.SQL("UPDATE {} SET {} = NULL WHERE _valid_to IS NOT NULL").format(hist, col),
            ],
        )

    def widen_column(self, table: str, column: str, pg_type: str) -> None:
        """Change a column's type, e.g. varchar(60) -> varchar(200) or integer -> bigint."""
        col = sql.Identifier(column)
        alter = "ALTER TABLE {} ALTER COLUMN {} TYPE {}"
        self._alter(
            table,
            sql.SQL(alter).format(sql.Identifier(schema.SCHEMA, table), col, sql.SQL(pg_type)),
            [
                sql.SQL(alter).format(
                    sql.Identifier(SANDBOX_SCHEMA, history.history_table(table)), col, sql.SQL(pg_type)
                )
            ],
        )


# Lives in its own schema the reader may use, holding nothing but this function: a row-security policy runs its
# expression with the reader's rights.
SLOW_ROW_FUNCTION = """
CREATE SCHEMA IF NOT EXISTS academy_faults;
CREATE OR REPLACE FUNCTION academy_faults.slow_row(seconds double precision) RETURNS boolean
LANGUAGE plpgsql VOLATILE AS $$ BEGIN PERFORM pg_sleep(seconds); RETURN true; END $$;
"""
