"""The housing management system: council properties, tenancies and household members, with every change kept.

Every change to a row is kept as a version `(last_modified, row)`; the daily change-only extract for day D is
the last version of each row whose last_modified falls on D. Effective dates equal recording dates (a member who
leaves on day X gets end_date X, recorded on X), and end dates are exclusive: a member is in the household on day
D when start_date <= D and (end_date is null or D < end_date).
"""

from __future__ import annotations

import bisect
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sandbox.housing_world import vocab
from sandbox.housing_world.gazetteer import Address, Gazetteer

PROPERTY_COLUMNS = (
    "property_reference", "uprn", "property_type", "address_line_1", "address_line_2", "address_line_3",
    "postcode", "block_reference", "last_modified",
)  # fmt: skip
TENANCY_COLUMNS = ("tenancy_reference", "property_reference", "start_date", "end_date", "tenure_type", "last_modified")
MEMBER_COLUMNS = (
    "member_id", "tenancy_reference", "title", "forename", "surname", "date_of_birth", "is_responsible",
    "relationship", "start_date", "end_date", "last_modified",
)  # fmt: skip
TABLES = {"properties": PROPERTY_COLUMNS, "tenancies": TENANCY_COLUMNS, "household_members": MEMBER_COLUMNS}
EARLIEST_TENANCY = date(1975, 1, 1)

Row = tuple[Any, ...]


def add_years(day: date, years: int) -> date:
    """The same calendar day `years` later; 29 February becomes 1 March in a common year (UK age rule)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def age_on(dob: date, day: date) -> int:
    return day.year - dob.year - ((day.month, day.day) < (dob.month, dob.day))


def title_case(text: str) -> str:
    """'ST MARK'S ROAD' -> "St Mark's Road" (str.title would give "Mark'S")."""
    return " ".join(w[:1].upper() + w[1:].lower() for w in text.split(" "))


@dataclass(slots=True)
class Member:
    member_id: str
    tenancy_reference: str
    title: str
    forename: str
    surname: str
    date_of_birth: date
    is_responsible: bool
    relationship: str
    start_date: date
    end_date: date | None = None

    def active_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day < self.end_date)

    def row(self, modified: datetime) -> Row:
        return (self.member_id, self.tenancy_reference, self.title, self.forename, self.surname, self.date_of_birth,
                self.is_responsible, self.relationship, self.start_date, self.end_date, modified)  # fmt: skip


@dataclass(slots=True)
class Tenancy:
    reference: str
    property_reference: str
    start_date: date
    tenure_type: str
    end_date: date | None = None
    members: list[Member] = field(default_factory=list)

    def active_on(self, day: date) -> bool:
        return self.start_date <= day and (self.end_date is None or day < self.end_date)

    def row(self, modified: datetime) -> Row:
        return (self.reference, self.property_reference, self.start_date, self.end_date, self.tenure_type, modified)


@dataclass(slots=True)
class Property:
    reference: str
    kind: str  # Dwelling, Block, Garage
    uprn: int | None  # the true UPRN; None when the place has none (garages)
    recorded_uprn: int | None  # what the housing system holds: sometimes missing until someone links it
    lines: tuple[str, str | None, str | None]
    postcode: str
    block_reference: str | None = None
    address: Address | None = None
    tenancies: list[Tenancy] = field(default_factory=list)

    def row(self, modified: datetime) -> Row:
        return (self.reference, self.recorded_uprn, self.kind, *self.lines, self.postcode, self.block_reference,
                modified)  # fmt: skip

    def tenancy_on(self, day: date) -> Tenancy | None:
        for tenancy in reversed(self.tenancies):
            if tenancy.active_on(day):
                return tenancy
        return None


def housing_lines(address: Address) -> tuple[str, str | None, str | None]:
    """The housing system's own rendering: title case, flat and building on line 1, street on line 2."""
    first = " ".join(p for p in (address.sao, address.building) if p)
    if first:
        return title_case(first), title_case(address.street_part), title_case(vocab.BOROUGH)
    return title_case(address.street_part), title_case(vocab.BOROUGH), None


