"""A dbt command reuses the parse this process already made of the project with the same vars and target
(data_platform/dbt.py: parsed), and never a parse that anything it depends on has changed since: the dbt code,
profiles.yml, the vars, the target, the settings in the environment, or an environment variable the project read."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from dbt.constants import DEFAULT_ENV_PLACEHOLDER
from dbt.contracts.graph.manifest import Manifest

from core.workspace import Workspace
from data_platform import dbt


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A workspace over a small copy of the project: what the key reads, without a parse."""
    repo = Workspace.at(tmp_path).project_dir
    project = tmp_path / "project"
    project.mkdir()
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copyfile(repo / name, project / name)
    for folder in ("models/marts/housing", "macros/publish", "analyses"):
        shutil.copytree(repo / folder, project / folder)
    return Workspace(home=tmp_path / "home", lake=str(tmp_path / "lake"), project_dir=project)


def test_the_parse_key_follows_everything_a_parse_depends_on(workspace: Workspace, monkeypatch: pytest.MonkeyPatch):
    project = workspace.project_dir
    built = {"built_sources": ["housing_management"]}
    key = dbt.parse_key(workspace, built, "ci")
    assert dbt.parse_key(workspace, dict(built), "ci") == key, "the same project, vars and target: the same parse"
    assert dbt.parse_key(workspace, {**built, "trusted_staging": True}, "ci") != key
    assert dbt.parse_key(workspace, built, "dev") != key
    monkeypatch.setenv("DATA_PLATFORM_TARGET", "ci")
    assert dbt.parse_key(workspace, built, "ci") != key, "profiles.yml reads the default target from the environment"
    monkeypatch.delenv("DATA_PLATFORM_TARGET")
    assert dbt.parse_key(workspace, built, "ci") == key
    edits = [
        project / "models" / "marts" / "housing" / "households.sql",
        project / "macros" / "publish" / "publish_trusted.sql",
        project / "profiles.yml",
        project / "dbt_project.yml",
        next(path for path in (project / "analyses").rglob("*") if path.is_file()),
    ]
    for path in edits:
        path.write_text(path.read_text() + ("\n# changed\n" if path.suffix == ".yml" else "\n-- changed\n"))
        changed = dbt.parse_key(workspace, built, "ci")
        assert changed != key, f"{path.relative_to(project)} changed, yet the parse would be reused"
        key = changed


def test_a_parse_is_not_reused_once_an_environment_variable_it_read_changed(monkeypatch: pytest.MonkeyPatch):
    manifest = Manifest()
    manifest.env_vars = {"DATA_PLATFORM_CI_REF": "pr-1", "GITHUB_HEAD_REF": DEFAULT_ENV_PLACEHOLDER}
    monkeypatch.setenv("DATA_PLATFORM_CI_REF", "pr-1")
    monkeypatch.delenv("GITHUB_HEAD_REF", raising=False)
    assert dbt.env_unchanged(manifest)
    monkeypatch.setenv("GITHUB_HEAD_REF", "feature")  # read with its default when parsed: now it is set
    assert not dbt.env_unchanged(manifest)
    monkeypatch.delenv("GITHUB_HEAD_REF")
    monkeypatch.setenv("DATA_PLATFORM_CI_REF", "pr-2")
    assert not dbt.env_unchanged(manifest)


def test_a_reused_parse_gives_each_command_a_fresh_flat_graph(workspace: Workspace, monkeypatch: pytest.MonkeyPatch):
    """Macros keep what one invocation asked the warehouse in `graph` (macros/history/import_partitions.sql): a
    later command handed the same parse must ask again, not name an earlier day's import partitions. `show` always
    parses (its --inline query would join the manifest)."""
    manifest = Manifest()
    manifest.build_flat_graph()
    manifest.flat_graph["council_data_platform_import_partitions"] = {"tascomi 2025-09-10": {}}
    variables = {**dbt.workspace_vars(workspace), "built_sources": ["tascomi"]}
    monkeypatch.setitem(dbt._PARSED, dbt.parse_key(workspace, variables, "ci"), manifest)
    assert dbt.parsed(workspace, ("build",), [], variables, "ci") is manifest
    assert "council_data_platform_import_partitions" not in manifest.flat_graph and "nodes" in manifest.flat_graph
    assert dbt.parsed(workspace, ("show", "--inline", "select 1"), [], variables, "ci") is None
