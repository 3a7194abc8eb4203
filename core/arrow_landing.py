"""Landing records that arrive as Arrow batches (a database read through dlt's sql_database source, pyarrow backend).

The same raw conventions as core.landing's per-record path (invariant 1), done column by column so a table of a
million rows lands at database speed: vendor column names kept (unsafe ones made distinct by core.lake), dropped
columns left out, every value as text, the metadata stamped on each row, and dlt's two columns filled in, because
dlt passes Arrow tables straight to parquet without adding them.

Text forms, so staging types them exactly (macros/staging/typing.sql): integers and decimals as digits
('1234.5000'), dates 'YYYY-MM-DD', timestamps 'YYYY-MM-DD HH:MM:SS.ffffff' (a zone-aware timestamp keeps its offset,
which staging then refuses rather than shifts), booleans 'true' / 'false', binary as hex, nested values as JSON.

Records that arrive as Python values (a vendor's JSON, a file's rows) land the same way, a batch at a time
(`records_table`, used by core.landing): building one Arrow table per batch instead of a dict per record lets dlt
handle one item per batch, and its extract passes the table to parquet as it is (no per-row normalisation).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Sequence
from functools import lru_cache
from itertools import chain
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from core.contract import Table
from core.import_log import TableLanded
from core.lake import RAW_METADATA_COLUMNS, Delivery, raw_column_name, raw_value

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


def received_column(name: str, table: Table, landed: TableLanded) -> str | None:
    """The raw column a received column lands as (recorded in `landed`), or None for a column the contract drops."""
    if name in table.dropped:
        return None
    raw_name = raw_column_name(name)
    if raw_name != name:
        landed.columns_renamed[name] = raw_name
    landed.columns_received.add(raw_name)
    return raw_name


def raw_batch(
    batch: pa.Table, table: Table, delivery: Delivery, first_index: int, load_id: str, landed: TableLanded
) -> pa.Table:
    """The raw rows for one batch of a table's records, numbered from `first_index`; `landed` counts them."""
    arrays: dict[str, Any] = {}
    for name in batch.column_names:
        raw_name = received_column(name, table, landed)
        if raw_name is not None:
            arrays[raw_name] = text_array(batch.column(name))
    indexes = range(first_index, first_index + batch.num_rows)
    arrays.update(stamp_arrays(delivery, indexes, load_id))
    landed.rows_landed += batch.num_rows
    return pa.table(arrays)


def records_table(
    table: Table,
    records: Sequence[dict[str, Any]],
    delivery: Delivery,
    indexes: Sequence[int],
    load_id: str,
    landed: TableLanded,
    source_refs: Sequence[str] | None = None,
    incomplete: Sequence[bool] | None = None,
) -> pa.Table:
    """The raw rows for a batch of records received as Python values (`indexes`: each one's position in its
    delivery; `source_refs` / `incomplete`: each one's, when they differ by record), as core.landing lands them.

    Raises core.lake.UnlandableValue when a value cannot be written as text (the caller rejects that record)."""
    declared = set(table.column_names)
    arrays: dict[str, Any] = {}
    first = tuple(records[0]) if records else ()
    if all(tuple(record) == first for record in records):
        # the usual case, every record with the same keys in the same order (one vendor's JSON): transposed in C
        keys, values = first, list(zip(*(record.values() for record in records), strict=True))
    else:
        # every key any record carries, in the order they first appear (a vendor's new column lands where it arrived)
        keys = tuple(dict.fromkeys(chain.from_iterable(records)))
        values = [[record.get(key) for record in records] for key in keys]
    for key, received in zip(keys, values, strict=True):
        name = received_column(key, table, landed)
        if name is None:
            continue
        column = text_values(list(received))
        # a column outside the contract that holds no value is not written, as a record's nulls never were
        if name in declared or column.null_count < len(column):
            arrays[name] = column
    arrays.update(stamp_arrays(delivery, indexes, load_id, source_refs, incomplete))
    landed.rows_landed += len(records)
    return pa.table(arrays)


def text_values(values: list[Any]) -> pa.Array:
    """Received values as raw text: strings as they are, anything else as its JSON text (core.lake.raw_value)."""
    # Each kind is tried where the first value says it is likely: Arrow refusing a whole batch costs more than
    # converting it (5 ms a 1,000-value column of integers tried as text, 0.1 ms converted as integers).
    if isinstance(next((value for value in values if value is not None), ""), str):
        try:
            return pa.array(values, pa.string())  # the usual case, all text: converted in one pass by Arrow
        except (pa.ArrowTypeError, pa.ArrowInvalid, UnicodeEncodeError):
            pass
    whole = _whole_numbers_or_booleans(values)
    if whole is not None:
        # Arrow's text of an integer or a boolean is its JSON text (digits; true / false): a vendor's numeric
        # column took 7 ms a 1,000-value batch value by value, 0.1 ms so
        return whole.cast(pa.string())
    # a decimal, a nested value or mixed kinds (JSON text), or text that is not valid Unicode (UnlandableValue)
    return pa.array([raw_value(value) for value in values], pa.string())


def _whole_numbers_or_booleans(values: list[Any]) -> pa.Array | None:
    """The values as one Arrow integer or boolean array, or None when they are not all of one of those kinds (Arrow
    refuses a bool among integers and the reverse; a float makes the array a double, whose text is not JSON's)."""
    try:
        inferred = pa.array(values)
    except (pa.ArrowTypeError, pa.ArrowInvalid, OverflowError, UnicodeEncodeError):
        return None
    return inferred if pa.types.is_integer(inferred.type) or pa.types.is_boolean(inferred.type) else None


def stamp_arrays(
    delivery: Delivery,
    indexes: Iterable[int],
    load_id: str,
    source_refs: Sequence[str] | None = None,
    incomplete: Sequence[bool] | None = None,
) -> dict[str, pa.Array]:
    """The metadata columns (the values `Delivery.stamp` gives each row) and dlt's two, which dlt does not add to
    an Arrow table: its load id, and an id unique within the raw table (the step's _imported_at is unique per
    source; the index is unique per table and delivery, and a delivery is told by its source_ref)."""
    indexes = list(indexes)
    rows = len(indexes)
    stamp = delivery.stamp(0)
    arrays: dict[str, pa.Array] = {}
    for column in RAW_METADATA_COLUMNS:
        name = column.name
        if name == "_record_index":
            arrays[name] = pa.array(indexes, pa.int64())
        elif name == "_source_ref" and source_refs is not None:
            arrays[name] = pa.array([ref or delivery.source_ref for ref in source_refs], pa.string())
        elif name == "_incomplete_series" and incomplete is not None:
            flags = [delivery.stamp(0, incomplete=flag)[name] for flag in (False, True)]
            arrays[name] = pa.array([flags[flag] for flag in incomplete], pa.string())
        else:
            arrays[name] = pa.repeat(pa.scalar(stamp[name], pa.string()), rows)
    arrays[DLT_LOAD_ID] = pa.repeat(pa.scalar(load_id, pa.string()), rows)
    if source_refs is None:
        ids = [f"{delivery.imported_at}#{i}" for i in indexes]
    else:  # a step landing several deliveries of a table (a contractor's files) numbers each one's records from 0
        ids = [
            f"{delivery.imported_at}#{_ref_digest(ref or delivery.source_ref)}#{i}"
            for ref, i in zip(source_refs, indexes, strict=True)
        ]
    arrays[DLT_ID] = pa.array(ids, pa.string())
    return arrays


@lru_cache(maxsize=1024)
def _ref_digest(source_ref: str) -> str:
    return hashlib.blake2b(source_ref.encode(), digest_size=6).hexdigest()
