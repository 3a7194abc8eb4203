"""dbt's saved parse (target/partial_parse.msgpack) is kept only while the schema YAML is the one it was saved from
(data_platform/dbt.py: forget_partial_parse_after_schema_change): dbt partial-parsing a saved parse after the
generated YAML changed lost a source and failed the build. An SQL edit keeps it, so an analyst's loop stays fast."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from core.workspace import Workspace
from data_platform import dbt


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A workspace over a small copy of the project, with a saved parse in its target folder."""
    repo = Workspace.at(tmp_path).project_dir
    project = tmp_path / "project"
    project.mkdir()
    shutil.copyfile(repo / "dbt_project.yml", project / "dbt_project.yml")
    shutil.copytree(repo / "models/marts/housing", project / "models/marts/housing")
    return Workspace(home=tmp_path / "home", lake=str(tmp_path / "lake"), project_dir=project)


def saved_parse(workspace: Workspace) -> Path:
    saved = workspace.dbt_target_dir / dbt.PARTIAL_PARSE
    saved.parent.mkdir(parents=True, exist_ok=True)
    saved.write_bytes(b"a parse dbt saved")
    return saved


def test_a_saved_parse_is_forgotten_when_the_schema_yaml_changes_and_kept_otherwise(workspace: Workspace):
    project = workspace.project_dir
    saved = saved_parse(workspace)
    dbt.forget_partial_parse_after_schema_change(workspace)
    assert not saved.exists(), "a parse saved before the platform recorded its schema files is not trusted"

    saved = saved_parse(workspace)
    dbt.forget_partial_parse_after_schema_change(workspace)
    assert saved.exists(), "the same schema files: dbt's partial parsing goes on"

    model = next(project.glob("models/marts/housing/*.sql"))
    model.write_text(model.read_text() + "\n-- an analyst's edit\n")
    dbt.forget_partial_parse_after_schema_change(workspace)
    assert saved.exists(), "an SQL edit keeps the saved parse (dbt re-parses that file itself)"

    schema = next(project.glob("models/marts/housing/*.yml"))
    schema.write_text(schema.read_text().replace("description:", "description: Changed.", 1))
    dbt.forget_partial_parse_after_schema_change(workspace)
    assert not saved.exists(), "a schema YAML edit: the next command parses the project whole"

    saved = saved_parse(workspace)
    (project / "dbt_project.yml").write_text((project / "dbt_project.yml").read_text() + "\n# a comment\n")
    dbt.forget_partial_parse_after_schema_change(workspace)
    assert not saved.exists(), "dbt_project.yml is a schema file too"
