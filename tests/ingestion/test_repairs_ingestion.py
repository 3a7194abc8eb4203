"""The housing connectors (repairs, housing_management, gazetteer) against the sandbox's real Sheets API server and
landing files: what lands, where it came from, that it lands once, and a clear outcome for every fault: a file landed
twice, malformed files, a sheet the API throttles (429) or refuses (403), a renamed header. Nothing already landed is
ever lost or rewritten."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from core.errors import SourceNotConfigured, SourceRefused
from core.workspace import Workspace
from ingestion import gazetteer, housing_management, repairs
from sandbox.housing_world import HousingRepairsWorld, Landing
from sandbox.repairs import SheetsSandbox
from sandbox.repairs.auth import new_service_account
from sandbox.repairs.demo import settings_for

START = date(2025, 1, 6)
DAY2 = START + timedelta(days=1)
SMALL = {"n_addresses": 400, "n_properties": 100, "n_repairs": 500}


@pytest.fixture(scope="module")
def world() -> HousingRepairsWorld:
    return HousingRepairsWorld(seed=3, start_date=START, days=20, **SMALL)


@pytest.fixture(scope="module")
def account() -> Any:
    return new_service_account()  # RSA key generation is the slow part: once per module


@pytest.fixture
def sheets(world: HousingRepairsWorld, account: Any) -> Iterator[SheetsSandbox]:
    with SheetsSandbox(world, account=account) as server:
        server.set_today(START)
        yield server


@pytest.fixture
def landing(world: HousingRepairsWorld, tmp_path: Path) -> Landing:
    return Landing(world, tmp_path / "landing")


def quiet(_: str) -> None:
    pass


def repairs_run(server: SheetsSandbox, landing: Landing, workspace: Workspace, today: date, **overrides: Any) -> Any:
    server.set_today(today)
    landing.root.mkdir(parents=True, exist_ok=True)
    key = server.write_key_file(landing.root.parent / "sa.json")
    values = {**settings_for(server, landing, key), "backoff_s": 0.01, "today": today, **overrides}
    return repairs.ingest(repairs.load_settings(**values), workspace, quiet)


def raw(workspace: Workspace, department: str, source: str, table: str, columns: str = "*") -> list[tuple]:
    folder = workspace.home / "lake" / "raw" / department / source / table
    if not folder.exists():
        return []
    return duckdb.sql(
        f"select {columns} from read_parquet('{folder}/**/*.parquet', union_by_name = true) order by all"
    ).fetchall()


def days_with_new_content(landing: Landing, contractor: str, count: int) -> list[date]:
    """The first `count` days whose export differs from the day before's (a small world is often quiet)."""
    sender = landing.world.contractors[contractor]
    days, previous = [], None
    for n in range(landing.world.days):
        day = START + timedelta(days=n)
        if sender.delivery.weekdays_only and day.weekday() >= 5:
            continue
        content = landing.export_content(sender, day)[0]
        if content != previous:
            days.append(day)
        previous = content
        if len(days) == count:
            return days
    raise AssertionError(f"{contractor}: fewer than {count} distinct exports in the world")


def rejected(workspace: Workspace, department: str, source: str) -> list[tuple[str, str]]:
    return [(t, r) for t, r in raw(workspace, department, source, "rejected_records", "table_name, reason")]


# --------------------------------------------------------------------------------------- repairs: what lands, once


def test_every_contractor_lands_with_where_each_row_came_from(sheets, landing, workspace, world):
    landing.write_exports(START)
    report = repairs_run(sheets, landing, workspace, START)
    landed = report.rows_by_table()
    for key in world.contractors:
        assert landed[f"{key}_responses"] == len(world.sheet_values(key, START)) - 1, key
    rows = raw(workspace, "housing", "repairs", "dlo_responses",
               "response_key, _record_index, _source_ref, _imported_at, timestamp")  # fmt: skip
    sheet_id = sheets.spreadsheet_ids["dlo"]
    values = world.sheet_values("dlo", START)
    for response_key, index, source_ref, imported_at, timestamp in rows:
        assert response_key == str(index) and source_ref == f"sheet {sheet_id} 'Form responses 1'"
        assert timestamp == values[index - 1][0], "row number = the sheet's A1 row"
        assert imported_at
    purdy = raw(workspace, "housing", "repairs", "purdy_responses", "distinct _source_ref")
    assert purdy == [(landing.export_path(world.contractors["purdy"], START).relative_to(landing.root).as_posix(),)]
    herts = raw(workspace, "housing", "repairs", "herts_heritage_responses", "response_key, time_stamp")
    assert all(key.split("#")[0] == stamp for key, stamp in herts), "a new-jobs-only sender is keyed by time stamp"


