"""The contractors' repair sheets: headers that normalise to the borough's names, realistic mess, edits and header
changes on the days they happen, and ground truth that agrees with what the cells say."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date, datetime, timedelta

import pytest

from sandbox.housing_world.contractors import CONTRACTORS
from sandbox.housing_world.world import HousingRepairsWorld

START = date(2025, 1, 6)
DAYS = 40
AFTER = START + timedelta(days=DAYS)  # the morning after the last simulated day

# Normalised header names per contractor, as the borough's cleaners saw them (their published job names the
# contractor-specific ones: these must be exactly those).
EXPECTED = {
    "dlo": ["timestamp", "email_address", "name_of_resident", "address_of_repair", "postcode_of_property",
            "uh_property_reference", "phone_1", "phone_2", "phone_3", "description_of_work", "trade", "priority",
            "sor", "operative", "order_value", "recharge", "form_ref", "vulnerability_flag", "vulnerability_notes",
            "alert_regarding_person", "alert_regarding_person_notes", "completed_date"],
    "herts_heritage": ["time_stamp", "name", "address", "post_code", "contact_information_for_access",
                       "description_of_works", "priority", "sor", "status_notes", "completed_date"],
    "avonline": ["timestamp", "email_address", "contact_information", "address_of_repair", "postcode",
                 "description_of_work", "trade", "priority", "call_out_sors", "order_value", "date_completed"],
    "alphatrack": ["timestamp", "email_address", "contact_information", "property_address", "postcode",
                   "job_description", "priority", "call_out_sors", "value", "completed_date"],
    "stannah": ["timestamp", "email_address", "resident_name", "address", "postcode", "telephone", "work_required",
                "priority", "sors_frequent_use_only", "column10", "value_costs", "date_completed"],
    "purdy": ["timestamp", "email_address", "tenant_name", "address_of_property", "postcode", "tel_no",
              "description", "trade", "priority", "sor_code", "column11", "cost", "date_completed"],
    "axis": ["timestamp", "email", "resident_name", "address", "postcode", "phone", "job_description", "priority",
             "sor", "order_value", "completed_date"],
}  # fmt: skip
NAMED_IN_SOURCES = {
    "dlo": {"name_of_resident", "address_of_repair", "postcode_of_property", "uh_property_reference", "operative",
            "recharge", "form_ref", "phone_1", "phone_2", "phone_3", "vulnerability_flag", "alert_regarding_person"},
    "alphatrack": {"contact_information", "call_out_sors"},
    "avonline": {"contact_information", "call_out_sors"},
    "axis": {"email", "priority", "completed_date"},
    "purdy": {"date_completed", "column11"},
    "stannah": {"sors_frequent_use_only", "value_costs", "column10"},
    "herts_heritage": {"time_stamp", "contact_information_for_access", "status_notes"},
}  # fmt: skip
PRIORITY = {"immediate": 1, "emergency": 2, "urgent": 3, "normal": 4}


def normalise(header: str) -> str:
    """The borough's rule: lower-case, dots removed, non-alphanumeric runs -> '_', trailing underscores removed."""
    return re.sub(r"[^a-z0-9]+", "_", header.lower().replace(".", "")).rstrip("_")


@pytest.fixture(scope="module")
def world() -> HousingRepairsWorld:
    return HousingRepairsWorld(seed=3, start_date=START, days=DAYS, n_repairs=15000)


_SHEETS: dict[tuple[int, str, date], list[list[str]]] = {}


def sheet(world, key: str, day: date) -> list[list[str]]:
    """world.sheet_values, rendered once per test module (the tests compare many consecutive days)."""
    cached = _SHEETS.get((id(world), key, day))
    if cached is None:
        cached = _SHEETS[(id(world), key, day)] = world.sheet_values(key, day)
    return cached


def by_field(world, key: str, day: date) -> list[dict[str, str]]:
    """The sheet as of `day`, each row keyed by the field behind its column."""
    fields = [c.field for c in world.log.columns_at(key, world.cutoff(day))]
    return [dict(zip(fields, row, strict=True)) for row in sheet(world, key, day)[1:]]


@pytest.mark.parametrize("key", sorted(EXPECTED))
def test_headers_normalise_to_the_borough_names(world, key):
    headers = world.sheet_values(key, START)[0]
    names = [normalise(h) for h in headers]
    assert names == EXPECTED[key]
    assert NAMED_IN_SOURCES[key] <= set(names)


