"""`data-platform new-source`: what it scaffolds builds with no further edit. In a copy of the project, a new source
in a new department is scaffolded, its stub sandbox replays days of change, its connector lands them, and dbt builds
its staging and history (with their tests); the history's current state is what the stub last served."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb

REPO = Path(__file__).resolve().parent.parent
COPIED = ("core", "data_platform", "ingestion", "sandbox", "models", "macros", "seeds", "snapshots", "analyses",
          "dbt_project.yml", "profiles.yml", ".dlt")  # fmt: skip

REPLAY = """
import json
from datetime import date, timedelta
from core.registry import source_entry
from core.workspace import Workspace
from data_platform import dbt
from data_platform.sources import connector, sandbox

workspace = Workspace.from_environment().ensure()
entry = source_entry("parking")
source, stand_by = connector(entry), sandbox(entry)
first = date(2025, 3, 3)
with stand_by.demo(7, first, workspace.home / "sandbox") as stand_in:
    for offset in range(5):
        day = first + timedelta(days=offset)
        stand_in.advance(day)
        source.ingest(source.load_settings(**stand_in.settings(), today=day), workspace, progress=lambda _: None)
    truth = {}
    for version in stand_in.world.versions:
        if version["last_updated"] < str(day):  # files of the days before the last import day have landed
            truth[version["record_id"]] = version["status"]
result = dbt.build(workspace, select="stg_parking__records int_parking__records_history", quiet=True)
print(json.dumps({"truth": truth, "outcome": dbt.outcome(result), "success": result.success}))
"""


def test_a_scaffolded_source_builds_from_its_sandbox_with_no_further_edit(tmp_path):
    project = tmp_path / "project"
    for name in COPIED:
        copy = shutil.copytree if (REPO / name).is_dir() else shutil.copy
        copy(REPO / name, project / name)
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("SOURCES__", "DATA_PLATFORM_"))},
           "DATA_PLATFORM_PROJECT_DIR": str(project), "DATA_PLATFORM_HOME": str(tmp_path / "home"),
           "PYTHONPATH": str(project)}  # fmt: skip
    command = [sys.executable, "-m", "data_platform.cli"]
    made = subprocess.run([*command, "new-source", "parking", "--department", "parking"], cwd=project, env=env,
                          capture_output=True, text=True, timeout=300)  # fmt: skip
    assert made.returncode == 0, made.stderr
    assert "wrote models/intermediate/parking/generated/int_parking__records_history.sql" in made.stdout
    assert subprocess.run([*command, "generate", "--check"], cwd=project, env=env).returncode == 0
    # what the scaffold and the generator wrote passes the repository's yamllint (`make test`) as it is
    written = ["ingestion/registry.yml", "ingestion/parking", "models/staging/parking", "models/intermediate/parking"]
    lint = subprocess.run([str(Path(sys.executable).with_name("yamllint")), "-c", str(REPO / ".yamllint"), *written],
                          cwd=project, capture_output=True, text=True)  # fmt: skip
    assert lint.returncode == 0, lint.stdout

    replay = subprocess.run([sys.executable, "-c", REPLAY], cwd=project, env=env, capture_output=True, text=True,
                            timeout=900)  # fmt: skip
    assert replay.returncode == 0, replay.stderr[-3000:]
    outcome = json.loads(replay.stdout.strip().splitlines()[-1])
    assert outcome["success"], outcome["outcome"]

    with duckdb.connect(str(tmp_path / "home" / "dev.duckdb"), read_only=True) as con:
        schema = con.execute(
            "select table_schema from information_schema.tables where table_name = 'int_parking__records_history'"
        ).fetchone()[0]
        assert schema.endswith("parking_refined"), "the new department's schema comes from the registry"
        current = dict(con.execute(f'select record_id, status from "{schema}".int_parking__records_history '
                                   "where is_current").fetchall())  # fmt: skip
    assert current == outcome["truth"] and len(current) == 20
