"""Planning enforcement: complaint received -> investigated -> breach found (or not) -> action -> outcome, closed."""

from __future__ import annotations

from datetime import datetime, timedelta

from sandbox.tascomi import lookups as L
from sandbox.tascomi import text
from sandbox.tascomi.core import PORTAL_USER
from sandbox.tascomi.draws import between, pick
from sandbox.tascomi.people import ENFORCEMENT_TEAM
from sandbox.tascomi.planning import Planning
from sandbox.tascomi.store import midnight, years_after

PCN, ENFORCEMENT_NOTICE, BREACH_OF_CONDITION_NOTICE = 1, 2, 3  # action_type_id (a vendor list not pulled)
ACTION_DETAILS = {PCN: "Planning contravention notice", ENFORCEMENT_NOTICE: "Enforcement notice",
                  BREACH_OF_CONDITION_NOTICE: "Breach of condition notice"}  # fmt: skip


class Enforcement(Planning):
    """Enforcement cases, their breaches, actions and outcomes."""

    # Open cases' working state (dropped when a case closes): its breach details, and appealed notices.
    _case_details: dict[int, list[int]]
    _appealed_notice: dict[int, int]  # appeal id -> enforcement action id

    def _new_complaint(self, t: datetime) -> None:
        rng = self._rng
        source = rng.choices((1, 2, 3, 4, 5), cum_weights=(55, 65, 80, 95, 100))[0]
        by = PORTAL_USER if source in (1, 4) and rng.random() < 0.5 else self._clerk()
        locations = self._stores["dtf_locations"]
        # Half the complaints are about a site the council already knows (an application's address).
        site = between(rng, 1, locations.next_id - 1) if locations.next_id > 1 and rng.random() < 0.5 else None
        if site is None:
            site = self._new_location(t, by)
        complainant = None if source in (4, 5) else self._new_contact(t, L.COMPLAINANT, None, by)
        offender = self._new_contact(t, L.OWNER_OCCUPIER, site, by) if rng.random() < 0.6 else None
        priority = rng.choices((1, 2, 3), cum_weights=(15, 65, 100))[0]
        officer = self._officer(ENFORCEMENT_TEAM)
        visit_days = L.PRIORITY_SITE_VISIT_DAYS[priority]
        enforcement_id = self._create(
            "enforcements", t, by, enforcement_reference=self._reference("ENF", t),
            complaint_received_date=midnight(t.date()), complaint_source_id=source, complaint_source=source,
            case_officer_id=officer, enforcement_case_status_id=L.ENF_RECEIVED, priority_status_id=priority,
            ward_id=between(rng, 1, 20), complaint_location_id=site, complainant_id=complainant, offender_id=offender,
            user_team_id=self._team_of(officer), site_address=self._address_of(site),
            complaint_description=pick(rng, text.COMPLAINTS), complaint_received=t,
            complaint_location_x=int(locations.get(site, "x_coordinate")),
            complaint_location_y=int(locations.get(site, "y_coordinate")),
            enforcement_protocol_id=1 if priority == 3 else 2, site_visit_target_date=self._day(t, visit_days),
            target_for_closure_weeks=12, target_for_closure=self._day(t, 84),
            offender_name=self._contact_name(offender) if offender is not None else None,
        )  # fmt: skip
        if complainant is not None:
            self._new_communication(t, officer, L.COMM_ENFORCEMENT, complainant, done=True,
                                    enforcement_id=enforcement_id)  # fmt: skip
        self._at(self._later(t, 1, visit_days + 3), self._investigate, enforcement_id)

    def _case_officer(self, enforcement_id: int) -> int:
        return self._get("enforcements", enforcement_id, "case_officer_id")

    def _closed(self, enforcement_id: int) -> bool:
        return self._get("enforcements", enforcement_id, "enforcement_case_status_id") == L.ENF_CLOSED

    def _investigate(self, t: datetime, enforcement_id: int) -> None:
        rng = self._rng
        officer = self._case_officer(enforcement_id)
        self._update("enforcements", enforcement_id, t, officer, enforcement_case_status_id=L.ENF_INVESTIGATING,
                     investigation_date=t, complaint_registered=t,
                     complainant_acknowledged_date=midnight(t.date()))  # fmt: skip
        if rng.random() < 0.5:
            self._new_document(t, officer, L.DOC_SITE_PHOTOS, None, enforcement_id=enforcement_id)
        if rng.random() < 0.55:
            self._at(self._later(t, 0, 10), self._find_breach, enforcement_id)
        else:
            self._at(self._later(t, 3, 30), self._resolve, enforcement_id, L.OUTCOME_NO_BREACH, L.CLOSED_NO_BREACH)

    def _find_breach(self, t: datetime, enforcement_id: int) -> None:
        rng = self._rng
        officer = self._case_officer(enforcement_id)
        breach_id = self._create("enforcement_breaches", t, officer, enforcement_id=enforcement_id,
                                 breach_description=pick(rng, text.BREACHES))  # fmt: skip
        details = self._case_details.setdefault(enforcement_id, [])
        for _ in range(pick(rng, (1, 1, 1, 2))):
            breach_type = between(rng, 1, 7)
            offence = midnight((t - timedelta(days=between(rng, 20, 1500))).date())
            weeks = pick(rng, (4, 8, 12))
            detail_id = self._create(
                "enforcement_breach_details", t, officer, enforcement_breach_id=breach_id, breach_type_id=breach_type,
                breach_details=text.BREACHES[breach_type - 1], breach_offence_date=offence,
                date_of_immunity=years_after(offence.date(), 4 if breach_type == 1 else 10),
                target_date_for_resolution=self._day(t, weeks * 7), targets_for_resolution_weeks=weeks,
            )  # fmt: skip
            details.append(detail_id)
        self._update("enforcements", enforcement_id, t, officer, enforcement_case_status_id=L.ENF_BREACH)
        route = rng.random()
        if route < 0.35:
            self._at(self._later(t, 14, 90), self._resolve, enforcement_id, L.OUTCOME_RESOLVED, L.CLOSED_REMEDIED)
        elif route < 0.5:
            self._at(self._later(t, 20, 60), self._resolve, enforcement_id, L.OUTCOME_RETROSPECTIVE,
                     L.CLOSED_PERMISSION)  # fmt: skip
        elif route < 0.57:
            self._at(self._later(t, 10, 40), self._resolve, enforcement_id, L.OUTCOME_NOT_EXPEDIENT,
                     L.CLOSED_NOT_EXPEDIENT)  # fmt: skip
        else:
            self._at(self._later(t, 10, 45), self._serve_notice, enforcement_id)
        if rng.random() < 0.25:
            self._at(self._later(t, 10, 40), self._extend_breach_target, enforcement_id)

    def _extend_breach_target(self, t: datetime, enforcement_id: int) -> None:
        """More time is given to put things right: the breach details' target dates move."""
        if self._closed(enforcement_id):
            return
        officer = self._case_officer(enforcement_id)
        for detail_id in self._case_details.get(enforcement_id, ()):
            weeks = self._get("enforcement_breach_details", detail_id, "targets_for_resolution_weeks") + 4
            self._update("enforcement_breach_details", detail_id, t, officer, targets_for_resolution_weeks=weeks,
                         target_date_for_resolution=self._day(t, 28))  # fmt: skip

    def _serve_notice(self, t: datetime, enforcement_id: int, action: int | None = None) -> None:
        if self._closed(enforcement_id):
            return
        rng = self._rng
        officer = self._case_officer(enforcement_id)
        if action is None:
            action = rng.choices((PCN, ENFORCEMENT_NOTICE, BREACH_OF_CONDITION_NOTICE), cum_weights=(40, 80, 100))[0]
        action_id = self._create(
            "enforcement_actions_taken", t, officer, enforcement_id=enforcement_id, action_type_id=action,
            action_reference=self._reference("EN", t), issue_date=midnight(t.date()), date_served=self._day(t, 1),
            date_effective=self._day(t, 29), compliance_due_date=self._day(t, 29 + 56), user_id=officer,
            action_details=ACTION_DETAILS[action], authorisation_date=self._day(t, -2),
        )  # fmt: skip
        self._update("enforcements", enforcement_id, t, officer, enforcement_case_status_id=L.ENF_FORMAL_ACTION)
        if action != PCN:  # the notice sets the date the breach must be put right by
            for detail_id in self._case_details.get(enforcement_id, ()):
                self._update("enforcement_breach_details", detail_id, t, officer,
                             target_date_for_resolution=self._day(t, 29 + 56))  # fmt: skip
        self._new_document(t, officer, L.DOC_ENFORCEMENT_NOTICE, None, enforcement_id=enforcement_id)
        offender = self._get("enforcements", enforcement_id, "offender_id")
        if offender is not None:
            self._new_communication(t, officer, L.COMM_ENFORCEMENT, offender, done=True, enforcement_id=enforcement_id)
        route = rng.random()
        if action == PCN:  # a request for information: answered within 21 days, then the case moves on
            self._at(self._later(t, 7, 21), self._pcn_answered, enforcement_id, action_id)
        elif route < 0.1:
            self._at(self._later(t, 5, 27), self._appeal_notice, enforcement_id, action_id)
        elif route < 0.85:
            self._at(self._later(t, 40, 100), self._comply, enforcement_id, action_id)
        else:
            self._at(self._later(t, 90, 200), self._resolve, enforcement_id, L.OUTCOME_PROSECUTION,
                     L.CLOSED_REMEDIED)  # fmt: skip

    def _pcn_answered(self, t: datetime, enforcement_id: int, action_id: int) -> None:
        officer = self._case_officer(enforcement_id)
        self._update("enforcement_actions_taken", action_id, t, officer, compliance=True,
                     date_complied_with=midnight(t.date()))  # fmt: skip
        if self._rng.random() < 0.6:
            self._at(self._later(t, 5, 30), self._resolve, enforcement_id, L.OUTCOME_RESOLVED, L.CLOSED_REMEDIED)
        else:
            self._at(self._later(t, 5, 30), self._serve_notice, enforcement_id, ENFORCEMENT_NOTICE)

    def _appeal_notice(self, t: datetime, enforcement_id: int, action_id: int) -> None:
        """The owner appeals the notice to the inspectorate; the notice is suspended until it is decided."""
        rng = self._rng
        enforcements = self._stores["enforcements"]
        officer = self._case_officer(enforcement_id)
        appeal_id = self._create(
            "appeals", t, self._clerk(), enforcement_id=enforcement_id, appeal_type_id=L.ENFORCEMENT_APPEAL,
            appeal_status_id=L.APPEAL_LODGED, appeal_start_date=midnight(t.date()), officer_id=officer,
            offender_id=enforcements.get(enforcement_id, "offender_id"),
            appellant_statement_received_date=midnight(t.date()),
            appeal_format=rng.choices((L.WRITTEN, L.HEARING, L.INQUIRY), cum_weights=(60, 85, 100))[0],
            site_address=enforcements.get(enforcement_id, "site_address"),
            ward_id=enforcements.get(enforcement_id, "ward_id"), user_team_id=enforcements.get(enforcement_id,
                                                                                              "user_team_id"),
        )  # fmt: skip
        self._update("enforcement_actions_taken", action_id, t, officer, appeal_received=True, appeal_id=appeal_id)
        self._appealed_notice[appeal_id] = action_id
        self._schedule_appeal(t, appeal_id)

    def _decide_appeal(self, t: datetime, appeal_id: int) -> None:
        super()._decide_appeal(t, appeal_id)
        action_id = self._appealed_notice.pop(appeal_id, None)
        if action_id is None:
            return
        enforcement_id = self._get("enforcement_actions_taken", action_id, "enforcement_id")
        if self._closed(enforcement_id):
            return
        decision = self._get("appeals", appeal_id, "appeal_decision_id")
        officer = self._case_officer(enforcement_id)
        self._update("enforcement_actions_taken", action_id, t, officer, appeal_decision_id=decision,
                     date_of_appeal_decision=midnight(t.date()))  # fmt: skip
        if decision == L.APPEAL_ALLOWED:  # the notice is quashed
            self._resolve(t, enforcement_id, L.OUTCOME_NOT_EXPEDIENT, L.CLOSED_NOT_EXPEDIENT)
        else:
            self._at(self._later(t, 30, 90), self._comply, enforcement_id, action_id)

    def _comply(self, t: datetime, enforcement_id: int, action_id: int) -> None:
        if self._closed(enforcement_id):
            return
        officer = self._case_officer(enforcement_id)
        self._update("enforcement_actions_taken", action_id, t, officer, compliance=True,
                     date_complied_with=midnight(t.date()))  # fmt: skip
        self._resolve(t, enforcement_id, L.OUTCOME_COMPLIED, L.CLOSED_REMEDIED)

    def _resolve(self, t: datetime, enforcement_id: int, outcome: int, reason: int) -> None:
        """The case's outcome is recorded and the file closed; the complainant is told."""
        if self._closed(enforcement_id):
            return
        self._case_details.pop(enforcement_id, None)
        officer = self._case_officer(enforcement_id)
        self._create("enforcement_outcomes", t, officer, enforcement_id=enforcement_id,
                     enforcement_outcome_type_id=outcome, outcome_notes=text.OUTCOME_NOTES[outcome - 1])  # fmt: skip
        day = midnight(t.date())
        self._update("enforcements", enforcement_id, t, officer, enforcement_case_status_id=L.ENF_CLOSED,
                     enforcement_outcome_type_id=outcome, reason_for_file_closure_id=reason, date_file_closed=day,
                     resolution_date=day if outcome != L.OUTCOME_NO_BREACH else None)  # fmt: skip
        complainant = self._get("enforcements", enforcement_id, "complainant_id")
        if complainant is not None:
            self._new_communication(t, officer, L.COMM_ENFORCEMENT, complainant, done=True,
                                    enforcement_id=enforcement_id)  # fmt: skip
