"""How each vendor table is stored: the columns kept in slots, served defaults, and derived columns.

Slots hold what the simulation sets on most records or changes often; anything else a record carries goes to its
extras (see store.py). Derived columns are computed when served from facts that never change (the id, the
creation time, slotted values), which keeps the big tables small in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from sandbox.tascomi import text
from sandbox.tascomi.lookups import COMMUNICATION_TYPES, DOCUMENT_TYPES, GRANT, WITHDRAWN
from sandbox.tascomi.schema import DAILY_TABLES, vendor_schema
from sandbox.tascomi.store import Derive, Layout, Version, midnight, years_after

AUDIT = ("creation_user_id", "last_updated_by")
NOT_CEASED = {"ceased": False}

DAILY_FIELDS: dict[str, tuple[str, ...]] = {
    # What an application's life cycle changes; what it is (reference, type, site, applicant, ...) never changes and
    # lives in the extras with the form, shared by all its versions.
    "applications": (
        "decision_type_id", "decision_level_id", "officer_id", "user_team_id", "valid_date", "registration_date",
        "decision_issued_date", "expiry_date", "extension_of_time_due_date", "ceased", "ceased_date",
        "application_stage", "validation_officer_id", "decision_officer_id", *AUDIT,
    ),
    "documents": ("application_id", "document_type_id", "sent", "ceased", "ceased_date", *AUDIT),
    "fees": ("application_id", "fee_type_id", "fee", "paid", "fee_exempt", "ceased", "payment_method_id", *AUDIT),
    "fee_payments": (
        "fee_id", "amount_paid", "payment_date", "paid", "refund", "payment_method_id", "contact_id", *AUDIT,
    ),
    "appeals": (
        "application_id", "appeal_type_id", "appeal_status_id", "appeal_decision_id", "appeal_start_date",
        "appeal_decision_date", "officer_id", *AUDIT,
    ),
    "contacts": (
        "contact_type_id", "title_id", "forename", "surname", "company_name", "email", "telephone", "dtf_location_id",
        "agent", *AUDIT,
    ),
    "dtf_locations": (
        "uprn", "usrn", "address_line_1", "address_line_2", "postcode", "x_coordinate", "y_coordinate", *AUDIT,
    ),
    "users": (
        "forename", "surname", "username", "email", "job_title", "enabled", "officer", "manager", "telephone",
        "last_login", "last_password_change", *AUDIT,
    ),
    "communications": (
        "application_id", "communication_type_id", "officer_id", "draft", "completed", "completed_date", "emailed",
        "emailed_date", "printed", "printed_date", "recipient_name", "recipient_email", "recipient_address", *AUDIT,
    ),
    "emails": (
        "application_id", "email_date", "to_address", "subject", "mandrill_status", "mandrill_status_check_count",
        *AUDIT,
    ),
    "public_comments": (
        "application_id", "stance", "commenter_name", "comment", "commenter_address", "commenter_email",
        "public_record_user_id", "ceased", "ceased_date", *AUDIT,
    ),
    "enforcements": (
        "enforcement_reference", "complaint_received_date", "complaint_source_id", "case_officer_id",
        "enforcement_case_status_id", "priority_status_id", "ward_id", "complaint_location_id", "complainant_id",
        "offender_id", "investigation_date", "enforcement_outcome_type_id", "reason_for_file_closure_id",
        "date_file_closed", "resolution_date", "user_team_id", "complaint_registered", "complainant_acknowledged_date",
        *AUDIT,
    ),
    "enforcement_breaches": ("enforcement_id", "breach_description", *AUDIT),
    "enforcement_breach_details": (
        "enforcement_breach_id", "breach_type_id", "breach_details", "breach_offence_date", "date_of_immunity",
        "target_date_for_resolution", "targets_for_resolution_weeks", *AUDIT,
    ),
    "enforcement_actions_taken": (
        "enforcement_id", "action_type_id", "action_reference", "issue_date", "date_served", "date_effective",
        "compliance_due_date", "compliance", "date_complied_with", "appeal_received", "appeal_id", "user_id", *AUDIT,
    ),
    "enforcement_outcomes": ("enforcement_id", "enforcement_outcome_type_id", "outcome_notes", *AUDIT),
    "committee_application_map": (
        "application_id", "committee_id", "item_number", "load_order", "recommendation",
        "determined_at_this_committee", *AUDIT,
    ),
    "user_teams": ("name", "code", "description", "enabled", *AUDIT),
    "user_team_map": ("user_id", "user_team_id", *AUDIT),
    "pre_applications": (
        "reference", "applicant_name", "applicant_email", "dtf_location_id", "site_address", "ward_id", "proposal",
        "received_date", "officer_id", "pre_application_category_id", "nature_of_enquiry_id", "enquiry_stage_id",
        "enquiry_outcome_id", "meeting_date", "response_date", "fee", *AUDIT,
    ),
    "asset_constraints": (
        "asset_constraint_type_id", "name", "reference", "description", "designation_date", "application_id",
        "ceased", "ceased_date", *AUDIT,
    ),
}  # fmt: skip

DAILY_DEFAULTS: dict[str, dict[str, Any]] = {
    "applications": NOT_CEASED,
    "documents": {**NOT_CEASED, "sent": False},
    "fees": {**NOT_CEASED, "paid": False, "fee_exempt": False, "refunded": False, "overridden": False,
             "apply_manual_fee": False, "half_fee_concession": False, "multi_part_fee": False,
             "apply_fee_type_1": True, "apply_fee_type_2": False, "apply_fee_type_3": False},
    "fee_payments": {**NOT_CEASED, "paid": True, "refund": False},
    "appeals": NOT_CEASED,
    "contacts": {**NOT_CEASED, "agent": False, "phone_book": False},
    "dtf_locations": {**NOT_CEASED, "town": "London", "custodian_code_id": 5360},
    "users": {**NOT_CEASED, "manager": False, "mileage_rate": 0.45},
    "communications": {**NOT_CEASED, "draft": False, "completed": False, "emailed": False, "printed": False,
                       "internal": False},
    "emails": {**NOT_CEASED, "show_in_message_center": True, "from_address": "planning@council.example.gov.uk"},
    "public_comments": NOT_CEASED,
    "enforcements": {**NOT_CEASED, "advertised_in_press": False, "county_matters": False, "gis_data_present": False},
    "enforcement_actions_taken": {"compliance": False, "appeal_received": False, "postponed": False},
    "committee_application_map": {**NOT_CEASED, "determined_at_this_committee": False},
    "user_teams": {"enabled": True},
    "pre_applications": NOT_CEASED,
    "asset_constraints": NOT_CEASED,
}  # fmt: skip


def _created(record_id: int, created: datetime, version: Version) -> datetime:
    return created


def _slot(table: str, name: str) -> int:
    return DAILY_FIELDS[table].index(name) + 1


def _document_derivations() -> dict[str, Derive]:
    """A document's file and name follow from its id, type and upload time, which never change."""
    type_slot = _slot("documents", "document_type_id")
    names = {i: name for i, name, _code, _flags in DOCUMENT_TYPES}
    codes = {i: code.lower() for i, _name, code, _flags in DOCUMENT_TYPES}

    def name(record_id: int, created: datetime, version: Version) -> str:
        return names[version[type_slot]]

    def file_name(record_id: int, created: datetime, version: Version) -> str:
        return f"{codes[version[type_slot]]}_{500_000 + record_id}.pdf"

    return {
        "document_date": lambda record_id, created, version: midnight(created.date()),
        "uploaded_file_id": lambda record_id, created, version: 500_000 + record_id,
        "name": name,
        "file_name": file_name,
    }


