"""The vendor's lookup tables: fixed rows, set up long before any backlog (committees excepted: see world).

Each row is {column: native value}; "id" is explicit. Booleans a row does not name are false, `enabled` is true.
"""

from __future__ import annotations

from typing import Any

Row = dict[str, Any]

# (id, name, code, fee in pounds or None when no fee is charged, statutory target days)
APPLICATION_TYPES = (
    (1, "Full planning permission", "FUL", 578.0, 56),
    (2, "Householder planning permission", "HOU", 258.0, 56),
    (3, "Listed building consent", "LBC", None, 56),
    (4, "Advertisement consent", "ADV", 165.0, 56),
    (5, "Prior approval", "PA", 120.0, 56),
    (6, "Certificate of lawfulness (proposed)", "CLP", 289.0, 56),
    (7, "Discharge of conditions", "DOC", 145.5, 56),
    (8, "Works to trees", "TPO", None, 42),
)
TYPE_WEIGHTS = (25, 60, 65, 71, 78, 86, 96, 100)  # cumulative: householder and full applications dominate
PRIOR_APPROVAL_TYPE, TREES_TYPE, DISCHARGE_TYPE = 5, 8, 7
DECISION_TYPES = (
    (1, "Granted", "GRANT"),
    (2, "Refused", "REFUSE"),
    (3, "Withdrawn", "WITHDRAWN"),
    (4, "Prior approval not required", "PRIOR_APPROVAL_NOT_REQUIRED"),
    (5, "Split decision", "SPLIT"),
    (6, "Not determined", "NOT_DETERMINED"),
)
GRANT, REFUSE, WITHDRAWN, PRIOR_APPROVAL_NOT_REQUIRED, SPLIT, NOT_DETERMINED = range(1, 7)
# (id, name, code, statutory determination period in days)
PS_DEVELOPMENT_CODES = ((1, "Major development", "major", 91), (2, "Minor development", "minor", 56),
                        (3, "Other development", "other", 56))  # fmt: skip
MAJOR = 1
DELEGATED, COMMITTEE = 1, 2

DOC_APPLICATION_FORM, DOC_PLANS, DOC_VALIDATION_LETTER, DOC_CONSULTATION, DOC_DECISION_NOTICE, DOC_APPEAL = range(1, 7)
DOC_PUBLIC_COMMENT, DOC_ENFORCEMENT_NOTICE, DOC_SITE_PHOTOS, DOC_COMMITTEE_REPORT, DOC_PRE_APP_ADVICE = range(7, 12)
DOC_TPO_ORDER = 12
DOCUMENT_TYPES = (
    (DOC_APPLICATION_FORM, "Application form", "APPFORM", {"validation_trigger_id": 1}),
    (DOC_PLANS, "Plans and drawings", "PLANS", {"validation_trigger_id": 2, "spatial_analysis_results": False}),
    (DOC_VALIDATION_LETTER, "Validation letter", "VALLET", {"exclude_from_public_portal": True}),
    (DOC_CONSULTATION, "Consultation response", "CONSULT", {"consultation_document": True,
                                                            "show_consultation_stance": True}),
    (DOC_DECISION_NOTICE, "Decision notice", "DECNOT", {}),
    (DOC_APPEAL, "Appeal documents", "APPEAL", {}),
    (DOC_PUBLIC_COMMENT, "Public comment", "PUBCOM", {"public_consultation": True, "show_consultation_stance": True,
                                                      "remove_from_portal_when_determined": True}),
    (DOC_ENFORCEMENT_NOTICE, "Enforcement notice", "ENFNOT", {"exclude_from_public_portal": True}),
    (DOC_SITE_PHOTOS, "Site photographs", "PHOTOS", {"exclude_from_public_portal": True}),
    (DOC_COMMITTEE_REPORT, "Committee report", "CTTEE", {"assessment_report": True}),
    (DOC_PRE_APP_ADVICE, "Pre-application advice letter", "PREAPP", {"exclude_from_public_portal": True}),
    (DOC_TPO_ORDER, "Tree preservation order", "TPO", {"publicity_document": True, "site_notice": True}),
)  # fmt: skip

