"""Planning casework: applications and everything hanging off them, pre-application advice, committees, and
the designations (conservation areas, listed buildings, tree preservation orders) officers work against."""

from __future__ import annotations

import bisect
from datetime import date, datetime, time, timedelta
from typing import Any

from sandbox.tascomi import lookups as L
from sandbox.tascomi import text
from sandbox.tascomi.core import PORTAL_USER, SYSTEM_USER
from sandbox.tascomi.draws import between, pick, uniform
from sandbox.tascomi.forms import ApplicationForm
from sandbox.tascomi.people import TREES_TEAM, People
from sandbox.tascomi.store import midnight

RECEIVED, VALID, COMMITTEE_STAGE, DECIDED, APPEAL_STAGE, WITHDRAWN_STAGE = 1, 2, 4, 5, 6, 7
COMMITTEE_ANCHOR = date(2015, 1, 6)  # a Tuesday: planning sub-committee meets every fourth Tuesday
COMMITTEE_CYCLE_DAYS, COMMITTEE_NOTICE_DAYS = 28, 180
RECOMMENDATIONS = ("Grant subject to conditions", "Refuse")
TYPE_CODES = {type_id: code for type_id, _name, code, _fee, _days in L.APPLICATION_TYPES}
APPEAL_TYPE_BY_CODE = {"HOU": L.HOUSEHOLDER_APPEAL, "LBC": L.LISTED_BUILDING_APPEAL, "ADV": L.ADVERT_APPEAL}
PRE_APP_FEES = {1: 150.0, 2: 450.0, 3: 1800.0, 4: 300.0, 5: 0.0}
COMM_NAMES = {i: name for i, name, _code, _flags in L.COMMUNICATION_TYPES}
EMAIL_SUBJECTS = text.EMAIL_SUBJECTS
PROVISIONAL_TPO = "Provisional tree preservation order"
TREE_SPECIES = ("Oak", "London plane", "Lime", "Horse chestnut", "Sycamore", "Ash", "Beech", "Silver birch")


def meeting_dates(first: date, last: date) -> list[date]:
    """Committee meeting days in [first, last]."""
    offset = (first - COMMITTEE_ANCHOR).days % COMMITTEE_CYCLE_DAYS
    day = first + timedelta(days=(COMMITTEE_CYCLE_DAYS - offset) % COMMITTEE_CYCLE_DAYS)
    out = []
    while day <= last:
        out.append(day)
        day += timedelta(days=COMMITTEE_CYCLE_DAYS)
    return out