def test_a_delivery_already_landed_lands_once(sheets, landing, workspace, world):
    landing.write_exports(START)
    first = repairs_run(sheets, landing, workspace, START)
    again = repairs_run(sheets, landing, workspace, START)
    assert sum(first.rows_by_table().values()) > 0 and again.steps == [], "unchanged sheets and seen files land nothing"
    purdy = landing.export_path(world.contractors["purdy"], START)
    shutil.copy(purdy, purdy.with_name("Purdy repairs log - resent.csv"))
    assert repairs_run(sheets, landing, workspace, START).steps == [], "the same content under another name is known"
    before = raw(workspace, "housing", "repairs", "purdy_responses")
    changed = days_with_new_content(landing, "purdy", 2)[1]
    landing.write_exports(changed)
    later = repairs_run(sheets, landing, workspace, changed)
    # Only the rows that differ from the previous delivery land (issue 17); the import log keeps the delivery's size.
    earlier_rows, rows = (cells(world.sheet_values("purdy", day)) for day in (START, changed))
    differ = {number for number, row in rows.items() if earlier_rows.get(number) != row}
    assert 0 < len(differ) < len(rows), "the later export should change some rows and keep others"
    assert later.rows_by_table()["purdy_responses"] == len(differ)
    landed = raw(workspace, "housing", "repairs", "purdy_responses", "_record_index, _import_date")
    assert {number for number, day in landed if day == changed.isoformat()} == differ
    log = raw(workspace, "housing", "repairs", "import_log", "table_name, _import_date, rows_landed, rows_expected")
    assert ("purdy_responses", changed.isoformat(), len(differ), len(rows)) in log
    after = raw(workspace, "housing", "repairs", "purdy_responses")
    assert set(before) <= set(after), "raw is never rewritten"
    assert repairs_run(sheets, landing, workspace, changed).steps == [], "a re-run lands nothing"


def cells(values: list[list[str]]) -> dict[int, tuple[str | None, ...]]:
    """A sheet's rows by row number (header = row 1) as the connector reads them: padded, empty cells null."""
    width = max(len(row) for row in values)
    return {number: tuple((row[i] if i < len(row) else "") or None for i in range(width))
            for number, row in enumerate(values[1:], start=2) if any(row)}  # fmt: skip


def test_a_backlog_of_files_lands_one_delivery_per_contractor_per_step_oldest_first(sheets, landing, workspace):
    days = days_with_new_content(landing, "purdy", 3)
    for day in days:
        landing.write_exports(day)
    report = repairs_run(sheets, landing, workspace, days[-1], contractors=["purdy"])
    assert [s.label for s in report.steps] == ["deliveries 1 of 3", "deliveries 2 of 3", "deliveries 3 of 3"]
    stamps = raw(workspace, "housing", "repairs", "purdy_responses", "distinct _source_ref, _imported_at")
    ordered = sorted(stamps, key=lambda r: r[1])
    assert [ref for ref, _ in ordered] == sorted(ref for ref, _ in stamps), "a later file always lands later"


# --------------------------------------------------------------------------------------- malformed files


@pytest.mark.parametrize(
    ("kind", "says"),
    [
        ("bad_encoding", "not valid utf-8"),
        ("missing_column", "has no postcode column"),
        ("renamed_header", "has no timestamp column"),
        ("empty", "empty"),
        ("truncated_csv", "cut short"),
        ("truncated_xlsx", "not a readable XLSX"),
    ],
)
def test_a_malformed_export_is_refused_whole_with_the_reason_and_loses_nothing(
    kind, says, sheets, landing, workspace, world
):
    contractor = "stannah" if kind == "truncated_xlsx" else "purdy"
    table = f"{contractor}_responses"
    first, second = days_with_new_content(landing, contractor, 2)
    landing.write_exports(first)
    repairs_run(sheets, landing, workspace, first, contractors=[contractor])
    before = raw(workspace, "housing", "repairs", table)
    bad = landing.write_malformed(contractor, second, kind)
    report = repairs_run(sheets, landing, workspace, second, contractors=[contractor])
    assert report.rejected_by_table() == {table: 1}
    assert raw(workspace, "housing", "repairs", table) == before, "nothing of it landed, nothing landed before lost"
    reasons = rejected(workspace, "housing", "repairs")
    assert len(reasons) == 1 and reasons[0][0] == table and says.lower() in reasons[0][1].lower(), reasons
    assert bad.path.name in json.dumps(raw(workspace, "housing", "repairs", "rejected_records", "record_json"))
    assert repairs_run(sheets, landing, workspace, second, contractors=[contractor]).steps == [], "refused once"
    bad.path.unlink()
    landing.write_exports(second)  # the contractor sends the file again, right this time
    later = repairs_run(sheets, landing, workspace, second, contractors=[contractor])
    assert later.rows_by_table()[table] > 0, "the corrected file lands as usual"


