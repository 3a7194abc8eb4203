"""The nightly's steps are all inside the job: deploy/nightly.sh runs `data-platform nightly` and nothing else, and
the job knows which targets need the raw tables registered (Athena) from profiles.yml itself."""

from __future__ import annotations

from pathlib import Path

from core.workspace import Workspace
from data_platform import dbt

REPO = Path(__file__).resolve().parent.parent


def test_the_scheduled_command_is_the_job_alone():
    commands = [line for line in (REPO / "deploy" / "nightly.sh").read_text().splitlines()
                if line.strip() and not line.startswith(("#", "set "))]  # fmt: skip
    assert commands == ["exec data-platform nightly --target prod"]


def test_raw_table_registration_follows_the_targets_engine(tmp_path):
    workspace = Workspace.at(tmp_path)
    assert {t: dbt.target_type(workspace, t) for t in ("dev", "ci", "prod", "ci_athena", "dev_athena")} == {
        "dev": "duckdb", "ci": "duckdb", "prod": "athena", "ci_athena": "athena", "dev_athena": "athena"
    }  # fmt: skip
    assert dbt.target_type(workspace) == "duckdb", "no target: dev"
