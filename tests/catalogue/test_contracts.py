"""The tables exposures rest on keep their promise on DuckDB: built against the demo warehouse, a public model whose SQL
no longer returns what its enforced contract says fails before anything is written.
(The same change made in the YAML too is caught against main's manifest: tests/athena/test_athena_sql.py.)"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from core.masking_key import ENV_VAR
from tests.catalogue.test_masking_key import warehouse_copy
from tests.contract_change import COLUMN, MODEL, project_copy, retype_column

DBT = str(Path(sys.executable).with_name("dbt"))


def test_a_retyped_column_of_a_public_model_fails_its_build(built, tmp_path):
    node = built["manifest"]["nodes"][f"model.council_data_platform.{MODEL}"]
    assert node["access"] == "public" and node["config"]["contract"]["enforced"]
    assert node["columns"][COLUMN]["data_type"] == "integer"

    home = tmp_path / "home"
    home.mkdir()
    warehouse = warehouse_copy(built, home)
    project = project_copy(tmp_path / "project")
    retype_column(project)
    env = {**os.environ, ENV_VAR: built["masking_key"], "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    variables = {"platform_home": str(home), "lake_root": str(built["result"].lake)}
    command = [DBT, "run", "--select", MODEL, "--vars", json.dumps(variables), "--project-dir", str(project),
               "--profiles-dir", str(project), "--target-path", str(tmp_path / "target")]  # fmt: skip
    result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True, timeout=600)

    output = result.stdout + result.stderr
    assert warehouse.name == "dev.duckdb"
    assert result.returncode != 0, output[-3000:]
    assert "This model has an enforced contract that failed" in output, output[-3000:]
    assert f"| {COLUMN}" in output and "data type mismatch" in output, output[-3000:]