class _Households:
    """Draws households: size from a truncated geometric with the requested mean, ages, names."""

    def __init__(self, mean_size: float) -> None:
        self.q = _geometric_q(mean_size, 7)
        weights = [self.q**k for k in range(7)]
        total = sum(weights)
        self.cumulative = [sum(weights[: k + 1]) / total for k in range(7)]

    def size(self, rng: random.Random) -> int:
        return bisect.bisect_left(self.cumulative, rng.random()) + 1

    @staticmethod
    def lead_age(rng: random.Random, size: int) -> int:
        if size == 1 and rng.random() < 0.5:
            return min(99, 65 + int(rng.triangular(0, 32, 8)))
        if size <= 2 and rng.random() < 0.25:
            return rng.randint(60, 92)
        return rng.randint(19, 64)


def _geometric_q(mean: float, cap: int) -> float:
    lo, hi = 0.0, 0.999
    for _ in range(60):
        q = (lo + hi) / 2
        weights = [q**k for k in range(cap)]
        m = sum((k + 1) * w for k, w in enumerate(weights)) / sum(weights)
        lo, hi = (q, hi) if m < mean else (lo, q)
    return (lo + hi) / 2


def _dob_for_age(rng: random.Random, age: int, on: date) -> date:
    return add_years(on, -age) - timedelta(days=rng.randint(1, 364))


def _office_time(rng: random.Random, day: date) -> datetime:
    return datetime.combine(day, time(8)) + timedelta(seconds=rng.randint(0, 10 * 3600))


