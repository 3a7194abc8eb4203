"""generate_schema_name per target: DuckDB and Athena prod <database>, Athena CI ci_<ref>_*, dev dev_<user>_*.

dbt unit tests cannot call macros, so each case runs `dbt run-operation print_schema_names` (macros/testing/) for a
target and environment and reads the JSON it prints. Offline: run-operation needs no warehouse connection.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).with_name("dbt"))
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


def _run(name: str, target: str, extra_env: dict[str, str], tmp: Path) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ENV_KEYS}
    env.update(extra_env, DBT_SEND_ANONYMOUS_USAGE_STATS="false", DATA_PLATFORM_HOME=str(tmp / "home"))
    args = json.dumps({"samples": list(ODD_REFS)})
    result = subprocess.run(
        [DBT, "--quiet", "run-operation", "print_schema_names", "--target", target, "--args", args]
        + ["--target-path", str(tmp / f"target_{name}"), "--log-path", str(tmp / f"logs_{name}")],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    line = next(line for line in result.stdout.splitlines() if line.startswith("schema-names: "))
    return json.loads(line.removeprefix("schema-names: "))


@pytest.fixture(scope="module")
def names(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    tmp = tmp_path_factory.mktemp("schema_names")
    (tmp / "home").mkdir()  # DuckDB targets open their file under DATA_PLATFORM_HOME
    with ThreadPoolExecutor(max_workers=3) as pool:
        futures = {name: pool.submit(_run, name, target, env, tmp) for name, (target, env) in CASES.items()}
        return {name: future.result() for name, future in futures.items()}


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
