"""End to end: records that could change the Link Work list, injected the way they arrive (a housing extract file and a
contractor's new-jobs file dropped in the landing zone, landed by the connectors), each show on the resident's row
(needs_check, with the record ids) and in platform_monitoring.link_work_data_quality; nobody drops off silently.

A small borough (the three housing sandboxes, two days) is built once; four listed residents are picked; then one
more day lands with: resident A's date of birth blanked, a second member record for resident B (same name and date of
birth, same tenancy), and two Herts Heritage jobs typed with the homes of residents C (dated 15/01/2027) and D (a
US-format 11/25/2025).

The same day a new gazetteer file lists a second UPRN with the address of a home a repair was matched to (away from the
listed residents): the incremental address matcher must match every input again (the gazetteer changed), so that
repair is now refused as a near-tie of the twins, and its table must equal what a --full-refresh writes (the first
build's own statement run again), row for row."""

from __future__ import annotations

import csv
import io
from contextlib import ExitStack
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest

from core.registry import source_entry
from core.workspace import Workspace
from data_platform import dbt
from data_platform.sources import connector, sandbox

pytestmark = pytest.mark.slow

SOURCES = ("repairs", "housing_management", "gazetteer")
SELECT = "+link_work_data_quality"
MATCHES = "housing_refined.int_housing__address_matches"
MATCH_COLUMNS = "address_input_id, uprn, match_reason, matcher_version, matched_at"
_WEDNESDAY = date.today() - timedelta(days=(date.today().weekday() - 2) % 7 or 7)
DAYS = (_WEDNESDAY - timedelta(days=2), _WEDNESDAY - timedelta(days=1), _WEDNESDAY)  # weekdays: every export comes


def rows(database: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(database)) as con:
        return con.execute(sql).fetchall()


def landed_members(landing: Path) -> dict[str, dict[str, str]]:
    """The housing extract's member records as the sandbox dropped them, the latest file's version of each."""
    found: dict[str, dict[str, str]] = {}
    for path in sorted((landing / "housing" / "housing_management" / "household_members").glob("*.csv")):
        for record in csv.DictReader(io.StringIO(path.read_text())):
            found[record["member_id"]] = record
    return found


def write_csv(path: Path, header: list[str], records: list[dict[str, str]]) -> None:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=header, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    path.write_text(out.getvalue())


def add_gazetteer_twin(landing: Path, uprn: int, day: date) -> int:
    """A new full gazetteer file: the latest one plus a second UPRN with every field of `uprn`; returns the new UPRN."""
    latest = sorted((landing / "data-and-insight" / "gazetteer").glob("llpg_full_*.csv"))[-1]
    records = list(csv.DictReader(io.StringIO(latest.read_text())))
    twin = max(int(r["uprn"]) for r in records) + 1
    records.append({**next(r for r in records if r["uprn"] == str(uprn)), "uprn": str(twin)})
    write_csv(latest.with_name(f"llpg_full_{day:%Y%m%d}.csv"), list(records[0]), records)
    return twin