class Housing:
    """Properties, tenancies and members, their versions, and the day-by-day life of the households."""

    def __init__(self, start_date: date, *, mean_household: float, turning_70_window: int = 90) -> None:
        self.start_date = start_date
        self.turning_70_window = turning_70_window  # days after the start in which planted 70th birthdays fall
        self.properties: dict[str, Property] = {}
        self.tenancies: dict[str, Tenancy] = {}
        self.members: dict[str, Member] = {}
        self.households = _Households(mean_household)
        # table -> key -> [(last_modified, row)], in time order
        self.versions: dict[str, dict[str, list[tuple[datetime, Row]]]] = {t: {} for t in TABLES}
        self.changed_on: dict[str, dict[date, set[str]]] = {t: defaultdict(set) for t in TABLES}
        self.relets: dict[date, list[str]] = defaultdict(list)
        self.unlinked: dict[str, None] = {}  # properties whose UPRN is not recorded yet (a dict keeps order)
        self._next_tenancy = 0
        self._next_member = 0

    # ------------------------------------------------------------------ versions

    def record(self, table: str, key: str, modified: datetime) -> None:
        obj: Any = {"properties": self.properties, "tenancies": self.tenancies,
                    "household_members": self.members}[table][key]  # fmt: skip
        self.versions[table].setdefault(key, []).append((modified, obj.row(modified)))
        self.changed_on[table][modified.date()].add(key)

    def row_before(self, table: str, key: str, cutoff: datetime) -> Row | None:
        """The row as the housing system held it just before `cutoff` (None if it did not exist yet)."""
        versions = self.versions[table].get(key, [])
        i = bisect.bisect_left(versions, cutoff, key=lambda v: v[0])
        return versions[i - 1][1] if i else None

    def changed_rows(self, table: str, day: date) -> list[Row]:
        """The daily change-only extract: each row changed on `day`, at its last version of that day."""
        end = datetime.combine(day + timedelta(days=1), time())
        return [self.row_before(table, key, end) for key in sorted(self.changed_on[table].get(day, ()))]  # type: ignore[misc]

    def full_rows(self, table: str, day: date) -> list[Row]:
        """Every row as it stood at the end of `day` (the initial full extract)."""
        end = datetime.combine(day + timedelta(days=1), time())
        rows = (self.row_before(table, key, end) for key in sorted(self.versions[table]))
        return [r for r in rows if r is not None]

    # ------------------------------------------------------------------ building

    def new_tenancy_ref(self) -> str:
        self._next_tenancy += 1
        return f"T{self._next_tenancy:07d}"

    def new_member_id(self) -> str:
        self._next_member += 1
        return f"M{self._next_member:07d}"

    def add_property(self, prop: Property, created: datetime) -> None:
        self.properties[prop.reference] = prop
        if prop.recorded_uprn is None and prop.uprn is not None:
            self.unlinked[prop.reference] = None
        self.record("properties", prop.reference, created)

    def _person(self, rng: random.Random, tenancy: Tenancy, dob: date, relationship: str, responsible: bool,
                start: date, surname: str | None = None) -> Member:  # fmt: skip
        female = rng.random() < 0.55
        forename = rng.choice(vocab.FORENAMES_F if female else vocab.FORENAMES_M)
        title = ("Mrs" if rng.random() < 0.5 else "Ms") if female else "Mr"
        if age_on(dob, start) < 18:
            title = "Miss" if female else "Master"
        member = Member(self.new_member_id(), tenancy.reference, title, forename,
                        surname or rng.choice(vocab.SURNAMES), dob, responsible, relationship, start)  # fmt: skip
        self.members[member.member_id] = member
        tenancy.members.append(member)
        return member

    def household(
        self, rng: random.Random, prop: Property, start: date, on: date, *, size: int | None = None,
        lead_age: int | None = None, lead_dob: date | None = None,
    ) -> Tenancy:  # fmt: skip
        """A new tenancy at `prop` from `start` with its members; ages are as of `on`."""
        size = size or self.households.size(rng)
        dob = lead_dob or _dob_for_age(rng, lead_age or self.households.lead_age(rng, size), on)
        start = max(start, add_years(dob, 18))
        tenure = "Introductory" if (on - start).days < 365 else rng.choice(("Secure",) * 17 + ("Flexible", "Temporary"))
        tenancy = Tenancy(self.new_tenancy_ref(), prop.reference, start, tenure)
        self.tenancies[tenancy.reference] = tenancy
        prop.tenancies.append(tenancy)
        lead = self._person(rng, tenancy, dob, "Tenant", True, start)
        for i in range(1, size):
            if i == 1 and rng.random() < 0.6:
                pdob = min(dob + timedelta(days=rng.randint(-2200, 2200)), add_years(on, -18))
                joint = rng.random() < 0.4
                self._person(rng, tenancy, pdob, "Joint tenant" if joint else rng.choice(("Spouse", "Partner")),
                             joint, start, lead.surname if rng.random() < 0.7 else None)  # fmt: skip
            else:
                lead_age_now = age_on(dob, on)
                child_age = max(0, lead_age_now - rng.randint(18, 42))
                cdob = _dob_for_age(rng, child_age, on)
                relation = rng.choice(("Son", "Daughter", "Son", "Daughter", "Grandchild", "Other relative", "Lodger"))
                self._person(rng, tenancy, cdob, relation, False, max(start, cdob),
                             lead.surname if relation != "Lodger" else None)  # fmt: skip
        return tenancy

    def record_tenancy(self, tenancy: Tenancy, modified: datetime) -> None:
        self.record("tenancies", tenancy.reference, modified)
        for member in tenancy.members:
            self.record("household_members", member.member_id, modified)

    # ------------------------------------------------------------------ daily life

    def active_tenancies(self, day: date) -> list[Tenancy]:
        return [t for t in self.tenancies.values() if t.end_date is None and t.start_date <= day]

    def simulate_day(self, rng: random.Random, day: date, rates: dict[str, float]) -> None:
        """One day of change: relets, people leaving and joining, tenancies ending, record tidying."""
        for ref in self.relets.pop(day, []):
            prop = self.properties[ref]
            if prop.tenancy_on(day) is None:
                tenancy = self.household(rng, prop, day, day)
                tenancy.start_date = day
                for m in tenancy.members:
                    m.start_date = day
                self.record_tenancy(tenancy, _office_time(rng, day))
        active = self.active_tenancies(day)
        if not active:
            return
        for _ in range(_poisson(rng, len(active) * rates["tenancy_end"])):
            self._end_tenancy(rng, rng.choice(active), day)
        for _ in range(_poisson(rng, len(active) * rates["member_leaves"] * 1.3)):
            self._member_leaves(rng, rng.choice(active), day)
        for _ in range(_poisson(rng, len(active) * rates["member_joins"])):
            self._member_joins(rng, rng.choice(active), day)
        for _ in range(_poisson(rng, len(active) * rates["touch"])):
            self._touch_member(rng, rng.choice(active), day)
        self._link_uprns(rng, day, rates["uprn_linked"])

    def _end_tenancy(self, rng: random.Random, tenancy: Tenancy, day: date) -> None:
        if tenancy.end_date is not None or tenancy.start_date >= day:
            return
        tenancy.end_date = day
        for m in tenancy.members:
            if m.end_date is None:
                m.end_date = day
        self.record_tenancy(tenancy, _office_time(rng, day))
        self.relets[day + timedelta(days=rng.randint(14, 70))].append(tenancy.property_reference)

    def _member_leaves(self, rng: random.Random, tenancy: Tenancy, day: date) -> None:
        present = [m for m in tenancy.members if m.end_date is None and m.start_date < day]
        others = [m for m in present if m.relationship != "Tenant"]
        if tenancy.end_date is not None or len(present) < 2 or not others:
            return
        leaver = rng.choice(others)
        leaver.end_date = day
        self.record("household_members", leaver.member_id, _office_time(rng, day))

    def _member_joins(self, rng: random.Random, tenancy: Tenancy, day: date) -> None:
        if tenancy.end_date is not None:
            return
        lead = tenancy.members[0]
        if age_on(lead.date_of_birth, day) < 45 and rng.random() < 0.6:
            member = self._person(rng, tenancy, day, rng.choice(("Son", "Daughter")), False, day, lead.surname)
        else:
            pdob = _dob_for_age(rng, rng.randint(19, 80), day)
            member = self._person(rng, tenancy, pdob, rng.choice(("Partner", "Other relative", "Carer")), False, day)
        self.record("household_members", member.member_id, _office_time(rng, day))

    def _touch_member(self, rng: random.Random, tenancy: Tenancy, day: date) -> None:
        """A change that means nothing for the Link Work rules: a surname or title corrected."""
        present = [m for m in tenancy.members if m.end_date is None]
        if not present:
            return
        member = rng.choice(present)
        if rng.random() < 0.5:
            member.surname = rng.choice(vocab.SURNAMES)
        else:
            member.title = rng.choice(vocab.TITLES)
        self.record("household_members", member.member_id, _office_time(rng, day))

    def _link_uprns(self, rng: random.Random, day: date, rate: float) -> None:
        """Someone links a property to its UPRN (only once the gazetteer lists it)."""
        for ref in list(self.unlinked):
            prop = self.properties[ref]
            if rng.random() < rate and (prop.address is None or prop.address.listed_on(day)):
                prop.recorded_uprn = prop.uprn
                del self.unlinked[ref]
                self.record("properties", prop.reference, _office_time(rng, day))


