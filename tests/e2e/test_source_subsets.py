"""A council that runs only some sources: each registered source is landed alone (one sandbox day) into its own lake,
and the whole project is built and published as `data-platform build` does. The other sources are left out with one
line each (never imported), the build publishes, the source's own trusted tables and the monitoring models are live,
and the catalogue leaves the others out. A fresh home builds nothing and says so in one line; a source switched off in
the registry is left out like one never imported.

One test lands the sources in turn (not a parametrised test per source): one sandbox day each keeps it lean."""

from __future__ import annotations

import json
import re
import shutil
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from core.registry import load_registry, source_entry
from core.workspace import Workspace
from data_platform import dbt
from data_platform.built_sources import NOTHING_IMPORTED, NothingImported, built_sources
from data_platform.cli import main
from data_platform.sources import connector, sandbox

pytestmark = pytest.mark.slow

# The last Tuesday and Wednesday: the housing extract drops the day before's changes, so its first file lands on day
# two; contractors' exports come on weekdays; recent days keep the housing sandbox's world short (it simulates from
# the first day to today).
_WEDNESDAY = date.today() - timedelta(days=(date.today().weekday() - 2) % 7 or 7)
DAYS = (_WEDNESDAY - timedelta(days=2), _WEDNESDAY - timedelta(days=1), _WEDNESDAY)
# Small worlds where a sandbox takes a size: the point is that each source alone builds, not its volume.
SMALL = {"tascomi": {"initial_applications": 40}, "academy": {"accounts": 60}}
# The trusted tables each source alone must publish (a few, not all: the point is the build runs and publishes).
OWN_TABLES = {
    "tascomi": ["planning_trusted.planning_applications", "platform_monitoring.planning_data_quality"],
    "academy": ["revenues_trusted.council_tax_accounts"],
    "repairs": ["housing_trusted.repair_value_rejects"],
    # households and residents place homes through the gazetteer too: alone, the histories are what it feeds
    "housing_management": ["housing_trusted.households_history", "housing_trusted.residents_history"],
    "gazetteer": [],
}


def land_alone(name: str, workspace: Workspace) -> None:
    entry = source_entry(name)
    source = connector(entry)
    with sandbox(entry).demo(3, DAYS[0], workspace.home / "sandbox", **SMALL.get(name, {})) as stand_in:
        stand_in.advance(DAYS[0])  # the gazetteer's first file comes on its start day, picked up on the next import
        for day in DAYS[1:]:
            stand_in.advance(day)
            source.ingest(source.load_settings(**stand_in.settings(), today=day), workspace, lambda _: None)


def live_tables(database: Path) -> set[str]:
    with duckdb.connect(str(database)) as con:  # dbt-duckdb may still hold it open in this process
        rows = con.execute(
            "select table_schema || '.' || table_name from information_schema.tables "
            "where ends_with(table_schema, '_trusted') or table_schema = 'platform_monitoring'"
        ).fetchall()
    return {row[0] for row in rows}


def test_fresh_home_says_nothing_imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    monkeypatch.setenv("DATA_PLATFORM_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DATA_PLATFORM_LAKE", raising=False)
    assert main(["build"]) == 2
    out, err = capsys.readouterr()
    assert err.strip() == f"error: {NOTHING_IMPORTED}"
    assert len(out.splitlines()) == len(load_registry()), "one line per left-out source, nothing else"
    assert "No files found" not in out + err


def test_a_switched_off_source_is_left_out(tmp_path: Path):
    project = tmp_path / "project"
    (project / "ingestion").mkdir(parents=True)
    registry = (Workspace.at(tmp_path).project_dir / "ingestion" / "registry.yml").read_text()
    switched = re.sub(r"(\n  tascomi:\n)", r"\1    enabled: false\n", registry)
    (project / "ingestion" / "registry.yml").write_text(switched)
    workspace = Workspace(home=tmp_path / "home", lake=str(tmp_path / "lake"), project_dir=project)
    found = built_sources(workspace)
    assert found.left_out["tascomi"] == "switched off in ingestion/registry.yml"
    assert set(found.left_out) == set(load_registry()), "nothing imported: every other source is left out too"
    with pytest.raises(NothingImported):
        found.require_some()