def _decision_derivations() -> dict[str, Derive]:
    """Decision facts the vendor stores beside the decision, which here follow from the decision itself."""
    decision, issued = _slot("applications", "decision_type_id"), _slot("applications", "decision_issued_date")
    team = _slot("applications", "user_team_id")
    expiry, extended = _slot("applications", "expiry_date"), _slot("applications", "extension_of_time_due_date")

    def decided(version: Version) -> bool:
        return version[decision] is not None and version[decision] != WITHDRAWN

    def taken(record_id: int, created: datetime, version: Version) -> datetime | None:
        return midnight(version[issued].date()) if decided(version) else None

    def in_time(record_id: int, created: datetime, version: Version) -> bool | None:
        due = version[extended] or version[expiry]
        return version[issued] <= due if decided(version) and due is not None else None

    def deciding_team(record_id: int, created: datetime, version: Version) -> int | None:
        return version[team] if decided(version) else None

    def permission_expires(record_id: int, created: datetime, version: Version) -> datetime | None:
        if version[decision] != GRANT:
            return None
        return years_after(version[issued].date(), 3)

    def expiry_years(record_id: int, created: datetime, version: Version) -> int | None:
        return 3 if version[decision] == GRANT else None

    return {"date_decision_taken": taken, "in_time": in_time, "decision_user_team_id": deciding_team,
            "decision_expiry_date": permission_expires, "decision_expiry_years": expiry_years}  # fmt: skip


