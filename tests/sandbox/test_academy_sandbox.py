"""The Academy replica sandbox against a real PostgreSQL server: lifecycle, determinism, daily change, ground truth,
the read-only role and the faults. Worlds are small so the whole file runs in well under a minute."""

from __future__ import annotations

import os
import re
import shutil
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import psycopg
import pytest
from psycopg import errors
from psycopg.rows import dict_row

from sandbox.academy import AcademyReplica, PostgresCluster, PostgresUnavailable
from sandbox.academy.schema import TABLES, schema_markdown
from sandbox.academy.server import ClusterError
from tests.conftest import repo_local_folder

REPO = Path(__file__).resolve().parents[2]
FOLDER = repo_local_folder("academy-pg-test")  # under the repo: PostgreSQL's OS user cannot enter pytest's tmp dirs
START = date(2025, 1, 6)


@pytest.fixture(scope="module")
def replica():
    server = AcademyReplica(FOLDER)
    try:
        server.start()
    except PostgresUnavailable as missing:
        pytest.skip(str(missing))
    yield server
    if server.started_here:
        server.stop()


@pytest.fixture
def busy(replica):
    """A small world where plenty happens every day."""
    replica.seed(n_accounts=300, seed=11, start_date=START, activity=80)
    return replica


def dump(conn: psycopg.Connection, table: str) -> list[dict]:
    t = next(t for t in TABLES if t.name == table)
    cols = ", ".join(t.column_names)
    with conn.cursor(row_factory=dict_row) as cur:
        return cur.execute(f"SELECT {cols} FROM dbo.{table} ORDER BY {cols}").fetchall()


def fingerprint(replica: AcademyReplica) -> dict[str, str]:
    with replica.connect() as conn:
        return {
            t.name: conn.execute(
                f"SELECT md5(string_agg(x::text, '|' ORDER BY x::text)) FROM dbo.{t.name} AS x"
            ).fetchone()[0]
            for t in TABLES
        }


# -- lifecycle -------------------------------------------------------------------------------------------------------


def test_start_is_idempotent_and_reuses_the_running_server(replica):
    before = replica.cluster.status()
    began = time.monotonic()
    with AcademyReplica(FOLDER) as again:
        assert again.port == replica.port
        assert again.cluster.status().pid == before.pid
    assert time.monotonic() - began < 2, "reusing a running server should not re-create anything"
    assert replica.cluster.status().running, "a block that reused the server must not stop it"


def test_install_is_a_quick_no_op_when_present_and_says_what_to_do_when_not(replica, monkeypatch):
    from sandbox.academy import server

    began = time.monotonic()
    bindir = server.ensure_installed()
    assert time.monotonic() - began < 0.5
    assert (bindir / "initdb").exists() and (bindir / "pg_ctl").exists()
    monkeypatch.setattr(server, "find_bindir", lambda: None)
    monkeypatch.setattr(server, "_is_root", lambda: False)
    with pytest.raises(PostgresUnavailable, match="apt-get install -y postgresql"):
        server.ensure_installed()


@pytest.mark.skipif(os.geteuid() != 0, reason="only root hands the data directory to the postgres user")
def test_a_folder_the_server_user_cannot_reach_falls_back_to_a_reachable_one(replica):
    private = repo_local_folder("academy-pg-private")
    shutil.rmtree(private, ignore_errors=True)
    private.mkdir(mode=0o700, parents=True)
    private.chmod(0o700)
    cluster = PostgresCluster(private / "cluster")
    shutil.rmtree(cluster.fallback_dir, ignore_errors=True)
    try:
        port = cluster.start()
        assert cluster.status().running and cluster.status().data_dir == cluster.fallback_dir / "data"
        assert PostgresCluster(private / "cluster").start() == port  # found again, reused
    finally:
        cluster.stop()
        shutil.rmtree(cluster.fallback_dir, ignore_errors=True)
        shutil.rmtree(private, ignore_errors=True)


