"""The Playbook's "your first model", followed literally on a demo build: five actions, each must succeed, and the
result is a built, tested, documented, classified, linted model (benchmarks/analyst_loop.py times the same walk)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow  # a long module: started first (tests/conftest.py)

spec = importlib.util.spec_from_file_location("playbook_walk", Path(__file__).parents[1] / "docs" / "playbook_walk.py")
walk = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = walk  # dataclasses look their module up there
spec.loader.exec_module(walk)


def test_a_new_analyst_adds_a_model_in_five_actions_following_the_playbook(built, tmp_path):
    actions = walk.actions()
    assert len(actions) == 5, [a.name for a in actions]
    project = walk.copy_project(tmp_path / "clone")
    # A private copy of the demo's warehouse: the shared one stays as the other catalogue tests read it.
    home = walk.copy_workspace(built["workspace"].home, tmp_path / "home")
    env = walk.environment(project, home, built["result"].lake)

    results = [walk.run(action, project, env) for action in actions]
    for result in results:
        assert result.returncode == 0, f"{result.action.name}:\n{result.output}"
    scaffold, edit, build, check, lint = results
    assert "models/marts/planning/_planning_decisions_by_ward.yml" in scaffold.output
    assert set(edit.action.files) == {
        "models/marts/planning/planning_decisions_by_ward.sql",
        "models/marts/planning/_planning_decisions_by_ward.yml",
    }
    assert "governance: ok" in check.output
    assert "2 changed file(s)" in lint.output and "sqlfluff" in lint.output
    with duckdb.connect(str(home / "dev.duckdb"), read_only=True) as con:
        wards, applications = con.execute(
            "select count(*), sum(applications) from planning_trusted.planning_decisions_by_ward"
        ).fetchone()
        expected = con.execute(
            "select count(distinct coalesce(ward_name, 'unknown')), count(*) "
            "from planning_trusted.planning_applications where not is_ceased"
        ).fetchone()
        statuses = [
            row[0]
            for row in con.execute(
                "select status from platform_monitoring.published_builds order by coalesce(published_at, built_at)"
            ).fetchall()
        ]
    assert (wards, applications) == expected and applications > 0
    # The selected build published its own model only; the last whole build stays the live one.
    assert statuses[-1] == "published selection" and "published" in statuses[:-1]


def test_check_names_what_the_scaffold_leaves_to_fill(built, tmp_path):
    """Right after `new model`, before the edit, the check fails and names the model's TODO description."""
    project = walk.copy_project(tmp_path / "clone")
    home = tmp_path / "home"
    home.mkdir()
    env = walk.environment(project, home, built["result"].lake)
    scaffold, *_ = walk.actions()
    assert walk.run(scaffold, project, env).returncode == 0
    check = walk.Action("check", [".venv/bin/data-platform check"], {})
    result = walk.run(check, project, env)
    assert result.returncode == 1
    assert "planning_decisions_by_ward: no description" in result.output