def test_only_dlo_carries_the_property_reference():
    assert [k for k, c in CONTRACTORS.items() if "property_reference_uh" in c.fields()] == ["dlo"]


def test_sheets_are_deterministic_and_replays_are_prefixes(world):
    again = HousingRepairsWorld(seed=3, start_date=START, days=20, n_repairs=15000)
    other = HousingRepairsWorld(seed=4, start_date=START, days=20)
    day = START + timedelta(days=19)
    for key in CONTRACTORS:
        assert world.sheet_values(key, day) == again.sheet_values(key, day)
    assert world.sheet_values("dlo", day) != other.sheet_values("dlo", day)


def test_new_responses_arrive_day_by_day(world):
    counts = [len(sheet(world, "dlo", START + timedelta(days=i))) for i in range(DAYS + 1)]
    assert counts == sorted(counts) and counts[-1] - counts[0] > DAYS  # several a day
    first = world.sheet_values("dlo", START)
    later = world.sheet_values("dlo", AFTER)
    assert [r[0] for r in later[: len(first)]] == [r[0] for r in first]  # rows never move


def test_dlo_header_is_renamed_on_its_day(world):
    (change,) = [h for h in world.header_changes() if h.old is not None]
    day = change.at.date()
    assert (change.contractor, day) == ("dlo", START + timedelta(days=10))
    assert world.sheet_values("dlo", day)[0][change.position] == "UH Property reference"
    assert world.sheet_values("dlo", day + timedelta(days=1))[0][change.position] == change.new
    assert normalise(change.new) != "uh_property_reference"  # the drift a platform must notice


def test_avonline_grows_a_blank_junk_column_on_its_day(world):
    (change,) = [h for h in world.header_changes() if h.old is None]
    day = change.at.date()
    assert (change.contractor, day, change.new) == ("avonline", START + timedelta(days=5), "")
    width = len(CONTRACTORS["avonline"].columns)
    assert len(world.sheet_values("avonline", day)[0]) == width
    after = world.sheet_values("avonline", day + timedelta(days=1))
    assert len(after[0]) == width + 1 and after[0][-1] == ""
    assert any(row[-1] for row in after[1:])  # someone wrote in it


def test_cell_changes_between_days_are_exactly_that_days_edits(world):
    changes, confirmed = 0, 0
    for i in range(DAYS):
        day = START + timedelta(days=i)
        for key in CONTRACTORS:
            fields_before = [c.field for c in world.log.columns_at(key, world.cutoff(day))]
            fields_after = [c.field for c in world.log.columns_at(key, world.cutoff(day + timedelta(days=1)))]
            before = sheet(world, key, day)[1:]
            after = sheet(world, key, day + timedelta(days=1))[1:]
            edits = world.edits_on(key, day)
            edited = {(row, e.field) for row, e in edits}
            for n, (old, new) in enumerate(zip(before, after, strict=False), start=2):
                if old == new[: len(old)] and fields_after[: len(fields_before)] == fields_before:
                    continue  # nothing changed in the columns both days share (the common case: fast path)
                old_cells, new_cells = (
                    dict(zip(fields_before, old, strict=True)),
                    dict(zip(fields_after, new, strict=True)),
                )
                for field in old_cells.keys() & new_cells.keys():
                    if old_cells[field] != new_cells[field]:
                        changes += 1
                        assert (n, field) in edited, (key, day, n, field)
            last = {(row, e.field): e for row, e in edits}  # the last edit of a cell that day wins
            for (row, field), e in last.items():
                if row - 2 < len(after) and field in fields_after:
                    assert after[row - 2][fields_after.index(field)] == e.new
                    confirmed += 1
    assert changes > 50 and confirmed >= changes


def test_completion_dates_are_typed_in_later(world):
    fills = [
        (key, row, e)
        for key in CONTRACTORS
        for i in range(DAYS)
        for row, e in world.log.edits_on(key, START + timedelta(days=i))
        if e.field == "completed_date"
    ]
    assert len(fills) > 100
    for key, row, e in fills[:50]:
        repair = world.repair(key, row)
        assert e.old == "" and e.at > repair.raised and e.truth_value >= repair.raised.date()


