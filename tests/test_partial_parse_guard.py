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


def test_each_set_of_vars_finds_its_own_saved_parse(workspace: Workspace):
    """dbt keeps one saved parse and parses whole when the vars differ (the nightly build's and the catalogue's do);
    run_dbt keeps one per set of vars and puts it in place before each command."""
    live = workspace.dbt_target_dir / dbt.PARTIAL_PARSE
    build_vars, docs_vars = {"trusted_staging": True}, {}
    for_build, for_docs = dbt.saved_parse(workspace, build_vars, "ci"), dbt.saved_parse(workspace, docs_vars, "ci")
    assert for_build != for_docs and dbt.saved_parse(workspace, dict(build_vars), "ci") == for_build
    assert dbt.saved_parse(workspace, build_vars, "dev") != for_build, "a parse is saved per target too"

    def command(saved: Path, dbt_saves: bytes | None) -> None:
        """One dbt command as run_dbt runs it: dbt saves its parse (a partial or whole parse) or saves none (given
        this process's parse)."""
        dbt.use_saved_parse(workspace, saved)
        if dbt_saves is not None:
            live.parent.mkdir(parents=True, exist_ok=True)
            live.write_bytes(dbt_saves)
        dbt.keep_saved_parse(workspace, saved)

    command(for_build, b"parsed with the build's vars")
    command(for_docs, None)
    assert not for_docs.exists(), "a command that saved nothing does not keep the other vars' parse as its own"
    command(for_docs, b"parsed with the docs' vars")
    assert for_docs.read_bytes() == b"parsed with the docs' vars"
    dbt.use_saved_parse(workspace, for_build)
    assert live.read_bytes() == b"parsed with the build's vars", "the next build starts from the build's own parse"
    dbt.use_saved_parse(workspace, for_docs)
    assert live.read_bytes() == b"parsed with the docs' vars"

    schema = next(workspace.project_dir.glob("models/marts/housing/*.yml"))
    schema.write_text(schema.read_text() + "\n# an edit\n")
    dbt.forget_partial_parse_after_schema_change(workspace)
    assert not for_build.exists() and not for_docs.exists() and not live.exists(), "a schema edit forgets them all"
