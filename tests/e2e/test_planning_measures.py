"""End to end: the trusted planning tables re-derived from what the sandbox vendor really served.

A world whose first import falls just before Christmas is ingested day by day and built on DuckDB; then every
application's council measures (expiry dates, flags, working days, weeks), the freshness columns, the officers' teams
and case loads and the backfill flags are recomputed here in Python from the sandbox's ground truth and the
`holidays` package (never from the seed the build used), and must match row for row.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import holidays
import pytest

from core.registry import source_entry
from core.workspace import Workspace
from data_platform import dbt
from ingestion.tascomi import ingest
from tests.conftest import as_built, tascomi_settings

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
FIRST_IMPORT = date(2024, 12, 16)
DAYS = 9  # the last import runs on 2024-12-25: the data is complete through Christmas Eve
SELECT = "+planning_applications+ +planning_officers +planning_fees planning_data_quality"
BANK_HOLIDAYS = holidays.country_holidays("GB", subdiv="ENG", years=range(2022, 2027))


def working_days_after(start: date, end: date) -> int:
    """Working days in (start, end], negative when end is before start: Monday-Friday, not a bank holiday."""
    if end < start:
        return -working_days_after(end, start)
    days = (start + timedelta(days=n) for n in range(1, (end - start).days + 1))
    return sum(1 for d in days if d.weekday() < 5 and d not in BANK_HOLIDAYS)


def council_week(day: date) -> date:
    """The council's week label: Monday of a Sunday-to-Saturday week."""
    return day + timedelta(days=1) if day.weekday() == 6 else day - timedelta(days=day.weekday())


def when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def day_of(value: str | None) -> date | None:
    moment = when(value)
    return moment.date() if moment else None


def current(world: Any, table: str, as_of: date) -> dict[int, dict[str, Any]]:
    """The current version of every record of `table` a perfect importer holds on `as_of`."""
    dropped = source_entry("tascomi").contract().tables[table].dropped
    return {
        int(v["id"]): v
        for v in world.ground_truth(table, FIRST_IMPORT, as_of, ignore_columns=dropped)
        if v["valid_to"] is None
    }


def expected_application(app: dict[str, Any], expiry_days: dict[int, int], as_of_day: date) -> dict[str, Any]:
    received, valid = day_of(app["received_date"]), day_of(app["valid_date"])
    registered, decided = day_of(app["registration_date"]), day_of(app["decision_issued_date"])
    eot, vendor_expiry = day_of(app["extension_of_time_due_date"]), day_of(app["expiry_date"])
    code = int(app["ps_development_code_id"]) if app["ps_development_code_id"] else None
    date_application_expiry = eot or vendor_expiry
    calc_expiry_date = received + timedelta(days=expiry_days[code]) if received and code in expiry_days else None
    current_expiry = date_application_expiry or calc_expiry_date
    registered_after = working_days_after(valid, registered) if valid and registered else None
    return {
        "date_application_expiry": date_application_expiry,
        "calc_expiry_date": calc_expiry_date,
        "current_expiry_date": current_expiry,
        "flag_validated": int(valid is not None),
        "flag_registered": int(registered is not None),
        "flag_extended": int(eot is not None),
        "flag_decided": int(decided is not None),
        "flag_overdue_decided": int(bool(decided and current_expiry and decided > current_expiry)),
        "flag_overdue_live": int(bool(current_expiry and as_of_day > current_expiry)),
        "days_valid_to_registered": registered_after,
        "flag_overdue_registration": int(registered_after is not None and registered_after > 5),
        "days_in_system": (as_of_day - received).days if received else None,
        "received_report_week": council_week(received) if received else None,
        "decision_report_week": council_week(decided) if decided else None,
        "is_ceased": app["ceased"] == "t",
    }


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    from sandbox.tascomi.server import TascomiSandbox
    from sandbox.tascomi.world import TascomiWorld

    workspace = Workspace.at(tmp_path_factory.mktemp("planning-measures") / "home")
    # null_last_updated_rate: a few records without a change time, which the as-of test needs
    world = TascomiWorld(
        seed=23,
        start_date=FIRST_IMPORT,
        initial_applications=200,
        daily_new_applications=8,
        null_last_updated_rate=0.03,
    )
    with TascomiSandbox(world, page_size=100) as server:
        for n in range(DAYS + 1):
            today = FIRST_IMPORT + timedelta(days=n)
            server.set_today(today)
            ingest(tascomi_settings(server, today), workspace, progress=lambda _: None)
    # the unit tests test the code, not this world: the catalogue's build runs each once (tests/catalogue)
    dbt.build(workspace, target="ci", select=SELECT, quiet=True, unit_tests=False)
    last_import = FIRST_IMPORT + timedelta(days=DAYS)
    return {
        "world": world,
        "workspace": workspace,
        "database": workspace.duckdb_path("ci"),
        "lake": Path(workspace.lake),
        "as_of": last_import,
    }


