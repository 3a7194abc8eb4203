"""The Tascomi pipeline against the real sandbox server: paging, daily increments, outages, crashes, reruns.

The sandbox is deterministic, so a lake landed through faults must equal, record for record, a lake landed by a
clean run over the same days: that is "nothing lost, nothing duplicated".
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.registry import source_entry
from core.workspace import Workspace
from ingestion.tascomi import ingest
from ingestion.tascomi.client import TascomiAccessDenied, TascomiClient, TascomiUnavailable
from tests.conftest import tascomi_settings
from tests.ingestion.lake_reader import raw_files, raw_rows
from tests.ingestion.tascomi_days import DAILY, day

pytestmark = pytest.mark.slow  # a long module: started first (tests/conftest.py)

CONTRACT = source_entry("tascomi").contract().tables


def run_day(server, workspace: Workspace, today: date, **overrides):
    server.set_today(today)
    return ingest(tascomi_settings(server, today, **overrides), workspace, progress=lambda _: None)


def requested_days(server) -> list[str]:
    return [r["query"].get("last_updated") for r in server.requests if r["path"].endswith("/applications")]


def test_client_pages_cover_every_record_exactly_once(tascomi_sandbox):
    client = TascomiClient(tascomi_sandbox.base_url, tascomi_sandbox.public_key, tascomi_sandbox.private_key)
    ids = [r.values["id"] for r in client.series("applications")]
    assert len(ids) > 25, "the sandbox must need several pages for this test to mean anything"
    assert len(ids) == len(set(ids))
    per_page = [r for r in tascomi_sandbox.requests if r["query"].get("page")]
    assert {r["query"]["page"] for r in per_page} == {str(p) for p in range(1, len(per_page) + 1)}


def test_wrong_private_key_stops_with_a_clear_message(tascomi_sandbox):
    client = TascomiClient(tascomi_sandbox.base_url, tascomi_sandbox.public_key, "not-the-key", backoff_s=0)
    with pytest.raises(TascomiAccessDenied, match="PRIVATE_KEY"):
        list(client.series("applications"))


def test_first_run_is_a_full_load_without_todays_records(tascomi_sandbox, workspace, home):
    report = run_day(tascomi_sandbox, workspace, day(0))
    assert set(report.rows) == {"full", "lookups"}
    rows = raw_rows(home, "applications")
    assert rows, "the full load landed nothing"
    last_updated = CONTRACT["applications"].column_names.index("last_updated") + 1
    assert all((r[last_updated] or "")[:10] < day(0).isoformat() for r in rows)

    def has_null_last_updated(table: str) -> bool:
        position = CONTRACT[table].column_names.index("last_updated") + 1
        return any(r[position] is None for r in raw_rows(home, table))

    assert has_null_last_updated("applications") or has_null_last_updated("documents")
    import duckdb

    folder = home / "lake" / "raw" / "planning" / "tascomi" / "applications"
    landed = {r[0] for r in duckdb.sql(f"describe select * from read_parquet('{folder}/**/*.parquet')").fetchall()}
    assert "id" in landed and "gis_map_image_base64" not in landed, "the dropped map image must never land"


def test_daily_runs_request_each_finished_day_once_and_never_today(tascomi_sandbox, workspace, home, tascomi_days):
    tascomi_days.start_from((0,), workspace, tascomi_sandbox)
    for n in range(1, 4):
        run_day(tascomi_sandbox, workspace, day(n))
    asked = [d for d in requested_days(tascomi_sandbox) if d]
    assert sorted(set(asked)) == [day(n).isoformat() for n in range(3)]
    assert day(3).isoformat() not in asked


def test_same_day_twice_lands_nothing_new(tascomi_sandbox, workspace, home, tascomi_days):
    tascomi_days.start_from((0, 1), workspace, tascomi_sandbox)
    before = raw_files(home)
    again = run_day(tascomi_sandbox, workspace, day(1))
    assert again.rows_by_table() == {}
    assert raw_files(home) == before


def assert_current_state_landed_once(server, home: Path) -> None:
    """Every record's current version from before today is in raw, and no series landed a record twice."""
    client = TascomiClient(server.base_url, server.public_key, server.private_key)
    today = server.today.isoformat()
    for table in DAILY:
        rows = raw_rows(home, table)
        columns = ["_import_step", *CONTRACT[table].column_names]
        landed = [dict(zip(columns, r, strict=True)) for r in rows]
        keys = [(r["_import_step"], r["id"], r["last_updated"]) for r in landed]
        duplicated = {k for k in keys if keys.count(k) > 1}
        # The vendor itself repeats some ids within a day series (the "later copy wins" quirk): allowed once per
        # series, never across two imports of the same series.
        assert all(keys.count(k) <= 2 for k in duplicated), table
        have = {(r["id"], r["last_updated"]) for r in landed}
        for record in client.series(table):
            current = record.values
            if (current["last_updated"] or "")[:10] < today:
                assert (current["id"], current["last_updated"]) in have, (table, current["id"])


