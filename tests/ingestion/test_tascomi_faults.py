"""Nothing lost, nothing invented: the Tascomi connector under a hostile vendor and a careless operator.

A fault proxy (sandbox.faults) sits between the connector and the sandbox vendor. Each paging fault is checked
against a fault-free run over the same days from an identical sandbox: the raw zone must be equal (0 lost,
0 duplicated), or, when the fault persists, the run must fail with a clear message and the cursor unmoved, and a
later clean run must then land exactly what the fault-free run did. docs/platform-team/fault-matrix.md lists the
cases and their outcomes.
"""

from __future__ import annotations

import functools
import json
import shutil
from collections.abc import Callable, Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from core.errors import SourceIncomplete, SourceNotConfigured, SourceSentGarbage
from core.registry import source_entry
from core.workspace import Workspace
from ingestion.tascomi import ingest
from sandbox.faults import (
    ALWAYS,
    FaultProxy,
    empty_array,
    empty_body,
    keep_records,
    mutate_records,
    plus,
    raw_body,
    serve_page,
    serve_path,
    set_header,
    status,
)
from tests.conftest import FIRST_IMPORT, tascomi_settings
from tests.ingestion.lake_reader import COMPLETE, INCOMPLETE, raw_rows, raw_table_folder

pytestmark = pytest.mark.slow  # a long module: started first (tests/conftest.py)

CONTRACT = source_entry("tascomi").contract().tables
DAILY = [t.name for t in CONTRACT.values() if t.load == "daily"]
PAGE_SIZE = 4  # small pages, so a day's series of applications spans several
SEED = 7
DAY1 = FIRST_IMPORT + timedelta(days=1)
SERIES = {"last_updated": FIRST_IMPORT.isoformat()}  # the series asked for on DAY1: yesterday's changes


def _world() -> Any:
    from sandbox.tascomi.world import TascomiWorld

    return TascomiWorld(seed=SEED, start_date=FIRST_IMPORT, initial_applications=40, daily_new_applications=8)


@pytest.fixture
def vendor() -> Iterator[Any]:
    from sandbox.tascomi.server import TascomiSandbox

    with TascomiSandbox(_world(), page_size=PAGE_SIZE) as server:
        server.set_today(FIRST_IMPORT)
        yield server


@pytest.fixture
def proxy(vendor: Any) -> Iterator[FaultProxy]:
    with FaultProxy(vendor.base_url) as faults:
        yield faults


class Endpoint:
    """The proxy, presented with the vendor's keys: what the connector is pointed at."""

    def __init__(self, proxy: FaultProxy, vendor: Any) -> None:
        self.base_url, self.public_key, self.private_key = proxy.base_url, vendor.public_key, vendor.private_key


def run(vendor: Any, proxy: FaultProxy, workspace: Workspace, today: date, **overrides: Any) -> Any:
    vendor.set_today(today)
    settings = tascomi_settings(Endpoint(proxy, vendor), today, **{"series_attempts": 3, **overrides})
    return ingest(settings, workspace, progress=lambda _: None)


@functools.cache
def clean_lake(days: tuple[int, ...], root: str) -> dict[str, list[tuple]]:
    """What fault-free runs on these days land (a fresh identical sandbox, no proxy)."""
    from sandbox.tascomi.server import TascomiSandbox

    clean = Workspace.at(Path(root) / f"clean-{'-'.join(map(str, days))}")
    with TascomiSandbox(_world(), page_size=PAGE_SIZE) as server:
        for n in days:
            today = FIRST_IMPORT + timedelta(days=n)
            server.set_today(today)
            ingest(tascomi_settings(server, today), clean, progress=lambda _: None)
    return {t: raw_rows(clean.home, t) for t in DAILY}


@pytest.fixture(scope="session")
def clean_root(tmp_path_factory: pytest.TempPathFactory) -> str:
    return str(tmp_path_factory.mktemp("clean-lakes"))


@pytest.fixture(scope="session")
def first_day(clean_root: str) -> Path:
    """The home of a fault-free first run (FIRST_IMPORT, the full pull) from an identical sandbox. A fault test that
    starts from a copy of it starts where running that same first import itself would leave it (the world is the
    seed's), so the full pull is made once, not once per fault (it was about half of each test's CPU)."""
    from sandbox.tascomi.server import TascomiSandbox

    home = Path(clean_root) / "first-day" / "home"
    with TascomiSandbox(_world(), page_size=PAGE_SIZE) as server:
        server.set_today(FIRST_IMPORT)
        ingest(tascomi_settings(server, FIRST_IMPORT, series_attempts=3), Workspace.at(home), lambda _: None)
    return home


