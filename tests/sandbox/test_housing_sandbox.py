"""The housing management extract: a full file, then exactly the rows changed each day; and the resident truth
(households by day, the Link Work list) checked against what the files say."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta

import pytest

from sandbox.housing_world.housing import TABLES, add_years, age_on
from sandbox.housing_world.landing import Landing
from sandbox.housing_world.world import HousingRepairsWorld

START = date(2025, 1, 6)
DAYS = 45
KEY = {"properties": "property_reference", "tenancies": "tenancy_reference", "household_members": "member_id"}


@pytest.fixture(scope="module")
def world() -> HousingRepairsWorld:
    return HousingRepairsWorld(seed=21, start_date=START, days=DAYS)


@pytest.fixture(scope="module")
def landing(world, tmp_path_factory) -> Landing:
    landing = Landing(world, tmp_path_factory.mktemp("landing"))
    for day in world.days_replayed():
        landing.write_housing_extract(day)
    return landing


def read(path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def state_from_files(landing: Landing, through: date) -> dict[str, dict[str, dict[str, str]]]:
    """Replay the landed files (full, then changes) up to and including `through`: the platform's view."""
    state: dict[str, dict[str, dict[str, str]]] = {t: {} for t in TABLES}
    day = START
    while day <= through:
        for table in TABLES:
            for row in read(landing.housing_path(table, day)):
                state[table][row[KEY[table]]] = row
        day += timedelta(days=1)
    return state


def test_first_day_is_a_full_extract_then_change_files(world, landing):
    first = landing.housing_path("properties", START)
    assert first.name == "properties_full_20250106.csv"
    assert landing.housing_path("properties", START + timedelta(days=1)).name == "properties_changes_20250107.csv"
    rows = read(first)
    assert len(rows) == len(world.housing.properties) - 13  # all but the new build (12 flats and its block)
    assert {r["property_type"] for r in rows} == {"Dwelling", "Block", "Garage"}
    members = read(landing.housing_path("household_members", START))
    assert any(r["end_date"] for r in members)  # past members are in the extract, with their end date
    assert {"forename", "surname", "date_of_birth", "is_responsible", "relationship"} <= set(members[0])


def test_every_change_row_was_modified_that_day(landing):
    total = 0
    for i in range(1, DAYS):
        day = START + timedelta(days=i)
        for table in TABLES:
            for row in read(landing.housing_path(table, day)):
                assert datetime.fromisoformat(row["last_modified"]).date() == day
                total += 1
    assert total > 100


def test_daily_files_hold_exactly_the_rows_that_changed(tmp_path):
    """Independently of the extract code: the world replayed k days vs k-1 days differs in exactly that file's rows
    (replays are prefixes of each other, so a shorter replay is the state at the end of an earlier day)."""
    big = HousingRepairsWorld(seed=21, start_date=START, days=12)
    for k in (3, 7, 12):
        day = START + timedelta(days=k - 1)
        before = HousingRepairsWorld(seed=21, start_date=START, days=k - 1).housing
        after = HousingRepairsWorld(seed=21, start_date=START, days=k).housing
        for table in TABLES:
            end = datetime.combine(day + timedelta(days=1), datetime.min.time())
            rows_after = {key: after.row_before(table, key, end) for key in after.versions[table]}
            rows_before = {key: before.row_before(table, key, end) for key in before.versions[table]}
            changed = {key for key, row in rows_after.items() if row is not None and rows_before.get(key) != row}
            in_file = {row[0] for row in big.housing.changed_rows(table, day)}
            assert in_file == changed, (table, day)


def test_replaying_the_files_gives_the_systems_final_state(world, landing):
    state = state_from_files(landing, world.end_date)
    members = world.housing.members
    final = {m.member_id for m in members.values() if m.start_date <= world.end_date}
    assert set(state["household_members"]) == final
    for member_id, row in state["household_members"].items():
        m = members[member_id]
        assert row["date_of_birth"] == m.date_of_birth.isoformat()
        assert row["end_date"] == (m.end_date.isoformat() if m.end_date else "")
        assert row["surname"] == m.surname
    for ref, row in state["tenancies"].items():
        end = world.housing.tenancies[ref].end_date
        assert row["end_date"] == (end.isoformat() if end else "")


