"""The incremental histories, monitoring's incremental rejects and the nightly's narrowed tests read only the import
partitions the import log names for the imports after a point in time (import_partitions_after,
macros/history/import_partitions.sql), not partitions worked out from that time. Property: whatever the clock and the
business day of each import (a run just after London midnight, across a clock change, a backfill of a past day, a set
`today`), that narrowing keeps exactly the rows `_imported_at > since` keeps. (Sound as long as every landed row's
import is logged: the log rows land last, and the nightly reads after its imports have finished.)
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import duckdb
from hypothesis import given, settings
from hypothesis import strategies as st

from core.lake import Delivery, partition_values

LONDON = ZoneInfo("Europe/London")
# Around both 2026 clock changes and a year end, to the microsecond.
CLOCKS = st.sampled_from([datetime(2026, 3, 28, 23), datetime(2026, 10, 24, 23), datetime(2026, 12, 31, 23)])


@st.composite
def imports(draw: st.DrawFn) -> list[Delivery]:
    """Deliveries in landing order: _imported_at strictly increasing (core.landing.next_imported_at), each on a
    business day that is London's date of its clock, the UTC date, or a past day."""
    clock = draw(CLOCKS)
    deliveries = []
    for _ in range(draw(st.integers(1, 6))):
        clock += timedelta(microseconds=draw(st.integers(1, 3 * 86_400_000_000)))
        london = clock.replace(tzinfo=UTC).astimezone(LONDON).date()
        day = draw(st.sampled_from([london, clock.date(), london - timedelta(days=draw(st.integers(1, 400)))]))
        deliveries.append(Delivery(clock.strftime("%Y-%m-%d %H:%M:%S.%f"), day, "step", "test"))
    return deliveries


def landed(deliveries: list[Delivery], rows_each: int) -> tuple[list[tuple], list[tuple]]:
    """The raw rows and import log rows these deliveries land: (id, _imported_at, year, month, day) each."""
    rows, log = [], []
    for n, delivery in enumerate(deliveries):
        part = partition_values(delivery.import_date)
        where = (part["import_year"], part["import_month"], part["import_day"])
        stamp = delivery.stamp(0)
        log.append((n, stamp["_imported_at"], *where))
        rows += [(n * 10 + i, delivery.stamp(i)["_imported_at"], *where) for i in range(rows_each)]
    return rows, log


@settings(max_examples=50, deadline=None)
@given(
    deliveries=imports(),
    rows_each=st.integers(1, 3),
    pick=st.integers(0, 10),
    shift=st.sampled_from([-1, 0, 1]),
    compacted_before=st.sampled_from([None, "2025-06", "2026-04", "2026-11", "2027-02"]),
)
def test_partitions_named_by_the_import_log_keep_every_new_row(deliveries, rows_each, pick, shift, compacted_before):
    """compacted_before: the raw months before it compacted (core/compaction.py): their rows moved to the month's day
    00 partition, the import log untouched; the readers then name each named month's day 00 too
    (history_partition_filter)."""
    rows, log = landed(deliveries, rows_each)
    if compacted_before is not None:
        rows = [(*row[:4], "00") if f"{row[2]}-{row[3]}" < compacted_before else row for row in rows]
    since = datetime.fromisoformat(deliveries[pick % len(deliveries)].imported_at) + timedelta(microseconds=shift)
    con = duckdb.connect()
    for name, data in (("raw", rows), ("import_log", log)):
        con.execute(
            f"create table {name} (id int, _imported_at text, import_year text, import_month text, import_day text)"
        )
        con.executemany(f"insert into {name} values (?, ?, ?, ?, ?)", data)
    con.execute("create table cutoff as select ?::timestamp as instant", [since])
    # The macros' shape: the partitions asked of the import log, then the rows filtered on both.
    partitions = con.execute(
        "select distinct import_year, import_month, import_day from import_log "
        "where try_cast(_imported_at as timestamp) > (select instant from cutoff)"
    ).fetchall()
    narrowed = {
        row[0]
        for row in con.execute(
            "select * from raw where cast(_imported_at as timestamp) > (select instant from cutoff)"
        ).fetchall()
        if tuple(row[2:]) in {*partitions, *((year, month, "00") for year, month, _ in partitions)}
    }
    every = {
        row[0]
        for row in con.execute(
            "select id from raw where cast(_imported_at as timestamp) > (select instant from cutoff)"
        ).fetchall()
    }
    assert narrowed == every


def test_a_bound_from_since_would_drop_a_backfilled_day():
    """Why the partitions come from the import log: the demo (and any backfill) lands past business days now, so the
    rows imported after `since` sit in partitions dated long before it."""
    deliveries = [Delivery("2026-12-07 01:00:00.000000", date(2026, 11, 18), "full", "test"),
                  Delivery("2026-12-07 01:00:05.000000", date(2026, 11, 19), "day", "test")]  # fmt: skip
    rows, _ = landed(deliveries, 1)
    since = datetime(2026, 12, 7, 1, 0, 1)
    new = [row for row in rows if datetime.fromisoformat(row[1]) > since]
    london_day = since.replace(tzinfo=UTC).astimezone(LONDON).date()
    assert new and all(date(*map(int, row[2:])) < london_day for row in new)
