"""Seed a deterministic Academy world and move it forward one simulated day at a time.

Everything runs as the owner role in one transaction per call, so a reader never sees half a day.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from datetime import date, timedelta

import psycopg

from sandbox.academy import history, names
from sandbox.academy import sql_world as q
from sandbox.academy.schema import SCHEMA, TABLES, add_key_sql, create_table_sql

READER_ROLE = "academy_reader"

# Chance per day of each change, per live account (or claim, or property). `activity` scales them all, so a small
# test world can see plenty of change in a few days.
DAILY_RATES: dict[str, float] = {
    "p_move_out": 0.0004,
    "p_join": 0.00012,
    "p_leave": 0.00012,
    "p_claim_end": 0.0003,
    "p_new_claim": 0.00015,
    "p_late_spd": 0.003,
    "p_band_change": 0.00002,
    "p_nndr_change": 0.0004,
    "p_rv_change": 0.0001,
    "p_move_in": 1 / 30,  # per empty property: about a month empty between occupiers
}


@dataclass(frozen=True)
class WorldState:
    seed: int
    start_date: date
    today: date
    n_accounts: int
    activity: float


@dataclass
class Report:
    """What a seed or a day did: rows per event (or per table, for a seed) and the seconds it took."""

    day: date
    counts: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0


def _lookup_sizes() -> dict[str, int]:
    return {
        "n_surnames": len(names.SURNAMES),
        "n_male": len(names.MALE_FORENAMES),
        "n_female": len(names.FEMALE_FORENAMES),
        "n_prefixes": len(names.NINO_PREFIXES),
        "n_notes": len(names.SHORT_NOTES),
        "n_uses": len(names.BUSINESS_USES),
        "n_suffixes": len(names.COMPANY_SUFFIXES),
        "n_real_streets": len(names.STREETS),
    }


def _draw_salts(seed: int, day: date) -> dict[str, int]:
    """Per day and purpose, the two constants of the cheap selection draw (an odd multiplier and an offset)."""
    salts: dict[str, int] = {}
    for tag in q.DRAW_TAGS:
        digest = hashlib.sha256(f"{seed}/{tag}/{day.isoformat()}".encode()).digest()
        salts[f"a_{tag}"] = int.from_bytes(digest[:4], "big") | 1
        salts[f"b_{tag}"] = int.from_bytes(digest[4:8], "big")
    return salts


def _run(cur: psycopg.ClientCursor, statements: str | list[str], params: dict[str, object]) -> int:
    """Execute statement(s); return the last one's row count."""
    rowcount = 0
    for statement in [statements] if isinstance(statements, str) else statements:
        cur.execute(statement, params)
        rowcount = cur.rowcount
    return rowcount


def _count(cur: psycopg.ClientCursor, table: str) -> int:
    cur.execute(f"SELECT count(*) FROM {table}")
    row = cur.fetchone()
    return int(row[0]) if row else 0


def _load_lookups(cur: psycopg.ClientCursor) -> None:
    r = q.R
    cur.executemany(f"INSERT INTO {r}.street VALUES (%s, %s, %s, %s, %s)", names.street_rows())
    forenames = [(1, i, n) for i, n in enumerate(names.MALE_FORENAMES)]
    forenames += [(2, i, n) for i, n in enumerate(names.FEMALE_FORENAMES)]
    cur.executemany(f"INSERT INTO {r}.forename VALUES (%s, %s, %s)", forenames)
    cur.executemany(f"INSERT INTO {r}.surname VALUES (%s, %s)", list(enumerate(names.SURNAMES)))
    cur.executemany(f"INSERT INTO {r}.nino_prefix VALUES (%s, %s)", list(enumerate(names.NINO_PREFIXES)))
    cur.executemany(f"INSERT INTO {r}.note VALUES (%s, %s)", list(enumerate(names.SHORT_NOTES)))
    uses = [(i, d, s) for i, (d, s) in enumerate(names.BUSINESS_USES)]
    cur.executemany(f"INSERT INTO {r}.business_use VALUES (%s, %s, %s)", uses)
    cur.executemany(f"INSERT INTO {r}.company_suffix VALUES (%s, %s)", list(enumerate(names.COMPANY_SUFFIXES)))


