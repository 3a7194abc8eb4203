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
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pyarrow.parquet as pq
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
        # without the unit tests, which the catalogue's build runs once (the code's, not this lake's)
        _, published = dbt.build_and_publish(
            workspace, target="ci", quiet=True, progress=lines.append, unit_tests=False
        )
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


def trusted_rows(database: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(database)) as con:
        return {
            table: con.execute(f"select * from housing_trusted.{table} order by all").fetchall()
            for table in ("households_history", "residents_history", "repair_value_rejects")
        }


def published_builds(database: Path) -> list[tuple]:
    with duckdb.connect(str(database)) as con:
        return con.execute(
            "select build_id, status, rebuilt, trusted_tables, project_version "
            "from platform_monitoring.published_builds order by built_at"
        ).fetchall()


def test_the_nightly_builds_what_the_imports_changed_and_a_failed_night_leaves_the_last_good_zone_live(
    tmp_path: Path,
):
    """The nightly job's build (build_and_publish(nightly=True)) on two sources of one borough, night by night:
    1. housing_management and repairs land; nothing is published yet, so everything is built and published;
    2. only housing_management lands, one of its files delivered twice (its records duplicated: the unique test on the
       night's new rows fails): only `source:housing_management+` is built and nothing is published (write-audit-
       publish): the trusted zone is night one's, row for row, and published_builds and the line say which is live;
    3. nothing lands, the fault is still there: night two's import was never published, so it is built and tested
       again, and fails again (a row of a failed night is tested until a night publishes it);
    4. the duplicate gone, nothing lands: housing_management's models are built, tested and published; repairs'
       are not built (run results) and its trusted table stays live, unchanged;
    5. nothing lands and nothing is pending: nothing is built or published, the zone is night four's."""
    workspace = Workspace.at(tmp_path / "home")
    database = workspace.duckdb_path("ci")
    names = ("housing_management", "repairs")

    def night() -> tuple[Any, dbt.PublishedBuild]:
        return dbt.build_and_publish(workspace, target="ci", quiet=True, progress=lambda _: None, nightly=True)

    with ExitStack() as stack:
        stands = {
            name: stack.enter_context(sandbox(source_entry(name)).demo(3, DAYS[0], tmp_path / name)) for name in names
        }

        def land(name: str, day: date) -> None:
            source = connector(source_entry(name))
            stands[name].advance(day)
            source.ingest(source.load_settings(**stands[name].settings(), today=day), workspace, lambda _: None)

        for name in names:
            stands[name].advance(DAYS[0])
            land(name, DAYS[1])
        _, first = night()
        assert first.published and first.rebuilt == dbt.EVERYTHING, first.outcome
        night_one = trusted_rows(database)
        land("housing_management", DAYS[2])

    twice = duplicate_a_file(Path(workspace.lake) / "raw" / "housing" / "housing_management", DAYS[2])
    _, second = night()
    assert second.failed and second.rebuilt == "source:housing_management+"
    assert second.live is not None and second.live.startswith(first.build_id)
    assert f"build {second.build_id} NOT published" in second.line() and first.build_id in second.line()
    assert trusted_rows(database) == night_one, "the trusted zone must still be night one's"

    _, third = night()
    assert third.failed and third.rebuilt == "source:housing_management+", "night two's rows are tested again"

    twice.unlink()
    built, fourth = night()
    assert fourth.published and fourth.rebuilt == "source:housing_management+", fourth.outcome
    made = {r.node.unique_id.split(".")[-1] for r in built.result.results if r.node.resource_type == "model"}
    assert "stg_housing_management__tenancies" in made and "households_history" in made
    repairs_own = {m for m in made if m.startswith("stg_repairs__")} | {
        "int_housing__repairs_history",
        "repair_value_rejects",
    }
    assert not repairs_own & made, f"repairs had no new import, yet {sorted(repairs_own & made)} were built"
    night_four = trusted_rows(database)
    assert night_four["repair_value_rejects"] == night_one["repair_value_rejects"]
    assert night_four["residents_history"] != night_one["residents_history"], "night two's extract is published"

    nothing, fifth = night()
    assert nothing is None and not fifth.published and not fifth.failed and fifth.rebuilt == dbt.NOTHING
    assert fifth.live is not None and fifth.live.startswith(fourth.build_id)
    assert trusted_rows(database) == night_four

    version = dbt.project_version(workspace.project_dir)
    rows = published_builds(database)
    assert [row[:3] for row in rows] == [
        (first.build_id, "published", "everything"),
        (second.build_id, "not published: the build or its tests failed", "source:housing_management+"),
        (third.build_id, "not published: the build or its tests failed", "source:housing_management+"),
        (fourth.build_id, "published", "source:housing_management+"),
        (fifth.build_id, "nothing to build: no import since the live build", "nothing"),
    ]
    assert 0 < rows[3][3] < rows[0][3], "night four swapped housing_management's trusted tables alone"
    assert {row[4] for row in rows} == {version}


def duplicate_a_file(raw: Path, day: date) -> Path:
    """A copy, beside it, of one of the day's raw files with records: the same records delivered twice."""
    for found in sorted(raw.glob(f"*/*/*/*/import_date={day:%Y%m%d}/*.parquet")):
        table = found.parents[4].name
        if table not in ("import_log", "rejected_records") and pq.ParquetFile(found).metadata.num_rows:
            twice = found.with_name(f"twice-{found.name}")
            shutil.copyfile(found, twice)
            return twice
    raise AssertionError(f"housing_management landed no records on {day}: nothing to duplicate")


def test_the_project_version_follows_the_dbt_code_alone(tmp_path: Path):
    """A deploy that changes a model, macro, seed or dbt_project.yml makes the next night build everything
    (dbt.nightly_plan); what dbt does not read (the connectors, the Playbook) does not."""
    project = tmp_path / "project"
    repo = Workspace.at(tmp_path).project_dir
    project.mkdir()
    shutil.copyfile(repo / "dbt_project.yml", project / "dbt_project.yml")
    for folder in ("models/marts/housing", "macros/publish"):
        shutil.copytree(repo / folder, project / folder)
    (project / "docs").mkdir()
    before = dbt.project_version(project)
    (project / "docs" / "page.md").write_text("not dbt's\n")
    (project / "macros" / "publish" / "__pycache__").mkdir()
    (project / "macros" / "publish" / "__pycache__" / "x.pyc").write_bytes(b"compiled")
    assert dbt.project_version(project) == before
    model = project / "models" / "marts" / "housing" / "households.sql"
    model.write_text(model.read_text() + "\n-- changed\n")
    assert dbt.project_version(project) != before
