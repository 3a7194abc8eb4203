"""End to end: 60 days of a simulated borough (contractor sheets over the Sheets API, contractor exports, the housing
management extract, the gazetteer), ingested day by day through the registered connectors and their sandbox stand-ins,
built incrementally on DuckDB.

On the last day: the Link Work outreach list equals the list computed from the sandbox's ground truth (no one missing,
no one extra, the same last repair date); the repairs history equals the truth row for row (a version per change of
what the contractor's delivery showed, valid from the day it was first seen); every history equals a
`--full-refresh` rebuild (invariant 2); the address matches, built part-way and then incrementally, equal a rebuild too,
and the incremental builds matched only the repairs that were new or whose address text changed; address matching is
scored against the labelled truth beside the anchor, uk_address_matcher, and printed (ours must be at least as good on
both precision and recall); last, an input that is gone (a repair erased from the inputs) loses its match on the next
run, which matches and rewrites nothing else.
"""

from __future__ import annotations

import re
from contextlib import ExitStack
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from benchmarks.housing_matching import repair_id, side_by_side
from core.registry import source_entry
from core.workspace import Workspace
from data_platform import dbt
from data_platform.sources import connector, sandbox
from sandbox.housing_world import HousingRepairsWorld
from tests.e2e.parquet_reads import parquet_files_read

pytestmark = pytest.mark.slow

START = date(2025, 1, 6)  # a Monday: the last day, START + 60, is a Friday (Stannah exports on weekdays only)
DAYS = 60
SOURCES = ("repairs", "housing_management", "gazetteer")
SELECT = "+path:models/marts/housing"
SCHEMA = "housing_refined"
HISTORIES = (
    "int_housing__repairs_history",
    "int_housing__household_members_history",
    "int_housing__tenancies_history",
    "int_housing__properties_history",
)
MATCHES = "int_housing__address_matches"
MATCH_STATE = f"select address_input_id, match_key, matcher_version, matched_at from {SCHEMA}.{MATCHES}"


def build(workspace: Workspace, run_date: date, *args: str, select: str = SELECT) -> None:
    dbt.run_dbt(workspace, *args, "--select", select, target="ci", quiet=True,
                extra_vars={"housing_run_date": run_date.isoformat()})  # fmt: skip


def replay(world: HousingRepairsWorld, workspace: Workspace, workdir: Path, mid_build: int) -> dict[str, tuple]:
    """Every day: the stand-ins advance (sheets as of that morning, the day's exports and files), each connector lands
    what is new; one incremental build part-way, so the final build is incremental. Returns the address matches as
    that build left them: input -> (match key, matcher version, when matched)."""
    stored: dict[str, tuple] = {}
    with ExitStack() as stack:
        stand_ins = []
        for name in SOURCES:
            entry = source_entry(name)
            stand_in = stack.enter_context(sandbox(entry).demo(world.seed, START, workdir, world=world))
            stand_ins.append((connector(entry), stand_in))
        for offset in range(DAYS + 1):
            today = START + timedelta(days=offset)
            for source, stand_in in stand_ins:
                stand_in.advance(today)
                source.ingest(source.load_settings(**stand_in.settings(), today=today), workspace, lambda _: None)
            if offset == mid_build:  # the histories and matches only: the final build runs them incrementally
                # The last day's run date, which these models do not read: the final build's vars, so its parse is
                # this one's (other vars make dbt parse the whole project again).
                last_day = START + timedelta(days=DAYS)
                build(workspace, last_day, "build", "--resource-type", "model", "--resource-type", "seed",
                      select=f"+{' +'.join(HISTORIES)} +{MATCHES}")  # fmt: skip
                stored = {row[0]: row[1:] for row in built(workspace.duckdb_path("ci"), MATCH_STATE)}
    return stored


def expected_repairs_history(world: HousingRepairsWorld, last_day: date) -> list[tuple]:
    """What each contractor's deliveries showed, day by day, collapsed into versions valid from the day first seen."""
    rows = []
    for contractor, repairs in world.log.repairs.items():
        delivery = world.contractors[contractor].delivery
        for repair in repairs:
            versions: list[tuple[datetime, tuple]] = []
            for day in (START + timedelta(days=n) for n in range((last_day - START).days + 1)):
                cutoff = world.cutoff(day)
                if repair.raised >= cutoff or (delivery.weekdays_only and day.weekday() >= 5):
                    continue
                if delivery.kind == "csv_incremental":  # sends only the previous day's new jobs (all on day one)
                    since = datetime.min if day == START else world.cutoff(day - timedelta(days=1))
                    if repair.raised < since:
                        continue
                cells, truth = repair.cells_at(cutoff), repair.truth_at(cutoff)
                values = (
                    truth["datetime_raised"], truth["priority_code"], truth["sor"], truth["order_value"],
                    truth["completed_date"], truth["description_of_work"], cells.get("property_address") or None,
                    cells.get("work_priority_description") or None, cells.get("order_status_notes") or None,
                )  # fmt: skip
                if not versions or versions[-1][1] != values:
                    versions.append((datetime.combine(day, time()), values))
            key = repair_id(world, contractor, repair.sheet_row)
            for n, (valid_from, values) in enumerate(versions):
                valid_to = versions[n + 1][0] if n + 1 < len(versions) else None
                rows.append((key, valid_from, valid_to, *values))
    return sorted(rows, key=repr)


def built(database: Path, query: str) -> list[tuple]:
    with duckdb.connect(str(database)) as con:
        return sorted(con.execute(query).fetchall(), key=repr)