def _households_and_claims(cur: psycopg.ClientCursor, params: dict[str, object], counts: dict[str, int]) -> None:
    """Turn the households in temp table `hh` into people, accounts, occupations, discounts and claims."""
    for statements in (q.HOUSEHOLD_SHAPE, q.HOUSEHOLD_MEMBERS, q.PEOPLE, q.RECORD_PEOPLE):
        _run(cur, statements, params)
    _run(cur, q.RECORD_HOUSEHOLDS, params)
    _run(cur, q.NEW_ACCOUNTS, params)
    counts["spd_granted"] = counts.get("spd_granted", 0) + _run(cur, q.NEW_SPD, params)
    _run(cur, q.NEW_OTHER_DISCOUNTS, params)
    _run(cur, q.HOUSEHOLD_CLAIMS, params)
    _run(cur, q.CREATE_CLAIMS, params)
    counts["claims_started"] = counts.get("claims_started", 0) + _count(cur, "claim_ids")


def _terminate_readers(cur: psycopg.ClientCursor) -> None:
    cur.execute(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s AND datname = current_database()",
        (READER_ROLE,),
    )


def _grant_reader(cur: psycopg.ClientCursor) -> None:
    cur.execute(f"GRANT USAGE ON SCHEMA {SCHEMA} TO {READER_ROLE}")
    cur.execute(f"GRANT SELECT ON ALL TABLES IN SCHEMA {SCHEMA} TO {READER_ROLE}")