def query(database: Path, sql: str) -> list[dict[str, Any]]:
    with duckdb.connect(str(database)) as con:
        cursor = con.execute(sql)
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def test_council_measures_match_what_the_vendor_served(built):
    world, as_of = built["world"], built["as_of"]
    as_of_day = as_of - timedelta(days=1)
    expiry_days = {int(r["id"]): int(r["expiry_days"]) for r in world.records("ps_development_codes")}
    truth = {
        i: expected_application(app, expiry_days, as_of_day) for i, app in current(world, "applications", as_of).items()
    }
    rows = query(built["database"], "select * from planning_trusted.planning_applications")
    assert len(truth) > 200 and {r["application_id"] for r in rows} == set(truth)
    mismatches = []
    for row in rows:
        for column, expected in truth[row["application_id"]].items():
            if row[column] != expected:
                mismatches.append(f"{row['application_id']}.{column}: built {row[column]!r}, served {expected!r}")
    assert not mismatches, "\n".join(mismatches[:20])
    # The demo world must exercise what is measured: vendor expiries, extensions, registrations over Christmas.
    assert sum(t["flag_extended"] for t in truth.values()) > 0
    assert sum(t["date_application_expiry"] is not None for t in truth.values()) > 100
    assert sum(t["flag_overdue_live"] for t in truth.values()) > 0


def test_working_days_cross_christmas_and_cover_the_data(built):
    rows = query(
        built["database"],
        "select date_day, working_day_number from planning_refined.int_planning__calendar "
        "where date_day in ('2023-12-22', '2024-01-03', '2024-12-24', '2025-01-02')",
    )
    number = {r["date_day"]: r["working_day_number"] for r in rows}
    assert number[date(2024, 1, 3)] - number[date(2023, 12, 22)] == 5
    assert number[date(2025, 1, 2)] - number[date(2024, 12, 24)] == working_days_after(
        date(2024, 12, 24), date(2025, 1, 2)
    )
    span = query(
        built["database"],
        "select min(date_day) as first, max(date_day) as last from planning_refined.int_planning__calendar",
    )
    oldest = query(
        built["database"], "select min(cast(received_date as date)) as d from planning_trusted.planning_applications"
    )
    assert span[0]["first"] <= oldest[0]["d"] and span[0]["last"] >= date(2040, 12, 31)


def test_freshness_comes_from_the_import_log_on_every_trusted_table(built):
    as_of = built["as_of"]
    tables = ["planning_applications", "planning_applications_history", "planning_officers", "planning_fees"]
    seen = set()
    for table in tables:
        seen |= {
            tuple(r.values())
            for r in query(
                built["database"],
                "select distinct data_as_of_date, lookups_as_of_date, lookup_age_days, built_at "
                f"from planning_trusted.{table}",
            )
        }
    assert len(seen) == 1, seen
    data_as_of, lookups_as_of, age, built_at = seen.pop()
    # Lookups are pulled weekly: on the first import day, then seven days later.
    lookup_pull = FIRST_IMPORT + timedelta(days=7)
    assert data_as_of == as_of - timedelta(days=1)
    assert lookups_as_of == lookup_pull - timedelta(days=1)
    assert age == (data_as_of - lookups_as_of).days
    assert built_at is not None


def test_last_updated_is_the_latest_change_the_vendor_sent(built):
    raw = built["lake"] / "raw" / "planning" / "tascomi" / "applications"
    latest = dict(
        duckdb.sql(
            f"select cast(id as integer), max(cast(last_updated as timestamp)) from read_parquet('{raw}/**/*.parquet') "
            "group by all"
        ).fetchall()
    )
    rows = query(built["database"], "select application_id, last_updated from planning_trusted.planning_applications")
    assert {r["application_id"]: r["last_updated"] for r in rows} == latest


def test_history_before_the_first_import_is_flagged_backfilled(built):
    rows = query(
        built["database"],
        "select valid_from, is_backfilled, is_change_time_missing from planning_trusted.planning_applications_history",
    )
    first = datetime.combine(FIRST_IMPORT, datetime.min.time())
    assert all(r["is_backfilled"] == (r["valid_from"] < first) for r in rows)
    assert any(r["is_backfilled"] for r in rows) and any(not r["is_backfilled"] for r in rows)
    # A version the vendor sent without a change time is valid from the import day it was first received on, never
    # from a placeholder before it: it claims nothing about the time before the platform saw it.
    assert all(r["valid_from"] >= first for r in rows if r["is_change_time_missing"])