def test_a_running_server_is_not_restarted_on_another_port(replica):
    with pytest.raises(ClusterError, match="already running"):
        AcademyReplica(FOLDER, port=replica.port + 1).start()


def test_stop_then_start_comes_back_on_the_same_port_with_the_data(replica):
    replica.seed(n_accounts=50, seed=2)
    port, prints = replica.port, fingerprint(replica)
    assert replica.stop() is True
    assert not replica.cluster.status().running
    assert replica.stop() is False
    replica.start()
    assert replica.port == port
    assert fingerprint(replica) == prints


# -- the world -------------------------------------------------------------------------------------------------------


def test_same_seed_gives_the_same_rows_and_another_seed_does_not(replica):
    def world(seed: int) -> dict[str, str]:
        replica.seed(n_accounts=200, seed=seed, start_date=START, activity=30)
        replica.advance_to(START + timedelta(days=2))
        return fingerprint(replica)

    first = world(3)
    assert world(3) == first
    other = world(4)
    assert all(other[t] != first[t] for t in ("ctaccount", "ctliab_person", "ctproperty"))


def test_the_seeded_world_looks_like_a_borough(replica):
    report = replica.seed(n_accounts=2000, seed=5, start_date=START)
    assert report.counts["ctaccount"] == 2000
    truth = replica.truth
    homes = truth.households(START)
    live = [h for h in homes.values() if h]
    single = [h for h in live if sum(r.adult for r in h) == 1]
    assert 0.40 < len(single) / len(live) < 0.50
    spd = truth.spd_accounts(START)
    assert 0.9 < sum(h[0].account_ref in spd for h in single) / len(single) <= 1
    adults = [r for h in live for r in h if r.adult]
    ages = [r.age_on(START) for r in adults]
    assert min(ages) == 18 and max(ages) == 100
    assert sum(a >= 70 for a in ages) / len(ages) > 0.10
    assert sum(len(h) >= 3 for h in live) / len(live) > 0.15  # families
    with replica.connect() as conn:
        live_accounts, claims = conn.execute(
            "SELECT (SELECT count(*) FROM dbo.ctoccupation WHERE live_ind = 'Y'), "
            "(SELECT count(DISTINCT ctax_ref) FROM dbo.hbclaim WHERE claim_status = 'L')"
        ).fetchone()
        postcodes = [r[0] for r in conn.execute("SELECT postcode FROM dbo.ctproperty").fetchall()]
        members = conn.execute("SELECT gender, nino, type_ind FROM dbo.hbmember").fetchall()
        joint_codes = conn.execute(
            "SELECT DISTINCT o.liab_code FROM dbo.ctoccupation AS o WHERE o.live_ind = 'Y' AND "
            "(SELECT count(*) FROM dbo.ctliab_person AS p WHERE p.account_ref = o.account_ref) = 2"
        ).fetchall()
        long_notes = conn.execute("SELECT count(*) FROM dbo.ctaccount WHERE length(notes) > 4000").fetchone()[0]
    assert 0.05 < claims / live_accounts < 0.30
    assert all(re.fullmatch(r"(E[589]|N1|N4|N16|E2|EC2A) \d[A-Z]{2}", p) for p in postcodes)
    assert {g for g, _, _ in members} == {1, 2}
    assert all(n is None or re.fullmatch(r"[A-Z]{2}\d{6}[A-D]", n) for _, n, _ in members)
    assert {t for _, _, t in members} >= {1, 2, 3}
    assert joint_codes == [(1,)], "two liable parties: joint and several"
    assert long_notes > 0, "some notes are many kilobytes (nvarchar(max))"