COMM_ACKNOWLEDGEMENT, COMM_VALIDATION, COMM_NEIGHBOUR, COMM_CONSULTEE, COMM_DECISION = range(1, 6)
COMM_COMMITTEE_REPORT, COMM_APPEAL, COMM_ENFORCEMENT, COMM_PRE_APP, COMM_TPO = range(6, 11)
COMMUNICATION_TYPES = (
    (COMM_ACKNOWLEDGEMENT, "Acknowledgement letter", "ACK", {}),
    (COMM_VALIDATION, "Validation letter", "VALID", {"validation": True}),
    (COMM_NEIGHBOUR, "Neighbour notification", "NEIGH", {"neighbour_letter": True}),
    (COMM_CONSULTEE, "Consultee letter", "CONSULT", {}),
    (COMM_DECISION, "Decision notice", "DECISION", {"decision_notice": True}),
    (COMM_COMMITTEE_REPORT, "Committee report", "REPORT", {"report": True}),
    (COMM_APPEAL, "Appeal start letter", "APPEAL", {}),
    (COMM_ENFORCEMENT, "Enforcement letter", "ENF", {}),
    (COMM_PRE_APP, "Pre-application response", "PREAPP", {}),
    (COMM_TPO, "Tree preservation order notice", "TPO", {"liability_demand_notice": False}),
)

# contact_type_id: applicants 1 / 31 (company), agents 2 / 32 (company), as the vendor numbers them.
APPLICANT, AGENT, COMPLAINANT, OWNER_OCCUPIER, CONSULTEE, APPLICANT_COMPANY, AGENT_COMPANY = 1, 2, 3, 4, 5, 31, 32
CONTACT_TYPES = (
    (APPLICANT, "Applicant", "APP", {"is_default": True, "invoicee": True}),
    (AGENT, "Agent", "AGT", {"invoicee": True}),
    (COMPLAINANT, "Complainant", "COMP", {}),
    (OWNER_OCCUPIER, "Owner / occupier", "OWN", {}),
    (CONSULTEE, "Statutory consultee", "CON", {}),
    (APPLICANT_COMPANY, "Applicant (company)", "APPCO", {"invoicee": True}),
    (AGENT_COMPANY, "Agent (company)", "AGTCO", {"invoicee": True}),
)

APPEAL_LODGED, APPEAL_IN_PROGRESS, APPEAL_DECIDED = 1, 2, 3
APPEAL_ALLOWED, APPEAL_DISMISSED = 1, 2
HOUSEHOLDER_APPEAL, PLANNING_APPEAL, ENFORCEMENT_APPEAL, LISTED_BUILDING_APPEAL, ADVERT_APPEAL = range(1, 6)
WRITTEN, HEARING, INQUIRY = 1, 2, 3

ENF_RECEIVED, ENF_INVESTIGATING, ENF_BREACH, ENF_FORMAL_ACTION, ENF_CLOSED = range(1, 6)
OUTCOME_NO_BREACH, OUTCOME_RESOLVED, OUTCOME_RETROSPECTIVE, OUTCOME_COMPLIED, OUTCOME_NOT_EXPEDIENT = range(1, 6)
OUTCOME_PROSECUTION = 6
CLOSED_NO_BREACH, CLOSED_REMEDIED, CLOSED_NOT_EXPEDIENT, CLOSED_PERMISSION = 1, 2, 3, 4
PRIORITY_SITE_VISIT_DAYS = {1: 2, 2: 10, 3: 20}  # priority_status_id -> site visit target days

STAGE_RECEIVED, STAGE_ASSESSING, STAGE_MORE_DETAILS, STAGE_CLOSED = 1, 2, 3, 4
PRE_APP_FEE_TYPE = 9

CONSERVATION_AREA, LISTED_BUILDING, TREE_PRESERVATION_ORDER = 1, 2, 3


def _named(rows: tuple[tuple[Any, ...], ...]) -> list[Row]:
    """(id, name, code, {extra columns}) -> rows."""
    return [{"id": i, "name": name, "code": code, **extra} for i, name, code, extra in rows]


def _application_types() -> list[Row]:
    rows = []
    for type_id, name, code, _fee, target in APPLICATION_TYPES:
        stages = {f"{s}_stage_required": True for s in ("received", "consultation", "assessment", "decision_issued")}
        days = {"received_stage_target_days": 5, "consultation_stage_target_days": 21,
                "assessment_stage_target_days": target - 14, "decision_issued_stage_target_days": target}  # fmt: skip
        rows.append({
            "id": type_id, "name": name, "code": code, "description": f"{name} ({code})", "target_days": target,
            "default_decision_expiry_years": 3, "show_on_portal": True, "committee_stage_required": type_id == 1,
            "committee_stage_target_days": 49 if type_id == 1 else None, **stages, **days,
        })  # fmt: skip
    return rows


def _decision_types() -> list[Row]:
    flags = {GRANT: {"approval_decision": True}, REFUSE: {"refusal_decision": True},
             WITHDRAWN: {"withdrawal": True}, PRIOR_APPROVAL_NOT_REQUIRED: {"pa_not_required": True},
             SPLIT: {"approval_decision": True, "refusal_decision": True}, NOT_DETERMINED: {}}  # fmt: skip
    return [
        {"id": i, "name": name, "code": code, "description": name, "show_on_portal": i != NOT_DETERMINED, **flags[i]}
        for i, name, code in DECISION_TYPES
    ]