def after_first_day(first_day: Path, vendor: Any, workspace: Workspace) -> None:
    """The workspace as the fault-free first run leaves it (its lake, dlt state and cursor), the vendor on that day."""
    shutil.copytree(first_day, workspace.home)
    vendor.set_today(FIRST_IMPORT)


def landed(workspace: Workspace, where: str = "true") -> dict[str, list[tuple]]:
    return {t: raw_rows(workspace.home, t, where=where) for t in DAILY}


def cursor(workspace: Workspace) -> dict[str, str]:
    state = json.loads((workspace.dlt_dir / "tascomi" / "state.json").read_text())
    return state["sources"]["tascomi"]["last_day_landed"]


# --------------------------------------------------------------------------------------- paging faults, retried

PAGE_FAULTS: dict[str, Callable[[FaultProxy], None]] = {
    "202 on a page call": lambda p: p.add(status(202), path="applications", query={**SERIES, "page": 2}),
    "202 on the count call of a day with records": lambda p: p.add(
        status(202), path="applications", query=SERIES, absent=["page"]
    ),
    "200 with an empty body on a middle page": lambda p: p.add(
        empty_body(), path="applications", query={**SERIES, "page": 2}
    ),
    "[] on a middle page": lambda p: p.add(empty_array(), path="applications", query={**SERIES, "page": 2}),
    "a page shorter than X-Results-Per-Page": lambda p: p.add(
        keep_records(1), path="applications", query={**SERIES, "page": 2}
    ),
    "page N answered with page N-1's records": lambda p: p.add(
        serve_page(offset=-1), path="applications", query={**SERIES, "page": 3}
    ),
    "the count grows between the count call and the pages": lambda p: p.add(
        set_header("X-Number-Of-Results", lambda v: str(int(v or 0) - PAGE_SIZE)),
        path="applications",
        query=SERIES,
        absent=["page"],
    ),
    # issue 15: faults main once passed with exit 0, losing or inventing records
    "a count header that is not a number (abc)": lambda p: p.add(
        set_header("X-Number-Of-Results", "abc"), path="applications", query=SERIES, absent=["page"]
    ),
    "a count header 'n/a'": lambda p: p.add(
        set_header("X-Number-Of-Results", "n/a"), path="applications", query=SERIES, absent=["page"]
    ),
    "a negative count header": lambda p: p.add(
        set_header("X-Number-Of-Results", "-5"), path="applications", query=SERIES, absent=["page"]
    ),
    "the last record of page 2 replaced by a copy of its first": lambda p: p.add(
        mutate_records(lambda records: records[:-1] + records[:1]), path="applications", query={**SERIES, "page": 2}
    ),
    "page 3's first record equal to page 2's last": lambda p: _first_of_page_3_is_last_of_page_2(p),
    "a page of documents served as applications page 2": lambda p: p.add(
        serve_path("documents"), path="applications", query={**SERIES, "page": 2}
    ),
}


def _first_of_page_3_is_last_of_page_2(proxy: FaultProxy) -> None:
    """Page 2 passes, remembered; page 3 then starts with page 2's last record instead of its own first."""
    last_of_page_2: list[dict[str, Any]] = []

    def remember(records: list[dict[str, Any]]) -> None:
        last_of_page_2[:] = records[-1:]

    proxy.add(mutate_records(remember), path="applications", query={**SERIES, "page": 2})
    replaced = mutate_records(lambda records: last_of_page_2 + records[1:])
    proxy.add(replaced, path="applications", query={**SERIES, "page": 3})


@pytest.mark.parametrize("fault", list(PAGE_FAULTS))
def test_a_paging_fault_is_reconciled_and_retried_so_nothing_is_lost(
    fault, vendor, proxy, workspace, clean_root, first_day
):
    after_first_day(first_day, vendor, workspace)
    PAGE_FAULTS[fault](proxy)
    run(vendor, proxy, workspace, DAY1)
    assert any(r.rule for r in proxy.requests), "the fault never fired: the test would prove nothing"
    assert landed(workspace) == clean_lake((0, 1), clean_root)