def test_advance_changes_what_it_says(busy):
    day = START + timedelta(days=1)
    report = busy.advance()
    assert report.day == day == busy.today
    assert report.counts == busy.truth.day_log(day)
    assert report.counts["move_outs"] > 0 and report.counts["move_ins"] > 0 and report.counts["payments"] > 0
    with busy.connect() as conn:

        def one(query: str) -> int:
            return conn.execute(query, {"d": day}).fetchone()[0]

        assert one("SELECT count(*) FROM dbo.ctoccupation WHERE vacation_date = %(d)s") == report.counts["move_outs"]
        assert one("SELECT count(*) FROM dbo.ctoccupation WHERE occupation_date = %(d)s") == report.counts["move_ins"]
        assert one("SELECT count(*) FROM dbo.ctaccount WHERE created_date = %(d)s") == report.counts["move_ins"]
        assert one("SELECT count(*) FROM dbo.hbclaim WHERE from_date = %(d)s") == report.counts["claims_started"]
        assert one("SELECT count(*) FROM dbo.hbclaim WHERE to_date = %(d)s") == report.counts["claims_ended"]
        assert (
            one("SELECT count(*) FROM dbo.ctdiscount WHERE disc_code = 'SPD' AND end_date = %(d)s")
            == report.counts["spd_ended"]
        )
    changed = busy.truth.changed_tables(day)
    assert changed["ctaccount"] > 0 and changed["ctoccupation"] > 0
    assert changed["ctproperty"] == 2 * report.counts["band_changes"], "a band change closes a version, opens one"


def test_every_change_to_a_table_with_a_change_column_is_stamped_that_day(busy):
    busy.advance_to(START + timedelta(days=3))
    for t in (t for t in TABLES if t.change_column):
        for v in busy.truth.versions(t.name):
            if v.valid_from > START:
                assert v.values[t.change_column].date() == v.valid_from, (t.name, v)
                assert v.values[t.change_column].hour in range(8, 18)


def test_ground_truth_agrees_with_what_the_reader_saw_each_day(busy):
    seen: dict[date, dict[str, list[dict]]] = {}
    for _ in range(3):
        day = busy.advance().day
        with busy.connect_reader() as reader:
            seen[day] = {t.name: dump(reader, t.name) for t in TABLES}
    for day, tables in seen.items():
        for name, rows in tables.items():
            assert busy.truth.rows_as_of(name, day) == rows, (name, day)
    assert busy.truth.rows_as_of("ctaccount", START - timedelta(days=1)) == []


@pytest.mark.parametrize("table", ["ctliab_person", "ctnon_liab", "hbhousehold"])
def test_snapshot_table_versions_match_daily_full_snapshots(busy, table):
    """A perfect snapshot importer: a full copy every day, diffed by key (by whole row where there is no key)."""
    t = next(t for t in TABLES if t.name == table)
    cols = t.column_names
    key_cols = list(t.primary_key) or cols
    snapshots = {START: dump(busy.connect_reader(), table)}
    for _ in range(4):
        day = busy.advance().day
        with busy.connect_reader() as reader:
            snapshots[day] = dump(reader, table)
    expected: list[tuple] = []  # (key, values, first seen, until, how it ended)
    open_: dict[tuple, list] = {}
    for day, rows in sorted(snapshots.items()):
        today: dict[tuple, list[dict]] = {}
        for row in rows:
            today.setdefault(tuple(row[c] for c in key_cols), []).append(row)
        for key in list(open_):
            if key not in today:
                for version in open_.pop(key):
                    expected.append((*version, day, "disappeared"))
            elif [v[1] for v in open_[key]] != today[key]:
                for version in open_.pop(key):
                    expected.append((*version, day, "changed" if t.primary_key else "disappeared"))
        for key, rs in today.items():
            if key not in open_:
                open_[key] = [(key, r, day) for r in rs]
    expected += [(*v, None, None) for vs in open_.values() for v in vs]
    actual = [(v.key, v.values, v.valid_from, v.valid_to, v.ended) for v in busy.truth.versions(table)]
    for version in actual:
        if version[2] < START:
            pytest.fail(f"a version before the seed day: {version}")
    assert sorted(actual, key=repr) == sorted(expected, key=repr)
    assert any(v[4] for v in actual), "four busy days should end some versions"


