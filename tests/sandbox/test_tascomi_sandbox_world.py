"""The simulated Tascomi world: determinism, integrity, quirks, and the ground truth an importer should reach."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta

import pytest

from data_platform.contract import tascomi_tables

FIRST_IMPORT = date(2025, 1, 9)
AS_OF = date(2025, 1, 30)


@pytest.fixture(scope="module")
def world():
    from sandbox.tascomi.world import TascomiWorld

    w = TascomiWorld(seed=5, initial_applications=150, daily_new_applications=8, sparse_columns=30)
    w.advance_to(AS_OF)
    return w


def _replay(world_factory, table: str) -> list[dict]:
    """A perfect daily importer against a fresh world: full load, then yesterday's series each morning."""
    world = world_factory()
    world.advance_to(FIRST_IMPORT)
    contract = tascomi_tables()[table].column_names
    lookup = world.is_lookup(table)
    history: dict[str, list[dict]] = {}

    def observe(records: list[dict]) -> None:
        latest = {r["id"]: r for r in records}  # a repeated id: the later copy wins
        for record_id, record in latest.items():
            versions = history.setdefault(record_id, [])
            record = {c: record[c] for c in contract}
            if not versions or any(versions[-1][c] != record[c] for c in contract if c != "last_updated"):
                versions.append(record)

    first = world.records(table)
    observe(first if lookup else [r for r in first if not (r["last_updated"] or "").startswith(str(FIRST_IMPORT))])
    day = FIRST_IMPORT
    while day < AS_OF:
        day += timedelta(days=1)
        world.advance_to(day)
        observe(world.records(table) if lookup else world.records(table, day - timedelta(days=1)))
    return [v for record_id in sorted(history, key=int) for v in history[record_id]]


@pytest.mark.parametrize("table", ["applications", "documents", "fees", "contacts", "users"])
def test_ground_truth_matches_a_replayed_perfect_importer(world, table):
    from sandbox.tascomi.world import TascomiWorld

    def factory():
        return TascomiWorld(seed=5, initial_applications=150, daily_new_applications=8, sparse_columns=30)

    truth = world.ground_truth(table, FIRST_IMPORT, AS_OF)
    contract = tascomi_tables()[table].column_names
    assert [{c: v[c] for c in contract} for v in truth] == _replay(factory, table)


def test_ground_truth_versions_chain_without_overlap(world):
    contract = [c for c in tascomi_tables()["applications"].column_names if c != "last_updated"]
    truth = world.ground_truth("applications", FIRST_IMPORT, AS_OF)
    by_id: dict[str, list[dict]] = {}
    for version in truth:
        by_id.setdefault(version["id"], []).append(version)
    assert list(by_id) == sorted(by_id, key=int)
    assert any(len(vs) > 1 for vs in by_id.values())
    for versions in by_id.values():
        for earlier, later in zip(versions, versions[1:], strict=False):
            assert earlier["valid_to"] == later["valid_from"]
            assert earlier["valid_from"] is None or earlier["valid_from"] < later["valid_from"]
            assert any(earlier[c] != later[c] for c in contract)  # collapsed: consecutive versions differ
        assert versions[-1]["valid_to"] is None
        assert all(v["valid_from"] == v["last_updated"] for v in versions)


def test_ground_truth_leaves_out_changes_not_yet_imported(world):
    truth = world.ground_truth("documents", FIRST_IMPORT, AS_OF)
    assert truth
    assert all(v["valid_from"] is None or v["valid_from"] < str(AS_OF) for v in truth)


def test_same_seed_same_world_different_seed_different_world(make_world):
    a, b, c = make_world(), make_world(), make_world(seed=12)
    for w in (a, b, c):
        w.advance_to(date(2025, 1, 15))
    for table in a.tables:
        assert a.records(table) == b.records(table)
        assert a.ground_truth(table, date(2025, 1, 8), date(2025, 1, 15)) == b.ground_truth(
            table, date(2025, 1, 8), date(2025, 1, 15)
        )
    assert a.records("applications") != c.records("applications")


def test_world_only_moves_forward(make_world):
    w = make_world()
    w.advance_to(date(2025, 1, 10))
    with pytest.raises(ValueError):
        w.advance_to(date(2025, 1, 9))


def test_lazy_simulation_does_not_change_the_outcome(make_world):
    stepped, jumped = make_world(), make_world()
    for day in range(7, 20):
        stepped.advance_to(date(2025, 1, day))
    jumped.advance_to(date(2025, 1, 19))
    assert stepped.records("applications") == jumped.records("applications")


def test_references_point_at_existing_records(world):
    ids = {t: {r["id"] for r in world.records(t)} for t in world.tables}
    officers = {r["id"] for r in world.records("users") if r["officer"] == "t"}
    for app in world.records("applications"):
        assert app["ps_development_code_id"] in ids["ps_development_codes"]
        assert app["decision_type_id"] is None or app["decision_type_id"] in ids["decision_types"]
        assert app["application_type_id"] in ids["application_types"]
        assert app["ward_id"] in ids["wards"]
        assert app["officer_id"] in officers
        assert app["dtf_location_id"] in ids["dtf_locations"]
        assert app["applicant_id"] in ids["contacts"]
    for payment in world.records("fee_payments"):
        assert payment["fee_id"] in ids["fees"]
    assert all(r["uprn"] for r in world.records("dtf_locations"))


def test_lookups_are_as_specified(world):
    codes = {r["code"]: r for r in world.records("ps_development_codes")}
    assert {c: r["expiry_days"] for c, r in codes.items()} == {"major": "91", "minor": "56", "other": "56"}
    decisions = {r["code"] for r in world.records("decision_types")}
    assert {"GRANT", "REFUSE", "WITHDRAWN", "PRIOR_APPROVAL_NOT_REQUIRED", "SPLIT", "NOT_DETERMINED"} <= decisions
    assert len(world.records("wards")) == 20
    assert world.records("wards", date(2025, 1, 20)) == world.records("wards")  # always served in full


def test_life_events_happen_after_the_start(world):
    apps = world.records("applications")
    assert any(a["valid_date"] and a["valid_date"] >= str(FIRST_IMPORT) for a in apps)
    assert any(a["decision_issued_date"] and a["decision_issued_date"] >= str(FIRST_IMPORT) for a in apps)
    assert any(a["ceased"] == "t" for a in world.records("documents"))
    assert any(r["paid"] == "t" for r in world.records("fees"))


def test_quirks_are_present(world):
    apps = world.records("applications")
    assert any(a["last_updated"] is None for t in ("documents", "contacts") for a in world.records(t))
    with_image = [a for a in apps if a["gis_map_image_base64"]]
    assert 0.03 < len(with_image) / len(apps) < 0.2
    assert all(len(a["gis_map_image_base64"]) == 2048 for a in with_image)
    assert all(1 <= sum(a[c] is not None for c in world.sparse_names) <= 12 for a in apps)
    duplicated = 0
    for offset in range(1, 20):
        series = world.records("documents", AS_OF - timedelta(days=offset))
        repeats = [i for i, n in Counter(r["id"] for r in series).items() if n > 1]
        for record_id in repeats:
            first, later = [r for r in series if r["id"] == record_id]
            assert first["last_updated"] == later["last_updated"] and first != later
            duplicated += 1
    assert duplicated > 0
