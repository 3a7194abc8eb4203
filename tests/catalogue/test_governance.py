"""Invariants 5 and 6, checked on what dbt actually built: every real column is described and classified,
and every model has a tested grain."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from data_platform import check

pytestmark = pytest.mark.slow  # a long module: started first (tests/conftest.py)


def built_columns(built: dict) -> dict[str, list[str]]:
    """The columns the catalogue found in the warehouse, per node."""
    return {unique_id: list(entry["columns"]) for unique_id, entry in built["catalog"]["nodes"].items()}


def test_every_built_column_is_described_and_classified(built):
    """The same check `data-platform check` runs, here on the catalogue of a whole demo build."""
    problems = check.column_problems(built["manifest"], built_columns(built))
    assert not problems, "\n".join(problems)
    assert len(built["catalog"]["nodes"]) >= 20, "the catalogue should hold every model and seed"


def test_every_unit_test_passed_in_the_whole_build(built):
    """The unit tests test the code, not the data: this whole build runs each of them, and the end-to-end tests'
    builds of their own worlds leave them out (tests/e2e) rather than run the same ones again."""
    ran = {r["unique_id"]: r["status"] for r in built["build_results"]["results"] if r["unique_id"].startswith("unit_")}
    assert ran and set(ran) == set(built["manifest"]["unit_tests"]), "every unit test of the project ran"
    assert {name for name, status in ran.items() if status != "pass"} == set()


def test_every_source_column_is_described_and_classified(built):
    problems = check.source_problems(built["manifest"])
    assert not problems, "\n".join(problems)


def test_every_model_has_a_tested_grain(built):
    problems = check.grain_problems(built["manifest"])
    assert not problems, "\n".join(problems)


def test_every_trusted_model_has_an_owner(built):
    problems = check.owner_problems(built["manifest"])
    assert not problems, "\n".join(problems)


def test_personal_columns_are_masked_outside_production_with_a_keyed_hash(built):
    """Masked values are neither the real values nor a plain hash of them (which a list of likely values reverses)."""
    import hashlib

    import duckdb

    from data_platform.dbt import connect_duckdb

    with connect_duckdb(built["workspace"], key=built["masking_key"]) as con:
        masked = con.execute(
            "select forename, dtf_location_id from planning_refined.stg_tascomi__contacts where forename is not null"
        ).fetchall()
    raw = Path(built["result"].lake) / "raw" / "planning" / "tascomi" / "contacts"
    served = duckdb.sql(f"select forename, dtf_location_id from read_parquet('{raw}/**/*.parquet')").fetchall()
    assert masked and served
    real = {value for row in served for value in row if value is not None}
    plain = {hashlib.md5(v.encode()).hexdigest() for v in real} | {hashlib.sha256(v.encode()).hexdigest() for v in real}
    shown = {value for row in masked for value in row if value is not None}
    assert not shown & real, "dev must never show a real forename or a contact's address id"
    assert not shown & plain, "a plain (unkeyed) hash can be reversed from a list of likely values"
    with connect_duckdb(built["workspace"], key=built["masking_key"]) as con:
        masked_nulls = con.execute(
            "select count(*) from planning_refined.stg_tascomi__contacts where telephone is null"
        ).fetchone()[0]
    raw_nulls = duckdb.sql(f"select count(*) from read_parquet('{raw}/**/*.parquet') where telephone is null")
    assert masked_nulls == raw_nulls.fetchone()[0] > 0, "a null stays null when masked, never one shared hash"


def test_freshness_is_measured_on_the_import_log_and_passes_right_after_an_import(built):
    """Change-only tables are often quiet (this small world has no appeals at all), so freshness asks whether
    imports ran, not whether records arrived."""
    from data_platform import dbt
    from tests.conftest import as_built

    # The target and vars of the demo's docs step, which measured freshness too: its parse is reused
    workspace = built["workspace"]
    result = dbt.run_dbt(
        workspace, "source", "freshness", target=built["result"].target, quiet=True, extra_vars=as_built(workspace)
    )
    statuses = {
        (r.node.source_name, r.node.name): str(r.status)
        for r in result.result.results
        if r.node.resource_type == "source"
    }
    from core.registry import load_registry

    assert statuses == {(name, "import_log"): "pass" for name in load_registry()}
    # the nightly reads this verdict (written for the catalogue) instead of measuring freshness a second time
    from data_platform.jobs import freshness_line

    verdict = json.loads((built["workspace"].dbt_target_dir / "sources.json").read_text())
    assert freshness_line(verdict) == "PASS"
    verdict["results"][0]["status"] = "error"
    late = verdict["results"][0]["unique_id"].split(".", 2)[-1]
    assert freshness_line(verdict) == f"ALERT, late or unreadable: {late} error" and "." in late


def test_the_catalogue_front_page_lists_every_registered_source(built):
    from core.registry import load_registry

    overview = built["manifest"]["docs"]["doc.council_data_platform.__overview__"]["block_contents"]
    for entry in load_registry().values():
        assert entry.title in overview and f"ingestion/{entry.name}/contract/" in overview, entry.name


def test_every_model_lands_in_its_departments_database(built):
    """Schemas are per department and zone: a model's schema starts with its department (invariant of the layout:
    a housing model can never land in a planning database)."""
    problems = check.department_problems(built["manifest"])
    assert not problems, "\n".join(problems)
