"""A dbt command reuses the parse this process already made of the project with the same vars and target
(data_platform/dbt.py: parsed), and never a parse that anything it depends on has changed since: the dbt code,
profiles.yml, the vars, the target, the settings in the environment, or an environment variable the project read.
Where the workspace is (its home and lake) is not one of them: a reused parse is bound to the command's lake."""

from __future__ import annotations

import json
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
    elsewhere = Workspace(home=workspace.home / "other", lake="s3://bucket/lake", project_dir=project)
    assert dbt.parse_key(elsewhere, {**built, **dbt.workspace_vars(elsewhere)}, "ci") == key, "another workspace"
    monkeypatch.setenv("DATA_PLATFORM_HOME", str(elsewhere.home))
    monkeypatch.setenv("DATA_PLATFORM_LAKE", elsewhere.lake)
    assert dbt.parse_key(workspace, built, "ci") == key, "the workspace settings reach dbt as vars only"
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
    kept = dbt.LakeBoundParse(manifest, str(variables["lake_root"]))
    monkeypatch.setitem(dbt._PARSED, dbt.parse_key(workspace, variables, "ci"), kept)
    assert dbt.parsed(workspace, ("build",), [], variables, "ci") is manifest
    assert "council_data_platform_import_partitions" not in manifest.flat_graph and "nodes" in manifest.flat_graph
    assert dbt.parsed(workspace, ("show", "--inline", "select 1"), [], variables, "ci") is None


def test_one_parse_serves_every_workspace_and_each_reads_its_own_lake(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The project parsed for one workspace, then handed to a command of another: no second parse, every source
    reads the second lake, and nothing in the parse (the manifest dbt writes from it) names the first workspace's
    home or lake, a node compiled there included. Fails if anything new renders a workspace's place at parse time."""
    first, second = Workspace.at(tmp_path / "first"), Workspace.at(tmp_path / "second", lake="s3://bucket/prefix")
    parses: list[list[str]] = []

    class CountingRunner(dbt.dbtRunner):
        def invoke(self, args: list[str], **kwargs: object) -> dbt.dbtRunnerResult:
            parses.append(args)
            return super().invoke(args, **kwargs)

    monkeypatch.setattr(dbt, "dbtRunner", CountingRunner)
    monkeypatch.setattr(dbt, "_PARSED", dbt.OrderedDict())

    def parsed(workspace: Workspace) -> Manifest:
        variables = {**dbt.workspace_vars(workspace), "built_sources": ["tascomi", "academy"]}
        manifest = dbt.parsed(workspace, ("build",), dbt.common_args(workspace, variables, "ci"), variables, "ci")
        assert manifest is not None
        return manifest

    manifest = parsed(first)
    lake_sources = [source for source in manifest.sources.values() if source.config.get("external_location")]
    assert lake_sources and all(first.lake in source.relation_name for source in lake_sources)
    staging = manifest.nodes["model.council_data_platform.stg_tascomi__applications"]
    staging.compiled, staging.compiled_code = True, f"select * from read_parquet('{first.lake}/raw/x.parquet')"

    assert parsed(second) is manifest and len(parses) == 1, "the second workspace parsed the project again"
    written = json.dumps(manifest.writable_manifest().to_dict(omit_none=False))
    for place in (str(first.home), first.lake):
        assert place not in written, f"the parse handed to the second workspace still names {place}"
    for source in lake_sources:
        for location in (source.relation_name, source.config["external_location"]):
            assert location.startswith(f"read_parquet('{second.lake}/raw/"), location
