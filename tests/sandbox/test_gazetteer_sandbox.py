"""The simulated gazetteer (LLPG): realistic shape, deterministic, refreshed on schedule, new builds listed late."""

from __future__ import annotations

import csv
import re
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest

from sandbox.housing_world.landing import GAZETTEER_COLUMNS, Landing
from sandbox.housing_world.world import HousingRepairsWorld

START = date(2025, 1, 6)
# London postcode: outward code (area letters, district digits, optional letter), space, digit + two letters.
POSTCODE = re.compile(r"^[A-Z]{1,2}\d[A-Z\d]? \d[ABD-HJLNP-UW-Z]{2}$")


@pytest.fixture(scope="module")
def world() -> HousingRepairsWorld:
    return HousingRepairsWorld(seed=5, start_date=START, days=40)


def read_csv(path):
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def test_addresses_have_real_shapes(world):
    addresses = world.gazetteer.addresses
    assert 2000 <= len(addresses) <= 2300
    uprns = [a.uprn for a in addresses]
    assert len(set(uprns)) == len(uprns)
    assert all(0 < u < 10**12 for u in uprns)
    assert {len(str(u)) for u in uprns} == {11, 12}
    assert all(POSTCODE.match(a.postcode) for a in addresses)
    classes = Counter(a.blpu_class[0] for a in addresses)
    assert classes["R"] > classes["P"] > 0 and classes["C"] > 0


def test_flats_hang_off_shells_several_per_building(world):
    by_uprn = world.gazetteer.by_uprn
    flats_per_parent = Counter(a.parent_uprn for a in world.gazetteer.addresses if a.parent_uprn)
    assert flats_per_parent and all(by_uprn[p].blpu_class.startswith("P") for p in flats_per_parent)
    assert max(flats_per_parent.values()) >= 12  # council blocks
    assert min(flats_per_parent.values()) >= 2  # converted houses
    for flat in (a for a in world.gazetteer.addresses if a.parent_uprn):
        shell = by_uprn[flat.parent_uprn]
        assert (flat.street, flat.usrn) == (shell.street, shell.usrn)


def test_neighbours_share_a_street_and_postcodes_group_them(world):
    per_street = defaultdict(list)
    for a in world.gazetteer.addresses:
        per_street[a.usrn].append(a)
    assert sum(1 for v in per_street.values() if len(v) >= 10) >= 10
    per_postcode = Counter(a.postcode for a in world.gazetteer.addresses)
    assert max(per_postcode.values()) > 5  # one postcode covers a run of neighbours


def test_gazetteer_is_deterministic_from_the_seed(tmp_path):
    files = []
    for name, seed in (("a", 9), ("b", 9), ("c", 10)):
        w = HousingRepairsWorld(seed=seed, start_date=START, days=3)
        files.append(Landing(w, tmp_path / name).write_gazetteer(START).read_bytes())
    assert files[0] == files[1]
    assert files[0] != files[2]


def test_full_file_on_schedule_with_the_expected_columns(world, tmp_path):
    landing = Landing(world, tmp_path)
    written = [d for d in (START + timedelta(days=i) for i in range(15)) if landing.write_gazetteer(d)]
    assert written == [START, START + timedelta(days=7), START + timedelta(days=14)]
    rows = read_csv(landing.gazetteer_path(START))
    assert tuple(rows[0]) == GAZETTEER_COLUMNS
    first = {int(r[0]) for r in rows[1:]}
    assert first == {a.uprn for a in world.gazetteer.addresses if a.listed_on(START)}
    sample = next(r for r in rows[1:] if r[3].startswith("FLAT ") and r[4])
    assert sample[6] == "LONDON" and sample[8] == "RD06" and sample[1]


def test_new_build_block_is_listed_only_from_its_listing_refresh(world, tmp_path):
    new = [a for a in world.gazetteer.addresses if a.listed_from is not None]
    assert len(new) == 13  # 12 flats and the block's shell
    listed = new[0].listed_from
    landing = Landing(world, tmp_path)
    before = world.gazetteer_file_day(listed - timedelta(days=1))
    after = world.gazetteer_file_day(listed + timedelta(days=7))
    uprns_before = {int(r[0]) for r in landing.gazetteer_rows(before)[1:]}
    uprns_after = {int(r[0]) for r in landing.gazetteer_rows(after)[1:]}
    assert not {a.uprn for a in new} & uprns_before
    assert {a.uprn for a in new} <= uprns_after
    assert len(uprns_after) - len(uprns_before) == 13
