"""Invariants 5 and 6, checked on what dbt actually built: every real column is described and classified,
and every model has a tested grain."""

from __future__ import annotations

from pathlib import Path

CLASSES = {"not_personal", "personal", "special_category"}


def documented_nodes(built: dict) -> list[dict]:
    nodes = built["manifest"]["nodes"].values()
    return [n for n in nodes if n["resource_type"] in ("model", "seed", "snapshot")]


def test_every_built_column_is_described_and_classified(built):
    problems = []
    for unique_id, entry in built["catalog"]["nodes"].items():
        node = built["manifest"]["nodes"][unique_id]
        declared = {name.lower(): col for name, col in node["columns"].items()}
        for column in entry["columns"]:
            declared_column = declared.get(column.lower())
            if declared_column is None or not declared_column["description"].strip():
                problems.append(f"{node['name']}.{column}: no description")
            elif (
                declared_column.get("config", {}).get("meta", declared_column["meta"]).get("classification")
                not in CLASSES
            ):
                problems.append(f"{node['name']}.{column}: no classification")
    assert not problems, "\n".join(problems)
    assert len(built["catalog"]["nodes"]) >= 20, "the catalogue should hold every model and seed"


def test_every_source_column_is_described_and_classified(built):
    for source in built["manifest"]["sources"].values():
        assert source["description"].strip(), source["name"]
        assert source["columns"], f"{source['name']}: no columns declared"
        for column in source["columns"].values():
            assert column["description"].strip(), f"{source['name']}.{column['name']}"
            assert column["config"]["meta"]["classification"] in CLASSES, f"{source['name']}.{column['name']}"


def test_every_model_has_a_tested_grain(built):
    manifest = built["manifest"]
    grain_tests = {"unique", "unique_combination_of_columns"}
    tested = {
        depends
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and (node.get("test_metadata") or {}).get("name") in grain_tests
        for depends in node["depends_on"]["nodes"]
    }
    untested = [
        n["name"] for n in documented_nodes(built) if n["resource_type"] == "model" and n["unique_id"] not in tested
    ]
    assert not untested, f"models without a grain test: {untested}"


def test_personal_columns_are_masked_outside_production_with_a_keyed_hash(built):
    """Masked values are neither the real values nor a plain hash of them (which a list of likely values reverses)."""
    import hashlib

    import duckdb

    database = built["result"].duckdb_file
    with duckdb.connect(str(database)) as con:
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
    with duckdb.connect(str(database)) as con:
        masked_nulls = con.execute(
            "select count(*) from planning_refined.stg_tascomi__contacts where telephone is null"
        ).fetchone()[0]
    raw_nulls = duckdb.sql(f"select count(*) from read_parquet('{raw}/**/*.parquet') where telephone is null")
    assert masked_nulls == raw_nulls.fetchone()[0] > 0, "a null stays null when masked, never one shared hash"


def test_freshness_is_measured_on_the_import_log_and_passes_right_after_an_import(built):
    """Change-only tables are often quiet (this small world has no appeals at all), so freshness asks whether
    imports ran, not whether records arrived."""
    from data_platform import dbt

    result = dbt.run_dbt(built["workspace"], "source", "freshness", quiet=True)
    statuses = {
        (r.node.source_name, r.node.name): str(r.status)
        for r in result.result.results
        if r.node.resource_type == "source"
    }
    from core.registry import load_registry

    assert statuses == {(name, "import_log"): "pass" for name in load_registry()}


def test_the_catalogue_front_page_lists_every_registered_source(built):
    from core.registry import load_registry

    overview = built["manifest"]["docs"]["doc.council_data_platform.__overview__"]["block_contents"]
    for entry in load_registry().values():
        assert entry.title in overview and f"ingestion/{entry.name}/contract/" in overview, entry.name


def test_every_model_lands_in_its_departments_database(built):
    """Schemas are per department and zone: a model's schema starts with its department (invariant of the layout:
    a housing model can never land in a planning database)."""
    wrong = []
    for node in built["manifest"]["nodes"].values():
        if node["resource_type"] != "model":
            continue
        department = (node["config"].get("meta") or {}).get("department")
        if not department or not node["schema"].startswith(f"{department}_"):
            wrong.append(f"{node['name']}: department {department}, schema {node['schema']}")
    assert not wrong, "\n".join(wrong)