class Planning(People):
    """Applications, their documents, fees, letters, emails, comments, committees and appeals."""

    _form: ApplicationForm
    _agents: list[int]
    _reference_seq: dict[tuple[str, int], int]
    _meetings: list[date]  # committee meeting days, ascending; committee id = index + 1
    _agenda: dict[int, int]  # committee id -> items so far
    _names: dict[tuple[str, str], str]
    _recent_tree_applications: list[int]

    # ------------------------------------------------------------------ shared helpers

    def _reference(self, prefix: str, t: datetime) -> str:
        self._reference_seq[prefix, t.year] += 1
        number = self._reference_seq[prefix, t.year]
        return f"{t.year}/{number:04d}" if not prefix else f"{prefix}/{t.year}/{number:04d}"

    def _full_name(self, forename: str, surname: str) -> str:
        """Shared name strings: letters and comments repeat a few hundred names many times."""
        key = (forename, surname)
        name = self._names.get(key)
        if name is None:
            name = self._names[key] = f"{forename} {surname}"
        return name

    def _contact_name(self, contact_id: int) -> str:
        contacts = self._stores["contacts"]
        return self._full_name(contacts.get(contact_id, "forename"), contacts.get(contact_id, "surname"))

    def _address_of(self, location_id: int) -> str:
        return self._get("dtf_locations", location_id, "address_line_1")

    def pick(self, table: str, t: datetime) -> int | None:
        """An existing record of `table` for a form answer (forms.References)."""
        rng = self._rng
        if table == "users":
            return self._officer()
        if table == "user_teams":
            return between(rng, 1, self._stores["user_teams"].next_id - 1)
        if table == "committees":
            return between(rng, 1, len(self._meetings)) if self._meetings else None
        if table == "application_types":
            return between(rng, 1, len(L.APPLICATION_TYPES))
        store = self._stores[table]
        return between(rng, 1, store.next_id - 1) if store.next_id > 1 else None

    def _new_document(self, t: datetime, by: int, doc_type: int, application_id: int | None, **links: Any) -> int:
        return self._create("documents", t, by, application_id=application_id, document_type_id=doc_type, **links)

    def _new_communication(
        self, t: datetime, by: int, comm_type: int, recipient: int | None, *, done: bool, **links: Any
    ) -> int:
        """A letter: drafted (and sent later by `_send_letter`) or done in one sitting."""
        contacts = self._stores["contacts"]
        details: dict[str, Any] = {}
        if recipient is not None:
            details = {
                "recipient_name": self._contact_name(recipient),
                "recipient_email": contacts.get(recipient, "email"),
                "recipient_address": self._address_of(contacts.get(recipient, "dtf_location_id")),
            }
        done_at = {"completed_date": t, "printed": True, "printed_date": t} if done else {}
        return self._create(
            "communications", t, by, communication_type_id=comm_type, officer_id=by, draft=not done, completed=done,
            **details, **done_at, **links,
        )  # fmt: skip

    def _send_letter(self, t: datetime, comm_id: int, doc_id: int | None) -> None:
        """The drafted letter is finalised, emailed and printed; its document is marked sent."""
        by = self._get("communications", comm_id, "officer_id")
        self._update("communications", comm_id, t, by, draft=False, completed=True, completed_date=t, emailed=True,
                     emailed_date=t, printed=True, printed_date=t)  # fmt: skip
        if doc_id is not None and not self._get("documents", doc_id, "ceased"):
            self._update("documents", doc_id, t, by, sent=True)

    def _send_email(self, t: datetime, by: int, to_address: str | None, subject: str, **links: Any) -> None:
        if to_address is None:
            return
        email_id = self._create("emails", t, by, email_date=t, to_address=to_address, subject=subject,
                                mandrill_status="queued", mandrill_status_check_count=0, **links)  # fmt: skip
        self._at(self._soon(t, 45), self._email_delivered, email_id)

    def _email_delivered(self, t: datetime, email_id: int) -> None:
        """The mail provider reports back: delivered, or (rarely) bounced."""
        status = "bounced" if self._rng.random() < 0.03 else "delivered"
        self._update("emails", email_id, t, SYSTEM_USER, mandrill_status=status, mandrill_status_check_count=1)

    def _correspondent(self, app_id: int) -> int:
        """Who letters go to: the agent when there is one, else the applicant."""
        agent = self._get("applications", app_id, "agent_id")
        return agent if agent is not None else self._get("applications", app_id, "applicant_id")

    # ------------------------------------------------------------------ applications

    def _new_application(self, t: datetime) -> None:
        rng = self._rng
        type_id, _, code, fee, _target = rng.choices(L.APPLICATION_TYPES, cum_weights=L.TYPE_WEIGHTS)[0]
        ps_code = rng.choices((1, 2, 3), cum_weights=(4, 40, 100))[0]
        by = PORTAL_USER if rng.random() < 0.7 else self._clerk()
        site = self._new_location(t, by)
        applicant_type = L.APPLICANT_COMPANY if rng.random() < 0.2 else L.APPLICANT
        applicant = self._new_contact(t, applicant_type, site if rng.random() < 0.6 else None, by)
        agent = None
        if rng.random() < 0.65:
            if self._agents and rng.random() < 0.7:
                agent = pick(rng, self._agents)  # agents act on many applications
            else:
                agent_type = L.AGENT_COMPANY if rng.random() < 0.6 else L.AGENT
                agent = self._new_contact(t, agent_type, None, by)
                self._agents.append(agent)
        team = TREES_TEAM if type_id == L.TREES_TYPE else 3 if ps_code == L.MAJOR else pick(rng, (1, 2))
        officer = self._officer(team)
        amount = self._fee_amount(fee, ps_code)
        locations = self._stores["dtf_locations"]
        answers = self._form.answer(rng, code, t, self)
        answers["site_address_x"] = int(locations.get(site, "x_coordinate"))
        answers["site_address_y"] = int(locations.get(site, "y_coordinate"))
        if amount is not None:
            answers["total_fee"] = amount
        app_id = self._create(
            "applications", t, by, application_reference_number=self._reference("", t), application_type_id=type_id,
            ps_development_code_id=ps_code, officer_id=officer, user_team_id=self._team_of(officer),
            ward_id=between(rng, 1, 20), dtf_location_id=site, applicant_id=applicant, agent_id=agent,
            proposal=text.proposal(rng), site_address_description=self._address_of(site),
            submit_date=t - timedelta(hours=between(rng, 1, 96), minutes=between(rng, 0, 59)),
            received_date=midnight(t.date()), application_stage=RECEIVED, **answers,
        )  # fmt: skip
        if type_id == L.TREES_TYPE:
            self._recent_tree_applications = [*self._recent_tree_applications[-20:], app_id]
        submitted = self._new_fee_and_documents(t, by, app_id, type_id, amount)
        self._at(self._soon(t), self._acknowledge, app_id)
        self._at(self._later(t, 2, 21), self._validate, app_id)
        if rng.random() < 0.04:
            self._at(self._later(t, 10, 80), self._withdraw, app_id)
        if rng.random() < 0.006:
            self._at(self._later(t, 0.01, 3), self._cease_application, app_id, submitted)
        for _ in range(self._count(0.6)):
            self._at(self._later(t, 1, 120), self._amend_form, app_id)

    def _acknowledge(self, t: datetime, app_id: int) -> None:
        to = self._stores["contacts"].get(self._correspondent(app_id), "email")
        self._send_email(t, SYSTEM_USER, to, EMAIL_SUBJECTS[0], application_id=app_id)

    def _fee_amount(self, fee: float | None, ps_code: int) -> float | None:
        if fee is None:
            return None
        rng = self._rng
        return fee * (between(rng, 2, 40) if ps_code == L.MAJOR else 1) * pick(rng, (1, 1, 1, 0.5))

    def _new_fee_and_documents(
        self, t: datetime, by: int, app_id: int, type_id: int, amount: float | None
    ) -> tuple[int, ...]:
        """The fee and the submitted documents (form and plans); returns the documents' ids."""
        rng = self._rng
        if amount is not None:
            exempt = rng.random() < 0.05
            fee_id = self._create(
                "fees", t, by, application_id=app_id, fee_type_id=type_id, fee=0.0 if exempt else amount, paid=exempt,
                fee_exempt=exempt, exemption_reason_id=between(rng, 1, 4) if exempt else None,
                half_fee_concession=True if amount and rng.random() < 0.1 else None,
            )  # fmt: skip
            if not exempt and rng.random() < 0.92:
                self._at(self._later(t, 0, 10), self._pay_fee, fee_id)
        form = self._new_document(t, by, L.DOC_APPLICATION_FORM, app_id)
        plans = [self._new_document(t, by, L.DOC_PLANS, app_id) for _ in range(between(rng, 1, 3))]
        return (form, *plans)

    def _open(self, app_id: int) -> bool:
        store = self._stores["applications"]
        return not store.get(app_id, "ceased") and store.get(app_id, "decision_type_id") is None

    def _validate(self, t: datetime, app_id: int) -> None:
        if not self._open(app_id):
            return
        rng = self._rng
        store = self._stores["applications"]
        expiry_days = L.PS_DEVELOPMENT_CODES[store.get(app_id, "ps_development_code_id") - 1][3]
        valid = midnight(t.date())
        expiry = valid + timedelta(days=expiry_days)
        officer = store.get(app_id, "officer_id")
        self._update("applications", app_id, t, officer, valid_date=valid, registration_date=t, expiry_date=expiry,
                     application_stage=VALID, validation_officer_id=self._clerk())  # fmt: skip
        letter = self._new_communication(t, officer, L.COMM_VALIDATION, self._correspondent(app_id), done=False,
                                         application_id=app_id)  # fmt: skip
        letter_doc = self._new_document(t, officer, L.DOC_VALIDATION_LETTER, app_id, communication_id=letter)
        self._at(self._later(t, 0, 3), self._send_letter, letter, letter_doc)
        if store.get(app_id, "application_type_id") != L.TREES_TYPE:
            self._new_communication(t, officer, L.COMM_NEIGHBOUR, None, done=True, application_id=app_id)
        for _ in range(self._count(1.5)):
            self._at(self._later(t, 3, 40), self._consultation_document, app_id)
        for _ in range(self._count(self._comment_rate(store.get(app_id, "ps_development_code_id")))):
            self._at(self._later(t, 1, 24), self._public_comment, app_id)
        self._plan_decision(t, app_id, valid, expiry, expiry_days)
        if rng.random() < 0.05:
            self._at(self._later(t, 1, expiry_days * 0.8), self._reassign, app_id)

    def _comment_rate(self, ps_code: int) -> float:
        """Neighbours comment most on major schemes; most householder cases draw none."""
        return {1: 6.0, 2: 1.2, 3: 0.5}[ps_code]

    def _plan_decision(self, t: datetime, app_id: int, valid: datetime, expiry: datetime, expiry_days: int) -> None:
        rng = self._rng
        decide_after = expiry_days * uniform(rng, 0.4, 1.35)
        if rng.random() < 0.12:
            eot = expiry + timedelta(days=between(rng, 14, 56))
            self._at(self._later(t, expiry_days * 0.6, expiry_days * 0.95), self._extend, app_id, eot)
            decide_after = (eot - valid).days - uniform(rng, 0, 10)
        major = self._get("applications", app_id, "ps_development_code_id") == L.MAJOR
        if rng.random() < (0.6 if major else 0.04) and decide_after > 30:
            self._at(self._later(t, decide_after - 35, decide_after - 28), self._refer_to_committee, app_id)
        else:
            self._at(self._later(t, decide_after, decide_after + 1), self._decide, app_id, False, None)

    def _extend(self, t: datetime, app_id: int, due: datetime) -> None:
        if self._open(app_id):
            officer = self._get("applications", app_id, "officer_id")
            self._update("applications", app_id, t, officer, extension_of_time_due_date=due,
                         extension_of_time_agreed=True)  # fmt: skip

    def _reassign(self, t: datetime, app_id: int) -> None:
        if self._open(app_id):
            officer = self._officer(self._get("applications", app_id, "user_team_id"))
            self._update("applications", app_id, t, officer, officer_id=officer, user_team_id=self._team_of(officer))

    def _decide(self, t: datetime, app_id: int, committee: bool, outcome: int | None) -> None:
        if not self._open(app_id):
            return
        rng = self._rng
        store = self._stores["applications"]
        if outcome is None and store.get(app_id, "application_type_id") == L.PRIOR_APPROVAL_TYPE:
            outcome = rng.choices((L.PRIOR_APPROVAL_NOT_REQUIRED, L.GRANT, L.REFUSE), cum_weights=(50, 80, 100))[0]
        elif outcome is None:
            outcome = rng.choices((L.GRANT, L.REFUSE, L.SPLIT, L.NOT_DETERMINED), cum_weights=(78, 95, 99, 100))[0]
        officer = store.get(app_id, "officer_id")
        self._update("applications", app_id, t, officer, decision_type_id=outcome,
                     decision_level_id=L.COMMITTEE if committee else L.DELEGATED, decision_issued_date=t,
                     decision_officer_id=officer, application_stage=DECIDED)  # fmt: skip
        notice = self._new_communication(t, officer, L.COMM_DECISION, self._correspondent(app_id), done=False,
                                         application_id=app_id)  # fmt: skip
        notice_doc = self._new_document(t, officer, L.DOC_DECISION_NOTICE, app_id, communication_id=notice)
        sent = self._later(t, 0, 2)
        self._at(sent, self._send_letter, notice, notice_doc)
        to = self._stores["contacts"].get(self._correspondent(app_id), "email")
        self._at(sent, self._email_decision, app_id, to)
        if outcome == L.REFUSE and rng.random() < 0.25:
            self._at(self._later(t, 20, 150), self._lodge_appeal, app_id)

    def _email_decision(self, t: datetime, app_id: int, to: str) -> None:
        self._send_email(t, SYSTEM_USER, to, EMAIL_SUBJECTS[1], application_id=app_id)

    def _withdraw(self, t: datetime, app_id: int) -> None:
        if self._open(app_id):
            self._update("applications", app_id, t, self._clerk(), decision_type_id=L.WITHDRAWN,
                         decision_issued_date=t, application_stage=WITHDRAWN_STAGE)  # fmt: skip

    def _cease_application(self, t: datetime, app_id: int, submitted: tuple[int, ...]) -> None:
        """Soft delete of a submission made in error: the vendor never hard-deletes, it flags the application
        ceased, and the documents submitted with it."""
        if self._get("applications", app_id, "ceased"):
            return
        by = self._clerk()
        self._update("applications", app_id, t, by, ceased=True, ceased_date=t)
        for doc_id in submitted:
            if not self._get("documents", doc_id, "ceased"):
                self._update("documents", doc_id, t, by, ceased=True, ceased_date=t)

    def _amend_form(self, t: datetime, app_id: int) -> None:
        """An officer corrects or completes some form answers: a new version, no life-cycle change."""
        store = self._stores["applications"]
        if store.get(app_id, "ceased"):
            return
        answers = store.extras(store.latest(app_id))
        changes = self._form.amend(self._rng, answers, t, self)
        if changes:
            self._update("applications", app_id, t, store.get(app_id, "officer_id"), **changes)
        else:
            self._touch("applications", app_id, t)

    # ------------------------------------------------------------------ fees, documents, comments

    def _pay_fee(self, t: datetime, fee_id: int) -> None:
        fees = self._stores["fees"]
        if fees.get(fee_id, "paid") or fees.get(fee_id, "ceased"):
            return
        rng = self._rng
        method = between(rng, 1, 4)
        app_id = fees.get(fee_id, "application_id")
        payer = self._correspondent(app_id) if app_id is not None else None
        by = PORTAL_USER if method == 1 else self._clerk()
        self._update("fees", fee_id, t, by, paid=True, payment_method_id=method)
        self._create("fee_payments", t, by, fee_id=fee_id, amount_paid=fees.get(fee_id, "fee"), payment_date=t,
                     paid=True, refund=False, payment_method_id=method, contact_id=payer,
                     payer_name=self._contact_name(payer) if payer is not None else None)  # fmt: skip
        if rng.random() < 0.03:
            self._at(self._later(t, 5, 60), self._refund_fee, fee_id)

    def _refund_fee(self, t: datetime, fee_id: int) -> None:
        fees = self._stores["fees"]
        by = self._clerk()
        self._create("fee_payments", t, by, fee_id=fee_id, amount_paid=fees.get(fee_id, "fee"), payment_date=t,
                     paid=True, refund=True, payment_method_id=1, notes="Refund: application withdrawn")  # fmt: skip
        self._update("fees", fee_id, t, by, paid=False, refunded=True)

    def _consultation_document(self, t: datetime, app_id: int) -> None:
        doc_id = self._new_document(t, self._clerk(), L.DOC_CONSULTATION, app_id, consultation_duration=21)
        if self._rng.random() < 0.03:  # uploaded against the wrong case, then withdrawn
            self._at(self._later(t, 0, 5), self._cease_document, doc_id)

    def _cease_document(self, t: datetime, doc_id: int) -> None:
        if not self._get("documents", doc_id, "ceased"):
            self._update("documents", doc_id, t, self._clerk(), ceased=True, ceased_date=t)

    def _public_comment(self, t: datetime, app_id: int) -> None:
        """A neighbour comments during consultation, mostly through the public portal."""
        if not self._open(app_id):
            return
        rng = self._rng
        forename, surname = text.person(rng)
        online = rng.random() < 0.85
        stance = rng.choices(("Object", "Support", "Neutral"), cum_weights=(65, 90, 100))[0]
        comment_id = self._create(
            "public_comments", t, PORTAL_USER if online else self._clerk(), application_id=app_id, stance=stance,
            commenter_name=self._full_name(forename, surname), comment=pick(rng, text.COMMENTS[stance]),
            commenter_address=text.street_address(rng),
            commenter_email=text.email(forename, surname, "mail.example.com") if online else None,
            public_record_user_id=between(rng, 1, 5000) if online else None,
        )  # fmt: skip
        if rng.random() < 0.3:
            self._new_document(t, PORTAL_USER, L.DOC_PUBLIC_COMMENT, app_id, public_comment_id=comment_id)
        if rng.random() < 0.04:  # withdrawn by the commenter, or a duplicate removed by the case officer
            self._at(self._later(t, 0, 10), self._cease_comment, comment_id)

    def _cease_comment(self, t: datetime, comment_id: int) -> None:
        self._update("public_comments", comment_id, t, self._clerk(), ceased=True, ceased_date=t)

    # ------------------------------------------------------------------ committees

    def _seed_committees(self, epoch: datetime, first_day: date) -> None:
        """Meetings already on the calendar: created when they were announced, held if in the past."""
        for day in meeting_dates(first_day - timedelta(days=400), first_day + timedelta(days=COMMITTEE_NOTICE_DAYS)):
            announced = datetime.combine(day - timedelta(days=COMMITTEE_NOTICE_DAYS), time(10))
            committee_id = self._schedule_committee(max(announced, epoch), day)
            if day < first_day:
                self._lookup_update("committees", committee_id, datetime.combine(day, time(21)),
                                    actual_date=datetime.combine(day, time(18, 30)))  # fmt: skip
            else:
                self._at(datetime.combine(day, time(21)), self._hold_committee, committee_id)

    def _announce_committees(self, day: date) -> None:
        """Each day, the meeting six months ahead (if there is one) is put on the calendar."""
        ahead = day + timedelta(days=COMMITTEE_NOTICE_DAYS)
        if meeting_dates(ahead, ahead):
            committee_id = self._schedule_committee(datetime.combine(day, time(10)), ahead)
            self._at(datetime.combine(ahead, time(21)), self._hold_committee, committee_id)

    def _schedule_committee(self, t: datetime, day: date) -> int:
        committee_id = len(self._meetings) + 1
        self._meetings.append(day)
        start = midnight(day - timedelta(days=COMMITTEE_CYCLE_DAYS))
        end = midnight(day - timedelta(days=1))
        self._create_lookup(
            "committees", committee_id, t, name=f"Planning Sub-Committee {text.long_date(day)}",
            description="Planning applications referred to committee", location="Town Hall, Council Chamber",
            proposed_date=datetime.combine(day, time(18, 30)), officer_id=self._clerk(), committee_agenda_layout_id=1,
            delegated_decision_from_date=start, delegated_decision_to_date=end, appeal_decision_from_date=start,
            appeal_decision_to_date=end, appeal_received_from_date=start, appeal_received_to_date=end,
        )  # fmt: skip
        return committee_id

    def _hold_committee(self, t: datetime, committee_id: int) -> None:
        self._lookup_update("committees", committee_id, t, actual_date=t.replace(hour=18, minute=30, second=0))

    def _refer_to_committee(self, t: datetime, app_id: int) -> None:
        """A case goes on the agenda of the first meeting at least two weeks away."""
        if not self._open(app_id):
            return
        rng = self._rng
        index = bisect.bisect_left(self._meetings, t.date() + timedelta(days=14))
        if index == len(self._meetings):  # nothing announced that far ahead: decided under delegation instead
            self._at(self._later(t, 14, 21), self._decide, app_id, False, None)
            return
        committee_id, day = index + 1, self._meetings[index]
        self._agenda[committee_id] = item = self._agenda.get(committee_id, 0) + 1
        recommendation = RECOMMENDATIONS[0] if rng.random() < 0.8 else RECOMMENDATIONS[1]
        officer = self._get("applications", app_id, "officer_id")
        map_id = self._create("committee_application_map", t, officer, application_id=app_id,
                              committee_id=committee_id, item_number=f"5.{item}", load_order=item,
                              recommendation=recommendation)  # fmt: skip
        meeting = midnight(day)
        self._update("applications", app_id, t, officer, application_stage=COMMITTEE_STAGE, committee_date=meeting,
                     committee_proposed_date=meeting, requested_committee_meeting_id=committee_id)  # fmt: skip
        report = self._new_communication(t, officer, L.COMM_COMMITTEE_REPORT, None, done=True, application_id=app_id,
                                          internal=True)  # fmt: skip
        self._new_document(t, officer, L.DOC_COMMITTEE_REPORT, app_id, communication_id=report)
        decided = datetime.combine(day, time(19)) + timedelta(minutes=between(rng, 0, 150))
        self._at(decided, self._committee_decides, app_id, map_id, recommendation)

    def _committee_decides(self, t: datetime, app_id: int, map_id: int, recommendation: str) -> None:
        if not self._open(app_id):
            return
        rng = self._rng
        officer = self._get("applications", app_id, "officer_id")
        if rng.random() < 0.1:  # deferred to a later meeting: this item stays undetermined
            self._refer_to_committee(t, app_id)
            return
        self._update("committee_application_map", map_id, t, officer, determined_at_this_committee=True)
        overturned = rng.random() < 0.1
        grant = (recommendation == RECOMMENDATIONS[0]) != overturned
        changes: dict[str, Any] = {"committee_actual_date": midnight(t.date())}
        if overturned:
            changes.update(committee_overturn=True, overturn_approval_to_refusal=not grant,
                           overturn_refusal_to_approval=grant)  # fmt: skip
        self._update("applications", app_id, t, officer, **changes)
        self._decide(t, app_id, True, L.GRANT if grant else L.REFUSE)

    # ------------------------------------------------------------------ appeals

    def _lodge_appeal(self, t: datetime, app_id: int) -> None:
        rng = self._rng
        apps = self._stores["applications"]
        code = TYPE_CODES[apps.get(app_id, "application_type_id")]
        location = apps.get(app_id, "dtf_location_id")
        locations = self._stores["dtf_locations"]
        officer = apps.get(app_id, "officer_id")
        appeal_id = self._create(
            "appeals", t, self._clerk(), application_id=app_id,
            appeal_type_id=APPEAL_TYPE_BY_CODE.get(code, L.PLANNING_APPEAL), appeal_status_id=L.APPEAL_LODGED,
            appeal_start_date=midnight(t.date()), officer_id=officer, applicant_id=apps.get(app_id, "applicant_id"),
            agent_id=apps.get(app_id, "agent_id"),
            appeal_format=rng.choices((L.WRITTEN, L.HEARING, L.INQUIRY), cum_weights=(85, 97, 100))[0],
            site_address=self._address_of(location), ward_id=apps.get(app_id, "ward_id"),
            user_team_id=apps.get(app_id, "user_team_id"), appeal_description=apps.get(app_id, "proposal"),
            appeal_location_x=int(locations.get(location, "x_coordinate")),
            appeal_location_y=int(locations.get(location, "y_coordinate")),
        )  # fmt: skip
        self._update("applications", app_id, t, officer, application_stage=APPEAL_STAGE)
        self._new_document(t, officer, L.DOC_APPEAL, app_id, appeal_id=appeal_id)
        self._schedule_appeal(t, appeal_id)

    def _schedule_appeal(self, t: datetime, appeal_id: int) -> None:
        self._at(self._later(t, 10, 60), self._progress_appeal, appeal_id)
        self._at(self._later(t, 70, 200), self._decide_appeal, appeal_id)

    def _progress_appeal(self, t: datetime, appeal_id: int) -> None:
        """The inspectorate starts the appeal: questionnaire and statement deadlines follow from the start date."""
        appeals = self._stores["appeals"]
        officer = appeals.get(appeal_id, "officer_id")
        dates = {
            "questionaire_due_date": self._day(t, 7),
            "statement_due_date": self._day(t, 35),
            "final_comments_due_date": self._day(t, 49),
            "target_for_appeal_determination": self._day(t, 140),
        }
        if appeals.get(appeal_id, "appeal_format") == L.HEARING:
            dates["hearing_date"] = self._day(t, 90)
        self._update("appeals", appeal_id, t, officer, appeal_status_id=L.APPEAL_IN_PROGRESS,
                     questionaire_sent_date=self._day(t, 3), **dates)  # fmt: skip
        app_id = appeals.get(appeal_id, "application_id")
        recipient = self._correspondent(app_id) if app_id is not None else appeals.get(appeal_id, "applicant_id")
        self._new_communication(t, officer, L.COMM_APPEAL, recipient, done=True, application_id=app_id,
                                appeal_id=appeal_id)  # fmt: skip

    def _decide_appeal(self, t: datetime, appeal_id: int) -> None:
        rng = self._rng
        decision = L.APPEAL_ALLOWED if rng.random() < 0.3 else L.APPEAL_DISMISSED
        costs = round(uniform(rng, 500, 9000), 0) if rng.random() < 0.05 else None
        officer = self._get("appeals", appeal_id, "officer_id")
        self._update("appeals", appeal_id, t, officer, appeal_status_id=L.APPEAL_DECIDED, appeal_decision_id=decision,
                     appeal_decision_date=midnight(t.date()), appeal_costs_awarded=costs)  # fmt: skip

    # ------------------------------------------------------------------ pre-application advice

    def _new_pre_application(self, t: datetime) -> None:
        rng = self._rng
        online = rng.random() < 0.7
        by = PORTAL_USER if online else self._clerk()
        site = self._new_location(t, by)
        forename, surname = text.person(rng)
        category = rng.choices((1, 2, 3, 4, 5), cum_weights=(45, 75, 82, 90, 100))[0]
        nature = rng.choices((1, 2, 3), cum_weights=(60, 90, 100))[0]
        fee = PRE_APP_FEES[category]
        pre_id = self._create(
            "pre_applications", t, by, reference=self._reference("PRE", t), applicant_name=self._full_name(forename,
            surname), applicant_email=text.email(forename, surname, "mail.example.com"), dtf_location_id=site,
            site_address=self._address_of(site), ward_id=between(rng, 1, 20), proposal=text.proposal(rng),
            received_date=midnight(t.date()), pre_application_category_id=category, nature_of_enquiry_id=nature,
            enquiry_stage_id=L.STAGE_RECEIVED, fee=fee,
        )  # fmt: skip
        if fee:
            fee_id = self._create("fees", t, by, fee_type_id=L.PRE_APP_FEE_TYPE, fee=fee, preapplication_id=pre_id,
                                  fee_description="Pre-application advice")  # fmt: skip
            self._at(self._later(t, 0, 5), self._pay_fee, fee_id)
        self._at(self._later(t, 2, 10), self._assess_pre_application, pre_id)

    def _assess_pre_application(self, t: datetime, pre_id: int) -> None:
        rng = self._rng
        pre = self._stores["pre_applications"]
        officer = self._officer(3 if pre.get(pre_id, "pre_application_category_id") == 3 else 1)
        meeting = self._day(t, between(rng, 7, 21)) if pre.get(pre_id, "nature_of_enquiry_id") == 2 else None
        self._update("pre_applications", pre_id, t, officer, enquiry_stage_id=L.STAGE_ASSESSING, officer_id=officer,
                     meeting_date=meeting)  # fmt: skip
        if rng.random() < 0.15:
            self._at(self._later(t, 3, 12), self._pre_application_needs_details, pre_id)
        self._at(self._later(t, 14, 45), self._respond_to_pre_application, pre_id)

    def _pre_application_needs_details(self, t: datetime, pre_id: int) -> None:
        officer = self._get("pre_applications", pre_id, "officer_id")
        self._update("pre_applications", pre_id, t, officer, enquiry_stage_id=L.STAGE_MORE_DETAILS)

    def _respond_to_pre_application(self, t: datetime, pre_id: int) -> None:
        rng = self._rng
        pre = self._stores["pre_applications"]
        officer = pre.get(pre_id, "officer_id")
        outcome = rng.choices((1, 2, 3, 4), cum_weights=(50, 75, 92, 100))[0]
        self._update("pre_applications", pre_id, t, officer, enquiry_stage_id=L.STAGE_CLOSED,
                     enquiry_outcome_id=outcome, response_date=midnight(t.date()))  # fmt: skip
        letter = self._create(
            "communications", t, officer, communication_type_id=L.COMM_PRE_APP, officer_id=officer, completed=True,
            completed_date=t, emailed=True, emailed_date=t,
            recipient_name=pre.get(pre_id, "applicant_name"), recipient_email=pre.get(pre_id, "applicant_email"),
            recipient_address=pre.get(pre_id, "site_address"), preapplication_id=pre_id,
        )  # fmt: skip
        self._new_document(t, officer, L.DOC_PRE_APP_ADVICE, None, preapplication_id=pre_id, communication_id=letter)
        self._send_email(t, officer, pre.get(pre_id, "applicant_email"), EMAIL_SUBJECTS[2], preapplication_id=pre_id)

    # ------------------------------------------------------------------ designations

    def _seed_asset_constraints(self, epoch: datetime) -> None:
        """Designations made long ago: conservation areas, listed buildings, tree preservation orders."""
        rng = self._rng
        for n, street in enumerate(text.STREETS[:12], start=1):
            designated = datetime(between(rng, 1969, 2012), between(rng, 1, 12), 1)
            self._create("asset_constraints", epoch, SYSTEM_USER, asset_constraint_type_id=L.CONSERVATION_AREA,
                         name=f"{street} Conservation Area", reference=f"CA{n:02d}", designation_date=designated,
                         description="Designated conservation area")  # fmt: skip
        for n in range(1, 31):
            grade = rng.choices(("I", "II*", "II"), cum_weights=(3, 10, 100))[0]
            self._create("asset_constraints", epoch, SYSTEM_USER, asset_constraint_type_id=L.LISTED_BUILDING,
                         name=f"{text.street_address(rng)}", reference=f"LB{1_080_000 + n}",
                         designation_date=datetime(between(rng, 1950, 2010), between(rng, 1, 12), 1),
                         description=f"Grade {grade} listed building")  # fmt: skip
        for n in range(1, 21):
            self._create("asset_constraints", epoch, SYSTEM_USER, asset_constraint_type_id=L.TREE_PRESERVATION_ORDER,
                         name=f"TPO {n:03d}: {pick(rng, TREE_SPECIES)}", reference=f"TPO/{n:03d}",
                         designation_date=datetime(between(rng, 1985, 2014), between(rng, 1, 12), 1),
                         description="Confirmed tree preservation order")  # fmt: skip

    def _provisional(self, constraint_id: int) -> bool:
        """A tree preservation order made but not yet confirmed (nor revoked)."""
        store = self._stores["asset_constraints"]
        return (
            store.get(constraint_id, "asset_constraint_type_id") == L.TREE_PRESERVATION_ORDER
            and not store.get(constraint_id, "ceased")
            and store.get(constraint_id, "description") == PROVISIONAL_TPO
        )

    def _asset_constraint_change(self, t: datetime) -> None:
        """New tree preservation orders (often prompted by a works-to-trees application), confirmations,
        revocations, and the odd new listing."""
        rng = self._rng
        store = self._stores["asset_constraints"]
        kind = rng.choices(("tpo", "listing", "confirm", "revoke"), cum_weights=(50, 60, 90, 100))[0]
        officer = self._officer(TREES_TEAM)
        if kind in ("confirm", "revoke"):
            provisional = [i for i in range(store.next_id - 1, max(0, store.next_id - 40), -1) if self._provisional(i)]
            if provisional:
                target = provisional[-1]
                if kind == "confirm":
                    self._update("asset_constraints", target, t, officer,
                                 description="Confirmed tree preservation order")  # fmt: skip
                else:
                    self._update("asset_constraints", target, t, officer, ceased=True, ceased_date=t)
                return
            kind = "tpo"
        if kind == "listing":
            self._create("asset_constraints", t, officer, asset_constraint_type_id=L.LISTED_BUILDING,
                         name=text.street_address(rng), reference=f"LB{1_080_000 + store.next_id}",
                         designation_date=midnight(t.date()), description="Grade II listed building")  # fmt: skip
            return
        application = pick(rng, self._recent_tree_applications) if self._recent_tree_applications else None
        number = store.next_id
        constraint_id = self._create(
            "asset_constraints", t, officer, asset_constraint_type_id=L.TREE_PRESERVATION_ORDER,
            name=f"TPO {number:03d}: {pick(rng, TREE_SPECIES)}", reference=f"TPO/{number:03d}",
            designation_date=midnight(t.date()), description=PROVISIONAL_TPO,
            application_id=application,
        )  # fmt: skip
        notice = self._new_communication(t, officer, L.COMM_TPO, None, done=True, application_id=application,
                                         asset_constraint_id=constraint_id)  # fmt: skip
        self._new_document(t, officer, L.DOC_TPO_ORDER, application, asset_constraint_id=constraint_id,
                           communication_id=notice)  # fmt: skip
