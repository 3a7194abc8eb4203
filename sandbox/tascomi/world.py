"""A deterministic simulated Tascomi planning system: every version of every record, as of a moving "now".

The world is an event simulation. Before `start_date` it builds a year of backlog; after that each simulated day
brings new applications and the life events of open ones (validation, fees paid, decisions, appeals, soft deletes,
touches). Every change is kept as a version `(change_time, values)` per record id, so the server can answer any
query "as of now" and `ground_truth` can say exactly what a perfect daily importer would have seen.

Values are stored as native Python objects (int, float, bool, datetime, str) and turned into the vendor's
all-strings form only when served: that keeps a 100k-application world in memory.
"""

from __future__ import annotations

import base64
import gc
import hashlib
import heapq
import random
from collections import defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sandbox.tascomi import text

DAILY_TABLES = ("applications", "documents", "fees", "fee_payments", "appeals", "contacts", "dtf_locations", "users")
LOOKUP_TABLES = ("application_types", "decision_types", "ps_development_codes", "wards")

# The fields the world keeps per table (besides id and last_updated). Serving maps contract columns onto these,
# so a contract column the world does not know is served as null rather than breaking the sandbox.
FIELDS: dict[str, tuple[str, ...]] = {
    "applications": (
        "application_reference_number", "application_type_id", "ps_development_code_id", "decision_type_id",
        "decision_level_id", "officer_id", "ward_id", "dtf_location_id", "applicant_id", "agent_id", "proposal",
        "site_address_description", "submit_date", "received_date", "valid_date", "registration_date",
        "decision_issued_date", "expiry_date", "extension_of_time_due_date", "ceased", "ceased_date",
        "creation_user_id", "last_updated_by", "_sparse", "_gis",
    ),
    "documents": ("application_id", "document_type_id", "document_date", "uploaded_file_id", "sent", "ceased"),
    "fees": ("application_id", "fee_type_id", "fee", "paid", "fee_exempt", "ceased"),
    "fee_payments": ("fee_id", "amount_paid", "payment_date", "paid", "refund", "payment_method_id"),
    "appeals": (
        "application_id", "appeal_type_id", "appeal_status_id", "appeal_decision_id", "appeal_start_date",
        "appeal_decision_date",
    ),
    "contacts": (
        "contact_type_id", "title_id", "forename", "surname", "company_name", "email", "dtf_location_id", "agent",
    ),
    "dtf_locations": ("uprn", "usrn", "address_line_1", "postcode", "x_coordinate", "y_coordinate"),
    "users": ("forename", "surname", "username", "email", "job_title", "enabled", "officer"),
    "application_types": ("name", "code", "enabled"),
    "decision_types": ("name", "code", "enabled"),
    "ps_development_codes": ("name", "code", "expiry_days", "enabled"),
    "wards": ("name", "code", "enabled"),
}  # fmt: skip

# (id, name, code, fee in pounds or None when no fee is charged)
APPLICATION_TYPES = (
    (1, "Full planning permission", "FUL", 578.0),
    (2, "Householder planning permission", "HOU", 258.0),
    (3, "Listed building consent", "LBC", None),
    (4, "Advertisement consent", "ADV", 165.0),
    (5, "Prior approval", "PA", 120.0),
    (6, "Certificate of lawfulness (proposed)", "CLP", 289.0),
    (7, "Discharge of conditions", "DOC", 145.5),
    (8, "Works to trees", "TPO", None),
)
_TYPE_WEIGHTS = (25, 60, 65, 71, 78, 86, 96, 100)  # cumulative: householder and full applications dominate
DECISION_TYPES = (
    (1, "Granted", "GRANT"),
    (2, "Refused", "REFUSE"),
    (3, "Withdrawn", "WITHDRAWN"),
    (4, "Prior approval not required", "PRIOR_APPROVAL_NOT_REQUIRED"),
    (5, "Split decision", "SPLIT"),
    (6, "Not determined", "NOT_DETERMINED"),
)
GRANT, REFUSE, WITHDRAWN, PRIOR_APPROVAL_NOT_REQUIRED, SPLIT, NOT_DETERMINED = range(1, 7)
PRIOR_APPROVAL_TYPE = 5
# (id, name, code, statutory determination period in days)
PS_DEVELOPMENT_CODES = ((1, "Major development", "major", 91), (2, "Minor development", "minor", 56),
                        (3, "Other development", "other", 56))  # fmt: skip
LOOKUP_EPOCH = datetime(2015, 4, 1)  # lookups were set up long before any backlog
DOC_APPLICATION_FORM, DOC_PLANS, DOC_VALIDATION_LETTER, DOC_CONSULTATION, DOC_DECISION_NOTICE, DOC_APPEAL = range(1, 7)

Values = tuple[Any, ...]
Version = tuple[datetime, Values]  # (change time, field values in FIELDS order)
Row = tuple[int, Values, "datetime | None"]  # (id, values, served last_updated): one served record