def histories(database: Path) -> dict[str, list[Any]]:
    """Every history, and the address matches (but when each was matched), row for row."""
    with duckdb.connect(str(database)) as con:
        return {
            name: con.execute(f"select * exclude ({skip}) from {SCHEMA}.{name} order by all").fetchall()
            for name, skip in [*((name, "_source_imported_at") for name in HISTORIES), (MATCHES, "matched_at")]
        }


def assert_only_new_or_changed_addresses_matched(before: dict[str, tuple], after: dict[str, tuple]) -> None:
    """The incremental build matched an input again only when it is new or what its match reads changed (a repair's
    address text edited by the contractor): every other input keeps the match, and the time, of the earlier build."""
    assert before and set(after) - set(before), "repairs raised since the earlier build should be new inputs"
    versions = {version for _, version, _ in (*before.values(), *after.values())}
    assert len(versions) == 1, "the gazetteer's content did not change between the two builds"
    changed = [i for i in before if before[i][0] != after[i][0]]
    assert [i for i in changed if i.startswith("repair:")], "a contractor should have edited an address meanwhile"
    earlier = max(matched_at for _, _, matched_at in before.values())
    for input_id, (key, _, matched_at) in after.items():
        if input_id in before and before[input_id][0] == key:
            assert matched_at == before[input_id][2], f"{input_id} matched again though unchanged"
        else:
            assert matched_at > earlier, f"{input_id} is new or changed but was not matched"


def assert_a_night_without_imports_reads_no_raw_file(workspace: Workspace, run_date: date, profile: Path) -> None:
    """The incremental repairs history, compiled after the last build with nothing imported since, reads only the
    import partitions the repairs import log names since then (issue 17): none, so it opens no parquet file at all,
    where the responses view it reads (a view, so the filter reaches the files) opens every contractor's files."""
    build(workspace, run_date, "compile", select="int_housing__repairs_history")
    compiled = workspace.dbt_target_dir / "compiled" / "council_data_platform" / "models" / "intermediate"
    sql = (compiled / "housing" / "int_housing__repairs_history.sql").read_text()
    assert "existing._source_imported_at" in sql and "(1 = 0)" in sql, "not the incremental branch, or not pruned"
    assert parquet_files_read(workspace, sql, profile) == 0
    responses = re.search(r"from (\S+int_housing__repair_responses\S*) as received", sql)
    assert responses, "the incremental statement does not read int_housing__repair_responses"
    assert parquet_files_read(workspace, f"select count(*) from {responses[1]}", profile) > 7


def test_outreach_list_and_repairs_history_equal_the_truth(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    world = HousingRepairsWorld(seed=7, start_date=START, days=DAYS + 1, n_addresses=1000, n_properties=260,
                                n_repairs=1400)  # fmt: skip
    workspace = Workspace.at(tmp_path / "home")
    run_date = START + timedelta(days=DAYS)
    mid = replay(world, workspace, tmp_path / "sandbox", mid_build=DAYS // 2)
    # incremental, with every data test (the unit tests test the code: the catalogue's build runs each once)
    build(workspace, run_date, "build", "--exclude", "test_type:unit")
    database = workspace.duckdb_path("ci")
    assert_only_new_or_changed_addresses_matched(mid, {row[0]: row[1:] for row in built(database, MATCH_STATE)})

    truth = {e.member_id: e.last_repair for e in world.link_work(run_date)}
    listed = dict(built(database, "select member_id, last_repair_date from housing_trusted.link_work_outreach"))
    assert len(truth) >= 10, "the simulated borough should put a fair number of residents on the list"
    assert sorted(set(truth) - set(listed)) == [], "residents the truth lists but the platform missed"
    assert sorted(set(listed) - set(truth)) == [], "residents the platform lists but the truth does not"
    assert listed == truth, "the last repair at each home must be the true one"

    expected = expected_repairs_history(world, run_date)
    got = built(database, """
        select repair_id, valid_from, valid_to, datetime_raised, work_priority_priority_code, sor, order_value,
            completed_date, description_of_work, property_address, work_priority_description, order_status_notes
        from housing_refined.int_housing__repairs_history""")  # fmt: skip
    assert len(got) == len(expected) > world.counts()["repairs"], "edits must show as versions"
    assert got == expected
    assert_a_night_without_imports_reads_no_raw_file(workspace, run_date, tmp_path / "profile.json")

    incremental = histories(database)
    build(workspace, run_date, "run", "--full-refresh")
    assert histories(database) == incremental

    scores = side_by_side(world, run_date, database)
    with capsys.disabled():
        print(f"\naddress matching on {sum(s.labelled for s, _ in list(scores.values())[:1])} labelled repairs:")
        for name, (result, seconds) in scores.items():
            print("  " + result.line(name, seconds))
    ours, anchor = scores["ours (address matcher alone)"][0], scores["uk_address_matcher 1.5.3 (anchor)"][0]
    assert ours.precision >= anchor.precision and ours.recall >= anchor.recall
    assert scores["ours (property reference, then address)"][0].precision >= 0.995

    # An input gone (as a rebuild of the inputs without an erased repair would leave them): the next run deletes its
    # match (the post-hook) and, nothing else being new, matches nothing again and rewrites no other row.
    state = built(database, MATCH_STATE)
    with duckdb.connect(str(database)) as con:
        (gone,) = con.execute(f"""
            delete from {SCHEMA}.int_housing__address_inputs
            where address_input_id = (
                select min(address_input_id) from {SCHEMA}.int_housing__address_inputs where input_kind = 'repair')
            returning address_input_id""").fetchone()  # fmt: skip
    build(workspace, run_date, "run", select=MATCHES)
    assert built(database, MATCH_STATE) == [row for row in state if row[0] != gone] != state
