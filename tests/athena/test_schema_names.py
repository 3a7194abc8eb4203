"""generate_schema_name per target: DuckDB and Athena prod <database>, Athena CI ci_<ref>_*, dev dev_<user>_*.

dbt unit tests cannot call macros, so each case runs `dbt run-operation print_schema_names` (macros/testing/) for a
target and environment, on one parsed manifest, and reads the JSON it prints. Offline: run-operation needs no
warehouse connection.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Iterator
from contextlib import contextmanager, redirect_stdout
from pathlib import Path
from typing import Any

import pytest
from dbt.cli.main import dbtRunner

REPO = Path(__file__).resolve().parents[2]
ODD_REFS = {
    "feature/Add-Fees!": "feature_add_fees",
    "  --Weird__Branch.Name-- ": "weird_branch_name",
    "dependabot/pip/dbt-core-1.11.16": "dependabot_pip_dbt_core_1_11_16",
    "ÜBER/straße": "ber_stra_e",
    "///": "unknown",
    "": "unknown",
    "x" * 60: "x" * 40,
    "a" * 39 + "-b": "a" * 39,
}
ENV_KEYS = ("DATA_PLATFORM_CI_REF", "GITHUB_HEAD_REF", "GITHUB_REF_NAME", "DATA_PLATFORM_USER", "USER")

CASES = {
    "dev": ("dev", {}),
    "ci": ("ci", {}),
    "prod": ("prod", {}),
    "ci_athena_ref": ("ci_athena", {"DATA_PLATFORM_CI_REF": "feature/Add-Fees!", "GITHUB_HEAD_REF": "ignored"}),
    "ci_athena_pr": ("ci_athena", {"GITHUB_HEAD_REF": "fix/Rejects-Table", "GITHUB_REF_NAME": "42/merge"}),
    "ci_athena_none": ("ci_athena", {}),
    "dev_athena": ("dev_athena", {"USER": "Alice.Smith"}),
    "dev_athena_override": ("dev_athena", {"USER": "root", "DATA_PLATFORM_USER": "bob", "GITHUB_REF_NAME": "main"}),
}


@contextmanager
def _environment(extra: dict[str, str], home: Path) -> Iterator[None]:
    """os.environ with the branch/user variables of one case only (restored after)."""
    saved = dict(os.environ)
    for key in ENV_KEYS:
        os.environ.pop(key, None)
    os.environ.update(extra, DBT_SEND_ANONYMOUS_USAGE_STATS="false", DATA_PLATFORM_HOME=str(home))
    try:
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)


@pytest.fixture(scope="module")
def parsed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path, list[str]]:
    """The project parsed once (dev target): its manifest, a scratch folder and the common dbt arguments."""
    tmp = tmp_path_factory.mktemp("schema_names")
    (tmp / "home").mkdir()  # DuckDB targets open their file under DATA_PLATFORM_HOME
    common = ["--project-dir", str(REPO), "--profiles-dir", str(REPO), "--target-path", str(tmp / "target")]
    with _environment({}, tmp / "home"):
        result = dbtRunner().invoke(["--quiet", "parse", *common])
    assert result.success, result.exception
    return result.result, tmp, common


@pytest.fixture(scope="module")
def names(parsed: tuple[Any, Path, list[str]]) -> dict[str, dict]:
    """Run the macro per case on the one parsed manifest: the names are computed when the macro runs (target and
    environment of the call), so one parse serves every case."""
    manifest, tmp, common = parsed
    samples = json.dumps({"samples": list(ODD_REFS)})
    results = {}
    for name, (target, env) in CASES.items():
        printed = io.StringIO()
        with _environment(env, tmp / "home"), redirect_stdout(printed):
            run = dbtRunner(manifest=manifest).invoke(
                ["--quiet", "run-operation", "print_schema_names", "--target", target, "--args", samples, *common]
            )
        assert run.success, (name, run.exception, printed.getvalue())
        line = next(line for line in printed.getvalue().splitlines() if line.startswith("schema-names: "))
        results[name] = json.loads(line.removeprefix("schema-names: "))
        assert results[name]["target"] == target
    return results


DATABASES = ["planning_refined", "planning_trusted", "platform_monitoring", "reference", "housing_trusted"]


def test_duckdb_and_prod_use_the_department_zone_database_as_is(names):
    for case, none in (("dev", "main"), ("ci", "main"), ("prod", "council_data_platform")):
        assert names[case]["schemas"] == {"__none__": none, **{d: d for d in DATABASES}}, case


def test_ci_athena_prefixes_with_sanitised_ref(names):
    schemas = names["ci_athena_ref"]["schemas"]
    assert schemas["planning_trusted"] == "ci_feature_add_fees_planning_trusted"
    assert schemas["housing_trusted"] == "ci_feature_add_fees_housing_trusted"
    assert schemas["__none__"] == "ci_feature_add_fees"
    # GITHUB_HEAD_REF (pull requests) before GITHUB_REF_NAME (pushes), then a fixed fallback.
    assert names["ci_athena_pr"]["schemas"]["planning_trusted"] == "ci_fix_rejects_table_planning_trusted"
    assert names["ci_athena_none"]["schemas"]["planning_refined"] == "ci_unknown_planning_refined"


def test_dev_athena_prefixes_with_user(names):
    assert names["dev_athena"]["schemas"]["planning_trusted"] == "dev_alice_smith_planning_trusted"
    assert names["dev_athena_override"]["schemas"]["planning_trusted"] == "dev_bob_planning_trusted"


def test_sanitising_odd_names(names):
    assert names["ci_athena_ref"]["sanitised"] == ODD_REFS


def test_every_athena_name_is_a_valid_glue_database(names):
    for case, result in names.items():
        for schema in result["schemas"].values():
            assert schema and len(schema) <= 255, (case, schema)
            assert schema == schema.lower() and set(schema) <= set("abcdefghijklmnopqrstuvwxyz0123456789_"), (
                case,
                schema,
            )


def test_hand_written_models_land_in_their_folders_department_database(parsed):
    """dbt_project.yml lists no department schema: intermediate/<department>/ and marts/<department>/ give it, for
    the departments of ingestion/registry.yml (sources' and contract tables')."""
    manifest = parsed[0]
    checked = 0
    for node in manifest.nodes.values():
        if node.resource_type != "model" or node.fqn[1] not in ("intermediate", "marts") or len(node.fqn) < 4:
            continue
        if node.fqn[2] == "monitoring":
            assert node.schema == "platform_monitoring", node.name
            continue
        zone = "refined" if node.fqn[1] == "intermediate" else "trusted"
        assert node.schema == f"{node.fqn[2]}_{zone}", (node.name, node.schema)
        checked += 1
    assert checked > 40  # every department's hand-written and generated models, not a handful
    assert "schema: planning_" not in (REPO / "dbt_project.yml").read_text()