def test_an_extra_column_lands_distinct_and_is_reported_and_a_header_only_file_lands_nothing(
    sheets, landing, workspace
):
    landing.write_malformed("purdy", START, "extra_column")
    report = repairs_run(sheets, landing, workspace, START, contractors=["purdy"])
    assert report.drift == {"purdy_responses": ["checked_by"]}
    assert report.rows_by_table()["purdy_responses"] > 0
    landing.write_malformed("purdy", DAY2, "header_only")
    quiet_day = repairs_run(sheets, landing, workspace, DAY2, contractors=["purdy"])
    assert quiet_day.rows_by_table() == {"purdy_responses": 0} and quiet_day.rejected_by_table() == {}


def test_two_headers_that_normalise_to_one_name_are_refused(sheets, landing, workspace):
    folder = landing.root / "housing" / "repairs" / "purdy"
    folder.mkdir(parents=True)
    (folder / "clash.csv").write_text("Timestamp,Priority,PRIORITY.\r\n06/01/2025 09:00:00,Urgent,Normal\r\n")
    report = repairs_run(sheets, landing, workspace, START, contractors=["purdy"])
    assert report.rejected_by_table() == {"purdy_responses": 1}
    assert "both normalise to 'priority'" in rejected(workspace, "housing", "repairs")[0][1]


# --------------------------------------------------------------------------------------- the Sheets API misbehaving


def test_a_throttled_sheet_is_retried_and_lands(sheets, landing, workspace, world):
    sheets.faults.fail_next(3, 429, retry_after=0)
    report = repairs_run(sheets, landing, workspace, START, contractors=["dlo"])
    assert report.rows_by_table() == {"dlo_responses": len(world.sheet_values("dlo", START)) - 1}
    assert [r["status"] for r in sheets.requests if "/values/" in r["path"] or r["path"].count("/") == 3][:3] == [
        429, 429, 429]  # fmt: skip


def test_a_refused_sheet_fails_loudly_while_the_others_land_and_lands_once_shared_again(sheets, landing, workspace):
    landing.write_exports(START)
    sheets.faults.revoked = {sheets.spreadsheet_ids["axis"]}
    with pytest.raises(SourceRefused, match="share the sheet with .*iam.gserviceaccount.com"):
        repairs_run(sheets, landing, workspace, START)
    state = json.loads((workspace.dlt_dir / "repairs" / "state.json").read_text())["sources"]["repairs"]
    assert "axis_responses" not in state["sheets"] and "dlo_responses" in state["sheets"], "the others landed"
    assert raw(workspace, "housing", "repairs", "axis_responses") == []
    sheets.faults.revoked = set()
    report = repairs_run(sheets, landing, workspace, START)
    assert set(report.rows_by_table()) == {"axis_responses"}, "only the refused sheet was left to land"


def test_a_disabled_service_account_key_says_what_to_do(sheets, landing, workspace):
    sheets.faults.key_disabled = True
    with pytest.raises(SourceRefused, match="Create a new key"):
        repairs_run(sheets, landing, workspace, START, contractors=["dlo"])


def test_a_renamed_required_header_refuses_the_sheet_and_names_the_new_header(landing, workspace, account):
    renamed = HousingRepairsWorld(seed=3, start_date=START, days=20, **SMALL,
                                  header_renames={"dlo": (1, "Address of repair", "Repair address")})  # fmt: skip
    with SheetsSandbox(renamed, account=account) as server:
        landing = Landing(renamed, landing.root)
        assert repairs_run(server, landing, workspace, START, contractors=["dlo"]).rows_by_table()["dlo_responses"]
        report = repairs_run(server, landing, workspace, START + timedelta(days=2), contractors=["dlo"])
    assert report.rejected_by_table() == {"dlo_responses": 1}
    reason = rejected(workspace, "housing", "repairs")[0][1]
    assert "no address_of_repair column" in reason and "repair_address" in reason


def test_dlos_reworded_property_reference_header_lands_under_its_own_name(sheets, landing, workspace, world):
    rename_day = START + timedelta(days=11)  # the sandbox rewords it on day 10
    repairs_run(sheets, landing, workspace, rename_day, contractors=["dlo"])
    columns = {c for (c,) in duckdb.sql(
        f"select column_name from (describe select * from read_parquet('{workspace.home}/lake/raw/housing/repairs/"
        "dlo_responses/**/*.parquet', union_by_name = true))").fetchall()}  # fmt: skip
    assert {"uh_property_reference", "uh_property_reference_eg_p000123"} <= columns, "never merged into one"


def test_settings_say_what_is_missing():
    with pytest.raises(SourceNotConfigured, match="SOURCES__REPAIRS__SERVICE_ACCOUNT_KEY_PATH"):
        repairs.load_settings(sheets={"dlo": {"spreadsheet_id": "x"}}, exports={})
    with pytest.raises(SourceNotConfigured, match="LANDING_ROOT"):
        housing_management.load_settings(landing_root=None)


