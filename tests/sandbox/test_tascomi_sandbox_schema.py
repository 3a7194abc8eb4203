"""The sandbox serves the vendor's schema: every table and column of its own copy, in the vendor's wire form."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest

from sandbox.tascomi import text
from sandbox.tascomi.world import TascomiWorld
from tests.sandbox.conftest import SERVED_AS_OF, START

SCHEMA = json.loads((Path(__file__).parents[2] / "sandbox" / "tascomi" / "vendor_schema.json").read_text())
# The council's own lists: pulled daily by last_updated, and lookups pulled in full.
DAILY = {
    "appeals", "applications", "asset_constraints", "communications", "contacts", "documents", "dtf_locations",
    "emails", "enforcements", "fee_payments", "fees", "public_comments", "users", "committee_application_map",
    "user_teams", "user_team_map", "pre_applications", "enforcement_breaches", "enforcement_outcomes",
    "enforcement_actions_taken", "enforcement_breach_details",
}  # fmt: skip
LOOKUPS = {
    "appeal_decision", "appeal_status", "appeal_types", "application_types", "breach_types", "committees",
    "communication_templates", "communication_types", "contact_types", "decision_levels", "decision_types",
    "document_types", "fee_types", "ps_development_codes", "public_consultations", "pre_application_categories",
    "nature_of_enquiries", "enquiry_outcome", "enquiry_stage", "wards", "appeal_formats", "enforcement_outcome_types",
    "enforcement_protocols", "priority_statuses", "complaint_sources", "file_closure_reasons",
    "enforcement_case_statuses",
}  # fmt: skip
WIRE = {
    "integer": re.compile(r"-?\d+"),
    "long": re.compile(r"-?\d+"),
    "float": re.compile(r"-?\d+(\.\d+)?"),
    "double": re.compile(r"-?\d+(\.\d+)?"),
    "boolean": re.compile(r"[tf]"),
    "timestamp": re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d"),
    "string": re.compile(r".*", re.DOTALL),
}


def _served(world: TascomiWorld, table: str) -> list[dict]:
    """Everything a client can get for a table: the full load and a few day series (with duplicate copies)."""
    records = world.records(table)
    if world.is_daily(table):
        for offset in range(1, 8):
            records += world.records(table, SERVED_AS_OF - timedelta(days=offset))
    return records


def test_the_world_serves_every_vendor_table_and_knows_which_are_daily(served_world):
    assert len(SCHEMA) == 48
    assert served_world.tables == tuple(SCHEMA)
    assert set(served_world.daily_tables) == DAILY
    assert set(served_world.lookup_tables) == LOOKUPS
    assert all(served_world.is_daily(t) and not served_world.is_lookup(t) for t in DAILY)
    assert all(served_world.is_lookup(t) and not served_world.is_daily(t) for t in LOOKUPS)
    with pytest.raises(KeyError):
        served_world.is_daily("no_such_table")


@pytest.mark.parametrize("table", sorted(SCHEMA))
def test_every_record_has_exactly_the_vendor_columns_in_the_vendor_order(served_world, table):
    records = _served(served_world, table)
    assert records, f"{table} serves nothing"
    expected = list(SCHEMA[table])
    assert served_world.columns(table) == tuple(expected)
    for record in records:
        assert list(record) == expected


@pytest.mark.parametrize("table", sorted(SCHEMA))
def test_every_value_is_a_string_or_null_in_the_wire_form_of_its_vendor_type(served_world, table):
    types = SCHEMA[table]
    used: set[str] = set()
    for record in _served(served_world, table):
        for column, value in record.items():
            if value is None:
                continue
            used.add(column)
            assert isinstance(value, str), (table, column, value)
            assert WIRE[types[column]].fullmatch(value), (table, column, types[column], value)
    assert "id" in used and ("last_updated" in used or "last_updated" not in types)
    # Typed columns carry values somewhere, so the check above is not vacuous.
    assert {types[c] for c in used} - {"string"}, table


def test_floats_drop_a_trailing_zero_as_the_vendor_does(served_world):
    fees = {r["fee"] for r in served_world.records("fees")}
    assert "258" in fees and "258.0" not in fees
    assert any("." in f for f in fees)  # halved or concession fees keep their decimals


def test_applications_are_wide_and_sparse():
    world = TascomiWorld(seed=3, start_date=START, initial_applications=2500, daily_new_applications=8)
    applications = world.records("applications")
    columns = world.columns("applications")
    assert len(columns) == len(SCHEMA["applications"]) > 700
    filled = [sum(v is not None for v in a.values()) for a in applications]
    assert min(filled) >= 20 and max(filled) <= 85, (min(filled), max(filled))
    assert sum(filled) / len(filled) < 0.1 * len(columns)  # most columns null on most records
    never = [c for c in columns if all(a[c] is None for a in applications)]
    assert never == [], f"columns no application uses: {never}"


def test_each_application_type_answers_its_own_form_sections(served_world):
    applications = served_world.records("applications")
    columns = served_world.columns("applications")
    lbc = [c for c in columns if c.startswith("lbc_")]
    advert = [c for c in columns if c.startswith("advert")]
    householder = ["walls_existing", "walls_proposed", "roof_existing", "roof_proposed", "windows_proposed",
                   "doors_proposed", "extension", "extension_description", "boundaries_proposed"]  # fmt: skip

    def share(type_id: str, wanted: list[str], inside: bool = True) -> float:
        chosen = [a for a in applications if (a["application_type_id"] == type_id) == inside]
        return sum(any(a[c] is not None for c in wanted) for a in chosen) / len(chosen)

    assert share("3", lbc) == 1 and share("3", lbc, inside=False) == 0
    assert share("4", advert) == 1 and share("4", advert, inside=False) < 0.02
    assert share("2", householder) > 0.8 and share("3", householder) < 0.2


def test_lookups_keep_the_codes_the_platform_relies_on(served_world):
    decisions = {r["id"]: r["code"] for r in served_world.records("decision_types")}
    assert decisions == {"1": "GRANT", "2": "REFUSE", "3": "WITHDRAWN", "4": "PRIOR_APPROVAL_NOT_REQUIRED",
                         "5": "SPLIT", "6": "NOT_DETERMINED"}  # fmt: skip
    codes = {r["code"]: r for r in served_world.records("ps_development_codes")}
    assert {c: r["expiry_days"] for c, r in codes.items()} == {"major": "91", "minor": "56", "other": "56"}
    assert all(codes[c][c] == "t" for c in codes)
    types = [(r["id"], r["code"]) for r in served_world.records("application_types")]
    assert types == [("1", "FUL"), ("2", "HOU"), ("3", "LBC"), ("4", "ADV"), ("5", "PA"), ("6", "CLP"),
                     ("7", "DOC"), ("8", "TPO")]  # fmt: skip
    wards = served_world.records("wards")
    assert len(wards) == 20
    assert {w["name"].removesuffix(" North") for w in wards} == set(text.WARD_NAMES[:20])
    assert {r["id"] for r in served_world.records("contact_types")} >= {"1", "2", "31", "32"}


@pytest.mark.parametrize("table", sorted(LOOKUPS))
def test_lookups_are_served_in_full_whatever_the_filter_and_carry_their_audit_columns(served_world, table):
    full = served_world.records(table)
    assert full
    assert served_world.records(table, SERVED_AS_OF - timedelta(days=1)) == full
    assert served_world.records(table, START - timedelta(days=3000)) == full
    for record in full:
        assert record["last_updated"] and record["submit_date"] and record["creation_user_id"]
        assert record["submit_date"] <= record["last_updated"] < str(SERVED_AS_OF)


def test_the_sandbox_imports_nothing_of_the_platform():
    """It plays the vendor: it keeps its own schema and must not lean on our contract or connector (the shared
    sandbox plumbing, sandbox.kit, knows no vendor)."""
    root = Path(__file__).parents[2]
    package = root / "sandbox" / "tascomi"
    for source in package.glob("*.py"):
        for node in ast.walk(ast.parse(source.read_text())):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            for name in names:
                top = name.split(".")[0]
                assert top not in ("data_platform", "ingestion", "tests"), (source.name, name)
                assert top != "sandbox" or name.startswith(("sandbox.tascomi", "sandbox.kit")), (source.name, name)
    probe = "import sys, sandbox.tascomi.__main__; print(sorted(m for m in sys.modules if m.split('.')[0] in " \
            "('data_platform', 'ingestion')))"  # fmt: skip
    out = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
