"""The contracts: what the sandbox (the vendor) serves agrees with our contract, drift is noticed and breaks nothing,
and a column without a classification is refused everywhere (invariant 5)."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import duckdb
import pytest

from core.contract import load_table
from core.errors import ContractError
from core.registry import source_entry
from tests.conftest import FIRST_IMPORT, tascomi_settings

REPO = Path(__file__).resolve().parent.parent
DBT = str(Path(sys.executable).with_name("dbt"))


def served_columns(world, table: str) -> set[str]:
    keys: set[str] = set()
    for record in world.records(table):
        keys |= set(record)
    return keys


def test_the_sandbox_serves_exactly_the_contract():
    """The sandbox keeps its own copy of the vendor's schema; a drift in either copy fails here."""
    from sandbox.tascomi.world import TascomiWorld

    world = TascomiWorld(seed=7, start_date=FIRST_IMPORT, initial_applications=300)
    world.advance_to(FIRST_IMPORT + timedelta(days=10))  # busy enough that every table has records
    contract = source_entry("tascomi").contract().tables
    assert set(world.tables) == set(contract), "tables the vendor serves vs tables the contract pulls"
    for name, table in contract.items():
        served = served_columns(world, name)
        assert served, f"{name}: nothing served, the comparison would be empty"
        declared = set(table.column_names) | set(table.dropped)
        assert served - declared == set(), f"{name}: served but not in the contract"
        assert declared - served == set(), f"{name}: in the contract but never served"


def test_a_contract_column_without_a_classification_is_refused(tmp_path):
    contract = tmp_path / "wards.yml"
    text = (REPO / "ingestion" / "tascomi" / "contract" / "wards.yml").read_text()
    contract.write_text(text.replace("{name: code, type: text, class: not_personal,", "{name: code, type: text,"))
    with pytest.raises(ContractError, match="code: classification None"):
        load_table(contract, "tascomi", "planning")


def test_a_model_column_without_one_classification_tag_fails_the_build(tmp_path):
    """One dbt run, four faults the governance macro must each name: a column's class tag removed, one tagged with a
    value that is no class, one with two classes, one still carrying the retired meta.classification (which it must
    not read)."""
    project = tmp_path / "project"
    shutil.copytree(REPO, project, ignore=shutil.ignore_patterns(".venv", ".git", "local", "target", "tests", "logs"))
    models = project / "models" / "marts" / "planning" / "_planning__models.yml"
    text = models.read_text()
    faults = {
        "fee_amount": "config: {meta: {owner: planning}}",
        "is_marked_paid": "config: {tags: [public]}",
        "is_fee_exempt": "config: {meta: {classification: not_personal}}",
        "payment_count": "config: {tags: [not_personal, personal]}",
    }
    for column, fault in faults.items():
        marker = f"      - name: {column}\n"
        start = text.index(marker)
        end = text.index("      - name:", start + len(marker))
        block = text[start:end].replace("config: {tags: [not_personal]}", fault)
        assert block != text[start:end], f"the class tag of {column} was not found to change"
        text = text[:start] + block + text[end:]
    models.write_text(text)
    (tmp_path / "home").mkdir()  # DuckDB creates its file, not the folder
    env = {**os.environ, "DBT_SEND_ANONYMOUS_USAGE_STATS": "false", "DATA_PLATFORM_HOME": str(tmp_path / "home")}
    command = [DBT, "run-operation", "require_classifications", "--project-dir", str(project)]
    result = subprocess.run(
        [*command, "--profiles-dir", str(project)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
    )
    assert result.returncode != 0
    output = result.stdout + result.stderr
    assert "planning_fees.fee_amount (tags: none)" in output
    assert "planning_fees.is_marked_paid (tags: public)" in output
    assert "planning_fees.is_fee_exempt (meta.classification not_personal is no longer read" in output
    # dbt keeps a column's tags as a set: their order varies from one run to the next
    assert re.search(r"planning_fees\.payment_count \(tags: (not_personal, personal|personal, not_personal)\)", output)
    assert output.count("model planning_fees.") == 4, "a column with its one class tag was named"


def test_a_column_the_vendor_adds_lands_is_reported_and_breaks_nothing(tascomi_sandbox, workspace):
    from data_platform import dbt
    from ingestion.tascomi import ingest
    from sandbox.faults import ALWAYS, FaultProxy, mutate_records

    def add_column(records):
        for record in records:
            record["biodiversity_net_gain_units"] = "4"

    with FaultProxy(tascomi_sandbox.base_url) as proxy:
        proxy.add(mutate_records(add_column), path="applications", present=["page"], times=ALWAYS)

        class Endpoint:
            base_url, public_key, private_key = proxy.base_url, tascomi_sandbox.public_key, tascomi_sandbox.private_key

        reports = []
        for n in range(2):
            tascomi_sandbox.set_today(FIRST_IMPORT + timedelta(days=n))
            settings = tascomi_settings(Endpoint, FIRST_IMPORT + timedelta(days=n))
            reports.append(ingest(settings, workspace, progress=lambda _: None))
    assert reports[0].drift == {"applications": ["biodiversity_net_gain_units"]}
    raw = Path(workspace.lake) / "raw" / "planning" / "tascomi" / "applications"
    values = duckdb.sql(f"select distinct biodiversity_net_gain_units from read_parquet('{raw}/**/*.parquet')")
    assert values.fetchall() == [("4",)], "the new column lands in raw as received"
    dbt.build(workspace, target="ci", select="stg_tascomi__applications source_schema_drift", quiet=True)
    with duckdb.connect(str(workspace.duckdb_path("ci"))) as con:
        drift = con.execute(
            "select source_table, column_name, drift from platform_monitoring.source_schema_drift "
            "where drift = 'in raw, not in the contract'"
        ).fetchall()
    assert drift == [("applications", "biodiversity_net_gain_units", "in raw, not in the contract")]