def seed_world(
    conn: psycopg.Connection,
    n_accounts: int,
    seed: int = 42,
    start_date: date = date(2025, 1, 6),
    activity: float = 1.0,
) -> Report:
    """Replace the world with a fresh one of `n_accounts` council-tax accounts as at the end of `start_date`."""
    if n_accounts < 10:
        raise ValueError("a world needs at least 10 accounts")
    began = time.monotonic()
    n_properties = max(8, round(n_accounts * 0.8))
    n_streets = min(len(names.street_rows()), max(10, n_properties // 150))
    params: dict[str, object] = {
        "seed": seed,
        "today": start_date,
        "n_accounts": n_accounts,
        "n_properties": n_properties,
        "n_streets": n_streets,
        "n_business": max(5, n_accounts // 20),
        **_lookup_sizes(),
    }
    with conn.transaction(), psycopg.ClientCursor(conn) as cur:
        cur.execute("SET LOCAL lock_timeout = '20s'")
        _terminate_readers(cur)
        cur.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cur.execute(f"DROP SCHEMA IF EXISTS {q.R} CASCADE")
        cur.execute(f"CREATE SCHEMA {SCHEMA}")
        cur.execute(f"CREATE SCHEMA {q.R}")
        cur.execute(q.FUNCTIONS)
        cur.execute(q.LOOKUP_TABLES)
        cur.execute(q.TRUTH_TABLES)
        _load_lookups(cur)
        cur.execute(
            f"INSERT INTO {q.R}.world VALUES (%s, %s, %s, %s, 0, %s)",
            (seed, start_date, start_date, n_accounts, activity),
        )
        for t in TABLES:
            cur.execute(create_table_sql(t))
        _run(cur, q.SEED_PROPERTIES, params)
        _run(cur, q.SEED_PROPERTY_OCCUPANCY, params)
        _run(cur, q.SEED_HOUSEHOLDS, params)
        counts: dict[str, int] = {}
        _households_and_claims(cur, params, counts)
        cur.execute(f"UPDATE {q.R}.world SET next_hkey = (SELECT coalesce(max(hkey), 0) + 1 FROM hh)")
        _run(cur, q.SEED_NNDR_PROPERTIES, params)
        _run(cur, q.SEED_NNDR_OCCUPANCY, params)
        _run(cur, q.NEW_RATEPAYERS, params)
        for t in TABLES:
            key = add_key_sql(t)
            if key:
                cur.execute(key)
        cur.execute(q.VENDOR_INDEXES)
        cur.execute(q.TRUTH_INDEXES)
        history.install_all(conn, f"{q.R}.sim_day()")
        _grant_reader(cur)
        table_counts = {t.name: _count(cur, f"{SCHEMA}.{t.name}") for t in TABLES}
    with conn.transaction():
        conn.execute("ANALYZE")  # fresh statistics: the first day's plans depend on them
    return Report(start_date, table_counts, time.monotonic() - began)


def world_state(conn: psycopg.Connection) -> WorldState:
    row = conn.execute(f"SELECT seed, start_date, sim_day, n_accounts, activity FROM {q.R}.world").fetchone()
    if row is None:
        raise RuntimeError("the Academy replica has no world yet: seed it first")
    return WorldState(int(row[0]), row[1], row[2], int(row[3]), float(row[4]))


def _spd_changes(cur: psycopg.ClientCursor, update_sql: str, params: dict[str, object], sign: int) -> int:
    """Run an SPD grant/end that RETURNs account_ref, then re-bill those accounts (sign +1: bill up)."""
    cur.execute("DROP TABLE IF EXISTS spd_changed")
    cur.execute("CREATE TEMP TABLE spd_changed (account_ref integer)")
    cur.execute(
        f"WITH changed AS ({update_sql} RETURNING account_ref) INSERT INTO spd_changed SELECT account_ref FROM changed",
        params,
    )
    changed = cur.rowcount
    cur.execute("ANALYZE spd_changed")
    _run(cur, q.BILL_AFTER_SPD_CHANGE, {**params, "sign": sign})
    return changed


def advance_day(conn: psycopg.Connection) -> Report:
    """Apply the next simulated day's changes, stamped with that day's times."""
    began = time.monotonic()
    state = world_state(conn)
    day = state.today + timedelta(days=1)
    rates = {name: min(1.0, rate * state.activity) for name, rate in DAILY_RATES.items()}
    params: dict[str, object] = {
        "seed": state.seed,
        "day": day,
        "today": day,
        "tag": day.isoformat(),
        **_draw_salts(state.seed, day),
        **rates,
        **_lookup_sizes(),
    }
    counts: dict[str, int] = {}
    with conn.transaction(), psycopg.ClientCursor(conn) as cur:
        _run(cur, q.DAY_START, params)
        _run(cur, q.MOVE_OUTS, params)
        counts["move_outs"] = _count(cur, "moving_out")
        counts["claims_ended"] = _count(cur, "closing_claims")
        cur.execute("SELECT count(*) FROM dbo.ctdiscount WHERE disc_code = 'SPD' AND end_date = %(day)s", params)
        counts["spd_ended"] = int(cur.fetchone()[0])  # type: ignore[index]

        _run(cur, q.MOVE_IN_HOUSEHOLDS, params)
        _run(cur, q.ADVANCE_HKEY.format(table="hh"), params)
        counts["move_ins"] = _count(cur, "hh")
        _households_and_claims(cur, params, counts)
        cur.execute("INSERT INTO touched SELECT account_ref FROM hh")

        _run(cur, q.JOINERS, params)
        counts["joins"] = _count(cur, "joining")
        counts["spd_ended"] += _spd_changes(cur, q.SPD_ENDED_BY_JOINERS, params, +1)
        cur.execute("DROP TABLE IF EXISTS hb_change")
        cur.execute(
            "CREATE TEMP TABLE hb_change AS SELECT account_ref, person_id AS add_person_id, role AS add_role, "
            "NULL::bigint AS remove_person_id FROM np_full"
        )

        _run(cur, q.LEAVERS, params)
        counts["leaves"] = _count(cur, "leaving")
        counts["spd_granted"] += _spd_changes(cur, q.SPD_GRANTED_TO_LEAVERS, params, -1)
        cur.execute("INSERT INTO hb_change SELECT account_ref, NULL, NULL, person_id FROM leaving")
        _run(cur, q.HB_CHANGE_OF_HOUSEHOLD, params)
        counts["claim_household_changes"] = _count(cur, "hb_versions")

        _run(cur, q.CLAIM_ENDS, params)
        counts["claims_ended"] += _count(cur, "closing_claims")
        _run(cur, q.NEW_CLAIMS, params)
        _run(cur, q.CREATE_CLAIMS, params)
        counts["claims_started"] += _count(cur, "claim_ids")
        cur.execute("INSERT INTO touched SELECT account_ref FROM new_claims")

        _run(cur, q.LATE_SPD, params)
        counts["spd_granted"] += _count(cur, "late_spd")
        counts["payments"] = _run(cur, q.PAYMENTS, params)
        counts["annual_bills"] = _run(cur, q.ANNUAL_BILLING, params) if (day.month, day.day) == (4, 1) else 0
        counts["band_changes"] = _run(cur, q.BAND_CHANGES, params)
        _run(cur, q.NNDR_VACATIONS, params)
        counts["nndr_vacations"] = _count(cur, "nn_out")
        _run(cur, q.NNDR_RELETS, params)
        counts["nndr_new_ratepayers"] = _run(cur, q.NEW_RATEPAYERS, params)
        _run(cur, q.NNDR_CHANGES, params)
        cur.executemany(
            f"INSERT INTO {q.R}.day_log VALUES (%s, %s, %s)", [(day, event, n) for event, n in sorted(counts.items())]
        )
    return Report(day, counts, time.monotonic() - began)