def test_each_injected_record_shows_on_its_row(tmp_path: Path):
    workspace = Workspace.at(tmp_path / "home")
    database = workspace.duckdb_path("ci")
    landing = tmp_path / "sandbox" / "landing"
    with ExitStack() as stack:
        stand_ins = []
        for name in SOURCES:
            entry = source_entry(name)
            stand_in = stack.enter_context(sandbox(entry).demo(5, DAYS[0], tmp_path / "sandbox"))
            stand_in.advance(DAYS[0])
            stand_ins.append((connector(entry), stand_in))
        for day in DAYS[1:]:
            for source, stand_in in stand_ins:
                stand_in.advance(day)
                source.ingest(source.load_settings(**stand_in.settings(), today=day), workspace, lambda _: None)
        dbt.build(workspace, target="ci", select=SELECT, quiet=True, progress=lambda _: None, unit_tests=False)
        listed = rows(database, """
            select outreach.member_id, outreach.property_reference, home.address_line_1, home.address_line_2,
                home.postcode
            from housing_trusted.link_work_outreach as outreach
            inner join housing_refined.int_housing__properties_current as home
                on outreach.property_reference = home.property_reference
            where not outreach.needs_check and home.address_line_1 is not null and home.postcode is not null
            order by outreach.member_id""")  # fmt: skip
        assert len(listed) >= 4, "the small borough must list a few residents"
        a, b, c, d = listed[:4]
        compiled = workspace.dbt_target_dir / "compiled" / "council_data_platform" / "models" / "intermediate"
        first_build = (compiled / "housing" / "int_housing__address_matches.sql").read_text()
        before = {row[0]: row[1:] for row in rows(database, f"select {MATCH_COLUMNS} from {MATCHES}")}
        # A home matched exactly by a repair, on no street and in no postcode of A, B, C or D (a repair there left
        # unplaced would be flagged on their rows).
        (doubled,) = rows(database, f"""
            select min(matches.uprn) from {MATCHES} as matches
            inner join housing_refined.int_housing__gazetteer_addresses as home on matches.uprn = home.address_id
            where matches.input_kind = 'repair' and matches.match_method = 'address_exact'
                and not exists (
                    select 1 from housing_refined.int_housing__properties_current as listed
                    inner join housing_refined.int_housing__gazetteer_addresses as near
                        on listed.uprn = near.address_id
                    where listed.property_reference in ('{a[1]}', '{b[1]}', '{c[1]}', '{d[1]}')
                        and (near.usrn = home.usrn or near.postcode = home.postcode))""")[0]  # fmt: skip
        assert doubled is not None, "a repair matched exactly to a home away from the listed residents"
        twin = add_gazetteer_twin(landing, doubled, DAYS[2])

        # The housing extract of the third day: A's date of birth blanked, B recorded a second time.
        members = landed_members(landing)
        changed = f"{DAYS[2] - timedelta(days=1)} 12:00:00"
        blanked = {**members[a[0]], "date_of_birth": "", "last_modified": changed}
        twice = {**members[b[0]], "member_id": "M9999999", "is_responsible": "N", "last_modified": changed}
        folder = landing / "housing" / "housing_management" / "household_members"
        write_csv(folder / f"household_members_changes_{DAYS[2]:%Y%m%d}.csv", list(blanked), [blanked, twice])

        # A Herts Heritage new-jobs file: a job at C's home dated 15/01/2027, one at D's typed US-style.
        jobs = landing / "housing" / "repairs" / "herts_heritage"
        header = next(csv.reader(io.StringIO(sorted(jobs.glob("*.csv"))[-1].read_text())))
        typed = [("15/01/2027 10:00:00", c), ("11/25/2025 10:00:00", d)]
        write_csv(jobs / f"HH_new_jobs_{DAYS[2]:%Y%m%d}.csv", header, [
            {**dict.fromkeys(header, ""), header[0]: stamp, "Address": f"{home[2]}, {home[3]}",
             "Post Code": home[4], "Description of works": "Kitchen tap dripping", "Priority": "Routine"}
            for stamp, home in typed
        ])  # fmt: skip
        for source, stand_in in stand_ins:  # repairs, the housing extract and the new gazetteer land the third day
            source.ingest(source.load_settings(**stand_in.settings(), today=DAYS[2]), workspace, lambda _: None)

    dbt.build(workspace, target="ci", select=SELECT, quiet=True, progress=lambda _: None, unit_tests=False)
    flagged = {
        member: (names, ids)
        for member, names, ids in rows(
            database,
            "select member_id, needs_check_names, needs_check_record_ids from housing_trusted.link_work_outreach",
        )
    }
    assert flagged[a[0]][0] == "date_of_birth_unreadable" and flagged[a[0]][1] == a[0]
    duplicate = min(b[0], "M9999999")
    assert flagged[duplicate][0] == "duplicate_member_record"
    assert flagged[duplicate][1] == ",".join(sorted([b[0], "M9999999"]))
    repair_ids = dict(rows(database, """
        select datetime_raised_text, repair_id from housing_refined.int_housing__repairs_history
        where is_current and repair_id like 'herts_heritage:%'"""))  # fmt: skip
    assert "repair_dated_after_received" in flagged[c[0]][0]
    assert repair_ids["15/01/2027 10:00:00"] in flagged[c[0]][1]
    assert "repair_date_unreadable" in flagged[d[0]][0]
    assert repair_ids["11/25/2025 10:00:00"] in flagged[d[0]][1]
    counted = set(rows(database, "select member_id, check_name from platform_monitoring.link_work_data_quality"))
    assert {
        (a[0], "date_of_birth_unreadable"),
        (duplicate, "duplicate_member_record"),
        (c[0], "repair_dated_after_received"),
        (d[0], "repair_date_unreadable"),
    } <= counted

    # The gazetteer changed: every input matched again (a new matcher version), so a stored match never outlives it.
    after = {row[0]: row[1:] for row in rows(database, f"select {MATCH_COLUMNS} from {MATCHES}")}
    assert set(before) <= set(after)
    earlier = max(matched_at for *_, matched_at in before.values())
    assert {version for *_, version, _ in after.values()}.isdisjoint({version for *_, version, _ in before.values()})
    assert all(matched_at > earlier for *_, matched_at in after.values())
    moved = [key for key, (uprn, *_) in before.items() if uprn == doubled]
    assert moved and all(after[key][0] is None for key in moved), "the twins' repairs must be refused now"
    assert all(str(twin) in after[key][1] and str(doubled) in after[key][1] for key in moved), after[moved[0]]
    # A --full-refresh writes the first build's statement: run again now, it gives the incremental table row for row.
    with duckdb.connect(str(database)) as con:
        rebuilt = con.execute(f"select * exclude (matched_at) from ({first_build}) order by all").fetchall()
        kept = con.execute(f"select * exclude (matched_at) from {MATCHES} order by all").fetchall()
    assert kept == rebuilt