def test_outage_then_catch_up_loses_nothing_and_duplicates_nothing(tascomi_sandbox, workspace, home, tascomi_days):
    """A change-only API cannot serve a version that was superseded while we were not asking, so a run after an
    outage is compared with fault-free runs on the same days, as if the failed attempts had never happened."""
    tascomi_days.start_from((0, 1), workspace, tascomi_sandbox)
    tascomi_sandbox.faults.access_off = True
    for n in (2, 3):
        with pytest.raises(TascomiAccessDenied):
            run_day(tascomi_sandbox, workspace, day(n))
    tascomi_sandbox.faults.access_off = False
    report = run_day(tascomi_sandbox, workspace, day(4))
    assert list(report.rows) == [day(n).isoformat() for n in (1, 2, 3)]
    faulty = {t: raw_rows(home, t) for t in DAILY}
    assert faulty == tascomi_days.rows((0, 1, 4))
    assert_current_state_landed_once(tascomi_sandbox, home)


def test_vendor_cut_off_mid_catch_up_keeps_the_days_already_landed(tascomi_sandbox, workspace, home, tascomi_days):
    tascomi_days.start_from((0,), workspace, tascomi_sandbox)
    tascomi_sandbox.set_today(day(4))

    def cut_off_after_first_day(message: str) -> None:
        if day(0).isoformat() in message:
            tascomi_sandbox.faults.access_off = True

    with pytest.raises(TascomiAccessDenied):
        ingest(tascomi_settings(tascomi_sandbox, day(4)), workspace, progress=cut_off_after_first_day)
    landed_days = {r[0] for r in raw_rows(home, "applications")} - {"full"}
    assert landed_days == {day(0).isoformat()}
    tascomi_sandbox.faults.access_off = False
    run_day(tascomi_sandbox, workspace, day(4))
    faulty = {t: raw_rows(home, t) for t in DAILY}
    assert faulty == tascomi_days.rows((0, 4))


def test_missed_day_loaded_late_lands_every_current_version_once(tascomi_sandbox, workspace, home, tascomi_days):
    tascomi_days.start_from((0, 1), workspace, tascomi_sandbox)
    run_day(tascomi_sandbox, workspace, day(3))  # the run on day 2 never happened
    assert_current_state_landed_once(tascomi_sandbox, home)


def test_transient_failures_are_retried(tascomi_sandbox, workspace, home, tascomi_days):
    tascomi_days.start_from((0,), workspace, tascomi_sandbox)
    tascomi_sandbox.faults.fail_next(2, status=503)
    tascomi_sandbox.faults.truncate_next(1)
    report = run_day(tascomi_sandbox, workspace, day(1))
    assert "2025-03-03" in report.rows
    statuses = [r["status"] for r in tascomi_sandbox.requests]
    assert statuses.count(503) == 2


def test_persistent_failures_give_up_with_the_cause(tascomi_sandbox, workspace, home):
    tascomi_sandbox.faults.fail_next(100, status=500)
    with pytest.raises(TascomiUnavailable, match="HTTP 500"):
        run_day(tascomi_sandbox, workspace, day(0), max_attempts=3)
    assert raw_rows(home, "applications") == []


def test_catch_up_is_capped_and_resumes_next_run(tascomi_sandbox, workspace, home, tascomi_days):
    tascomi_days.start_from((0,), workspace, tascomi_sandbox)
    report = run_day(tascomi_sandbox, workspace, day(6), catch_up_days=2)
    assert [k for k in report.rows if k not in ("lookups",)] == [day(0).isoformat(), day(1).isoformat()]
    assert report.days_remaining == 4
    report = run_day(tascomi_sandbox, workspace, day(6), catch_up_days=10)
    assert [k for k in report.rows if k != "lookups"] == [day(n).isoformat() for n in range(2, 6)]


