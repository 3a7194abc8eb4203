"""The compact record store under the world: slots, packed extras, defaults, derived columns, both wire forms."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from sandbox.tascomi.store import Layout, Store
from sandbox.tascomi.world import TascomiWorld
from tests.sandbox.conftest import START

COLUMNS = {
    "id": "integer", "name": "string", "size": "double", "flag": "boolean", "when": "timestamp", "note": "string",
    "rank": "integer", "shout": "string", "last_updated": "timestamp",
}  # fmt: skip
T0, T1 = datetime(2025, 1, 6, 9, 30), datetime(2025, 1, 7, 10, 0)


def _store() -> Store:
    layout = Layout(
        fields=("name", "flag"),
        defaults={"flag": False, "rank": 3},
        derived={"shout": lambda record_id, created, version: version[1].upper() if version[1] else None},
    )
    return Store("things", COLUMNS, layout)


def test_slots_extras_defaults_and_derived_columns_are_served_in_schema_order():
    store = _store()
    store.add(1, store.make(T0, None, {"name": "elm", "size": 2.0, "note": "x"}))
    record = store.serve(1, store.latest(1), T0)
    assert list(record) == list(COLUMNS)
    assert record == {"id": "1", "name": "elm", "size": "2", "flag": "f", "when": None, "note": "x", "rank": "3",
                      "shout": "ELM", "last_updated": "2025-01-06 09:30:00"}  # fmt: skip


def test_updates_keep_unchanged_extras_shared_and_null_removes_an_extra():
    store = _store()
    store.add(1, store.make(T0, None, {"name": "elm", "note": "x", "size": 1.5}))
    first = store.latest(1)
    store.append(1, store.make(T1, first, {"flag": True}))
    second = store.latest(1)
    assert second[-1] is first[-1]  # a slot-only change does not copy the extras
    store.append(1, store.make(T1, second, {"note": None, "rank": 7}))
    assert store.extras(store.latest(1)) == {"size": 1.5, "rank": 7}
    assert [v[0] for v in store.history(1)] == [T0, T1, T1]
    assert store.get(1, "note") is None and store.get(1, "rank") == 7 and store.get(1, "flag") is True
    assert store.serve(1, store.latest(1), T1)["rank"] == "7"


def test_only_vendor_columns_can_be_set():
    store = _store()
    for bad in ({"colour": "red"}, {"id": 5}, {"last_updated": T0}):
        with pytest.raises(KeyError):
            store.make(T0, None, bad)
    with pytest.raises(KeyError):
        Store("things", COLUMNS, Layout(fields=("colour",)))
    with pytest.raises(ValueError):
        Store("things", COLUMNS, Layout(fields=("name",), derived={"name": lambda *_: "x"}))


def test_counts_bisect_only_when_ids_are_dense_and_in_time_order():
    store = _store()
    for record_id, hour in ((1, 8), (2, 9), (3, 9), (4, 12)):
        store.add(record_id, store.make(datetime(2025, 1, 6, hour), None, {"name": "a"}))
    assert store.count_created_before(datetime(2025, 1, 6, 9)) == 1
    assert store.count_created_before(datetime(2025, 1, 6, 10)) == 3
    store.add(9, store.make(datetime(2025, 1, 6, 7), None, {"name": "gap, and earlier"}))
    assert store.count_created_before(datetime(2025, 1, 6, 10)) == 4
    assert list(store.ids()) == [1, 2, 3, 4, 9]


@pytest.mark.parametrize("table", ["applications", "documents", "users", "committees", "enforcements"])
def test_json_text_is_byte_for_byte_json_dumps(table):
    world = TascomiWorld(seed=2, start_date=START, initial_applications=60, daily_new_applications=4)
    rows = world.query(table)
    assert rows
    for row in rows:
        assert world.serialise_json(table, row) == json.dumps(world.serialise(table, row))


def test_a_lower_fill_rate_answers_less_of_the_form():
    def mean_filled(fill_rate: float) -> float:
        world = TascomiWorld(seed=2, start_date=START, initial_applications=200, fill_rate=fill_rate)
        apps = world.records("applications")
        return sum(sum(v is not None for v in a.values()) for a in apps) / len(apps)

    assert mean_filled(0.3) < mean_filled(1.0) - 8
