"""The replica as the connector meets it: a gentle engine, the tables it holds, and one chunk read at a time.

Gentle on the source: every session is read-only with a statement timeout and a short lock wait; the pool holds at
most `concurrency` connections; each chunk is one short statement in its own short transaction (no snapshot, no lock
held between chunks). Rows are read by dlt's sql_database reader (`table_rows`, the generator behind `sql_table`,
pyarrow backend); only the WHERE / ORDER BY of each chunk and the money casts are ours (query_adapter_callback).

A chunk is a range of one ordered column, whole groups of equal values at a time: `after < col <= upper`, where
`upper` is the batch_size-th value after `after`. The change column for change-only tables, the key's first column
for snapshots (a non-unique column is fine: its groups are never split). Null values of the column are one chunk of
their own, read first. Range comparisons and OFFSET / FETCH are plain SQL every dialect SQLAlchemy knows compiles.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from functools import partial
from typing import Any

import pyarrow as pa
import sqlalchemy as sa
from dlt.sources.sql_database.helpers import table_rows
from dlt.sources.sql_database.schema_types import default_table_adapter

from core.contract import Table
from core.retry import with_retries as retrying

LOCK_TIMEOUT_MS = 10_000  # a table locked by maintenance: fail the chunk after 10 s rather than queue behind it


@dataclass(frozen=True)
class Range:
    """Which rows of the range column a chunk reads: after < value <= upper (None: unbounded), and the rows whose
    value is null when `nulls` (the first chunk of a pull)."""

    nulls: bool = False
    after: Any = None
    upper: Any = None

    def describe(self, column: str) -> str:
        low = f"{column} > {self.after!r}" if self.after is not None else ""
        high = f"{column} <= {self.upper!r}" if self.upper is not None else ""
        described = " and ".join(p for p in (low, high) if p) or "all non-null values"
        return f"{described} or {column} is null" if self.nulls else described


@dataclass
class Chunk:
    """What one read of one chunk returned."""

    range: Range
    batches: list[pa.Table] = field(default_factory=list)
    expected: int = 0  # count(*) of the range, asked just before the read
    seconds: float = 0.0

    @property
    def rows(self) -> int:
        return sum(b.num_rows for b in self.batches)

    @property
    def last(self) -> bool:
        """The range reached the end of the column (so the table's pull is complete after it)."""
        return self.range.upper is None


class ChunkMismatch(Exception):
    """The rows read do not reconcile with the count the source gave for the same range."""


# ---------------------------------------------------------------------------------------------------- the engine


def make_engine(url: str, concurrency: int, statement_timeout_s: float) -> sa.Engine:
    engine = sa.create_engine(
        url,
        pool_size=concurrency,
        max_overflow=0,  # never more connections than the concurrency setting
        pool_pre_ping=True,  # a connection the server dropped between chunks is replaced, not used
        pool_timeout=max(60.0, statement_timeout_s),
    )
    sa.event.listen(engine, "connect", partial(_session_settings, engine.dialect.name, statement_timeout_s))
    return engine


TIMEOUT_DIALECTS = ("postgresql", "mssql")  # the dialects whose sessions get a statement timeout here


def _session_settings(dialect: str, timeout_s: float, dbapi_connection: Any, _record: Any) -> None:
    """Read-only, a statement timeout and a lock wait limit for every session, in the dialect's words."""
    timeout_ms = max(1, int(timeout_s * 1000))
    cursor = dbapi_connection.cursor()
    if dialect == "postgresql":
        for setting in (
            "SET default_transaction_read_only = on",
            f"SET statement_timeout = {timeout_ms}",
            f"SET lock_timeout = {LOCK_TIMEOUT_MS}",
            f"SET idle_in_transaction_session_timeout = {max(timeout_ms, 60_000)}",
        ):
            cursor.execute(setting)
        dbapi_connection.commit()
    elif dialect == "mssql":
        cursor.execute(f"SET LOCK_TIMEOUT {LOCK_TIMEOUT_MS}")
        dbapi_connection.timeout = max(1, int(timeout_s))  # pyodbc's per-statement query timeout
    cursor.close()


def describe_error(error: BaseException) -> str:
    """One line for the import log: what failed, without the SQL (which dlt and SQLAlchemy append at length)."""
    original = getattr(error, "orig", None) or error
    text = " ".join(str(original).split())
    if "statement timeout" in text or "canceling statement" in text or "Query timeout" in text:
        return f"statement timeout: {text[:300]}"
    return f"{type(original).__name__}: {text[:300]}"


def is_transient(error: BaseException) -> bool:
    """A dropped connection or a count that moved is worth another try; a timeout or a missing table is not."""
    if isinstance(error, ChunkMismatch):
        return True
    if "timeout" in describe_error(error):
        return False
    return isinstance(error, sa.exc.DBAPIError) and (
        error.connection_invalidated or isinstance(error, sa.exc.OperationalError | sa.exc.InterfaceError)
    )


# ---------------------------------------------------------------------------------------------------- the tables


def source_tables(engine: sa.Engine, schema: str) -> list[str]:
    return sorted(sa.inspect(engine).get_table_names(schema=schema))


def reflect(engine: sa.Engine, schema: str, dropped: dict[str, tuple[str, ...]]) -> dict[str, sa.Table]:
    """Each named table as the database declares it (one batch of catalogue queries for all of them), adapted as
    dlt's sql_table adapts it (uuids read as text), without the contract's dropped columns (never read at all).
    A name the schema does not hold is left out."""
    present = set(source_tables(engine, schema))
    metadata = sa.MetaData()
    metadata.reflect(bind=engine, schema=schema, only=[name for name in dropped if name in present])
    tables = {}
    for table in metadata.tables.values():
        default_table_adapter(table, None, list(dropped[table.name]) or None)
        tables[table.name] = table
    return tables


def column_types(table: sa.Table) -> dict[str, str]:
    """Column -> the type as the database declares it (compared between runs to report schema changes)."""
    return {column.name: _type_text(column.type) for column in table.columns}


def _type_text(kind: Any) -> str:
    try:
        return str(kind)
    except Exception:  # noqa: BLE001 - a type SQLAlchemy cannot render still has a name
        return type(kind).__name__


def schema_changes(before: dict[str, str], now: dict[str, str]) -> list[str]:
    """What changed between two column-type maps, in words: added, removed, type changed."""
    changes = [f"column {c} added ({now[c]})" for c in now if c not in before]
    changes += [f"column {c} removed" for c in before if c not in now]
    changes += [f"column {c} type {before[c]} -> {now[c]}" for c in now if c in before and before[c] != now[c]]
    return changes


def _is_money(column: sa.Column) -> bool:
    # PostgreSQL's money reaches Python as locale text ('$1,234.50'); SQL Server's as a decimal: read both as decimals
    return type(column.type).__name__.upper() in ("MONEY", "SMALLMONEY")


def _money_as_numeric(column_type: Any) -> Any:
    """dlt's type mapping for the reflected column: money is a decimal(19,4) (SQL Server's own definition)."""
    return sa.Numeric(19, 4) if type(column_type).__name__.upper() in ("MONEY", "SMALLMONEY") else column_type


# ---------------------------------------------------------------------------------------------------- one chunk


def range_column(contract: Table) -> str:
    """The column chunks follow: the change column, else the key's first column."""
    return contract.updated_at or contract.key_columns[0]


def next_range(engine: sa.Engine, table: sa.Table, column: str, after: Any, batch_size: int) -> Range:
    """The next range of about batch_size rows after `after`: up to the batch_size-th value (None: to the end)."""
    col = table.c[column]
    query = sa.select(col).where(col.isnot(None)).order_by(col).offset(batch_size - 1).limit(1)
    if after is not None:
        query = query.where(col > after)
    with engine.connect() as connection:
        upper = connection.execute(query).scalar()
    return Range(after=after, upper=upper)


def _where(table: sa.Table, column: str, chunk_range: Range) -> list[Any]:
    col = table.c[column]
    conditions = [col.isnot(None)]
    if chunk_range.after is not None:
        conditions.append(col > chunk_range.after)
    if chunk_range.upper is not None:
        conditions.append(col <= chunk_range.upper)
    if chunk_range.nulls:
        return [sa.or_(col.is_(None), sa.and_(*conditions))]
    return conditions


def count_rows(engine: sa.Engine, table: sa.Table, column: str, chunk_range: Range) -> int:
    query = sa.select(sa.func.count()).select_from(table).where(*_where(table, column, chunk_range))
    with engine.connect() as connection:
        return int(connection.execute(query).scalar() or 0)


def read_chunk(
    engine: sa.Engine,
    table: sa.Table,
    contract: Table,
    chunk_range: Range,
    batch_size: int,
) -> Chunk:
    """Count the range, read it through dlt's sql_database reader, and check the two agree (else ChunkMismatch)."""
    column = range_column(contract)
    started = time.monotonic()
    chunk = Chunk(chunk_range, expected=count_rows(engine, table, column, chunk_range))
    order = [table.c[column], *(table.c[k] for k in contract.key_columns if k != column and k in table.c)]

    def adapt(query: Any, source_table: Any, incremental: Any = None, engine: Any = None) -> Any:
        selected = [sa.cast(c, sa.Numeric(19, 4)).label(c.name) if _is_money(c) else c for c in source_table.c]
        conditions = _where(source_table, column, chunk_range)
        keys = [source_table.c[c.name] for c in order]
        return query.with_only_columns(*selected).where(*conditions).order_by(*keys)

    # dlt's sql_database reader (the generator behind sql_table), given the table already reflected: no reflection
    # or configuration resolution per chunk, which a resource per chunk would repeat
    rows = table_rows(
        engine,
        table,
        table.metadata,
        chunk_size=min(batch_size, 10_000),  # arrow batches within the chunk; the chunk itself is one statement
        backend="pyarrow",
        incremental=None,
        table_adapter_callback=None,
        reflection_level="full_with_precision",
        backend_kwargs={},
        type_adapter_callback=_money_as_numeric,
        included_columns=None,
        excluded_columns=None,
        query_adapter_callback=adapt,
        resolve_foreign_keys=False,
    )
    chunk.batches = [batch for batch in rows if isinstance(batch, pa.Table) and batch.num_rows]
    chunk.seconds = time.monotonic() - started
    if chunk.rows != chunk.expected:
        raise ChunkMismatch(
            f"{table.name} ({chunk_range.describe(column)}): read {chunk.rows} row(s), the source counted "
            f"{chunk.expected} for the same range"
        )
    return chunk


def with_retries(
    attempt: Callable[[], Chunk], attempts: int, backoff_s: float, warn: Callable[[str], None], label: str
) -> Chunk:
    def said(error: BaseException, number: int) -> None:
        warn(f"academy: {label}: {describe_error(error)}; trying again ({number}/{attempts - 1})")

    return retrying(attempt, attempts=attempts, backoff_s=backoff_s, transient=is_transient, on_retry=said)


# ---------------------------------------------------------------------------------------------------- cursor values


def encode(value: Any) -> Any:
    """A range bound as JSON for dlt's state (dates and decimals tagged so they come back as themselves)."""
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, Decimal):
        return {"decimal": str(value)}
    return value


def decode(value: Any) -> Any:
    if isinstance(value, dict):
        (kind, text), *_ = value.items()
        return {"datetime": datetime.fromisoformat, "date": date.fromisoformat, "decimal": Decimal}[kind](text)
    return value