def test_lookups_are_repulled_on_their_schedule(tascomi_sandbox, workspace, home):
    assert "lookups" in run_day(tascomi_sandbox, workspace, day(0), lookup_refresh_days=3).rows
    assert "lookups" not in run_day(tascomi_sandbox, workspace, day(2), lookup_refresh_days=3).rows
    assert "lookups" in run_day(tascomi_sandbox, workspace, day(3), lookup_refresh_days=3).rows


def test_private_key_is_never_written_to_the_lake(tascomi_sandbox, workspace, home):
    run_day(tascomi_sandbox, workspace, day(0))
    secret = tascomi_sandbox.private_key.encode()
    for path in (home / "lake").rglob("*"):
        if path.is_file():
            assert secret not in path.read_bytes(), path


def test_crash_mid_run_then_rerun_equals_a_clean_run(tascomi_sandbox, workspace, home, tascomi_days):
    """Kill -9 the ingestion process part-way through a catch-up; the rerun must land exactly the rest."""
    import os
    import signal
    import subprocess
    import sys
    import time

    tascomi_days.start_from((0,), workspace, tascomi_sandbox)
    tascomi_sandbox.set_today(day(5))
    loads = home / "lake" / "raw" / "planning" / "tascomi" / "_dlt_loads"
    loads_before = len(list(loads.iterdir()))
    tascomi_sandbox.faults.slow_ms = 30
    env = {
        **os.environ,
        "SOURCES__TASCOMI__BASE_URL": tascomi_sandbox.base_url,
        "SOURCES__TASCOMI__PUBLIC_KEY": tascomi_sandbox.public_key,
        "SOURCES__TASCOMI__PRIVATE_KEY": tascomi_sandbox.private_key,
        "DATA_PLATFORM_HOME": str(home),
    }
    command = [sys.executable, "-m", "data_platform.cli", "ingest", "tascomi", "--today", day(5).isoformat()]
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while len(list(loads.iterdir())) < loads_before + 2 and time.monotonic() < deadline:
        assert process.poll() is None, "the import finished before it could be interrupted"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    tascomi_sandbox.faults.slow_ms = 0
    landed = {r[0] for r in raw_rows(home, "applications")} - {"full"}
    assert landed and landed < {day(n).isoformat() for n in range(5)}, "the kill should land part of the catch-up"
    run_day(tascomi_sandbox, workspace, day(5))
    faulty = {t: raw_rows(home, t) for t in DAILY}
    assert faulty == tascomi_days.rows((0, 5))
    assert_current_state_landed_once(tascomi_sandbox, home)


def test_a_table_empty_at_the_first_load_still_exists_in_raw(workspace, home):
    """Readers glob the raw folder; an empty vendor table must still leave a (zero-row) file with its columns."""
    import duckdb

    from sandbox.tascomi.server import TascomiSandbox
    from sandbox.tascomi.world import TascomiWorld

    world = TascomiWorld(seed=3, start_date=date(2025, 5, 1), initial_applications=5)
    with TascomiSandbox(world) as server:
        server.set_today(date(2025, 5, 1))
        assert world.records("appeals") == [], "precondition: this small world has no appeals yet"
        report = ingest(tascomi_settings(server, date(2025, 5, 1)), workspace, progress=lambda _: None)
    assert report.rows["full"]["appeals"] == 0
    folder = home / "lake" / "raw" / "planning" / "tascomi" / "appeals"
    described = duckdb.sql(f"describe select * from read_parquet('{folder}/**/*.parquet')").fetchall()
    columns = {r[0] for r in described}
    assert set(CONTRACT["appeals"].column_names) <= columns
    assert {"_imported_at", "_record_index", "_dlt_load_id", "_dlt_id"} <= columns


def test_slow_vendor_times_out_and_retries_then_gives_up_with_the_cause(tascomi_sandbox, workspace, home):
    tascomi_sandbox.faults.slow_ms = 400
    with pytest.raises(TascomiUnavailable, match="Timeout"):
        run_day(tascomi_sandbox, workspace, day(0), timeout_s=0.1, max_attempts=2)
    assert raw_rows(home, "applications") == []
    tascomi_sandbox.faults.slow_ms = 0
    assert run_day(tascomi_sandbox, workspace, day(0), timeout_s=5).rows["full"]["applications"] > 0