def test_single_person_discounts_follow_who_lives_there(busy):
    busy.advance_to(START + timedelta(days=4))
    day = busy.today
    homes = busy.truth.households(day)
    adults_by_account: dict[int, int] = {}
    for residents in homes.values():
        for r in residents:
            adults_by_account[r.account_ref] = adults_by_account.get(r.account_ref, 0) + r.adult
    spd = busy.truth.spd_accounts(day)
    assert spd
    assert all(adults_by_account.get(account) == 1 for account in spd), "an SPD only while one adult lives there"
    with busy.connect() as conn:
        recorded = {
            r[0]
            for r in conn.execute(
                "SELECT account_ref FROM dbo.ctdiscount WHERE disc_code = 'SPD' AND end_date IS NULL"
            ).fetchall()
        }
    assert recorded == spd
    earlier = busy.truth.households(START)
    assert earlier != homes, "four busy days change who lives where"


# -- the platform's login ------------------------------------------------------------------------------------------


def test_reader_role_can_read_dbo_and_nothing_else(replica):
    replica.seed(n_accounts=50, seed=1)
    with replica.connect_reader(autocommit=True) as reader:
        assert reader.execute("SELECT count(*) FROM dbo.ctaccount").fetchone()[0] == 50
        for statement in (
            "INSERT INTO dbo.ctnon_liab (account_ref) VALUES (1)",
            "UPDATE dbo.ctaccount SET balance = 0",
            "DELETE FROM dbo.hbclaim",
            "TRUNCATE dbo.ctproperty",
            "CREATE TABLE dbo.mine (x int)",
            "CREATE TEMP TABLE mine (x int)",
            "SELECT * FROM academy_sandbox.person",
        ):
            with pytest.raises(errors.InsufficientPrivilege):
                reader.execute(statement)


def test_connector_meets_sql_server_style_types(replica):
    replica.seed(n_accounts=50, seed=1)
    with replica.connect_reader() as reader:
        types = dict(
            reader.execute(
                "SELECT table_name || '.' || column_name, data_type FROM information_schema.columns "
                "WHERE table_schema = 'dbo'"
            ).fetchall()
        )
        balance, numeric = reader.execute("SELECT balance, balance::numeric FROM dbo.ctaccount LIMIT 1").fetchone()
    assert types["ctaccount.balance"] == "money" and types["ctaccount.account_guid"] == "uuid"
    assert types["ctaccount.notes"] == "text" and types["ctaccount.last_modified"] == "timestamp without time zone"
    assert len(types) == sum(len(t.columns) for t in TABLES)
    assert isinstance(balance, str) and balance.startswith(("$", "-$")), "money arrives as locale text"
    assert float(numeric) == float(balance.replace("$", "").replace(",", ""))


# -- faults ----------------------------------------------------------------------------------------------------------


def test_reader_connections_are_dropped_mid_read(replica):
    replica.seed(n_accounts=100, seed=1)
    faults = replica.faults
    outcome: dict[str, object] = {}

    def read() -> None:
        with replica.connect_reader() as reader:
            began = time.monotonic()
            try:
                reader.execute("SELECT * FROM dbo.ctproperty").fetchall()
                outcome["rows"] = True
            except psycopg.OperationalError as error:
                outcome["error"] = error
            outcome["seconds"] = time.monotonic() - began

    with faults.slow_reads("ctproperty", seconds_per_row=0.05):  # 80 rows: 4 s unless interrupted
        killer = faults.terminate_reader_connections_when_reading(timeout=5)
        reader_thread = threading.Thread(target=read)
        reader_thread.start()
        reader_thread.join(10)
        killer.join(5)
    assert isinstance(outcome.get("error"), psycopg.OperationalError)
    assert outcome["seconds"] < 3
    assert faults.reader_backends() == []