PERSISTENT_FAULTS: dict[str, Callable[[FaultProxy], None]] = {
    name: PAGE_FAULTS[name]
    for name in (
        "202 on a page call",
        "a page shorter than X-Results-Per-Page",
        "page N answered with page N-1's records",
        "a count header that is not a number (abc)",
        "the last record of page 2 replaced by a copy of its first",
        "a page of documents served as applications page 2",
    )
}
# A count that is stale on every response of the series (the count call and every page agree): 5 too low.
PERSISTENT_FAULTS["a stale count, 5 too low on every response"] = lambda p: p.add(
    set_header("X-Number-Of-Results", plus(-5)), path="applications", query=SERIES
)


@pytest.mark.parametrize("fault", list(PERSISTENT_FAULTS))
def test_a_persistent_paging_fault_lands_what_arrived_marked_incomplete_with_the_cursor_unmoved(
    fault, vendor, proxy, workspace, clean_root, first_day
):
    after_first_day(first_day, vendor, workspace)
    before = cursor(workspace)
    PERSISTENT_FAULTS[fault](proxy)
    proxy.rules[-1].times = ALWAYS
    with pytest.raises(SourceIncomplete, match="cursor did not move"):
        run(vendor, proxy, workspace, DAY1, series_attempts=2)
    after = cursor(workspace)
    assert after["applications"] == before["applications"]
    assert all(after[t] > before[t] for t in DAILY if t != "applications"), "the series that reconciled landed"
    assert {r[0] for r in raw_rows(workspace.home, "applications", where=COMPLETE)} == {"full"}
    salvaged = raw_rows(workspace.home, "applications", where=INCOMPLETE)
    assert salvaged or "count header" in fault, "what arrived of the refused series landed"
    (outcome, error, rows), *others = import_log(workspace, "applications", FIRST_IMPORT.isoformat())
    assert not others and outcome == "incomplete" and error and rows == len(salvaged)
    proxy.clear()
    run(vendor, proxy, workspace, DAY1)
    assert landed(workspace, COMPLETE) == clean_lake((0, 1), clean_root)
    held = set(landed(workspace, COMPLETE)["applications"])
    assert set(salvaged) <= held, "nothing salvaged was invented: every record is one the vendor holds for the day"


def import_log(workspace: Workspace, table: str, step: str) -> list[tuple]:
    folder = raw_table_folder(workspace.home, "tascomi", "import_log")
    return duckdb.sql(
        f"select outcome, error, rows_landed from read_parquet('{folder}/**/*.parquet', union_by_name = true) "
        f"where table_name = '{table}' and _import_step = '{step}' order by _imported_at"
    ).fetchall()


# --------------------------------------------------------------------------------------- a refused day loses nothing

DAYS = (0, 1, 2, 3)
FAULTED = FIRST_IMPORT + timedelta(days=2)  # its run reads the series of the day before, whose records change again
ONE_SHOT: dict[str, Callable[[FaultProxy, dict[str, str]], None]] = {
    # on main this was SourceSentGarbage, never read again: the day exited 2 and versions changed the next day were
    # never served again
    "X-Results-Per-Page missing on the count call": lambda p, series: p.add(
        set_header("X-Results-Per-Page", None), path="applications", query=series, absent=["page"]
    ),
    "a page of documents served as applications page 2": lambda p, series: p.add(
        serve_path("documents"), path="applications", query={**series, "page": 2}
    ),
}


@pytest.mark.parametrize("fault", list(ONE_SHOT))
def test_a_one_shot_fault_is_read_again_in_the_run_so_no_version_is_lost(
    fault, vendor, proxy, workspace, clean_root, first_day
):
    after_first_day(first_day, vendor, workspace)
    for n in DAYS[1:]:
        today = FIRST_IMPORT + timedelta(days=n)
        if today == FAULTED:
            ONE_SHOT[fault](proxy, {"last_updated": (today - timedelta(days=1)).isoformat()})
        run(vendor, proxy, workspace, today)
    assert any(r.rule for r in proxy.requests), "the fault never fired: the test would prove nothing"
    assert landed(workspace) == clean_lake(DAYS, clean_root), "every version served on every day landed once"