def _derived(table: str, gis_image: Derive) -> dict[str, Derive]:
    derived: dict[str, Derive] = {} if table == "applications" else {"submit_date": _created}
    if table == "applications":
        derived["gis_map_image_base64"] = gis_image
        derived.update(_decision_derivations())
    elif table == "documents":
        derived.update(_document_derivations())
    elif table == "users":
        forename, surname = _slot("users", "forename"), _slot("users", "surname")
        derived["initials"] = lambda record_id, created, version: version[forename][0] + version[surname][0]
    elif table == "dtf_locations":
        usrn = _slot("dtf_locations", "usrn")
        derived["street_id"] = lambda record_id, created, version: version[usrn] - 20_000_000
    elif table == "fee_payments":
        by = _slot("fee_payments", "creation_user_id")
        derived["payment_reference"] = lambda record_id, created, version: f"PAY{record_id:07d}"
        derived["receipting_officer_id"] = lambda record_id, created, version: version[by]
    elif table == "communications":
        names = {i: name for i, name, _code, _flags in COMMUNICATION_TYPES}
        kind = _slot("communications", "communication_type_id")
        derived["reference"] = lambda record_id, created, version: f"COM/{created.year}/{record_id:06d}"
        derived["subject"] = lambda record_id, created, version: names[version[kind]]
    elif table == "emails":
        subjects = dict(zip(text.EMAIL_SUBJECTS, text.EMAIL_BODIES, strict=True))
        subject = _slot("emails", "subject")
        derived["body"] = lambda record_id, created, version: subjects[version[subject]]
    elif table == "appeals":
        derived["inspectorate_reference"] = lambda record_id, created, version: (
            f"APP/X5210/W/{created:%y}/{3_300_000 + record_id}"
        )
    return derived


def _lookup_layout(columns: dict[str, str]) -> Layout:
    """Lookups are tiny: every column is slotted; unset booleans are false and rows are enabled."""
    fields = tuple(c for c in columns if c not in ("id", "last_updated", "submit_date"))
    defaults: dict[str, Any] = {c: False for c, t in columns.items() if t == "boolean"}
    if "enabled" in columns:
        defaults["enabled"] = True
    derived = {"submit_date": _created} if "submit_date" in columns else {}
    return Layout(fields, defaults, derived)


def layouts(gis_image: Callable[[int, datetime, Version], Any]) -> dict[str, Layout]:
    """Every table's layout; `gis_image` serves applications' map image."""
    out: dict[str, Layout] = {}
    for table, columns in vendor_schema().items():
        if table in DAILY_TABLES:
            out[table] = Layout(DAILY_FIELDS[table], DAILY_DEFAULTS.get(table, {}), _derived(table, gis_image))
        else:
            out[table] = _lookup_layout(columns)
    return out
