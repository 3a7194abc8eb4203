"""The simulated casework hangs together: references resolve, every daily table changes, life cycles run in order."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import timedelta

import pytest

from tests.sandbox.conftest import SERVED_AS_OF, START

# Which table an id column points at, as this test reads the vendor's column names.
PEOPLE = {"officer_id", "user_id", "case_officer_id", "admin_officer_id", "creation_user_id", "last_updated_by",
          "decision_officer_id", "validation_officer_id", "receipting_officer_id"}  # fmt: skip
CONTACTS = {"contact_id", "applicant_id", "agent_id", "complainant_id", "offender_id", "site_visit_other_contact",
            "certificate_b_owner_details", "certificate_c_owner_details", "certificate_of_compliance_b_owner_details",
            "certificate_of_compliance_c_owner_details", "other_owner_details", "surface_site_owner",
            "agricultural_holding_involved_owner_details", "external_referee_id"}  # fmt: skip
TARGETS = {
    **dict.fromkeys(PEOPLE, "users"), **dict.fromkeys(CONTACTS, "contacts"),
    "application_id": "applications", "original_application_reference": "applications", "appeal_id": "appeals",
    "enforcement_id": "enforcements", "preapplication_id": "pre_applications",
    "asset_constraint_id": "asset_constraints", "communication_id": "communications",
    "public_comment_id": "public_comments", "fee_id": "fees", "enforcement_breach_id": "enforcement_breaches",
    "dtf_location_id": "dtf_locations", "complaint_location_id": "dtf_locations", "user_team_id": "user_teams",
    "decision_user_team_id": "user_teams", "committee_id": "committees", "requested_committee_meeting_id": "committees",
    "ward_id": "wards", "decision_type_id": "decision_types", "application_type_id": "application_types",
    "original_application_type": "application_types", "ps_development_code_id": "ps_development_codes",
    "decision_level_id": "decision_levels", "document_type_id": "document_types", "fee_type_id": "fee_types",
    "appeal_type_id": "appeal_types", "appeal_status_id": "appeal_status", "appeal_decision_id": "appeal_decision",
    "appeal_format": "appeal_formats", "contact_type_id": "contact_types",
    "communication_type_id": "communication_types", "breach_type_id": "breach_types",
    "enforcement_outcome_type_id": "enforcement_outcome_types",
    "enforcement_case_status_id": "enforcement_case_statuses", "priority_status_id": "priority_statuses",
    "complaint_source_id": "complaint_sources", "complaint_source": "complaint_sources",
    "enforcement_protocol_id": "enforcement_protocols", "reason_for_file_closure_id": "file_closure_reasons",
    "pre_application_category_id": "pre_application_categories", "nature_of_enquiry_id": "nature_of_enquiries",
    "enquiry_stage_id": "enquiry_stage", "enquiry_outcome_id": "enquiry_outcome",
}  # fmt: skip
# Id columns into vendor lists the council does not pull (or internal numbers): nothing to resolve them against.
OPAQUE = {
    "action_type_id", "application_source_id", "asset_constraint_type_id", "automated_stage_config_id",
    "breeam_level_id", "breeam_status_id", "committee_agenda_layout_id", "community_id", "custodian_code_id",
    "decision_monitoring_standard_phrase_id", "eia_id", "exemption_reason_id", "legal_agreement_obligation_type_id",
    "overturn_reason_id", "parish_id", "payment_method_id", "public_record_user_id", "referral_reason_id",
    "residential_development_type_id", "service_centre_id", "settlement_group_id", "street_id", "title_id",
    "uploaded_file_id", "validation_trigger_id",
}  # fmt: skip


@pytest.fixture(scope="module")
def records(served_world) -> dict[str, list[dict]]:
    return {t: served_world.records(t) for t in served_world.tables}


def test_every_id_column_points_at_an_existing_record(records):
    ids = {t: {r["id"] for r in rs} for t, rs in records.items()}
    checked: Counter[str] = Counter()
    for table, rows in records.items():
        for row in rows:
            for column, value in row.items():
                if value is None or column == "id":
                    continue
                if column in TARGETS:
                    assert value in ids[TARGETS[column]], (table, row["id"], column, value)
                    checked[column] += 1
                else:
                    assert not column.endswith("_id") or column in OPAQUE, f"{table}.{column}: what does it point at?"
    assert {"application_id", "enforcement_id", "enforcement_breach_id", "committee_id", "user_team_id", "fee_id",
            "preapplication_id", "asset_constraint_id", "public_comment_id", "appeal_id"} <= set(checked)  # fmt: skip


def test_every_daily_table_has_records_and_changes_over_a_few_days(served_world, records):
    days = [SERVED_AS_OF - timedelta(days=n) for n in range(1, 28)]
    updated_on_some_day = {
        "applications", "documents", "fees", "appeals", "communications", "emails", "enforcements", "contacts",
        "enforcement_actions_taken", "enforcement_breach_details", "committee_application_map", "user_teams",
        "user_team_map", "pre_applications", "asset_constraints", "users", "dtf_locations", "public_comments",
    }  # fmt: skip
    for table in served_world.daily_tables:
        assert records[table], table
        series = [r for day in days for r in served_world.records(table, day)]
        assert series, f"{table} did not change in four weeks"
        if table in updated_on_some_day:
            # An existing record changed (not just new ones created): its creation is older than its change.
            assert any(r["submit_date"][:10] < r["last_updated"][:10] for r in series), f"{table}: no updates"


def test_every_record_carries_its_audit_columns(served_world, records):
    for table in served_world.daily_tables:
        rows = records[table]
        for row in rows:
            assert row["creation_user_id"] and row["last_updated_by"] and row["submit_date"], (table, row["id"])
        nulls = sum(row["last_updated"] is None for row in rows)
        assert nulls <= 3 + 0.04 * len(rows), table  # the ~1% null last_updated quirk, no more


def test_applications_go_through_their_life_cycle_in_order(records):
    apps = records["applications"]
    decided = [a for a in apps if a["decision_type_id"] not in (None, "3")]
    assert decided and any(a["valid_date"] is None for a in apps)
    for app in decided:
        assert app["received_date"] <= app["valid_date"] <= app["decision_issued_date"]
        assert app["decision_officer_id"]
        assert app["date_decision_taken"] == app["decision_issued_date"][:10] + " 00:00:00"
        assert (app["decision_expiry_date"] is not None) == (app["decision_type_id"] == "1")
    letters = {(c["application_id"], c["communication_type_id"]) for c in records["communications"]}
    assert all((a["id"], "5") in letters for a in decided)  # every decision has its notice
    assert all((a["id"], "2") in letters for a in apps if a["valid_date"])  # every validation its letter


def test_public_comments_arrive_during_consultation(records):
    apps = {a["id"]: a for a in records["applications"]}
    comments = records["public_comments"]
    assert len(comments) > 50
    assert {c["stance"] for c in comments} == {"Object", "Support", "Neutral"}
    for comment in comments:
        app = apps[comment["application_id"]]
        assert app["valid_date"] and app["valid_date"] <= comment["submit_date"]
        assert app["decision_issued_date"] is None or comment["submit_date"] <= app["decision_issued_date"]


def test_committee_cases_are_decided_at_their_meeting(records):
    apps = {a["id"]: a for a in records["applications"]}
    meetings = {c["id"]: c for c in records["committees"]}
    items = records["committee_application_map"]
    determined = [m for m in items if m["determined_at_this_committee"] == "t"]
    assert determined
    for item in determined:
        app, meeting = apps[item["application_id"]], meetings[item["committee_id"]]
        assert app["decision_level_id"] == "2"
        assert app["decision_issued_date"][:10] == meeting["proposed_date"][:10] == meeting["actual_date"][:10]
    assert all(a["decision_level_id"] != "2" or a["committee_date"] for a in apps.values())


def test_enforcement_cases_run_from_complaint_to_closure(records):
    cases = {e["id"]: e for e in records["enforcements"]}
    by_case: dict[str, dict[str, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for table in ("enforcement_breaches", "enforcement_outcomes", "enforcement_actions_taken"):
        for row in records[table]:
            by_case[row["enforcement_id"]][table].append(row)
    breach_cases = {b["id"]: b["enforcement_id"] for b in records["enforcement_breaches"]}
    for detail in records["enforcement_breach_details"]:
        by_case[breach_cases[detail["enforcement_breach_id"]]]["details"].append(detail)
    closed = [e for e in cases.values() if e["enforcement_case_status_id"] == "5"]
    assert closed and len(closed) < len(cases)
    for case in cases.values():
        linked = by_case[case["id"]]
        if case["investigation_date"]:
            assert case["complaint_received_date"] <= case["investigation_date"]
        if case["enforcement_case_status_id"] == "5":
            outcome = linked["enforcement_outcomes"][-1]
            assert outcome["enforcement_outcome_type_id"] == case["enforcement_outcome_type_id"]
            assert case["date_file_closed"] and case["reason_for_file_closure_id"]
        if linked["enforcement_breaches"]:
            assert linked["details"], case["id"]
        if linked["enforcement_actions_taken"]:
            assert linked["enforcement_breaches"], case["id"]
    no_breach = [e for e in closed if e["enforcement_outcome_type_id"] == "1"]
    assert no_breach and all(not by_case[e["id"]]["enforcement_breaches"] for e in no_breach)
    assert any(a["compliance"] == "t" for a in records["enforcement_actions_taken"])


def test_officers_belong_to_teams_and_some_move(served_world, records):
    memberships = Counter(m["user_id"] for m in records["user_team_map"])
    assert set(memberships.values()) == {1}
    users = {u["id"] for u in records["users"]}
    assert set(memberships) <= users and len(memberships) >= len(users) - 2  # all but the system accounts
    truth = served_world.ground_truth("user_team_map", START, SERVED_AS_OF)
    teams_by_row: dict[str, set[str]] = defaultdict(set)
    for version in truth:
        teams_by_row[version["id"]].add(version["user_team_id"])
    assert any(len(teams) > 1 for teams in teams_by_row.values())
    assert len({t["id"] for t in records["user_teams"]}) == 6


def test_pre_applications_get_a_response(records):
    pre = records["pre_applications"]
    closed = [p for p in pre if p["enquiry_stage_id"] == "4"]
    assert closed and len(closed) < len(pre)
    assert all(p["response_date"] and p["enquiry_outcome_id"] and p["officer_id"] for p in closed)
    advised = {d["preapplication_id"] for d in records["documents"] if d["preapplication_id"]}
    assert {p["id"] for p in closed} <= advised
    assert any(f["preapplication_id"] for f in records["fees"])


def test_designations_cover_conservation_listing_and_trees(records):
    constraints = records["asset_constraints"]
    assert {c["asset_constraint_type_id"] for c in constraints} == {"1", "2", "3"}
    assert any(c["application_id"] for c in constraints)  # an order made after a works-to-trees application
    assert any(c["ceased"] == "t" for c in constraints) or any(
        c["description"].startswith("Confirmed") and c["submit_date"] >= str(START - timedelta(days=365))
        for c in constraints
    )


def test_later_versions_change_form_answers(served_world):
    """Besides the life cycle, officers edit form answers: versions that differ only in form columns."""
    life_cycle = {"decision_type_id", "decision_level_id", "officer_id", "user_team_id", "valid_date",
                  "registration_date", "decision_issued_date", "expiry_date", "extension_of_time_due_date", "ceased",
                  "ceased_date", "application_stage", "validation_officer_id", "decision_officer_id",
                  "last_updated_by", "last_updated", "valid_from", "valid_to"}  # fmt: skip
    truth = served_world.ground_truth("applications", START, SERVED_AS_OF, ["gis_map_image_base64"])
    form_edits = 0
    for earlier, later in zip(truth, truth[1:], strict=False):
        if earlier["id"] == later["id"]:
            changed = {c for c in later if earlier[c] != later[c]} - life_cycle
            form_edits += bool(changed)
    assert form_edits > 5


def test_ward_and_type_changes_are_rare_lookup_versions(make_world):
    """About one lookup change every month and a half: a ward renamed, an application type switched."""
    world = make_world()
    as_of = START + timedelta(days=365)
    world.advance_to(as_of)
    changed = 0
    for table in ("wards", "application_types"):
        truth = world.ground_truth(table, START, as_of)
        changed += len(truth) - len({v["id"] for v in truth})
    assert 2 < changed < 20
