"""The Academy connector against a real PostgreSQL replica: chunked reads land every row exactly once, tables are
selected and routed by pattern, a kill -9 mid-table or a dropped connection costs no row and duplicates none, a
statement timeout fails one table and not the others, a schema change between runs is reported."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta

import pytest

from core.errors import SourceIncomplete, SourceNotConfigured
from core.registry import source_entry
from ingestion.academy import ingest, load_settings
from sandbox.academy import AcademyReplica, PostgresUnavailable
from tests.ingestion.academy_lake import (
    REPLICA_FOLDER,
    REPO,
    START,
    complete_snapshot,
    import_log,
    raw_keys,
    raw_rows,
    table,
    truth_keys,
)

TABLES = list(source_entry("academy").contract().tables)
CHANGE_TABLES = [t for t in TABLES if table(t).load == "daily"]
SNAPSHOT_TABLES = [t for t in TABLES if table(t).load == "snapshot"]


@pytest.fixture(scope="module")
def server():
    replica = AcademyReplica(REPLICA_FOLDER)
    try:
        replica.start()
    except PostgresUnavailable as missing:
        pytest.skip(str(missing))
    yield replica
    if replica.started_here:
        replica.stop()


@pytest.fixture
def replica(server):
    """A fresh small world where plenty happens every day (about 300 accounts, 470 liable persons)."""
    server.seed(n_accounts=300, seed=23, start_date=START, activity=80)
    return server


def settings(replica, day, **overrides):
    values = {"connection_url": replica.reader_url, "today": day, "batch_size": 60, "backoff_s": 0.01}
    return load_settings(**{**values, **overrides})


def quiet(_: str) -> None:
    pass


def test_chunked_first_import_then_daily_changes_land_every_row_exactly_once(replica, workspace):
    report = ingest(settings(replica, START), workspace, quiet)
    home = workspace.home
    for name in TABLES:
        # the first import of every table: each served row once, whatever the chunking
        landed = raw_keys(home, name)
        assert landed == truth_keys(replica, name, START), name
    assert len([s for s in report.steps if s.label.startswith("revenues")]) >= 5  # chunked: ~470 rows / 60 a chunk
    log = import_log(home)
    assert all(r["rows_landed"] == r["rows_expected"] for r in log)  # every chunk reconciled with count(*)
    assert {r["table_name"] for r in log if r["outcome"] == "complete"} == set(TABLES)
    assert (home / "lake/raw/benefits/academy/hbmember").is_dir()
    assert (home / "lake/raw/revenues/academy/ctaccount").is_dir()
    assert not (home / "lake/raw/revenues/academy/hbmember").exists()

    later = START + timedelta(days=2)
    replica.advance_to(later)
    for offset in (1, 2):
        ingest(settings(replica, START + timedelta(days=offset)), workspace, quiet)
    for name in CHANGE_TABLES:
        # the latest landed version of every key is what the replica holds; nothing served was missed
        latest: dict[tuple, dict] = {}
        for row in sorted(raw_rows(home, name), key=lambda r: (r["_imported_at"], r["_record_index"])):
            latest[tuple(row[c] for c in table(name).key_columns)] = row
        served = {tuple(str(r[c]) for c in table(name).key_columns): r for r in replica.truth.rows_as_of(name, later)}
        assert set(latest) == set(served), name
        updated = table(name).updated_at
        assert all(latest[k][updated] == str(served[k][updated]).replace("T", " ") + ".000000" for k in served), name
        changes = raw_keys(home, name, "_import_step = 'changes'")
        assert all(n == 1 for n in changes.values()), f"{name}: a change landed twice"
    for name in SNAPSHOT_TABLES:
        snapshot = Counter(tuple(r[c] for c in table(name).key_columns) for r in complete_snapshot(home, name))
        assert snapshot == truth_keys(replica, name, later), name


def test_a_rerun_of_the_same_day_adds_no_snapshot_and_only_new_changes(replica, workspace):
    ingest(settings(replica, START), workspace, quiet)
    before = {name: sum(raw_keys(workspace.home, name).values()) for name in TABLES}
    report = ingest(settings(replica, START), workspace, quiet)
    after = {name: sum(raw_keys(workspace.home, name).values()) for name in TABLES}
    assert after == before
    assert not set(report.rows_by_table()) & set(SNAPSHOT_TABLES)  # today's snapshots were already whole


def test_patterns_select_tables_and_routes_must_agree_with_the_contracts(replica, workspace):
    with replica.connect() as conn:  # a vendor table nobody has a contract for
        conn.execute("CREATE TABLE dbo.hbextra (id integer)")
        conn.execute("GRANT SELECT ON dbo.hbextra TO academy_reader")
    try:
        said: list[str] = []
        report = ingest(settings(replica, START, tables=["^hb"]), workspace, said.append)
        assert set(report.rows_by_table()) == {t for t in TABLES if t.startswith("hb")}
        assert any("hbextra" in line and "no contract" in line for line in said)
        assert not (workspace.home / "lake/raw/revenues").exists()
        assert not (workspace.home / "lake/raw/benefits/academy/hbextra").exists()

        routes = {"revenues": ["^ct", "^nndr", "^hbclaim"], "benefits": ["^hbm", "^hbh", "^hbr", "^hbc[t]"]}
        with pytest.raises(SourceNotConfigured, match="hbclaim"):
            ingest(settings(replica, START, department_routes=routes), workspace, quiet)
    finally:
        with replica.connect() as conn:
            conn.execute("DROP TABLE dbo.hbextra")


@pytest.mark.parametrize("point", ["reading", "loading"])
def test_a_kill_mid_table_resumes_without_gap_or_duplicate(replica, workspace, point):
    command = [
        sys.executable,
        str(REPO / "tests/ingestion/academy_kill_runner.py"),
        point,
        str(workspace.home),
        replica.reader_url,
        START.isoformat(),
        "60",
    ]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    runner = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for line in runner.stdout:
            if line.startswith("PAUSED"):
                break
        else:
            pytest.fail(f"the runner finished without pausing (exit {runner.wait()})")
        os.kill(runner.pid, signal.SIGKILL)
    finally:
        runner.wait(timeout=30)
    partial = {name: sum(raw_keys(workspace.home, name).values()) for name in ("ctliab_person", "ctaccount")}
    assert 0 < partial["ctliab_person"] < len(replica.truth.rows_as_of("ctliab_person", START))  # stopped mid-table

    ingest(settings(replica, START), workspace, quiet)
    for name in CHANGE_TABLES:
        assert raw_keys(workspace.home, name) == truth_keys(replica, name, START), name
    for name in SNAPSHOT_TABLES:
        # the snapshot in flight resumed (same day): one complete copy, no row twice, none missing
        steps = {r["_import_step"] for r in import_log(workspace.home) if r["table_name"] == name}
        assert len(steps) == 1, f"{name}: {steps}"
        assert raw_keys(workspace.home, name) == truth_keys(replica, name, START), name


def strike_when_reading(replica, table: str, timeout: float = 30) -> threading.Thread:
    """A thread that waits until the reader is scanning `table`, then kills every reader session (as a failover
    would). Waiting for that table, not any statement, keeps the strike inside a chunk read, whatever the load."""

    def strike() -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with replica.connect() as conn:
                busy = conn.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE usename = 'academy_reader' AND state = 'active' "
                    "AND query ILIKE %s",
                    (f"%dbo.{table}%",),
                ).fetchone()[0]
            if busy:
                replica.faults.terminate_reader_connections()
                return
            time.sleep(0.02)

    thread = threading.Thread(target=strike, daemon=True)
    thread.start()
    return thread


def test_a_connection_dropped_mid_read_is_retried_and_loses_nothing(replica, workspace):
    said: list[str] = []
    with replica.faults.slow_reads("ctliab_person", seconds_per_row=0.004):
        striker = strike_when_reading(replica, "ctliab_person")
        ingest(settings(replica, START, tables=["^ctliab"], batch_size=200, attempts=3), workspace, said.append)
        striker.join(timeout=5)
    assert any("trying again" in line for line in said), said
    assert raw_keys(workspace.home, "ctliab_person") == truth_keys(replica, "ctliab_person", START)


def test_a_statement_timeout_fails_that_table_and_the_others_land(replica, workspace):
    with replica.faults.slow_reads("ctaccount", seconds_per_row=0.01), pytest.raises(SourceIncomplete) as failed:
        ingest(settings(replica, START, tables=["^ct"], statement_timeout_s=0.5), workspace, quiet)
    report = failed.value.report
    assert set(report.failed_tables()) == {"ctaccount"}
    assert "statement timeout" in report.failed_tables()["ctaccount"]
    assert "ctaccount" in str(failed.value)
    for name in ("ctproperty", "ctoccupation", "ctliab_person"):
        assert raw_keys(workspace.home, name) == truth_keys(replica, name, START), name
    failures = [r for r in import_log(workspace.home) if r["outcome"] == "failed"]
    assert [r["table_name"] for r in failures] == ["ctaccount"] and "timeout" in failures[0]["error"]
    assert raw_keys(workspace.home, "ctaccount") == Counter()  # nothing of it landed, its cursor did not move

    ingest(settings(replica, START, tables=["^ct"]), workspace, quiet)  # the next run, the replica fast again
    assert raw_keys(workspace.home, "ctaccount") == truth_keys(replica, "ctaccount", START)
    assert raw_keys(workspace.home, "ctproperty") == truth_keys(replica, "ctproperty", START)  # no duplicates


def test_a_schema_change_between_runs_lands_with_a_clear_report(replica, workspace):
    ingest(settings(replica, START, tables=["^ctaccount", "^ctproperty"]), workspace, quiet)
    replica.faults.add_column("ctaccount", "email_address", "varchar(80)", default="'someone@example.org'")
    replica.faults.widen_column("ctproperty", "addr1", "varchar(200)")
    replica.advance_to(START + timedelta(days=1))
    said: list[str] = []
    report = ingest(
        settings(replica, START + timedelta(days=1), tables=["^ctaccount", "^ctproperty"]), workspace, said.append
    )
    assert report.schema_changes["ctaccount"] == ["column email_address added (VARCHAR(80))"]
    assert report.schema_changes["ctproperty"] == ["column addr1 type VARCHAR(60) -> VARCHAR(200)"]
    assert report.drift == {"ctaccount": ["email_address"]}
    assert any("ctaccount changed since the last run" in line for line in said)
    changed = raw_rows(workspace.home, "ctaccount", "_import_step = 'changes'")
    assert changed and {r["email_address"] for r in changed} == {"someone@example.org"}


def test_the_reader_cannot_write(replica):
    from ingestion.academy.database import make_engine

    engine = make_engine(replica.reader_url, 1, 5)
    try:
        with engine.connect() as connection, pytest.raises(Exception, match="read-only|permission"):
            connection.exec_driver_sql("CREATE TABLE dbo.nope (id integer)")
    finally:
        engine.dispose()


def test_a_contract_table_missing_from_the_source_fails_alone(replica, workspace):
    with replica.connect() as conn:
        conn.execute("ALTER TABLE dbo.nndraccount RENAME TO nndraccount_moved")
    try:
        with pytest.raises(SourceIncomplete, match="nndraccount") as failed:
            ingest(settings(replica, START, tables=["^nndr"]), workspace, quiet)
        assert failed.value.report.failed_tables() == {"nndraccount": "no table dbo.nndraccount in the source"}
        assert raw_keys(workspace.home, "nndrproperty") == truth_keys(replica, "nndrproperty", START)
    finally:
        with replica.connect() as conn:
            conn.execute("ALTER TABLE dbo.nndraccount_moved RENAME TO nndraccount")