@dataclass(frozen=True)
class _VendorTable:
    name: str
    load: str
    column_names: list[str]


def _vendor_tables() -> dict[str, _VendorTable]:
    """Interim: the tables this world simulates, with the vendor's columns (sandbox/tascomi/vendor_schema.json)."""
    import json
    from pathlib import Path

    schema = json.loads((Path(__file__).parent / "vendor_schema.json").read_text())
    load = {t: "daily" for t in DAILY_TABLES} | {t: "lookup" for t in LOOKUP_TABLES}
    return {
        name: _VendorTable(name, load[name], [c for c in columns if c != "gis_map_image_base64"])
        for name, columns in schema.items()
        if name in load
    }


def _fmt(value: Any) -> str | None:
    """The vendor's wire form: every value a string, booleans t/f, timestamps 'YYYY-MM-DD HH:MM:SS'."""
    if value is None or isinstance(value, str):
        return value
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, float):
        s = repr(value)
        return s[:-2] if s.endswith(".0") else s
    return str(value)


class _Store:
    """Every version of every record of one table, plus an index from change day to ids."""

    def __init__(self, name: str, fields: tuple[str, ...]) -> None:
        self.name = name
        self.fields = fields
        self.index = {f: i for i, f in enumerate(fields)}
        self.versions: dict[int, list[Version]] = {}
        self.by_day: dict[date, list[int]] = defaultdict(list)  # served-last_updated day -> ids (may repeat)
        self.null_lu: set[int] = set()  # ids whose pre-start versions are served with last_updated null
        self.next_id = 1

    def current(self, record_id: int) -> Values:
        return self.versions[record_id][-1][1]

    def get(self, record_id: int, name: str) -> Any:
        return self.versions[record_id][-1][1][self.index[name]]


@dataclass
class _Plan:
    """How to serialise one table: contract columns mapped to world field positions."""

    columns: list[tuple[str, int]]  # (column name, field index or -1 id, -2 last_updated, -3 unknown)
    sparse: list[str] = field(default_factory=list)