def test_officers_teams_and_case_loads(built):
    world, as_of = built["world"], built["as_of"]
    team_of = {int(m["user_id"]): int(m["user_team_id"]) for m in current(world, "user_team_map", as_of).values()}
    team_name = {i: t["name"] for i, t in current(world, "user_teams", as_of).items()}
    applications = current(world, "applications", as_of).values()
    rows = query(built["database"], "select * from planning_trusted.planning_officers")
    assert rows
    for row in rows:
        officer = row["officer_id"]
        theirs = [a for a in applications if a["officer_id"] and int(a["officer_id"]) == officer]
        live = [a for a in theirs if a["ceased"] != "t"]
        assert row["officer_team_id"] == team_of.get(officer), officer
        assert row["officer_team_name"] == team_name.get(team_of.get(officer)), officer
        assert row["total_applications"] == len(theirs), officer
        assert row["ceased_applications"] == len(theirs) - len(live), officer
        assert row["decided_applications"] == sum(1 for a in live if a["decision_type_id"] or a["decision_issued_date"])


def test_a_date_outside_the_calendar_is_a_data_quality_row_not_a_failed_night(built):
    """One received date typed as 2205 (working days there would be wrong) is a warning and a row of
    planning_data_quality naming the application, never a failed build: one bad record must not hold back the night's
    trusted zone (invariant 7). Proven on the built table with one application moved out of the covered span, then
    put back."""
    select = "planning_applications,test_name:date_within_calendar"
    quality = "select check_name from platform_monitoring.planning_data_quality where application_id = {}"
    update = "update planning_trusted.planning_applications set received_date = {} where application_id = {}"
    workspace = built["workspace"]
    same = as_built(workspace)  # the build's vars: its parse is reused
    with duckdb.connect(str(built["database"])) as con:
        moved, received = con.execute(
            "select application_id, received_date from planning_trusted.planning_applications limit 1"
        ).fetchone()
        con.execute(update.format("timestamp '2205-03-01 00:00:00'", moved))
    try:
        result = dbt.run_dbt(workspace, "test", "--select", select, target="ci", quiet=True, extra_vars=same)
        assert "WARN=1" in dbt.outcome(result), dbt.outcome(result)
        dbt.run_dbt(workspace, "run", "--select", "planning_data_quality", target="ci", quiet=True, extra_vars=same)
        with duckdb.connect(str(built["database"])) as con:
            checks = [row[0] for row in con.execute(quality.format(moved)).fetchall()]
        assert "date_outside_calendar" in checks
    finally:
        with duckdb.connect(str(built["database"])) as con:
            con.execute(update.format(f"timestamp '{received}'", moved))
        dbt.run_dbt(workspace, "run", "--select", "planning_data_quality", target="ci", quiet=True, extra_vars=same)


def test_the_bank_holiday_seed_is_what_the_pinned_package_says():
    """The committed seed and its coverage macro are exactly what the generator writes with the pinned `holidays`."""
    script = REPO / "seeds" / "reference" / "generate_bank_holidays.py"
    result = subprocess.run([sys.executable, str(script), "--check"], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def playbook_as_of_query(day: date) -> str:
    """The as-of example of docs/analysts/planning.md, for `day` (the Playbook's own text, so the page stays right)."""
    page = (REPO / "docs" / "analysts" / "planning.md").read_text()
    section = page[page.index("As of a date D:") :]
    sql = section[section.index("```sql") + len("```sql") : section.index("```", section.index("```sql") + 6)]
    assert sql.count("2025-03-31") == 2, "the Playbook's example changed shape: update this test"
    return sql.replace("2025-03-31", day.isoformat())


def test_the_playbook_as_of_query_is_right_for_any_date(built):
    """Asked as of a day years before the first import, a day just before it and a day after it, the Playbook's
    query never returns an application received after that day (a version claiming a time before it was observed,
    such as a 1900 placeholder for a missing change time, would) and never one not yet changed by then."""
    missing = query(
        built["database"],
        "select count(*) as n from planning_trusted.planning_applications_history where is_change_time_missing",
    )[0]["n"]
    assert missing > 0, "the world must send records without a change time for this test to mean anything"
    for day in (date(2020, 6, 30), FIRST_IMPORT - timedelta(days=1), built["as_of"] - timedelta(days=3)):
        rows = query(built["database"], playbook_as_of_query(day))
        end_of_day = datetime.combine(day, datetime.max.time())
        assert all(r["received_date"] is None or r["received_date"].date() <= day for r in rows), day
        assert all(r["valid_from"] <= end_of_day for r in rows), day
        assert len({r["application_id"] for r in rows}) == len(rows), f"{day}: one version per application"
    assert rows, "as of a day after the first import, the history holds applications"
