"""The raw zone: append-only files, one partition per import day, never rewritten.

Layout (local folder or s3://): {lake}/raw/{department}/{dataset}/{table}/import_year=YYYY/import_month=MM/
import_day=DD/import_date=YYYYMMDD/{load_id}.{file_id}.parquet, the council's partition convention.
"""

from __future__ import annotations

from datetime import date

import dlt
from dlt.destinations import filesystem

from data_platform.paths import lake_root, local_home

RAW_LAYOUT = (
    "{table_name}/import_year={import_year}/import_month={import_month}/import_day={import_day}/"
    "import_date={import_date}/{load_id}.{file_id}.{ext}"
)


def zone_url(zone: str, department: str, lake: str | None = None) -> str:
    root = (lake or lake_root()).rstrip("/")
    if "://" not in root:
        root = f"file://{root}"
    return f"{root}/{zone}/{department}"


def raw_pipeline(name: str, department: str, dataset: str, import_date: date, lake: str | None = None) -> dlt.Pipeline:
    """A dlt pipeline writing to the raw zone, with this import's date partition."""
    destination = filesystem(
        bucket_url=zone_url("raw", department, lake),
        layout=RAW_LAYOUT,
        extra_placeholders={
            "import_year": f"{import_date:%Y}",
            "import_month": f"{import_date:%m}",
            "import_day": f"{import_date:%d}",
            "import_date": f"{import_date:%Y%m%d}",
        },
    )
    return dlt.pipeline(
        pipeline_name=name,
        destination=destination,
        dataset_name=dataset,
        pipelines_dir=str(local_home() / "dlt"),
    )