class TascomiWorld:
    """Deterministic simulated Tascomi data; same seed and parameters give identical data and responses."""

    def __init__(
        self,
        seed: int = 42,
        start_date: date = date(2025, 1, 6),
        initial_applications: int = 300,
        daily_new_applications: int = 12,
        sparse_columns: int = 300,
        *,
        import_hour: int = 6,
        backlog_days: int = 365,
        null_last_updated_rate: float = 0.01,
        gis_image_rate: float = 0.10,
        gis_image_chars: int = 2048,
        duplicate_tables: tuple[str, ...] = ("documents",),
        duplicate_rate: float = 0.05,
        touch_rate: float = 0.0003,
        initial_users: int = 40,
        contract: dict[str, Any] | None = None,
    ) -> None:
        self.seed = seed
        self.start_date = start_date
        self.initial_applications = initial_applications
        self.daily_new_applications = daily_new_applications
        self.import_hour = import_hour
        self.backlog_days = backlog_days
        self.null_last_updated_rate = null_last_updated_rate
        self.gis_image_rate = gis_image_rate
        self.gis_image_chars = gis_image_chars
        self.duplicate_tables = tuple(duplicate_tables)
        self.duplicate_rate = duplicate_rate
        self.touch_rate = touch_rate
        self.initial_users = initial_users
        self.contract = contract if contract is not None else _vendor_tables()
        self.tables = tuple(t for t in self.contract if t in FIELDS)
        self._stores = {name: _Store(name, FIELDS[name]) for name in FIELDS}
        self._start_dt = datetime.combine(start_date, time())
        # Separate streams: the column vocabulary must not shift when the simulation changes, and vice versa.
        self._rng = random.Random(f"tascomi:{seed}:simulation")
        vocab_rng = random.Random(f"tascomi:{seed}:vocabulary")
        contract_apps = set(self.contract["applications"].column_names) if "applications" in self.contract else set()
        self.sparse_names = text.sparse_column_names(
            vocab_rng, sparse_columns, contract_apps | {"gis_map_image_base64"}
        )
        self._sparse_kinds = [text.sparse_kind(n) for n in self.sparse_names]
        self._plans = {t: self._plan(t) for t in self.tables}
        self._events: list[tuple[datetime, int, Callable[..., None], tuple[Any, ...]]] = []
        self._seq = 0
        self._midnights: dict[date, datetime] = {}
        self._query_cache: dict[tuple[str, date | None, date], list[Row]] = {}
        self._officers: list[int] = []
        self._agents: list[int] = []
        self._file_id = 500_000
        self._reference_seq: dict[int, int] = defaultdict(int)
        self._simulated_through = start_date - timedelta(days=backlog_days + 1)
        self.today = start_date
        self._seed_static()
        self._simulate_through(start_date)

    # ------------------------------------------------------------------ time

    @property
    def now(self) -> datetime:
        """Server now: today at the import hour. Changes stamped before it are visible, later ones are not."""
        return datetime.combine(self.today, time(self.import_hour))

    def advance_to(self, day: date) -> None:
        """Move the server's today forward (never back), simulating the days in between."""
        if day < self.today:
            raise ValueError(f"the world only moves forward: today is {self.today}, asked for {day}")
        self._simulate_through(day)
        self.today = day

    def _simulate_through(self, day: date) -> None:
        # The simulation allocates millions of long-lived, acyclic tuples: the cyclic collector would rescan them
        # over and over for nothing, so it is paused while simulating.
        was_enabled = gc.isenabled()
        gc.disable()
        try:
            while self._simulated_through < day:
                self._simulated_through += timedelta(days=1)
                self._simulate_day(self._simulated_through)
        finally:
            if was_enabled:
                gc.enable()

    def _midnight(self, moment: datetime) -> datetime:
        """Date-only timestamps, shared: thousands of records carry the same day and need not own a copy."""
        day = moment.date()
        cached = self._midnights.get(day)
        if cached is None:
            cached = self._midnights[day] = datetime.combine(day, time())
        return cached

    # ------------------------------------------------------------------ storage primitives

    def _create(self, table: str, t: datetime, **values: Any) -> int:
        store = self._stores[table]
        record_id = store.next_id
        store.next_id += 1
        store.versions[record_id] = [(t, tuple(map(values.get, store.fields)))]
        # ~1% of backlog records carry a null last_updated (a vendor quirk): they never show in a day series.
        if t < self._start_dt and table in DAILY_TABLES and self._rng.random() < self.null_last_updated_rate:
            store.null_lu.add(record_id)
        else:
            store.by_day[t.date()].append(record_id)
        return record_id

    def _update(self, table: str, record_id: int, t: datetime, **changes: Any) -> None:
        store = self._stores[table]
        versions = store.versions[record_id]
        values = list(versions[-1][1])
        for name, value in changes.items():
            values[store.index[name]] = value
        versions.append((t, tuple(values)))
        if not (record_id in store.null_lu and t < self._start_dt):
            store.by_day[t.date()].append(record_id)

    def _touch(self, table: str, record_id: int, t: datetime) -> None:
        """A change that only moves last_updated (the vendor re-saves a record without changing it)."""
        store = self._stores[table]
        store.versions[record_id].append((t, store.versions[record_id][-1][1]))
        if not (record_id in store.null_lu and t < self._start_dt):
            store.by_day[t.date()].append(record_id)

    def _served_lu(self, store: _Store, record_id: int, t: datetime) -> datetime | None:
        return None if record_id in store.null_lu and t < self._start_dt else t

    # ------------------------------------------------------------------ event machinery

    def _at(self, t: datetime, handler: Callable[..., None], *args: Any) -> None:
        self._seq += 1
        heapq.heappush(self._events, (t, self._seq, handler, args))

    def _time_of_day(self, day: date) -> datetime:
        """A plausible change time: mostly office hours, some overnight batch jobs (before the 06:00 import)."""
        rng = self._rng
        overnight = rng.random() < 0.15
        # Overnight jobs run 02:00-06:00 local: after the 01:00-02:00 hour that clocks skip or repeat at DST changes.
        seconds = rng.randrange(2 * 3600, 6 * 3600 - 1) if overnight else rng.randrange(7 * 3600 + 1800, 19 * 3600)
        return datetime.combine(day, time()) + timedelta(seconds=seconds)

    def _later(self, t: datetime, lo_days: float, hi_days: float) -> datetime:
        """A change time lo..hi days after t, at a plausible time of day, strictly after t."""
        target = (t + timedelta(days=self._rng.uniform(lo_days, hi_days))).date()
        when = self._time_of_day(target)
        return when if when > t else t + timedelta(seconds=self._rng.randint(60, 3 * 3600))

    def _count(self, rate: float) -> int:
        """An integer count with the given mean (floor plus a Bernoulli for the remainder)."""
        whole = int(rate)
        return whole + (1 if self._rng.random() < rate - whole else 0)

    def _simulate_day(self, day: date) -> None:
        rng = self._rng
        in_backlog = day < self.start_date
        rate = self.initial_applications / self.backlog_days if in_backlog else self.daily_new_applications
        # Fewer submissions at weekends; the weekday boost keeps the weekly mean at `rate`.
        rate *= 0.3 if day.weekday() >= 5 else 7 / 5.6
        for _ in range(self._count(rate)):
            self._at(self._time_of_day(day), self._new_application)
        for table in DAILY_TABLES:
            store = self._stores[table]
            for _ in range(self._count(len(store.versions) * self.touch_rate)):
                self._at(self._time_of_day(day), self._touch_random, table)
        if rng.random() < 0.06:
            self._at(self._time_of_day(day), self._user_change)
        if not in_backlog and rng.random() < 1 / 45:
            self._at(self._time_of_day(day), self._lookup_change)
        end = datetime.combine(day + timedelta(days=1), time())
        events = self._events
        while events and events[0][0] < end:
            t, _, handler, args = heapq.heappop(events)
            handler(t, *args)

    # ------------------------------------------------------------------ static data

    def _seed_static(self) -> None:
        for type_id, name, code, _fee in APPLICATION_TYPES:
            self._create_lookup("application_types", type_id, name=name, code=code, enabled=True)
        for type_id, name, code in DECISION_TYPES:
            self._create_lookup("decision_types", type_id, name=name, code=code, enabled=True)
        for code_id, name, code, days in PS_DEVELOPMENT_CODES:
            self._create_lookup("ps_development_codes", code_id, name=name, code=code, expiry_days=days, enabled=True)
        vocab = random.Random(f"tascomi:{self.seed}:wards")
        for ward_id, name in enumerate(text.WARD_NAMES[:20], start=1):
            self._create_lookup("wards", ward_id, name=name, code=f"E05{vocab.randint(9000, 13999):06d}", enabled=True)
        backlog_start = datetime.combine(self._simulated_through, time(9))
        for _ in range(self.initial_users):
            hired = backlog_start - timedelta(days=self._rng.randint(30, 3000), hours=self._rng.randint(0, 8))
            self._new_user(hired, officer=self._rng.random() < 0.7)
        if not self._officers:
            self._new_user(backlog_start - timedelta(days=30), officer=True)

    def _create_lookup(self, table: str, record_id: int, **values: Any) -> None:
        store = self._stores[table]
        store.versions[record_id] = [(LOOKUP_EPOCH, tuple(map(values.get, store.fields)))]
        store.next_id = max(store.next_id, record_id + 1)

    def _new_user(self, t: datetime, officer: bool) -> int:
        forename, surname = text.person(self._rng)
        job = self._rng.choice(text.JOB_TITLES[:4] if officer else text.JOB_TITLES[4:])
        user_id = self._create(
            "users", t, forename=forename, surname=surname, username=f"{forename[0]}{surname}".lower(),
            email=text.email(forename, surname, "council.example.gov.uk"), job_title=job, enabled=True,
            officer=officer,
        )  # fmt: skip
        if officer:
            self._officers.append(user_id)
        return user_id

    # ------------------------------------------------------------------ creation events

    def _new_location(self, t: datetime) -> int:
        rng = self._rng
        return self._create(
            "dtf_locations", t, uprn=100_021_000_000 + rng.randrange(0, 900_000),
            usrn=20_000_000 + rng.randrange(0, 9000),
            address_line_1=text.street_address(rng), postcode=text.postcode(rng),
            x_coordinate=round(rng.uniform(531_000, 537_000), 1), y_coordinate=round(rng.uniform(182_000, 188_000), 1),
        )  # fmt: skip

    def _new_contact(self, t: datetime, agent: bool, location_id: int | None) -> int:
        rng = self._rng
        forename, surname = text.person(rng)
        corporate = rng.random() < (0.6 if agent else 0.2)
        contact_type = (32 if corporate else 2) if agent else (31 if corporate else 1)
        return self._create(
            "contacts", t, contact_type_id=contact_type, title_id=rng.randint(1, 5), forename=forename,
            surname=surname, company_name=text.company(rng) if corporate else None,
            email=text.email(forename, surname, "mail.example.com"),
            dtf_location_id=location_id if location_id is not None else self._new_location(t), agent=agent,
        )  # fmt: skip

    def _new_document(self, t: datetime, app_id: int, doc_type: int, sent: bool = False) -> int:
        self._file_id += 1
        return self._create(
            "documents", t, application_id=app_id, document_type_id=doc_type,
            document_date=self._midnight(t), uploaded_file_id=self._file_id, sent=sent, ceased=False,
        )  # fmt: skip

    def _new_application(self, t: datetime) -> None:
        rng = self._rng
        type_id, _, _, fee = rng.choices(APPLICATION_TYPES, cum_weights=_TYPE_WEIGHTS)[0]
        ps_code = rng.choices((1, 2, 3), cum_weights=(4, 40, 100))[0]
        site = self._new_location(t)
        applicant = self._new_contact(t, agent=False, location_id=site if rng.random() < 0.6 else None)
        agent = None
        if rng.random() < 0.65:
            if self._agents and rng.random() < 0.7:
                agent = rng.choice(self._agents)  # agents act on many applications
            else:
                agent = self._new_contact(t, agent=True, location_id=None)
                self._agents.append(agent)
        created_by = rng.choice(self._officers)
        self._reference_seq[t.year] += 1
        app_id = self._create(
            "applications", t, application_reference_number=f"{t.year}/{self._reference_seq[t.year]:04d}",
            application_type_id=type_id, ps_development_code_id=ps_code, officer_id=rng.choice(self._officers),
            ward_id=rng.randint(1, 20), dtf_location_id=site, applicant_id=applicant, agent_id=agent,
            proposal=text.proposal(rng),
            site_address_description=self._stores["dtf_locations"].get(site, "address_line_1"),
            submit_date=t - timedelta(hours=rng.randint(1, 96), minutes=rng.randint(0, 59)),
            received_date=self._midnight(t), ceased=False, creation_user_id=created_by,
            last_updated_by=created_by, _sparse=self._initial_sparse(t), _gis=self._gis_size(),
        )  # fmt: skip
        self._new_fee_and_documents(t, app_id, type_id, fee, ps_code)
        self._at(self._later(t, 2, 21), self._validate, app_id)
        if rng.random() < 0.04:
            self._at(self._later(t, 10, 80), self._withdraw, app_id)
        if rng.random() < 0.006:
            self._at(self._later(t, 0.01, 3), self._cease_application, app_id)
        for _ in range(self._count(0.6)):
            self._at(self._later(t, 1, 120), self._sparse_update, app_id)

    def _new_fee_and_documents(self, t: datetime, app_id: int, type_id: int, fee: float | None, ps: int) -> None:
        rng = self._rng
        if fee is not None:
            exempt = rng.random() < 0.05
            amount = 0.0 if exempt else fee * (rng.randint(2, 40) if ps == 1 else 1) * rng.choice((1, 1, 1, 0.5))
            fee_id = self._create(
                "fees", t, application_id=app_id, fee_type_id=type_id, fee=amount, paid=exempt, fee_exempt=exempt,
                ceased=False,
            )  # fmt: skip
            if not exempt and rng.random() < 0.92:
                self._at(self._later(t, 0, 10), self._pay_fee, fee_id)
        self._new_document(t, app_id, DOC_APPLICATION_FORM)
        for _ in range(rng.randint(1, 3)):
            self._new_document(t, app_id, DOC_PLANS)

    def _initial_sparse(self, t: datetime) -> tuple[tuple[int, str], ...]:
        """A handful of the ~hundreds of sparse columns get values; the rest stay null."""
        rng = self._rng
        n_columns = len(self.sparse_names)
        wanted = min(n_columns, rng.randint(2, 8))
        picks: set[int] = set()
        while len(picks) < wanted:  # cheaper than rng.sample(range(...)) at 100k applications
            picks.add(rng.randrange(n_columns))
        return tuple((i, text.sparse_value(rng, self._sparse_kinds[i], t)) for i in sorted(picks))

    def _gis_size(self) -> int:
        return self.gis_image_chars if self._rng.random() < self.gis_image_rate else 0

    # ------------------------------------------------------------------ life events

    def _open(self, app_id: int) -> bool:
        store = self._stores["applications"]
        return not store.get(app_id, "ceased") and store.get(app_id, "decision_type_id") is None

    def _validate(self, t: datetime, app_id: int) -> None:
        if not self._open(app_id):
            return
        rng = self._rng
        store = self._stores["applications"]
        expiry_days = PS_DEVELOPMENT_CODES[store.get(app_id, "ps_development_code_id") - 1][3]
        valid = self._midnight(t)
        expiry = valid + timedelta(days=expiry_days)
        by = store.get(app_id, "officer_id")
        self._update("applications", app_id, t, valid_date=valid, registration_date=t, expiry_date=expiry,
                     last_updated_by=by)  # fmt: skip
        letter = self._new_document(t, app_id, DOC_VALIDATION_LETTER)
        self._at(self._later(t, 0, 3), self._send_document, letter)
        for _ in range(self._count(1.5)):
            self._at(self._later(t, 3, 40), self._consultation_document, app_id)
        decide_after = expiry_days * rng.uniform(0.4, 1.35)
        if rng.random() < 0.12:
            eot = expiry + timedelta(days=rng.randint(14, 56))
            self._at(self._later(t, expiry_days * 0.6, expiry_days * 0.95), self._extend, app_id, eot)
            decide_after = (eot - valid).days - rng.uniform(0, 10)
        self._at(self._later(t, decide_after, decide_after + 1), self._decide, app_id)
        if rng.random() < 0.05:
            self._at(self._later(t, 1, decide_after), self._reassign, app_id)

    def _extend(self, t: datetime, app_id: int, due: datetime) -> None:
        if self._open(app_id):
            self._update("applications", app_id, t, extension_of_time_due_date=due)

    def _reassign(self, t: datetime, app_id: int) -> None:
        if self._open(app_id):
            officer = self._rng.choice(self._officers)
            self._update("applications", app_id, t, officer_id=officer, last_updated_by=officer)

    def _decide(self, t: datetime, app_id: int) -> None:
        if not self._open(app_id):
            return
        rng = self._rng
        store = self._stores["applications"]
        if store.get(app_id, "application_type_id") == PRIOR_APPROVAL_TYPE:
            outcome = rng.choices((PRIOR_APPROVAL_NOT_REQUIRED, GRANT, REFUSE), cum_weights=(50, 80, 100))[0]
        else:
            outcome = rng.choices((GRANT, REFUSE, SPLIT, NOT_DETERMINED), cum_weights=(78, 95, 99, 100))[0]
        level = 2 if rng.random() < 0.08 else 1  # committee or delegated
        by = store.get(app_id, "officer_id")
        self._update("applications", app_id, t, decision_type_id=outcome, decision_level_id=level,
                     decision_issued_date=t, last_updated_by=by)  # fmt: skip
        notice = self._new_document(t, app_id, DOC_DECISION_NOTICE)
        self._at(self._later(t, 0, 2), self._send_document, notice)
        if outcome == REFUSE and rng.random() < 0.25:
            self._at(self._later(t, 20, 150), self._lodge_appeal, app_id)

    def _withdraw(self, t: datetime, app_id: int) -> None:
        if self._open(app_id):
            self._update("applications", app_id, t, decision_type_id=WITHDRAWN, decision_issued_date=t)

    def _cease_application(self, t: datetime, app_id: int) -> None:
        """Soft delete: the vendor never hard-deletes, it flags ceased."""
        if self._stores["applications"].get(app_id, "ceased"):
            return
        self._update("applications", app_id, t, ceased=True, ceased_date=t)
        documents = self._stores["documents"]
        created = self._stores["applications"].versions[app_id][0][0]
        # Ids follow creation time, so the application's documents are among those created since it was.
        for doc_id in range(documents.next_id - 1, 0, -1):
            if documents.versions[doc_id][0][0] < created:
                break
            if documents.get(doc_id, "application_id") == app_id and not documents.get(doc_id, "ceased"):
                self._update("documents", doc_id, t, ceased=True)

    def _pay_fee(self, t: datetime, fee_id: int) -> None:
        fees = self._stores["fees"]
        if fees.get(fee_id, "paid") or fees.get(fee_id, "ceased"):
            return
        rng = self._rng
        self._update("fees", fee_id, t, paid=True)
        method = rng.randint(1, 4)
        self._create("fee_payments", t, fee_id=fee_id, amount_paid=fees.get(fee_id, "fee"), payment_date=t,
                     paid=True, refund=False, payment_method_id=method)  # fmt: skip
        if rng.random() < 0.03:
            self._at(self._later(t, 5, 60), self._refund_fee, fee_id)

    def _refund_fee(self, t: datetime, fee_id: int) -> None:
        fees = self._stores["fees"]
        self._create("fee_payments", t, fee_id=fee_id, amount_paid=fees.get(fee_id, "fee"), payment_date=t,
                     paid=True, refund=True, payment_method_id=1)  # fmt: skip
        self._update("fees", fee_id, t, paid=False)

    def _send_document(self, t: datetime, doc_id: int) -> None:
        if not self._stores["documents"].get(doc_id, "ceased"):
            self._update("documents", doc_id, t, sent=True)

    def _consultation_document(self, t: datetime, app_id: int) -> None:
        doc_id = self._new_document(t, app_id, DOC_CONSULTATION)
        if self._rng.random() < 0.03:  # uploaded against the wrong case, then withdrawn
            self._at(self._later(t, 0, 5), self._cease_document, doc_id)

    def _cease_document(self, t: datetime, doc_id: int) -> None:
        if not self._stores["documents"].get(doc_id, "ceased"):
            self._update("documents", doc_id, t, ceased=True)

    def _lodge_appeal(self, t: datetime, app_id: int) -> None:
        rng = self._rng
        appeal_id = self._create(
            "appeals", t, application_id=app_id, appeal_type_id=rng.randint(1, 3), appeal_status_id=1,
            appeal_start_date=self._midnight(t),
        )  # fmt: skip
        self._new_document(t, app_id, DOC_APPEAL)
        self._at(self._later(t, 10, 60), self._progress_appeal, appeal_id)
        self._at(self._later(t, 70, 200), self._decide_appeal, appeal_id)

    def _progress_appeal(self, t: datetime, appeal_id: int) -> None:
        self._update("appeals", appeal_id, t, appeal_status_id=2)

    def _decide_appeal(self, t: datetime, appeal_id: int) -> None:
        decision = 1 if self._rng.random() < 0.3 else 2  # allowed / dismissed
        self._update("appeals", appeal_id, t, appeal_status_id=3, appeal_decision_id=decision,
                     appeal_decision_date=self._midnight(t))  # fmt: skip

    def _sparse_update(self, t: datetime, app_id: int) -> None:
        """A change to a non-contract column only: served as a new version, invisible in the contract."""
        rng = self._rng
        store = self._stores["applications"]
        values = dict(store.get(app_id, "_sparse"))
        column = rng.randrange(len(self.sparse_names)) if self.sparse_names else None
        if column is None:
            self._touch("applications", app_id, t)
            return
        values[column] = text.sparse_value(rng, self._sparse_kinds[column], t)
        self._update("applications", app_id, t, _sparse=tuple(sorted(values.items())))

    def _touch_random(self, t: datetime, table: str) -> None:
        store = self._stores[table]
        if store.next_id > 1:
            record_id = self._rng.randint(1, store.next_id - 1)
            if store.versions[record_id][0][0] < t:
                self._touch(table, record_id, t)

    def _user_change(self, t: datetime) -> None:
        rng = self._rng
        users = self._stores["users"]
        kind = rng.choice(("join", "leave", "retitle", "rename"))
        if kind == "join":
            self._new_user(t, officer=rng.random() < 0.7)
            return
        user_id = rng.randint(1, users.next_id - 1)
        if users.versions[user_id][0][0] >= t:
            return
        if kind == "leave" and users.get(user_id, "enabled"):
            if user_id in self._officers:
                if len(self._officers) <= 5:
                    return
                self._officers.remove(user_id)
            self._update("users", user_id, t, enabled=False)
        elif kind == "retitle":
            officer = users.get(user_id, "officer")
            titles = text.JOB_TITLES[:4] if officer else text.JOB_TITLES[4:]
            self._update("users", user_id, t, job_title=rng.choice(titles))
        elif kind == "rename":
            self._update("users", user_id, t, surname=rng.choice(text.SURNAMES))

    def _lookup_change(self, t: datetime) -> None:
        """Lookups change rarely: a ward renamed after a boundary review, a type switched off or on."""
        rng = self._rng
        if rng.random() < 0.7:
            ward_id = rng.randint(1, 20)
            wards = self._stores["wards"]
            name = wards.get(ward_id, "name")
            renamed = name[:-6] if name.endswith(" North") else f"{name} North"
            self._lookup_update("wards", ward_id, t, name=renamed)
        else:
            types = self._stores["application_types"]
            type_id = rng.choice((3, 6, 8))  # never switch off a type new applications rely on
            self._lookup_update("application_types", type_id, t, enabled=not types.get(type_id, "enabled"))

    def _lookup_update(self, table: str, record_id: int, t: datetime, **changes: Any) -> None:
        store = self._stores[table]
        values = list(store.current(record_id))
        for name, value in changes.items():
            values[store.index[name]] = value
        store.versions[record_id].append((t, tuple(values)))

    # ------------------------------------------------------------------ serving

    def _plan(self, table: str) -> _Plan:
        store = self._stores[table]
        columns = []
        for name in self.contract[table].column_names:
            if name == "id":
                columns.append((name, -1))
            elif name == "last_updated":
                columns.append((name, -2))
            else:
                columns.append((name, store.index.get(name, -3)))
        sparse = self.sparse_names if table == "applications" else []
        return _Plan(columns, sparse)

    def is_lookup(self, table: str) -> bool:
        return self.contract[table].load == "lookup" or table in LOOKUP_TABLES

    def query(self, table: str, last_updated: date | None = None) -> list[Row]:
        """The records the server returns as of now, sorted by id; a day series carries the duplicate quirk.

        Lookups ignore the filter: they are always served in full.
        """
        if table not in self._plans:
            raise KeyError(table)
        key = (table, None if self.is_lookup(table) else last_updated, self.today)
        if key not in self._query_cache:
            if len(self._query_cache) > 64:  # paging re-asks the same query: keep recent answers only
                self._query_cache.clear()
            self._query_cache[key] = self._query(table, key[1])
        return self._query_cache[key]

    def _query(self, table: str, last_updated: date | None) -> list[Row]:
        store = self._stores[table]
        now = self.now
        if last_updated is None or self.is_lookup(table):
            return [row for record_id in sorted(store.versions) if (row := self._row(store, record_id, now))]
        rows: list[Row] = []
        for record_id in sorted(set(store.by_day.get(last_updated, ()))):
            row = self._row(store, record_id, now)
            if row is None or row[2] is None or row[2].date() != last_updated:
                continue
            stale = self._stale_copy(store, record_id, now, last_updated)
            if stale is not None:
                rows.append((record_id, stale, row[2]))
            rows.append(row)
        return rows

    def _row(self, store: _Store, record_id: int, now: datetime) -> Row | None:
        versions = store.versions[record_id]
        for i in range(len(versions) - 1, -1, -1):
            t, values = versions[i]
            if t < now:
                return record_id, values, self._served_lu(store, record_id, t)
        return None

    def _stale_copy(self, store: _Store, record_id: int, now: datetime, day: date) -> Values | None:
        """Quirk: some day series repeat an id with the same last_updated; the first copy holds older values."""
        if store.name not in self.duplicate_tables or self.duplicate_rate <= 0:
            return None
        digest = hashlib.blake2b(f"{self.seed}:{store.name}:{record_id}:{day}".encode(), digest_size=8).digest()
        if int.from_bytes(digest, "big") / 2**64 >= self.duplicate_rate:
            return None
        visible = [v for v in store.versions[record_id] if v[0] < now]
        for _, values in reversed(visible[:-1]):
            if values != visible[-1][1]:
                return values
        return None

    def serialise(self, table: str, row: Row) -> dict[str, str | None]:
        """One record in the vendor's wire form: every contract column present, all strings or null."""
        record_id, values, lu = row
        plan = self._plans[table]
        out: dict[str, str | None] = {}
        for name, index in plan.columns:
            if index >= 0:
                out[name] = _fmt(values[index])
            elif index == -1:
                out[name] = str(record_id)
            elif index == -2:
                out[name] = _fmt(lu)
            else:
                out[name] = None
        if plan.sparse:
            store = self._stores[table]
            out.update(dict.fromkeys(plan.sparse))
            for i, value in values[store.index["_sparse"]]:
                out[plan.sparse[i]] = value
            size = values[store.index["_gis"]]
            out["gis_map_image_base64"] = self._gis_image(record_id, size) if size else None
        return out

    def _gis_image(self, record_id: int, chars: int) -> str:
        """A deterministic stand-in for the vendor's base64 map image, made on demand to spare memory."""
        raw = random.Random(f"tascomi:{self.seed}:gis:{record_id}").randbytes(max(1, chars * 3 // 4))
        return base64.b64encode(raw).decode()[:chars]

    def records(self, table: str, last_updated: date | None = None) -> list[dict[str, str | None]]:
        """`query` serialised: what the server serves for the table as of now (without paging)."""
        return [self.serialise(table, row) for row in self.query(table, last_updated)]

    def counts(self) -> dict[str, int]:
        """Records visible now per table."""
        now = self.now
        return {t: sum(1 for vs in self._stores[t].versions.values() if vs[0][0] < now) for t in self.tables}

    # ------------------------------------------------------------------ ground truth

    def ground_truth(self, table: str, first_import: date, as_of: date) -> list[dict[str, str | None]]:
        """The versions a perfect daily importer observes, collapsed on the contract columns.

        The importer does a full load at `first_import` 06:00 (leaving out records updated that day), then on each
        day D in (first_import, as_of] asks for last_updated = D-1 at D 06:00. Lookups are pulled in full every
        day; their valid_from is the world's internal change time (lookups carry no last_updated).
        """
        if as_of < first_import:
            raise ValueError("as_of must not be before first_import")
        self._simulate_through(as_of)
        store = self._stores[table]
        lookup = self.is_lookup(table)
        contract_idx = [i for name, i in self._plans[table].columns if i >= 0]
        out: list[dict[str, str | None]] = []
        for record_id in sorted(store.versions):
            observed = list(self._observed(store, record_id, first_import, as_of, lookup))
            kept: list[tuple[datetime | None, Values]] = []
            for lu, values in observed:
                if kept and all(kept[-1][1][i] == values[i] for i in contract_idx):
                    continue  # equal on every contract column: the same version to the importer
                kept.append((lu, values))
            for n, (lu, values) in enumerate(kept):
                valid_to = kept[n + 1][0] if n + 1 < len(kept) else None
                record = self.serialise(table, (record_id, values, lu))
                contract_only = {k: record[k] for k, _ in self._plans[table].columns}
                out.append({"id": str(record_id), "valid_from": _fmt(lu), "valid_to": _fmt(valid_to), **contract_only})
        return out

    def _observed(
        self, store: _Store, record_id: int, first_import: date, as_of: date, lookup: bool
    ) -> Iterator[tuple[datetime | None, Values]]:
        versions = store.versions[record_id]
        first_dt = datetime.combine(first_import, time(self.import_hour))
        for i, (t, values) in enumerate(versions):
            next_t = versions[i + 1][0] if i + 1 < len(versions) else None
            lu = t if lookup else self._served_lu(store, record_id, t)
            if lu is None:
                seen = t < first_dt and (next_t is None or next_t >= first_dt)
            else:
                if lookup:  # seen by the first daily full pull at or after the change
                    first_seen = t.date() if t.time() < time(self.import_hour) else t.date() + timedelta(days=1)
                else:  # seen by the series for its day, asked the next morning (or by the first full load)
                    first_seen = t.date() + timedelta(days=1)
                obs_day = max(first_seen, first_import)
                obs_dt = datetime.combine(obs_day, time(self.import_hour))
                seen = obs_day <= as_of and (next_t is None or next_t >= obs_dt)
            if seen:
                yield lu, values