def test_slow_reads_make_a_statement_timeout_fire_for_the_reader_only(replica):
    replica.seed(n_accounts=100, seed=1)
    with replica.faults.slow_reads("ctaccount", seconds_per_row=0.01):
        with replica.connect_reader() as reader:
            reader.execute("SET statement_timeout = '300ms'")
            with pytest.raises(errors.QueryCanceled):
                reader.execute("SELECT * FROM dbo.ctaccount").fetchall()
        with replica.connect() as owner:
            began = time.monotonic()
            assert owner.execute("SELECT count(*) FROM dbo.ctaccount").fetchone()[0] == 100
            assert time.monotonic() - began < 0.5
    with replica.connect_reader() as reader:
        reader.execute("SET statement_timeout = '300ms'")
        assert len(reader.execute("SELECT * FROM dbo.ctaccount").fetchall()) == 100


def test_a_locked_table_blocks_reads_until_released(replica):
    replica.seed(n_accounts=100, seed=1)
    with replica.faults.lock_table("hbclaim"), replica.connect_reader() as reader:
        reader.execute("SET statement_timeout = '300ms'")
        with pytest.raises(errors.QueryCanceled):
            reader.execute("SELECT count(*) FROM dbo.hbclaim").fetchone()
    with replica.connect_reader() as reader:
        reader.execute("SET statement_timeout = '300ms'")
        assert reader.execute("SELECT count(*) FROM dbo.hbclaim").fetchone()[0] > 0


def test_schema_changes_between_runs(busy):
    busy.advance()
    busy.faults.add_column("ctaccount", "email_addr", "varchar(100)")
    busy.faults.widen_column("ctproperty", "addr1", "varchar(200)")
    busy.faults.widen_column("ctoccupation", "account_ref", "bigint")
    with busy.connect_reader() as reader:
        columns = {
            (t, c): (d, n)
            for t, c, d, n in reader.execute(
                "SELECT table_name, column_name, data_type, character_maximum_length FROM information_schema.columns "
                "WHERE table_schema = 'dbo'"
            ).fetchall()
        }
    assert columns[("ctaccount", "email_addr")] == ("character varying", 100)
    assert columns[("ctproperty", "addr1")] == ("character varying", 200)
    assert columns[("ctoccupation", "account_ref")] == ("bigint", None)
    busy.advance()  # the history triggers follow the new columns
    day = busy.today
    with busy.connect() as conn:
        conn.execute("UPDATE dbo.ctaccount SET email_addr = 'someone@example.org' WHERE account_ref = 30000001")
        current = conn.cursor(row_factory=dict_row).execute("SELECT * FROM dbo.ctaccount ORDER BY 1").fetchall()
    truth_rows = busy.truth.rows_as_of("ctaccount", day)
    assert sorted(truth_rows, key=lambda r: r["account_ref"]) == current
    assert all(r["email_addr"] is None for r in busy.truth.rows_as_of("ctaccount", day - timedelta(days=2)))
    assert [c["table_name"] for c in busy.truth.schema_changes()] == ["ctaccount", "ctproperty", "ctoccupation"]


# -- docs and command line -------------------------------------------------------------------------------------------


def test_readme_documents_the_schema_as_built():
    readme = (REPO / "sandbox" / "academy" / "README.md").read_text()
    assert schema_markdown() in readme


def test_command_line_status_and_advance(replica, capsys):
    from sandbox.academy.__main__ import main

    replica.seed(n_accounts=60, seed=9, start_date=START)
    assert main(["--folder", str(FOLDER), "advance", "--days", "2"]) == 0
    assert main(["--folder", str(FOLDER), "status"]) == 0
    out = capsys.readouterr().out
    assert f"{START + timedelta(days=2)} (" in out
    assert f"today {START + timedelta(days=2)}" in out
    assert f"postgresql+psycopg://academy_reader:academy-reader@127.0.0.1:{replica.port}/lbhaliverbviews" in out