def test_a_day_refused_on_every_read_lands_what_arrived_so_no_version_is_lost(
    vendor, proxy, workspace, clean_root, first_day
):
    """A count 5 too low on every read of the series: every record arrives (salvage reads on past the count), none
    reconciles. The history side (flags, --full-refresh) is proved in tests/e2e/test_planning_history.py."""
    series_day = (FAULTED - timedelta(days=1)).isoformat()  # the series the faulted run reads
    after_first_day(first_day, vendor, workspace)
    for n in DAYS[1:]:
        today = FIRST_IMPORT + timedelta(days=n)
        if today != FAULTED:
            run(vendor, proxy, workspace, today)
            continue
        proxy.add(set_header("X-Number-Of-Results", plus(-5)), path="applications", query={"last_updated": series_day},
                  times=ALWAYS)  # fmt: skip
        with pytest.raises(SourceIncomplete, match="_incomplete_series"):
            run(vendor, proxy, workspace, today)
        proxy.clear()
    clean = clean_lake(DAYS, clean_root)["applications"]
    served = {r[1:] for r in clean if r[0] == series_day}  # what the vendor served for the day when it was asked
    salvaged = raw_rows(workspace.home, "applications", where=INCOMPLETE)
    complete = {r[1:] for r in raw_rows(workspace.home, "applications", where=COMPLETE)}
    assert {r[1:] for r in salvaged} == served, "every record of the refused series landed, marked incomplete"
    assert {r[0] for r in salvaged} == {series_day}
    assert served - complete, "no record changed again before the next run: the test would prove nothing"
    assert complete | served == {r[1:] for r in clean}, "no version ever served is lost"
    assert landed(workspace, COMPLETE) == {
        t: [r for r in rows if t != "applications" or r[0] != series_day or r[1:] in complete]
        for t, rows in clean_lake(DAYS, clean_root).items()
    }, "the complete series landed once the vendor reconciled, nothing else twice"


# --------------------------------------------------------------------------------------- a day that cannot be right


def test_a_business_day_in_the_future_is_refused():
    tomorrow = date.today() + timedelta(days=2)
    from ingestion.tascomi import load_settings

    with pytest.raises(SourceNotConfigured, match="in the future"):
        load_settings(base_url="http://x", public_key="p", private_key="k", today=tomorrow)


def test_a_day_after_the_vendors_own_clock_is_refused_and_lands_nothing(
    vendor, proxy, workspace, clean_root, first_day
):
    after_first_day(first_day, vendor, workspace)
    before = cursor(workspace)
    # It is day 1 at the vendor (its HTTP Date header says so), but the operator imports as of day 2: day 1 has not
    # finished, so its series would be partial and marked landed.
    vendor.set_today(DAY1)
    proxy.add(set_header("Date", "Tue, 04 Mar 2025 09:00:00 GMT"), times=ALWAYS)
    settings = tascomi_settings(Endpoint(proxy, vendor), DAY1 + timedelta(days=1))
    with pytest.raises(SourceNotConfigured, match="vendor's own date"):
        ingest(settings, workspace, progress=lambda _: None)
    assert cursor(workspace) == before
    proxy.clear()
    run(vendor, proxy, workspace, DAY1)
    assert landed(workspace) == clean_lake((0, 1), clean_root)


# --------------------------------------------------------------------------------------- bodies and names


def test_a_body_that_is_not_an_array_of_records_is_retried_then_reported(vendor, proxy, workspace):
    proxy.add(raw_body(b'{"error": "maintenance"}'), path="applications", present=["page"], times=ALWAYS)
    with pytest.raises(SourceSentGarbage, match="cannot be read as a JSON array"):
        run(vendor, proxy, workspace, FIRST_IMPORT, max_attempts=2)
    assert raw_rows(workspace.home, "applications") == []


def test_a_lone_surrogate_rejects_one_record_and_lands_the_rest(vendor, proxy, workspace, clean_root):
    def poison(records: list[dict[str, Any]]) -> None:
        records[0]["proposal"] = "Extension \ud800 rear"

    proxy.add(mutate_records(poison), path="applications", query={"page": 1}, absent=["last_updated"])
    report = run(vendor, proxy, workspace, FIRST_IMPORT)
    assert report.rejected_by_table() == {"applications": 1}
    clean = clean_lake((0,), clean_root)
    assert len(raw_rows(workspace.home, "applications")) == len(clean["applications"]) - 1
    for table in DAILY:
        if table != "applications":
            assert raw_rows(workspace.home, table) == clean[table], table
    import duckdb

    folder = workspace.home / "lake" / "raw" / "planning" / "tascomi" / "rejected_records"
    rejected = duckdb.sql(
        f"select table_name, reason, record_json from read_parquet('{folder}/**/*.parquet')"
    ).fetchall()
    assert len(rejected) == 1 and rejected[0][0] == "applications" and "surrogate" in rejected[0][1]
    assert "\\ud800" in rejected[0][2], "the record is kept whole, escaped"


