"""The raw zone: what arrived, exactly as it arrived, one partition per import day, never rewritten.

Layout (a local folder or s3://), the council's partition convention:
    {lake}/raw/{department}/{source}/{table}/import_year=YYYY/import_month=MM/import_day=DD/import_date=YYYYMMDD/
        {load_id}.{file_id}.parquet

Every raw row carries the vendor's columns as text under the vendor's own names, plus RAW_METADATA_COLUMNS (declared
here once: `data-platform generate` writes the dbt copy, macros/generated/platform_sources.sql) and dlt's two columns.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

import dlt
import pyarrow as pa
from dlt.common.schema import Schema
from dlt.common.schema.utils import new_table
from dlt.destinations import filesystem

from core.errors import PlatformError
from core.workspace import Workspace


@dataclass(frozen=True)
class MetadataColumn:
    name: str
    data_type: str  # dlt data type
    description: str


RAW_METADATA_COLUMNS: tuple[MetadataColumn, ...] = (
    MetadataColumn(
        "_imported_at",
        "text",
        "When the import step that landed this record started (UTC, microseconds). Strictly increasing across the "
        "steps and runs of one source, so with _record_index it orders every delivery: a later delivery wins.",
    ),
    MetadataColumn("_import_date", "text", "Business day of the import run that landed this record (YYYY-MM-DD)."),
    MetadataColumn(
        "_import_step",
        "text",
        "Which part of the import delivered the record: `full` (a full pull), a day `YYYY-MM-DD` (that day's "
        "change-only series), `lookups`, or the file or sheet it was read from.",
    ),
    MetadataColumn(
        "_source_ref", "text", "Where the record came from: the API request, the file, or the sheet and tab."
    ),
    MetadataColumn(
        "_record_index",
        "bigint",
        "Position of the record within its delivery (page order or row number): later records have higher numbers.",
    ),
    MetadataColumn(
        "_incomplete_series",
        "text",
        "`true` when the record arrived in a series the source's own count refused on every read of the run (the "
        "import log says why: outcome `incomplete`): it landed so that no version the source served is lost, its "
        "cursor did not move and the series is fetched again. `false` otherwise (raw keeps it as text; staging "
        "types it, reading a row landed before the column existed as false).",
    ),
)
DLT_COLUMNS: tuple[MetadataColumn, ...] = (
    MetadataColumn("_dlt_load_id", "text", "dlt load id of the load that landed this record."),
    MetadataColumn("_dlt_id", "text", "dlt's unique id of the landed row."),
)
METADATA_NAMES = frozenset(c.name for c in RAW_METADATA_COLUMNS + DLT_COLUMNS)

RAW_LAYOUT = (
    "{table_name}/import_year={import_year}/import_month={import_month}/import_day={import_day}/"
    "import_date={import_date}/{load_id}.{file_id}.{ext}"
)
# A vendor column name lands unchanged when it is already a plain lower-case identifier; anything else (spaces,
# capitals, a name of ours) lands under a distinct safe name, so normalisation can never merge two columns.
_SAFE_NAME = re.compile(r"[a-z_][a-z0-9_]*")


# Called for every value landed: a wide table's full load asks the same few hundred names millions of times.
@lru_cache(maxsize=65_536)
def raw_column_name(vendor_name: str) -> str:
    """The raw zone's column for a vendor key: the key itself when safe, else `_renamed__<cleaned>__<hash>`."""
    if _SAFE_NAME.fullmatch(vendor_name) and vendor_name not in METADATA_NAMES and not vendor_name.startswith("_dlt"):
        return vendor_name
    cleaned = re.sub(r"[^a-z0-9]+", "_", vendor_name.lower()).strip("_") or "blank"
    digest = hashlib.sha1(vendor_name.encode("utf-8", "surrogatepass")).hexdigest()[:8]
    return f"_renamed__{cleaned}__{digest}"


class UnlandableValue(ValueError):
    """A value that cannot be written as text (e.g. a lone UTF-16 surrogate)."""


def raw_value(value: Any) -> str | None:
    """Raw keeps text: strings as they are, anything else as its JSON text (so dlt never nests or types it)."""
    if value is None:
        return None
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, sort_keys=True)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise UnlandableValue(f"not valid Unicode text ({error.reason})") from error
    return text


@dataclass(frozen=True)
class Delivery:
    """Where and when one batch of records arrived; stamped on each of its raw rows."""

    imported_at: str
    import_date: date
    step: str
    source_ref: str

    def stamp(self, record_index: int, source_ref: str | None = None, incomplete: bool = False) -> dict[str, Any]:
        return {
            "_imported_at": self.imported_at,
            "_import_date": self.import_date.isoformat(),
            "_import_step": self.step,
            "_source_ref": source_ref or self.source_ref,
            "_record_index": record_index,
            "_incomplete_series": "true" if incomplete else "false",
        }


def metadata_hints() -> dict[str, dict[str, str]]:
    return {c.name: {"data_type": c.data_type} for c in RAW_METADATA_COLUMNS}


def text_hints(names: list[str]) -> dict[str, dict[str, str]]:
    """dlt column hints: these columns are text, plus the metadata columns."""
    return {**{n: {"data_type": "text"} for n in names}, **metadata_hints()}