def test_an_unknown_contractor_names_the_known_ones(sheets, landing, workspace):
    with pytest.raises(SourceNotConfigured, match="known: alphatrack"):
        repairs_run(sheets, landing, workspace, START, exports={"acme": {"pattern": "*.csv"}}, sheets={})


# --------------------------------------------------------------------------------------- housing extract, gazetteer


def housing_run(landing: Landing, workspace: Workspace, today: date) -> Any:
    settings = housing_management.load_settings(landing_root=str(landing.root), today=today)
    return housing_management.ingest(settings, workspace, quiet)


def test_housing_extract_days_land_in_order_once_each(landing, workspace, world):
    for offset in range(3):
        landing.write_housing_extract(START + timedelta(days=offset))
    report = housing_run(landing, workspace, START + timedelta(days=3))
    assert [s.label for s in report.steps] == [(START + timedelta(days=n)).isoformat() for n in range(3)]
    assert report.rows_by_table()["properties"] == len(world.housing.full_rows("properties", START)) + sum(
        len(world.housing.changed_rows("properties", START + timedelta(days=n))) for n in (1, 2)
    )
    assert housing_run(landing, workspace, START + timedelta(days=3)).steps == []
    members = raw(workspace, "housing", "housing_management", "household_members", "_import_step, _source_ref")
    assert {step for step, _ in members} <= {(START + timedelta(days=n)).isoformat() for n in range(3)}
    assert all(ref.startswith("housing/housing_management/household_members/") for _, ref in members)


def test_a_housing_file_missing_a_required_column_is_refused_the_rest_of_its_day_lands(landing, workspace):
    paths = landing.write_housing_extract(START)
    members = next(p for p in paths if "household_members" in p.name)
    lines = members.read_text().splitlines()
    header = lines[0].split(",")
    drop = header.index("date_of_birth")
    members.write_text(
        "\r\n".join(",".join(c for i, c in enumerate(line.split(",")) if i != drop) for line in lines) + "\r\n"
    )
    report = housing_run(landing, workspace, DAY2)
    assert report.rejected_by_table() == {"household_members": 1}
    assert report.rows_by_table()["properties"] > 0 and report.rows_by_table()["household_members"] == 0
    assert "no date_of_birth column" in rejected(workspace, "housing", "housing_management")[0][1]


def test_the_gazetteer_lands_each_full_file_once_and_refuses_an_empty_one(landing, workspace, world):
    landing.write_gazetteer(START)
    settings = gazetteer.load_settings(landing_root=str(landing.root), today=START)
    assert gazetteer.ingest(settings, workspace, quiet).rows_by_table() == {"llpg": len(world.gazetteer_on(START))}
    assert gazetteer.ingest(settings, workspace, quiet).steps == []
    empty = landing.gazetteer_path(START + timedelta(days=7))
    empty.write_text(",".join(["uprn", "parent_uprn", "usrn", "address_line_1", "address_line_2", "address_line_3",
                               "town", "postcode", "blpu_class", "x_coordinate", "y_coordinate"]) + "\r\n")  # fmt: skip
    later = gazetteer.load_settings(landing_root=str(landing.root), today=START + timedelta(days=7))
    report = gazetteer.ingest(later, workspace, quiet)
    assert report.rejected_by_table() == {"llpg": 1} and report.rows_by_table() == {"llpg": 0}
    logged = raw(workspace, "data_and_insight", "gazetteer", "import_log", "table_name, rows_landed")
    assert logged == [("llpg", len(world.gazetteer_on(START)))], "a refused full file is never the latest pull"


def test_the_contract_agrees_with_the_sheets_the_contractors_keep():
    """The sandbox keeps its own copy of each contractor's headers; the contract must know every one (normalised) and
    require only headers the sheet really has, so a drift on either side is noticed here."""
    from core.registry import source_entry
    from core.tabular import normalise_header
    from sandbox.housing_world import CONTRACTORS
    from sandbox.housing_world.world import DEFAULT_HEADER_RENAMES

    tables = source_entry("repairs").contract().tables
    assert set(tables) == {f"{key}_responses" for key in CONTRACTORS}
    for key, contractor in CONTRACTORS.items():
        table = tables[f"{key}_responses"]
        headers = {normalise_header(c.header) for c in contractor.columns}
        renamed = {normalise_header(new) for k, (_, _, new) in DEFAULT_HEADER_RENAMES.items() if k == key}
        assert headers | renamed <= set(table.column_names), key
        assert set(table.required) <= headers, key
        assert set(table.column_names) - {"response_key"} == headers | renamed, f"{key}: columns no sheet has"
