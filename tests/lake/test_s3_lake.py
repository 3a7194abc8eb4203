"""The raw zone on an S3-compatible store: dlt lands to a real (moto) S3 endpoint, DuckDB builds from the bucket,
and the result equals the build from a local lake folder."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import boto3
import duckdb
import pytest

from core.workspace import Workspace
from data_platform import dbt
from ingestion.tascomi import ingest
from tests.conftest import FIRST_IMPORT, tascomi_settings

pytestmark = pytest.mark.slow  # a long module: started first (tests/conftest.py)

BUCKET = "council-lake"
# Import times, request URLs and build times differ between two runs by nature; everything else must match.
# Only Tascomi lands here: build its staging, histories and marts, and the monitoring that reads every source.
PLANNING = "+planning_applications+ +planning_officers +planning_fees planning_data_quality source_schema_drift"
RUN_SPECIFIC = {
    *("_source_imported_at", "_imported_at", "last_imported_at", "first_seen_at", "last_seen_at"),
    *("_source_ref", "_dlt_load_id", "_dlt_id", "built_at"),
}


@pytest.fixture
def s3_endpoint(monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    from moto.server import ThreadedMotoServer

    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "eu-west-2",
        "AWS_ENDPOINT_URL": endpoint,
        # a lake on S3 is real data as far as the platform knows: masking needs its key
        "DATA_PLATFORM_MASKING_KEY": "test-masking-key",
        # dlt's filesystem destination reads its credentials the dlt way
        "DESTINATION__FILESYSTEM__CREDENTIALS__AWS_ACCESS_KEY_ID": "testing",
        "DESTINATION__FILESYSTEM__CREDENTIALS__AWS_SECRET_ACCESS_KEY": "testing",
        "DESTINATION__FILESYSTEM__CREDENTIALS__REGION_NAME": "eu-west-2",
        "DESTINATION__FILESYSTEM__CREDENTIALS__ENDPOINT_URL": endpoint,
    }.items():
        monkeypatch.setenv(name, value)
    boto3.client("s3", endpoint_url=endpoint).create_bucket(
        Bucket=BUCKET, CreateBucketConfiguration={"LocationConstraint": "eu-west-2"}
    )
    try:
        yield endpoint
    finally:
        server.stop()


def relation_rows(database: Path) -> dict[str, list[tuple]]:
    tables: dict[str, list[tuple]] = {}
    with duckdb.connect(str(database)) as con:
        names = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ('planning_refined', 'planning_trusted', 'platform_monitoring') "
            "and table_type = 'BASE TABLE'"
        ).fetchall()
        for schema, table in names:
            columns = [c[0] for c in con.execute(f'describe "{schema}"."{table}"').fetchall()]
            kept = ", ".join(f'"{c}"' for c in columns if c not in RUN_SPECIFIC)
            tables[f"{schema}.{table}"] = con.execute(
                f'select {kept} from "{schema}"."{table}" order by all'
            ).fetchall()
    return tables


def test_build_from_the_bucket_equals_the_build_from_a_folder(tascomi_sandbox, tmp_path, s3_endpoint):
    workspaces = {
        "folder": Workspace.at(tmp_path / "folder"),
        "bucket": Workspace.at(tmp_path / "bucket", lake=f"s3://{BUCKET}"),
    }
    for n in range(4):
        today = FIRST_IMPORT + timedelta(days=n)
        tascomi_sandbox.set_today(today)
        for workspace in workspaces.values():
            ingest(tascomi_settings(tascomi_sandbox, today), workspace, progress=lambda _: None)

    keys = [
        o["Key"] for o in boto3.client("s3").list_objects_v2(Bucket=BUCKET, Prefix="raw/planning/tascomi/")["Contents"]
    ]
    assert any("/applications/import_year=2025/import_month=03/import_day=04/import_date=20250304/" in k for k in keys)
    assert not (tmp_path / "bucket" / "lake").exists(), "the bucket run must not write a local lake"

    built = {}
    for name, workspace in workspaces.items():
        dbt.build(workspace, target="ci", select=PLANNING, quiet=True)
        built[name] = relation_rows(workspace.duckdb_path("ci"))
    assert built["folder"]["planning_trusted.planning_applications"], "nothing was built"
    assert built["bucket"] == built["folder"]