@pytest.mark.parametrize("key", sorted(CONTRACTORS))
def test_truth_agrees_with_the_cells(world, key):
    contractor = CONTRACTORS[key]
    fmt = contractor.habits.date_completed_format
    rows = by_field(world, key, AFTER)
    assert rows
    for n, cells in enumerate(rows, start=2):
        truth = world.repair_truth(key, n)
        assert datetime.strptime(cells["datetime_raised"], "%d/%m/%Y %H:%M:%S") == truth.values["datetime_raised"]
        word = cells.get("work_priority_description", "")
        if word.lower() in PRIORITY:
            assert truth.values["priority_code"] == PRIORITY[word.lower()]
        if word == "":
            assert truth.values["priority_code"] is None
        if cells.get("order_value"):
            assert float(cells["order_value"].replace("£", "").replace(",", "")) == truth.values["order_value"]
        elif "order_value" in cells:
            assert truth.values["order_value"] is None
        if "completed_date" in cells:
            done = cells["completed_date"]
            expected = datetime.strptime(done, fmt).date() if done else None
            assert truth.values["completed_date"] == expected
        assert cells["sor"].strip().split(" - ")[0] == truth.values["sor"]
        ref = cells.get("property_reference_uh", "")
        if re.fullmatch(r"P\d{6}", ref):
            assert ref == truth.property_reference


def test_every_true_uprn_is_in_the_gazetteer_or_marked_absent(world):
    truths = list(world.repairs_truth(AFTER))
    locations = Counter(t.location for t in truths)
    assert locations["dwelling"] > locations["communal"] > 0 and locations["garage"] > 0
    for t in truths:
        if t.location == "garage":
            assert t.uprn is None and not t.in_gazetteer
            continue
        address = world.gazetteer.by_uprn[t.uprn]
        assert address.blpu_class.startswith("P" if t.location == "communal" else "R")
        prop = world.housing.properties[t.property_reference]
        assert prop.uprn == t.uprn


def test_address_labels_follow_the_gazetteer_file_in_force(world):
    new = {a.uprn: a for a in world.gazetteer.addresses if a.listed_from}
    listed = next(iter(new.values())).listed_from
    before, after = world.gazetteer_file_day(listed), listed + timedelta(days=7)
    at_new_build = [t for t in world.repairs_truth(before) if t.uprn in new]
    assert at_new_build  # repairs at the new build before the gazetteer lists it
    labels_before = world.address_labels(before)
    labels_after = world.address_labels(after)
    for t in at_new_build:
        assert labels_before[(t.contractor, t.sheet_row)] is None  # "not in gazetteer" yet
        assert labels_after[(t.contractor, t.sheet_row)] == t.uprn


def test_addresses_are_as_messy_as_the_real_ones(world):
    cells = [c for key in CONTRACTORS for c in by_field(world, key, AFTER)]
    addresses = [c["property_address"] for c in cells]
    postcode_inside = re.compile(r"[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$", re.IGNORECASE)
    checks = {
        "postcode in the address": sum(bool(postcode_inside.search(a)) for a in addresses),
        "abbreviated street": sum(bool(re.search(r" (RD|ST|AVE|HSE|CT)$", a, re.IGNORECASE)) for a in addresses),
        "LONDON suffix": sum(a.upper().endswith("LONDON") for a in addresses),
        "number range": sum(bool(re.search(r"\b\d+ ?(-|TO) ?\d+\b", a, re.IGNORECASE)) for a in addresses),
        "lower-case or spaceless postcode": sum(
            bool(c["postal_code_raw"]) and (c["postal_code_raw"].islower() or " " not in c["postal_code_raw"])
            for c in cells
        ),
        "missing postcode": sum(c["postal_code_raw"] == "" for c in cells),
        "saint street": sum(bool(re.search(r"\bST (MARK|JOHN|THOMAS|JUDE|MARY|PHILIP|PAUL)", a.upper()))
                            for a in addresses),
    }  # fmt: skip
    assert all(n >= 3 for n in checks.values()), checks
    wordings = {c["work_priority_description"] for c in cells}
    assert {"Emergancy", "Routine", "URGENT"} <= wordings


def test_contact_information_mixes_phone_and_name(world):
    texts = [c["contact_information"] for key in ("avonline", "alphatrack") for c in by_field(world, key, AFTER)]
    both = [t for t in texts if re.search(r"\d{5}", t) and re.search(r"[A-Za-z]{3}", t)]
    assert len(both) > len(texts) // 3
    assert any(re.match(r"^0\d", t) for t in both) and any(re.match(r"^[A-Z]", t) for t in both)