def test_households_change_during_the_run(world):
    left = [m for m in world.housing.members.values() if m.end_date and m.end_date >= START]
    joined = [m for m in world.housing.members.values() if m.start_date > START]
    assert len(left) >= 10 and len(joined) >= 10
    leaver = next(m for m in left if world.housing.tenancies[m.tenancy_reference].end_date is None)
    assert leaver.member_id in world.household_on(leaver.tenancy_reference, leaver.end_date - timedelta(days=1))
    assert leaver.member_id not in world.household_on(leaver.tenancy_reference, leaver.end_date)


def _platform_link_work(world, landing, run_date: date, min_age=70, lookback_years=2) -> set[str]:
    """What a correct platform computes from the landed files and the true repair locations."""
    state = state_from_files(landing, run_date - timedelta(days=1))
    active = {
        ref: t["property_reference"]
        for ref, t in state["tenancies"].items()
        if date.fromisoformat(t["start_date"]) <= run_date
        and (not t["end_date"] or run_date < date.fromisoformat(t["end_date"]))
    }
    households: dict[str, list[dict[str, str]]] = {}
    for m in state["household_members"].values():
        ended = m["end_date"] and date.fromisoformat(m["end_date"]) <= run_date
        if m["tenancy_reference"] in active and not ended and date.fromisoformat(m["start_date"]) <= run_date:
            households.setdefault(m["tenancy_reference"], []).append(m)
    cutoff = datetime.combine(run_date, datetime.min.time())
    since = add_years(run_date, -lookback_years)
    recent = {
        t.property_reference
        for t in world.repairs_truth(run_date)
        if t.values["datetime_raised"] < cutoff and t.values["datetime_raised"].date() >= since
    }
    return {
        people[0]["member_id"]
        for ref, people in households.items()
        if len(people) == 1
        and age_on(date.fromisoformat(people[0]["date_of_birth"]), run_date) >= min_age
        and active[ref] not in recent
    }


@pytest.mark.parametrize("offset", [1, 20, 44])
def test_link_work_truth_matches_what_the_files_say(world, landing, offset):
    run_date = START + timedelta(days=offset)
    truth = world.link_work(run_date)
    assert {e.member_id for e in truth} == _platform_link_work(world, landing, run_date)
    assert len(truth) >= 10
    for entry in truth:
        assert entry.age >= 70 and age_on(entry.date_of_birth, run_date) == entry.age
        assert world.household_on(entry.tenancy_reference, run_date - timedelta(days=1)) == [entry.member_id]
        assert entry.last_repair is None or entry.last_repair < add_years(run_date, -2)


def test_link_work_thresholds_are_parameters(world):
    run_date = START + timedelta(days=30)
    base = {e.member_id for e in world.link_work(run_date)}
    older = {e.member_id for e in world.link_work(run_date, min_age=80)}
    longer = {e.member_id for e in world.link_work(run_date, lookback_years=4)}
    pairs = {e.member_id for e in world.link_work(run_date, max_household=2)}
    assert older < base and longer < base and base < pairs


def test_someone_turns_70_during_the_run_and_joins_the_list(world):
    def seventieth(m):
        return add_years(m.date_of_birth, 70)

    joined = []
    for m in world.housing.members.values():
        birthday = seventieth(m)
        if START < birthday <= world.end_date:
            on = {e.member_id for e in world.link_work(birthday)}
            before = {e.member_id for e in world.link_work(birthday - timedelta(days=1))}
            if m.member_id in on:
                assert m.member_id not in before
                joined.append(m.member_id)
    assert joined


def test_ages_use_the_uk_leap_day_rule():
    assert age_on(date(1955, 2, 28), date(2025, 2, 28)) == 70
    assert age_on(date(1956, 2, 29), date(2026, 2, 28)) == 69
    assert age_on(date(1956, 2, 29), date(2026, 3, 1)) == 70