def _ps_development_codes() -> list[Row]:
    return [
        {"id": i, "name": name, "code": code, "expiry_days": days, code: True}
        for i, name, code, days in PS_DEVELOPMENT_CODES
    ]


def _wards(codes: list[str], names: tuple[str, ...]) -> list[Row]:
    return [{"id": i, "name": name, "code": code} for i, (name, code) in enumerate(zip(names, codes, strict=True), 1)]


def lookup_rows(ward_codes: list[str], ward_names: tuple[str, ...]) -> dict[str, list[Row]]:
    """Every fixed lookup row, per table (committees are scheduled by the world instead)."""
    return {
        "application_types": _application_types(),
        "decision_types": _decision_types(),
        "ps_development_codes": _ps_development_codes(),
        "wards": _wards(ward_codes, ward_names),
        "appeal_decision": _named((
            (APPEAL_ALLOWED, "Allowed", "ALLOW", {"against_lpa": True}),
            (APPEAL_DISMISSED, "Dismissed", "DISMISS", {"for_lpa": True}),
            (3, "Split decision", "SPLIT", {}),
            (4, "Withdrawn", "WDN", {}),
            (5, "Invalid", "INV", {}),
        )),
        "appeal_status": _named((
            (APPEAL_LODGED, "Lodged", "LODGED", {"is_default": True, "in_progress": True}),
            (APPEAL_IN_PROGRESS, "Started", "START", {"in_progress": True}),
            (APPEAL_DECIDED, "Decided", "DECIDED", {}),
            (4, "Withdrawn", "WDN", {}),
        )),
        "appeal_types": _named((
            (HOUSEHOLDER_APPEAL, "Householder appeal", "HAS", {"automated_stage_config_id": 1}),
            (PLANNING_APPEAL, "Planning appeal (s78)", "S78", {"automated_stage_config_id": 2}),
            (ENFORCEMENT_APPEAL, "Enforcement appeal (s174)", "S174", {"automated_stage_config_id": 3}),
            (LISTED_BUILDING_APPEAL, "Listed building appeal", "LBA", {"automated_stage_config_id": 2}),
            (ADVERT_APPEAL, "Advertisement appeal", "ADA", {"automated_stage_config_id": 1}),
        )),
        "appeal_formats": _named((
            (WRITTEN, "Written representations", "WR", {"days": 42, "written_representation": True}),
            (HEARING, "Hearing", "HEAR", {"days": 56, "hearing": True}),
            (INQUIRY, "Public inquiry", "INQ", {"days": 112, "public_inquiry": True}),
        )),
        "breach_types": _named((
            (1, "Unauthorised building works", "UBW", {}), (2, "Unauthorised change of use", "UCU", {}),
            (3, "Breach of condition", "BOC", {}), (4, "Unauthorised advertisement", "ADV", {}),
            (5, "Works to a listed building", "LBW", {}), (6, "Works to a protected tree", "TREE", {}),
            (7, "Untidy land (s215)", "S215", {}),
        )),
        "communication_types": _named(COMMUNICATION_TYPES),
        "communication_templates": [
            {"id": i, "name": name, "communication_type_id": i, "subject": f"{name}: {{reference}}",
             "template_body": f"Dear {{name}}, please find our {name.lower()} regarding {{reference}}.",
             "enable_track_changes": i in (COMM_DECISION, COMM_COMMITTEE_REPORT)}
            for i, name, _code, _flags in COMMUNICATION_TYPES
        ],  # fmt: skip
        "contact_types": _named(CONTACT_TYPES),
        "decision_levels": _named((
            (DELEGATED, "Delegated", "DEL", {"is_default": True}),
            (COMMITTEE, "Planning committee", "COM", {"committee": True}),
        )),
        "document_types": [
            {"id": i, "name": name, "code": code, "description": name, **flags}
            for i, name, code, flags in DOCUMENT_TYPES
        ],
        "fee_types": [
            *({"id": i, "name": f"{name} fee", "code": code, "fee": fee if fee is not None else 0.0,
               "application": True, "flat_fee": i != 1} for i, name, code, fee, _ in APPLICATION_TYPES),
            {"id": PRE_APP_FEE_TYPE, "name": "Pre-application advice fee", "code": "PREAPP", "fee": 450.0,
             "pre_application": True, "flat_fee": True},
            {"id": 10, "name": "Enforcement appeal fee", "code": "ENFAPP", "fee": 578.0, "enforcement": True,
             "appeal": True, "flat_fee": True},
        ],  # fmt: skip
        "public_consultations": [
            {"id": 1, "name": "Local Plan Regulation 18 consultation", "description": "Draft local plan",
             "is_public": True, "display_comments": True, "display_file": True},
            {"id": 2, "name": "Statement of Community Involvement", "description": "How we consult",
             "is_public": True, "display_file": True},
            {"id": 3, "name": "Design code supplementary planning document", "description": "Draft SPD",
             "is_public": False, "bypass_redaction": True},
        ],  # fmt: skip
        "pre_application_categories": [
            {"id": i, "name": name, "code": code, "target_days": days, "automated_stage_config_id": 4,
             "show_on_portal": True, "statutory": False}
            for i, name, code, days in ((1, "Householder", "HH", 28), (2, "Minor development", "MIN", 35),
                                        (3, "Major development", "MAJ", 56), (4, "Listed building", "LB", 35),
                                        (5, "Duty planner", "DUTY", 10))
        ],  # fmt: skip
        "nature_of_enquiries": _named((
            (1, "Written advice", "WRITTEN", {}), (2, "Meeting", "MEET", {}), (3, "Site visit", "VISIT", {}),
            (4, "Follow-up advice", "FOLLOW", {}),
        )),
        "enquiry_outcome": _named((
            (1, "Application likely to be supported", "SUPPORT", {"application_to_be_submitted": True}),
            (2, "Unlikely to be supported", "UNSUPP", {}),
            (3, "Further information needed", "MOREINFO", {}),
            (4, "No application required", "NOAPP", {}),
        )),
        "enquiry_stage": _named((
            (STAGE_RECEIVED, "Received", "REC", {"is_default": True}),
            (STAGE_ASSESSING, "Assessing", "ASSESS", {"assessing_stage": True}),
            (STAGE_MORE_DETAILS, "Awaiting more details", "AWAIT", {"awaiting_more_details": True}),
            (STAGE_CLOSED, "Closed", "CLOSED", {"closed_status": True}),
        )),
        "enforcement_outcome_types": _named((
            (OUTCOME_NO_BREACH, "No breach", "NOBREACH", {"no_breach": True}),
            (OUTCOME_RESOLVED, "Breach resolved voluntarily", "RESOLVED", {"positive_action": True}),
            (OUTCOME_RETROSPECTIVE, "Retrospective application", "RETRO", {"positive_action": True}),
            (OUTCOME_COMPLIED, "Notice complied with", "COMPLIED", {"positive_action": True}),
            (OUTCOME_NOT_EXPEDIENT, "Not expedient", "NOTEXP", {}),
            (OUTCOME_PROSECUTION, "Prosecution", "PROS", {"positive_action": True}),
        )),
        "enforcement_protocols": _named((
            (1, "Standard", "STD", {"automated_stage_config_id": 5}),
            (2, "Priority", "PRI", {"automated_stage_config_id": 6}),
            (3, "Fast track", "FAST", {"automated_stage_config_id": 6}),
        )),
        "priority_statuses": _named(tuple(
            (i, name, code, {"site_visit_target_days": PRIORITY_SITE_VISIT_DAYS[i]})
            for i, name, code in ((1, "High", "HIGH"), (2, "Medium", "MED"), (3, "Low", "LOW"))
        )),
        "complaint_sources": _named((
            (1, "Member of the public", "PUBLIC", {}), (2, "Councillor", "CLLR", {}),
            (3, "Internal referral", "INTERNAL", {}), (4, "Anonymous", "ANON", {}),
            (5, "Proactive monitoring", "PROACTIVE", {}),
        )),
        "file_closure_reasons": _named((
            (CLOSED_NO_BREACH, "No breach", "NOBREACH", {"no_breach": True}),
            (CLOSED_REMEDIED, "Breach remedied", "REMEDIED", {"positive_action": True,
                                                              "show_resolution_fields": True}),
            (CLOSED_NOT_EXPEDIENT, "Not expedient", "NOTEXP", {}),
            (CLOSED_PERMISSION, "Planning permission granted", "PERM", {"positive_action": True}),
            (5, "Immune from enforcement", "IMMUNE", {}),
            (6, "Duplicate case", "DUP", {}),
        )),
        "enforcement_case_statuses": _named((
            (ENF_RECEIVED, "Received", "REC", {"is_default": True}),
            (ENF_INVESTIGATING, "Under investigation", "INV", {}),
            (ENF_BREACH, "Breach identified", "BREACH", {}),
            (ENF_FORMAL_ACTION, "Formal action", "FORMAL", {}),
            (ENF_CLOSED, "Closed", "CLOSED", {"closed_status": True}),
        )),
    }  # fmt: skip