def test_vendor_columns_that_normalise_onto_ours_land_distinct_and_are_reported(vendor, proxy, workspace):
    def collide(records: list[dict[str, Any]]) -> None:
        for record in records:
            record["ID"] = "999999"
            record["Last Updated"] = "2000-01-01 00:00:00"

    proxy.add(mutate_records(collide), path="applications", present=["page"], times=ALWAYS)
    report = run(vendor, proxy, workspace, FIRST_IMPORT)
    ids = {r[CONTRACT["applications"].column_names.index("id") + 1] for r in raw_rows(workspace.home, "applications")}
    assert "999999" not in ids and len(ids) == report.rows_by_table()["applications"]
    assert any(c.startswith("_renamed__id__") for c in report.drift["applications"])
    assert any(c.startswith("_renamed__last_updated__") for c in report.drift["applications"])


def test_a_wrong_base_url_says_what_to_fix(vendor, workspace):
    settings = tascomi_settings(vendor, FIRST_IMPORT, base_url=vendor.base_url.replace("/rest/v1", "/api"))
    with pytest.raises(SourceNotConfigured, match="SOURCES__TASCOMI__BASE_URL"):
        ingest(settings, workspace, progress=lambda _: None)


def test_an_unknown_table_setting_names_the_known_ones(vendor, workspace):
    from core.errors import ContractError

    with pytest.raises(ContractError, match="no table"):
        ingest(tascomi_settings(vendor, FIRST_IMPORT, tables=["applications", "aplications"]), workspace)


def test_a_day_long_retry_after_is_capped_and_said(vendor, proxy, workspace):
    proxy.add(status(503, headers={"Retry-After": "86400"}), path="wards", times=1)
    said: list[str] = []
    vendor.set_today(FIRST_IMPORT)
    settings = tascomi_settings(Endpoint(proxy, vendor), FIRST_IMPORT, max_retry_after_s=0.05)
    ingest(settings, workspace, progress=said.append)
    assert any("asked to wait 86400 s" in line and "waiting 0 s" in line for line in said), said


def test_each_step_of_a_run_is_a_later_delivery_than_the_one_before(vendor, proxy, workspace):
    """The same (id, last_updated) can come in two day series of one catch-up run; the later series must win.
    Deliveries are ordered by (_imported_at, _record_index) (the history unit test
    history_same_id_and_last_updated_latest_import_wins), so every step of a run, and every run, needs its own,
    strictly later _imported_at: a later series' copy then wins even from a lower position in its series."""
    import duckdb

    run(vendor, proxy, workspace, FIRST_IMPORT)
    run(vendor, proxy, workspace, FIRST_IMPORT + timedelta(days=4))  # a catch-up: four day series in one run
    folder = workspace.home / "lake" / "raw" / "planning" / "tascomi" / "import_log"
    steps = duckdb.sql(
        f"select _import_step, min(_imported_at), max(_imported_at) from read_parquet('{folder}/**/*.parquet') "
        "group by _import_step order by min(_imported_at)"
    ).fetchall()
    days = [(FIRST_IMPORT + timedelta(days=n)).isoformat() for n in range(4)]
    assert [s[0] for s in steps] == ["full", "lookups", *days]
    assert all(first == last for _, first, last in steps), "one delivery time per step"
    times = [first for _, first, _ in steps]
    assert times == sorted(times) and len(set(times)) == len(times), "strictly increasing across steps and runs"
    applications = workspace.home / "lake" / "raw" / "planning" / "tascomi" / "applications"
    per_step = duckdb.sql(
        f"select _import_step, count(distinct _imported_at) from read_parquet('{applications}/**/*.parquet') group by 1"
    ).fetchall()
    assert all(n == 1 for _, n in per_step)
    # The import log says how long each table took to read, so a slow table can be found from the lake alone.
    untimed = duckdb.sql(
        f"select count(*) from read_parquet('{folder}/**/*.parquet') where seconds is null or seconds < 0"
    ).fetchone()
    assert untimed == (0,)