def _poisson(rng: random.Random, mean: float) -> int:
    """A Poisson draw (Knuth's method for small means, a rounded normal for large ones)."""
    if mean <= 0:
        return 0
    if mean > 60:
        return max(0, round(rng.gauss(mean, mean**0.5)))
    limit, k, p = pow(2.718281828459045, -mean), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def poisson(rng: random.Random, mean: float) -> int:
    return _poisson(rng, mean)


def build_housing(
    rng: random.Random,
    gazetteer: Gazetteer,
    start_date: date,
    turning_70_window: int,
    n_properties: int,
    n_residents: int,
    *,
    occupancy: float = 0.95,
    missing_uprn_rate: float = 0.03,
    turning_70_rate: float = 0.05,
    new_build_day: date | None = None,
) -> Housing:
    """Council properties drawn from the gazetteer, with current and past tenancies as of the start date."""
    existing = [b for b in gazetteer.blocks if b.council and b.shell.listed_from is None]
    new_builds = [b for b in gazetteer.blocks if b.council and b.shell.listed_from is not None]
    flats = [f for b in existing for f in b.flats]
    from_streets = max(0, n_properties - len(flats))
    street = rng.sample(gazetteer.street_dwellings, min(from_streets, len(gazetteer.street_dwellings)))
    dwellings = (flats + street)[: max(n_properties, 0)]
    occupied = max(1, round(len(dwellings) * occupancy))
    housing = Housing(start_date, mean_household=max(1.0, n_residents / occupied), turning_70_window=turning_70_window)

    n_garages = [rng.randint(4, 12) if rng.random() < 0.3 else 0 for _ in existing]
    refs = list(range(1, len(dwellings) + len(existing) + sum(n_garages) + 1))
    rng.shuffle(refs)  # references do not follow UPRN order in the real system either
    refs_iter = iter(refs)
    epoch = datetime(2012, 4, 2, 9, 0)
    block_refs: dict[int, str] = {}
    for block, garages in zip(existing, n_garages, strict=True):
        ref = f"P{next(refs_iter):06d}"
        block_refs[block.shell.uprn] = ref
        housing.add_property(Property(ref, "Block", block.shell.uprn, block.shell.uprn, housing_lines(block.shell),
                                      block.shell.postcode, None, block.shell), epoch)  # fmt: skip
        for g in range(1, garages + 1):
            lines = (f"Garage {g}", title_case(f"{block.name} GARAGES"), title_case(block.shell.street))
            housing.add_property(Property(f"P{next(refs_iter):06d}", "Garage", None, None, lines,
                                          block.shell.postcode, ref), epoch)  # fmt: skip
    for address in dwellings:
        recorded = None if rng.random() < missing_uprn_rate else address.uprn
        prop = Property(f"P{next(refs_iter):06d}", "Dwelling", address.uprn, recorded, housing_lines(address),
                        address.postcode, block_refs.get(address.parent_uprn or -1), address)  # fmt: skip
        housing.add_property(prop, epoch)
    homes = [p for p in housing.properties.values() if p.kind == "Dwelling"]
    _populate(rng, housing, homes, start_date, occupancy, turning_70_rate)
    if new_builds and new_build_day is not None:
        _new_build(rng, housing, new_builds, new_build_day, refs_iter=len(refs))
    return housing


