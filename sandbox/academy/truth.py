"""What the replica really served and what really happened, for tests to compare the platform's output with.

Two sources: the history the triggers kept of every `dbo` row (what the vendor tables held at the end of each
simulated day), and the people the world simulated (who lived where), which the vendor tables only partly record.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg
from psycopg import sql
from psycopg.rows import dict_row

from sandbox.academy import schema
from sandbox.academy.history import SANDBOX_SCHEMA, history_table, live_columns


@dataclass(frozen=True)
class RowVersion:
    """One version of a row: the values it had from `valid_from` until `valid_to` (exclusive; None = current).

    `ended` says how the version ended: "changed" (a later version of the same key starts that day),
    "disappeared" (the row was deleted), or None (still current). A keyless table's row is keyed by all its
    values, so a change there shows as a disappearance plus a new row.
    """

    key: tuple[Any, ...]
    values: dict[str, Any]
    valid_from: date
    valid_to: date | None
    ended: str | None


@dataclass(frozen=True)
class Resident:
    person_id: int
    account_ref: int
    property_ref: str
    role: str  # lead, joint (jointly liable), nonliab (adult, not liable), child
    title: str | None
    forename: str
    surname: str
    gender: int  # 1 = M, 2 = F
    birth_date: date
    nino: str | None

    def age_on(self, day: date) -> int:
        return day.year - self.birth_date.year - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))

    @property
    def adult(self) -> bool:
        return self.role != "child"


class GroundTruth:
    """Questions about the truth, answered from the sandbox's own schema (connects as the owner role)."""

    def __init__(self, connect: Callable[[], psycopg.Connection]) -> None:
        self._connect = connect

    def _history(self, table: str) -> sql.Identifier:
        schema.table(table)  # a clear error for an unknown table
        return sql.Identifier(SANDBOX_SCHEMA, history_table(table))

    def rows_as_of(self, table: str, day: date) -> list[dict[str, Any]]:
        """The rows `dbo.<table>` held at the end of `day`, in its current columns, in a stable order."""
        with self._connect() as conn:
            cols = live_columns(conn, table)
            query = sql.SQL(
                "SELECT {cols} FROM {h} WHERE _valid_from <= %(d)s AND (_valid_to IS NULL OR _valid_to > %(d)s) "
                "ORDER BY {cols}"
            ).format(cols=sql.SQL(", ").join(map(sql.Identifier, cols)), h=self._history(table))
            with conn.cursor(row_factory=dict_row) as cur:
                return cur.execute(query, {"d": day}).fetchall()

    def versions(self, table: str) -> list[RowVersion]:
        """Every version of every row ever served, per key in time order."""
        t = schema.table(table)
        with self._connect() as conn:
            cols = live_columns(conn, table)
            key_cols = list(t.primary_key) or cols
            query = sql.SQL(
                "SELECT {cols}, _valid_from, _valid_to FROM {h} ORDER BY {key}, _valid_from, _version"
            ).format(
                cols=sql.SQL(", ").join(map(sql.Identifier, cols)),
                h=self._history(table),
                key=sql.SQL(", ").join(map(sql.Identifier, key_cols)),
            )
            with conn.cursor(row_factory=dict_row) as cur:
                rows = cur.execute(query).fetchall()
        versions: list[RowVersion] = []
        for i, row in enumerate(rows):
            key = tuple(row[c] for c in key_cols)
            following = rows[i + 1] if i + 1 < len(rows) else None
            valid_to = row["_valid_to"]
            changed = (
                following is not None
                and tuple(following[c] for c in key_cols) == key
                and following["_valid_from"] == valid_to
                and bool(t.primary_key)
            )
            ended = None if valid_to is None else "changed" if changed else "disappeared"
            values = {c: row[c] for c in cols}
            versions.append(RowVersion(key, values, row["_valid_from"], valid_to, ended))
        return versions

    def spd_accounts(self, day: date) -> set[int]:
        """Accounts with a single person discount in force on `day`, as recorded by the end of that day."""
        rows = self.rows_as_of("ctdiscount", day)
        return {
            r["account_ref"]
            for r in rows
            if r["disc_code"] == "SPD" and r["start_date"] <= day and (r["end_date"] is None or r["end_date"] > day)
        }

    def households(self, day: date) -> dict[str, list[Resident]]:
        """Who lived at each property at the end of `day` (children included), from the simulation itself."""
        query = f"""
            SELECT r.person_id, r.account_ref, r.property_ref, r.role, p.title, p.forename, p.surname, p.gender,
                   p.birth_date, p.nino
            FROM {SANDBOX_SCHEMA}.residence AS r JOIN {SANDBOX_SCHEMA}.person AS p ON p.person_id = r.person_id
            WHERE r.from_date <= %(d)s AND (r.to_date IS NULL OR r.to_date > %(d)s)
            ORDER BY r.property_ref, r.person_id
        """
        grouped: dict[str, list[Resident]] = defaultdict(list)
        with self._connect() as conn, conn.cursor(row_factory=dict_row) as cur:
            for row in cur.execute(query, {"d": day}):
                grouped[row["property_ref"]].append(Resident(**row))
        return dict(grouped)

    def day_log(self, day: date) -> dict[str, int]:
        """What the world says it changed on `day`: events and their counts."""
        with self._connect() as conn:
            rows = conn.execute(f"SELECT event, n FROM {SANDBOX_SCHEMA}.day_log WHERE day = %s", (day,)).fetchall()
        return {event: int(n) for event, n in rows}

    def changed_tables(self, day: date) -> dict[str, int]:
        """Per table, how many versions opened or closed on `day` (what a perfect day-diff would find)."""
        counts: dict[str, int] = {}
        with self._connect() as conn:
            for t in schema.TABLES:
                query = sql.SQL("SELECT count(*) FROM {h} WHERE _valid_from = %(d)s OR _valid_to = %(d)s").format(
                    h=self._history(t.name)
                )
                counts[t.name] = int(conn.execute(query, {"d": day}).fetchone()[0])  # type: ignore[index]
        return counts

    def schema_changes(self) -> list[dict[str, Any]]:
        with self._connect() as conn, conn.cursor(row_factory=dict_row) as cur:
            return cur.execute(
                f"SELECT day, table_name, ddl FROM {SANDBOX_SCHEMA}.schema_change ORDER BY changed_at"
            ).fetchall()
