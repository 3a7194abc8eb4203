"""What a night builds, from what the import logs and the live build say (data_platform/dbt.py plan_from_changes, on
the rows macros/publish/nightly_changes.sql returns): the sources imported since the live build, each without the
staging of its tables not imported since (issue 17: a lookup not due tonight is not rebuilt and retested)."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from data_platform.dbt import EVERYTHING, NOTHING, changes_row, plan_from_changes

LIVE = datetime(2026, 1, 5, 23, 0)
BUILT = ("academy", "tascomi")
VERSION = "v1"


def rows(imports: dict[tuple[str, str], datetime], live: tuple = (LIVE, "academy,tascomi", VERSION)) -> list[tuple]:
    found = [(source, table, last, *live) for (source, table), last in imports.items()]
    return found or [(None, None, None, *live)]


def test_a_source_imported_since_is_built_without_the_tables_it_did_not_import():
    plan = plan_from_changes(
        rows({
            ("tascomi", "applications"): LIVE + timedelta(hours=3),
            ("tascomi", "import_log"): LIVE + timedelta(hours=3),
            ("tascomi", "wards"): LIVE - timedelta(days=3),  # a weekly lookup, not due tonight
            ("academy", "ctaccount"): LIVE - timedelta(hours=20),
        }),
        BUILT,
        VERSION,
    )  # fmt: skip
    assert plan.changed == ("tascomi",)
    assert plan.select == "source:tascomi+"
    assert plan.exclude == ["stg_tascomi__wards"]
    assert plan.rebuilt == "source:tascomi+ except the staging of tascomi.wards"
    assert "1 table(s) of them not imported since" in plan.why and "unchanged: academy" in plan.why


def test_everything_without_a_live_build_or_after_a_code_change_and_nothing_without_imports():
    imports = {("tascomi", "applications"): LIVE + timedelta(hours=1), ("tascomi", "wards"): LIVE - timedelta(days=1)}
    assert plan_from_changes(rows(imports, (None, None, None)), BUILT, VERSION).rebuilt == EVERYTHING
    assert plan_from_changes(rows(imports), BUILT, "v2").rebuilt == EVERYTHING
    assert plan_from_changes(rows(imports, (LIVE, "tascomi", VERSION)), BUILT, VERSION).rebuilt == EVERYTHING
    assert plan_from_changes(rows(imports), BUILT, VERSION).exclude == ["stg_tascomi__wards"]
    quiet = plan_from_changes(rows({("tascomi", "applications"): LIVE}), BUILT, VERSION)
    assert quiet.rebuilt == NOTHING and quiet.exclude == []
    assert plan_from_changes(rows({}), BUILT, VERSION).rebuilt == NOTHING, "no import logged at all"


tables = st.sampled_from(["applications", "fees", "wards", "import_log", "ctaccount"])
offsets = st.integers(-72, 72)


@given(imports=st.dictionaries(st.tuples(st.sampled_from(BUILT), tables), offsets, max_size=10))
def test_a_table_is_left_out_exactly_when_its_source_changed_and_it_did_not(imports):
    found = {key: LIVE + timedelta(hours=hours) for key, hours in imports.items()}
    plan = plan_from_changes(rows(found), BUILT, VERSION)
    changed = {source for (source, _), last in found.items() if last > LIVE}
    assert set(plan.changed) == changed
    left_out = {
        f"stg_{source}__{table}" for (source, table), last in found.items() if source in changed and last <= LIVE
    }
    assert set(plan.exclude) == left_out
    if not changed:
        assert plan.rebuilt == NOTHING
    assert all(f"source:{source}+" in (plan.select or "") for source in changed)


@given(
    st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1)),
    st.one_of(st.none(), st.datetimes(min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1))),
)
def test_the_logged_rows_come_back_as_the_query_returned_them(last_import: datetime, built_at: datetime | None):
    """log_nightly_changes writes each value as Jinja's `string` filter does (str()), nulls as null: the plan
    compares the times, so they must come back as the same datetimes, to the microsecond."""
    logged = ["tascomi", "applications", str(last_import), None if built_at is None else str(built_at), "tascomi", "v1"]
    assert changes_row(logged) == ("tascomi", "applications", last_import, built_at, "tascomi", "v1")
    assert changes_row([None, None, None, None, None, None]) == (None,) * 6