def test_each_source_alone_builds_and_publishes(tmp_path: Path):
    registry = load_registry()
    assert set(OWN_TABLES) == set(registry), "every registered source is built alone here"
    for name in registry:
        workspace = Workspace.at(tmp_path / name)
        land_alone(name, workspace)
        lines: list[str] = []
        _, published = dbt.build_and_publish(workspace, target="ci", quiet=True, progress=lines.append)
        assert published.published, f"{name} alone: {published.outcome}"
        assert lines == [
            f"{other}: left out of the build and the catalogue (never imported)" for other in registry if other != name
        ]
        live = live_tables(workspace.duckdb_path("ci"))
        expected = {*OWN_TABLES[name], "platform_monitoring.source_rejects", "platform_monitoring.published_builds"}
        assert expected <= live, f"{name} alone did not publish {sorted(expected - live)}"
        if name != "tascomi":
            assert "planning_trusted.planning_applications" not in live
        if name == "tascomi":  # the catalogue of a one-source borough: only what was built, and which build is live
            page = dbt.docs(workspace, target="ci", quiet=True, progress=lambda _: None)
            manifest = inlined_manifest(page)
            sources = {found["source_name"] for found in manifest["sources"].values()}
            assert sources == {"tascomi"}
            assert not any(key.startswith("model.council_data_platform.stg_academy") for key in manifest["nodes"])
            overview = manifest["docs"]["doc.council_data_platform.__overview__"]["block_contents"]
            assert f"Live trusted zone:** {published.build_id}" in overview
            assert "`academy` (never imported)" in overview
        shutil.rmtree(workspace.home)  # one source's lake and DuckDB file at a time


def inlined_manifest(page: Path) -> dict:
    """The manifest the one-page catalogue inlines (beside the catalog: the object with a child_map)."""
    text, decoder = page.read_text(), json.JSONDecoder()
    for found in re.finditer(r'\{"metadata"', text):
        document, _ = decoder.raw_decode(text[found.start() :])
        if "child_map" in document:
            return document
    raise AssertionError("no manifest inlined in the catalogue page")


def copy_project(to: Path) -> Path:
    """The dbt project and the registry, copied, so a test can add a failing data test without touching the repo."""
    repo = Workspace.at(to).project_dir
    for name in ("dbt_project.yml", "profiles.yml"):
        (to / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(repo / name, to / name)
    for folder in ("models", "macros", "seeds", "snapshots", "analyses", "ingestion"):
        shutil.copytree(repo / folder, to / folder, ignore=shutil.ignore_patterns("__pycache__", "*.py"))
    return to


def trusted_rows(database: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(database)) as con:
        return {
            table: con.execute(f"select * from housing_trusted.{table} order by all").fetchall()
            for table in ("households_history", "residents_history")
        }


def test_a_failing_test_leaves_the_last_good_trusted_zone_live(tmp_path: Path):
    """Write-audit-publish: night one publishes; night two lands a new day, but one of its data tests fails, so
    nothing of it is published: the trusted tables are night one's, row for row, and published_builds and the
    build's own line say which build is live."""
    project = copy_project(tmp_path / "project")
    workspace = Workspace(home=tmp_path / "home", lake=str(tmp_path / "home" / "lake"), project_dir=project)
    entry = source_entry("housing_management")
    source = connector(entry)
    days = DAYS
    with sandbox(entry).demo(3, days[0], tmp_path / "sandbox") as stand_in:

        def land(day: date) -> None:
            stand_in.advance(day)
            source.ingest(source.load_settings(**stand_in.settings(), today=day), workspace, lambda _: None)

        stand_in.advance(days[0])
        land(days[1])
        _, first = dbt.build_and_publish(workspace, target="ci", quiet=True, progress=lambda _: None)
        assert first.published, first.outcome
        night_one = trusted_rows(workspace.duckdb_path("ci"))
        land(days[2])
        failing = project / "tests" / "dbt" / "tonight_fails.sql"
        failing.parent.mkdir(parents=True)
        failing.write_text("select * from {{ ref('households_history') }} where tenancy_reference is not null\n")
        _, second = dbt.build_and_publish(workspace, target="ci", quiet=True, progress=lambda _: None)

    assert not second.published
    assert second.live is not None and second.live.startswith(first.build_id)
    assert f"build {second.build_id} NOT published" in second.line() and first.build_id in second.line()
    assert trusted_rows(workspace.duckdb_path("ci")) == night_one, "the trusted zone must still be night one's"
    with duckdb.connect(str(workspace.duckdb_path("ci"))) as con:
        builds = con.execute(
            "select build_id, status, published_at is not null from platform_monitoring.published_builds"
        ).fetchall()
    assert sorted(builds, key=lambda row: not row[2]) == [
        (first.build_id, "published", True),
        (second.build_id, "not published: the build or its tests failed", False),
    ]