def _populate(rng: random.Random, housing: Housing, dwellings: list[Property], start: date, occupancy: float,
              turning_70_rate: float) -> None:  # fmt: skip
    for prop in dwellings:
        if rng.random() < 0.15:
            _past_tenancy(rng, housing, prop, start)
        if rng.random() >= occupancy:
            housing.relets[start + timedelta(days=rng.randint(1, 70))].append(prop.reference)
            continue
        size = housing.households.size(rng)
        lead_dob = None
        if size == 1 and rng.random() < turning_70_rate:
            # Planted: a sole tenant whose 70th birthday falls soon after the start (inside a typical replay).
            birthday = start + timedelta(days=rng.randint(0, max(0, housing.turning_70_window - 1)))
            lead_dob = add_years(birthday, -70)
        age = housing.households.lead_age(rng, size)
        dob = lead_dob or _dob_for_age(rng, age, start)
        earliest = max(EARLIEST_TENANCY, add_years(dob, 19), _latest_end(prop))
        latest = start - timedelta(days=30)
        tenancy_start = earliest + timedelta(days=rng.randint(0, max(0, (latest - earliest).days)))
        tenancy = housing.household(rng, prop, tenancy_start, start, size=size, lead_dob=dob)
        if len(tenancy.members) > 1 and rng.random() < 0.1:
            _historic_leaver(rng, housing, tenancy, start)
        housing.record_tenancy(tenancy, _past_time(rng, tenancy.start_date, start))


def _latest_end(prop: Property) -> date:
    ends = [t.end_date for t in prop.tenancies if t.end_date is not None]
    return max(ends) if ends else EARLIEST_TENANCY


def _past_time(rng: random.Random, since: date, before: date) -> datetime:
    """A recording time between `since` and the day before `before` (office hours)."""
    since = max(since, date(2012, 4, 2))
    span = max(0, (before - since).days - 1)
    return _office_time(rng, since + timedelta(days=rng.randint(0, span)))


def _past_tenancy(rng: random.Random, housing: Housing, prop: Property, start: date) -> None:
    end = start - timedelta(days=rng.randint(400, 9000))
    begin = end - timedelta(days=rng.randint(300, 6000))
    tenancy = housing.household(rng, prop, begin, end, size=rng.randint(1, 3))
    tenancy.end_date = end
    for m in tenancy.members:
        m.end_date = end
    housing.record_tenancy(tenancy, _office_time(rng, max(end, date(2012, 4, 2))))


def _historic_leaver(rng: random.Random, housing: Housing, tenancy: Tenancy, start: date) -> None:
    """A member who left years ago: still a row, but not in the household (end_date set)."""
    leaver = tenancy.members[-1]
    span = (start - timedelta(days=60) - leaver.start_date).days
    if span > 1:
        leaver.end_date = leaver.start_date + timedelta(days=rng.randint(1, span))


def _new_build(rng: random.Random, housing: Housing, blocks: list[Any], day: date, refs_iter: int) -> None:
    """A new council block handed over on `day`: properties and first tenancies recorded before the LLPG lists it."""
    n = refs_iter
    for block in blocks:
        n += 1
        block_ref = f"P{n:06d}"
        created = _office_time(rng, day)
        housing.add_property(Property(block_ref, "Block", block.shell.uprn, None, housing_lines(block.shell),
                                      block.shell.postcode, None, block.shell), created)  # fmt: skip
        for flat in block.flats:
            n += 1
            prop = Property(f"P{n:06d}", "Dwelling", flat.uprn, None, housing_lines(flat), flat.postcode, block_ref,
                            flat)  # fmt: skip
            housing.add_property(prop, created)
            housing.relets[day + timedelta(days=rng.randint(0, 10))].append(prop.reference)