def raw_schema(source: str, tables: Mapping[str, Mapping[str, dict[str, str]]]) -> Schema:
    """A dlt schema that keeps names as received and guesses no types (typing is staging's job), with each raw
    table's columns declared up front (table -> column hints), so rows need only name their table."""
    schema = Schema(source, normalizers={"names": "direct"})
    for detection in list(schema.settings.get("detections") or []):
        schema.remove_type_detection(detection)
    for name, hints in tables.items():
        columns = [{"name": column, **hint} for column, hint in hints.items()]
        schema.update_table(new_table(name, write_disposition="append", columns=columns))
    return schema


_ARROW = {"text": pa.string(), "bigint": pa.int64()}


def empty_columns(columns: tuple[MetadataColumn, ...]) -> pa.Table:
    """A zero-row table of these typed columns plus the metadata (a raw table exists before its first row)."""
    every = (*columns, *RAW_METADATA_COLUMNS, *DLT_COLUMNS)
    return pa.table({c.name: pa.array([], _ARROW[c.data_type]) for c in every})


def empty_raw_table(columns: list[str]) -> pa.Table:
    """A zero-row table with these text columns and the metadata: an empty source table still exists in raw."""
    return empty_columns(tuple(MetadataColumn(name, "text", "") for name in columns))


def zone_url(workspace: Workspace, zone: str, department: str) -> str:
    return f"{workspace.lake_url}/{zone}/{department}"


def raw_table_glob(workspace: Workspace, department: str, source: str, table: str) -> str:
    """Every parquet file of one raw table (the pattern readers and dbt's external_location use)."""
    root = workspace.lake.rstrip("/").removeprefix("file://")
    return f"{root}/raw/{department}/{source}/{table}/*/*/*/*/*.parquet"


def partition_values(import_date: date) -> Mapping[str, str]:
    return {
        "import_year": f"{import_date:%Y}",
        "import_month": f"{import_date:%m}",
        "import_day": f"{import_date:%d}",
        "import_date": f"{import_date:%Y%m%d}",
    }


def raw_pipeline(
    workspace: Workspace, source: str, department: str, import_date: date, pipeline_name: str | None = None
) -> dlt.Pipeline:
    """A dlt pipeline writing `source`'s tables into the raw zone under this import's date partition.

    A source whose tables belong to several departments runs one pipeline per department (`pipeline_name`, each
    with its own state), all landing under raw/<department>/<source>/. An unreadable local state file (truncated,
    `{}`) is rebuilt from the copy of the state dlt lands in the lake with every load (see `_recover_state`)."""
    name = pipeline_name or source
    destination = filesystem(
        bucket_url=zone_url(workspace, "raw", department),
        layout=RAW_LAYOUT,
        extra_placeholders=dict(partition_values(import_date)),
        # Table names are contract names (plain identifiers), so '/' in the layout is a safe separator.
        warn_unsafe_layout_separators=False,
    )
    state_file = workspace.dlt_dir / name / STATE_FILE
    aside = _set_aside_if_unreadable(state_file)
    pipeline = dlt.pipeline(
        pipeline_name=name, destination=destination, dataset_name=source, pipelines_dir=str(workspace.dlt_dir)
    )
    if aside is not None:
        _recover_state(pipeline, state_file, aside)
    return pipeline


STATE_FILE = "state.json"  # dlt's local pipeline state (the cursor), beside its working folders


class PipelineStateLost(PlatformError):
    """dlt's local state was unreadable and the lake holds no copy to rebuild it from."""


def _set_aside_if_unreadable(state_file: Path) -> Path | None:
    """Move a state file dlt cannot read (truncated, `{}`, not JSON) aside, kept for the post-mortem."""
    try:
        state = json.loads(state_file.read_text())
    except FileNotFoundError:
        return None
    except (ValueError, UnicodeDecodeError):
        state = None
    if isinstance(state, dict) and "_state_engine_version" in state:
        return None
    # Beside the pipeline's folder, not in it: dlt wipes that folder when it restores the state from the lake.
    stamp = f"{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}"
    aside = state_file.parent.parent / f"{state_file.parent.name}.{STATE_FILE}.unreadable-{stamp}"
    state_file.rename(aside)
    return aside


def _recover_state(pipeline: dlt.Pipeline, state_file: Path, aside: Path) -> None:
    """Every load package carries the pipeline state, so the lake holds the state of the last load that landed:
    the cursor as of the data actually there (invariant 4). Restore it; if the lake has loads but no state, refuse
    (running on would plan a first full import over data already landed) and keep refusing until an operator acts."""
    pipeline.sync_destination()
    if pipeline.state.get("sources"):
        return
    with pipeline.destination_client() as client:
        landed = client.fs_client.exists(client.get_table_dir("_dlt_loads"))  # type: ignore[attr-defined]
        state_copies = client.get_table_dir("_dlt_pipeline_state")  # type: ignore[attr-defined]
    if not landed:
        return  # nothing ever landed: a first run is right
    state_file.parent.mkdir(parents=True, exist_ok=True)
    aside.replace(state_file)  # every later run finds it unreadable again and refuses again
    raise PipelineStateLost(
        f"dlt's state {state_file} is unreadable and the lake has loads but no copy of the state in "
        f"{state_copies}: restore either from backup (the lake's copy is written with every load), then run "
        "again; do not delete the state file, or the next run would import everything again."
    )
