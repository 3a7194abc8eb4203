"""Landing records that arrive as Arrow batches (a database read through dlt's sql_database source, pyarrow backend).

The same raw conventions as core.landing's per-record path (invariant 1), done column by column so a table of a
million rows lands at database speed: vendor column names kept (unsafe ones made distinct by core.lake), dropped
columns left out, every value as text, the metadata stamped on each row, and dlt's two columns filled in, because
dlt passes Arrow tables straight to parquet without adding them.

Text forms, so staging types them exactly (macros/staging/typing.sql): integers and decimals as digits
('1234.5000'), dates 'YYYY-MM-DD', timestamps 'YYYY-MM-DD HH:MM:SS.ffffff' (a zone-aware timestamp keeps its offset,
which staging then refuses rather than shifts), booleans 'true' / 'false', binary as hex, nested values as JSON.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from core.contract import Table
from core.import_log import TableLanded
from core.lake import RAW_METADATA_COLUMNS, Delivery, raw_column_name

DLT_LOAD_ID, DLT_ID = "_dlt_load_id", "_dlt_id"


def text_array(values: pa.ChunkedArray | pa.Array) -> pa.Array | pa.ChunkedArray:
    """One column as raw text (nulls stay null)."""
    kind = values.type
    if pa.types.is_string(kind) or pa.types.is_large_string(kind):
        return values.cast(pa.string())
    if pa.types.is_boolean(kind):
        return pc.if_else(values, "true", "false")
    if pa.types.is_binary(kind) or pa.types.is_large_binary(kind) or pa.types.is_fixed_size_binary(kind):
        return pa.array([None if v is None else v.hex() for v in values.to_pylist()], pa.string())
    if pa.types.is_nested(kind):
        return pa.array(
            [None if v is None else json.dumps(v, sort_keys=True, default=str) for v in values.to_pylist()],
            pa.string(),
        )
    if pa.types.is_timestamp(kind) and kind.tz is None:
        # always six fractional digits (Arrow's %S carries the unit's fraction), whatever precision the driver used
        return pc.strftime(values.cast(pa.timestamp("us")), format="%Y-%m-%d %H:%M:%S")
    return values.cast(pa.string())


def raw_batch(
    batch: pa.Table, table: Table, delivery: Delivery, first_index: int, load_id: str, landed: TableLanded
) -> pa.Table:
    """The raw rows for one batch of a table's records, numbered from `first_index`; `landed` counts them."""
    arrays: dict[str, Any] = {}
    for name in batch.column_names:
        if name in table.dropped:
            continue
        raw_name = raw_column_name(name)
        if raw_name != name:
            landed.columns_renamed[name] = raw_name
        landed.columns_received.add(raw_name)
        arrays[raw_name] = text_array(batch.column(name))
    rows = batch.num_rows
    stamp = delivery.stamp(0)
    for column in RAW_METADATA_COLUMNS:
        if column.name == "_record_index":
            arrays[column.name] = pa.array(range(first_index, first_index + rows), pa.int64())
        else:
            arrays[column.name] = pa.array([stamp[column.name]] * rows, pa.string())
    arrays[DLT_LOAD_ID] = pa.array([load_id] * rows, pa.string())
    # unique within the raw table: the step's _imported_at is unique per source and the index per step
    arrays[DLT_ID] = pa.array([f"{delivery.imported_at}#{i}" for i in range(first_index, first_index + rows)])
    landed.rows_landed += rows
    return pa.table(arrays)
