"""Repairs as the contractors log them: one response per repair, edited in place later, sheets that drift.

Each `Repair` keeps the cells as first submitted, the true values beside them, and every later edit with its time,
so the sheet can be rebuilt as of any moment and the truth told as of any moment. Edits are direct cell edits
(the Timestamp cell never changes). A sheet's rows are in Timestamp order and never move: a response's identity
is its A1 row number (`sheet_row`, 2 for the first response under the header row).
"""

from __future__ import annotations

import bisect
import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from sandbox.housing_world import messy, vocab
from sandbox.housing_world.contractors import CONTRACTORS, Column, Contractor
from sandbox.housing_world.gazetteer import Address
from sandbox.housing_world.housing import Property, age_on, poisson

TRUTH_FIELDS = ("datetime_raised", "priority_code", "sor", "order_value", "completed_date", "description_of_work")
NEW_JUNK = "junk_new"  # the field behind a junk column that appears mid-run


@dataclass(frozen=True, slots=True)
class Edit:
    at: datetime
    field: str  # the cell's field
    old: str
    new: str
    truth_field: str | None = None  # the true field this edit changes, if any
    truth_value: Any = None


@dataclass(frozen=True, slots=True)
class HeaderChange:
    contractor: str
    at: datetime
    position: int  # 0-based column index
    old: str | None  # None: a new column appeared
    new: str


@dataclass(slots=True)
class Repair:
    contractor: str
    sheet_row: int
    raised: datetime
    location: str  # dwelling | communal | garage
    property_reference: str | None  # the true property (block for communal repairs)
    uprn: int | None  # the true UPRN; None when the place has no gazetteer record (garages)
    place: Address | None  # the gazetteer address the repair happened at (for re-typing corrections)
    cells: dict[str, str]
    truth: dict[str, Any]
    edits: list[Edit] = field(default_factory=list)

    def cells_at(self, cutoff: datetime) -> dict[str, str]:
        if not self.edits or self.edits[0].at >= cutoff:
            return self.cells
        cells = dict(self.cells)
        for edit in self.edits:
            if edit.at >= cutoff:
                break
            cells[edit.field] = edit.new
        return cells

    def truth_at(self, cutoff: datetime) -> dict[str, Any]:
        truth = dict(self.truth)
        for edit in self.edits:
            if edit.at >= cutoff:
                break
            if edit.truth_field:
                truth[edit.truth_field] = edit.truth_value
        return truth

    def add_edit(self, edit: Edit) -> None:
        bisect.insort(self.edits, edit, key=lambda e: e.at)


@dataclass
class Targets:
    """Where repairs happen, weighted: dwellings (by their own repair rate), block common parts, garages."""

    properties: list[Property]
    cumulative: list[float]

    def pick(self, rng: random.Random) -> Property:
        return self.properties[bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])]


def repair_targets(rng: random.Random, properties: list[Property], quiet_share: float) -> Targets:
    """Per-property rates: a share of homes are quiet (rarely report anything), the rest heavy-tailed."""
    chosen, cumulative, total = [], [], 0.0
    for prop in properties:
        if prop.kind == "Dwelling":
            weight = 0.03 if rng.random() < quiet_share else rng.lognormvariate(0.0, 0.8)
            if prop.address is not None and prop.address.listed_from is not None:
                weight = 4.0  # a new build: snagging brings many repairs in the first weeks
        elif prop.kind == "Block":
            weight = 0.4 + 0.02 * (len(prop.address.lines()) if prop.address else 0)
        else:
            weight = 0.05
        total += weight
        chosen.append(prop)
        cumulative.append(total)
    return Targets(chosen, cumulative)


class RepairLog:
    """Every contractor's sheet: responses, edits, header changes."""

    def __init__(
        self,
        start_date: date,
        *,
        contractors: dict[str, Contractor] | None = None,
        header_renames: dict[str, tuple[int, str, str]] | None = None,
        junk_columns: dict[str, tuple[int, str]] | None = None,
        street_postcodes: dict[int, list[str]] | None = None,
        blocks: dict[str, Property] | None = None,
    ) -> None:
        self.start_date = start_date
        self.start = datetime.combine(start_date, time())
        self.contractors = contractors or CONTRACTORS
        self.repairs: dict[str, list[Repair]] = {k: [] for k in self.contractors}
        self._raised: dict[str, list[datetime]] = {k: [] for k in self.contractors}
        self.street_postcodes = street_postcodes or {}
        self.blocks = blocks or {}  # block property reference -> block (garages hang off blocks)
        self.header_changes: list[HeaderChange] = []
        self._edits_by_day: dict[tuple[str, date], list[tuple[int, Edit]]] | None = None  # built on first use
        for key, (offset, old, new) in (header_renames or {}).items():
            position = [c.header for c in self.contractors[key].columns].index(old)
            at = datetime.combine(start_date + timedelta(days=offset), time(11, 23))
            self.header_changes.append(HeaderChange(key, at, position, old, new))
        for key, (offset, header) in (junk_columns or {}).items():
            at = datetime.combine(start_date + timedelta(days=offset), time(9, 41))
            self.header_changes.append(HeaderChange(key, at, len(self.contractors[key].columns), None, header))
        self.header_changes.sort(key=lambda h: h.at)

    # ------------------------------------------------------------------ the sheet as of a moment

    def columns_at(self, key: str, cutoff: datetime) -> list[Column]:
        columns = list(self.contractors[key].columns)
        for change in self.header_changes:
            if change.contractor != key or change.at >= cutoff:
                continue
            if change.old is None:
                columns.append(Column(change.new, NEW_JUNK))
            else:
                columns[change.position] = Column(change.new, columns[change.position].field)
        return columns

    def visible(self, key: str, cutoff: datetime) -> list[Repair]:
        """Responses submitted before `cutoff`, in sheet order."""
        return self.repairs[key][: bisect.bisect_left(self._raised[key], cutoff)]

    def values_at(self, key: str, cutoff: datetime) -> list[list[str]]:
        """The whole sheet as of `cutoff`: header row then one row per response, every cell a string."""
        columns = self.columns_at(key, cutoff)
        fields = [c.field for c in columns]
        rows = [[c.header for c in columns]]
        for repair in self.visible(key, cutoff):
            cells = repair.cells_at(cutoff)
            rows.append([cells.get(f, "") for f in fields])
        return rows

    def edits_on(self, key: str, day: date) -> list[tuple[int, Edit]]:
        """(sheet_row, edit) for every edit made on `day`, in time order."""
        if self._edits_by_day is None:
            index: dict[tuple[str, date], list[tuple[int, Edit]]] = {}
            for k, rows in self.repairs.items():
                for r in rows:
                    for e in r.edits:
                        index.setdefault((k, e.at.date()), []).append((r.sheet_row, e))
            for edits in index.values():
                edits.sort(key=lambda pair: pair[1].at)
            self._edits_by_day = index
        return list(self._edits_by_day.get((key, day), []))

    # ------------------------------------------------------------------ generation

    def add(self, repair: Repair) -> None:
        repair.sheet_row = len(self.repairs[repair.contractor]) + 2
        self.repairs[repair.contractor].append(repair)
        self._raised[repair.contractor].append(repair.raised)

    def contractor_for(self, rng: random.Random, prop: Property, day: date) -> Contractor:
        live = [c for c in self.contractors.values() if day >= self.start_date - timedelta(days=c.since_days)]
        if prop.kind != "Dwelling":
            live = [c for c in live if c.key in ("dlo", "axis", "purdy")] or live
        return rng.choices(live, [c.share for c in live])[0]

    def new_repair(self, rng: random.Random, prop: Property, moment: datetime) -> Repair:
        """One response: where (address as typed), who (the household then), what (work, priority, money)."""
        contractor = self.contractor_for(rng, prop, moment.date())
        fields = contractor.fields()
        location, place, uprn, works = _location(prop, contractor)
        cells: dict[str, str] = {"datetime_raised": messy.timestamp_text(moment)}
        truth: dict[str, Any] = {"datetime_raised": moment, "completed_date": None}
        cells.update(self._where(rng, prop, place, contractor))
        cells.update(_who(rng, prop, moment.date()))
        late_value = _what(rng, rng.choice(works), contractor, cells, truth)
        if rng.random() < 0.01:
            cells["junk"] = rng.choice(vocab.JUNK_SCRIBBLES)
        if self._junk_column_since(contractor.key, moment) and rng.random() < 0.2:
            cells[NEW_JUNK] = rng.choice(vocab.JUNK_SCRIBBLES)
        cells = {k: v for k, v in cells.items() if k in fields or k == NEW_JUNK}
        code = truth["priority_code"] or 4
        truth = {k: (truth.get(k) if _has_truth(k, fields) else None) for k in TRUTH_FIELDS}
        repair = Repair(contractor.key, 0, moment, location, prop.reference, uprn, place, cells, truth)
        self._completion(rng, repair, contractor, code, late_value)
        return repair

    def _where(self, rng: random.Random, prop: Property, place: Address | None, c: Contractor) -> dict[str, str]:
        """The address and postcode as typed, and (DLO) the property reference as typed."""
        if prop.kind == "Garage":
            number = int(prop.lines[0].rsplit(" ", 1)[-1])
            text, postcode = messy.garage_text(rng, number, _block_of(prop, self.blocks), c.habits)
        elif prop.kind == "Block" and place is not None:
            text, postcode = messy.communal_text(rng, place, c.habits)
        elif place is not None:
            postcodes = self.street_postcodes.get(place.usrn, [])
            text, postcode = messy.address_text(rng, place, c.habits, postcodes)
        else:
            raise ValueError(f"property {prop.reference} has no address to type")
        cells = {"property_address": text, "postal_code_raw": postcode}
        if "property_reference_uh" in c.fields():
            cells["property_reference_uh"] = _reference_as_typed(rng, prop.reference)
        return cells

    def _junk_column_since(self, key: str, moment: datetime) -> bool:
        return any(h.contractor == key and h.old is None and h.at <= moment for h in self.header_changes)

    def _completion(self, rng: random.Random, repair: Repair, contractor: Contractor, code: int,
                    late_value: float | None) -> None:  # fmt: skip
        """Most jobs get a completion date typed in later; before the run it is already in the first cells."""
        if rng.random() < 0.08 or "completed_date" not in contractor.fields():
            return
        days = {1: (0, 0), 2: (0, 2), 3: (1, 7), 4: (3, 40)}[code]
        done = repair.raised + timedelta(days=rng.randint(*days), hours=rng.randint(1, 6))
        typed_at = done + timedelta(minutes=rng.randint(5, 72 * 60))
        done_text = messy.date_text(done.date(), contractor.habits.date_completed_format)
        changes = [("completed_date", done_text, "completed_date", done.date())]
        if late_value is not None:
            changes.append(("order_value", messy.money_text(rng, late_value), "order_value", late_value))
        if "order_status_notes" in repair.cells:
            changes.append(("order_status_notes", "Completed", None, None))
        for cell, text, truth_field, value in changes:
            if typed_at < self.start:
                repair.cells[cell] = text
                if truth_field:
                    repair.truth[truth_field] = value
            else:
                old = repair.cells.get(cell, "")
                repair.add_edit(Edit(typed_at, cell, old, text, truth_field, value))

    def corrections(self, rng: random.Random, day: date, rate: float) -> None:
        """Someone goes back and fixes earlier responses: priority, address typed again, value."""
        day_start = datetime.combine(day, time())
        for key in self.repairs:
            recent = self.visible(key, day_start)[-400:]
            if not recent:
                continue
            fields = self.contractors[key].fields()
            for _ in range(poisson(rng, len(recent) * rate)):
                repair = rng.choice(recent)
                at = day_start + timedelta(hours=8, seconds=rng.randint(0, 9 * 3600))
                kind = rng.choice(("priority", "address", "value"))
                current = repair.cells_at(at)
                if kind == "priority" and "work_priority_description" in fields:
                    code = rng.choice((1, 2, 3, 4))
                    new = messy.priority_text(rng, code)
                    old = current.get("work_priority_description", "")
                    repair.add_edit(Edit(at, "work_priority_description", old, new, "priority_code", code))
                elif kind == "address" and repair.place is not None and repair.location == "dwelling":
                    careful = messy.Habits(typo=0.0, postcode_missing=0.0, abbreviate=0.0, upper=1.0)
                    text, _ = messy.address_text(rng, repair.place, careful, [])
                    repair.add_edit(Edit(at, "property_address", current.get("property_address", ""), text))
                elif kind == "value" and "order_value" in fields:
                    value = round(rng.uniform(30, 600), 2)
                    repair.add_edit(Edit(at, "order_value", current.get("order_value", ""),
                                         messy.money_text(rng, value), "order_value", value))  # fmt: skip

    def junk_scribbles(self, rng: random.Random) -> None:
        """When a junk column appears, someone scribbles in it against a few older rows straight away."""
        for change in self.header_changes:
            if change.old is not None:
                continue
            earlier = self.visible(change.contractor, change.at)[-50:]
            for repair in rng.sample(earlier, min(3, len(earlier))):
                at = change.at + timedelta(minutes=rng.randint(1, 30))
                repair.add_edit(Edit(at, NEW_JUNK, "", rng.choice(vocab.JUNK_SCRIBBLES)))


def _location(prop: Property, contractor: Contractor) -> tuple[str, Address | None, int | None, tuple]:
    """(location kind, gazetteer address, true UPRN, the works that happen there)."""
    if prop.kind == "Garage":
        return "garage", None, None, vocab.GARAGE_WORKS
    if prop.kind == "Block":
        return "communal", prop.address, prop.uprn, vocab.COMMUNAL_WORKS
    lifts = contractor.key == "stannah"  # Stannah only does stairlifts; nobody else does
    return "dwelling", prop.address, prop.uprn, tuple(w for w in vocab.WORKS if (w[0] == "Lifts") == lifts)


def _who(rng: random.Random, prop: Property, day: date) -> dict[str, str]:
    """Name, phones and flags of the household's first member on `day`, if the home was let."""
    tenancy = prop.tenancy_on(day) if prop.kind == "Dwelling" else None
    resident = next((m for m in tenancy.members if m.active_on(day)), None) if tenancy else None
    if resident is None:
        return {}
    phone = messy.phone_number(rng)
    cells = {
        "name_full": rng.choice((f"{resident.title} {resident.surname}", f"{resident.forename} {resident.surname}")),
        "phone_1": phone,
        "contact_information": messy.contact_text(rng, resident.title, resident.surname, resident.forename, phone),
    }
    if rng.random() < 0.2:
        cells["phone_2"] = messy.phone_number(rng)
    elderly = age_on(resident.date_of_birth, day) >= 70
    if rng.random() < (0.4 if elderly else 0.05):
        cells["vulnerability_flag"] = "Yes"
        cells["vulnerability_notes"] = rng.choice(vocab.VULNERABILITY_NOTES)
    else:
        cells["vulnerability_flag"] = rng.choice(("No", "No", ""))
    if rng.random() < 0.03:
        cells["alert_regarding_person"] = "Yes"
        cells["alert_regarding_person_notes"] = "Two officers to attend"
    return cells


def _what(rng: random.Random, work: tuple, contractor: Contractor, cells: dict[str, str],
          truth: dict[str, Any]) -> float | None:  # fmt: skip
    """Fill the work cells and their truth; returns the order value when it is only typed in at completion."""
    trade, description, sor, typical = work
    code = messy.priority(rng)
    blank_priority = rng.random() < 0.02
    cells["work_priority_description"] = "" if blank_priority else messy.priority_text(rng, code)
    truth["priority_code"] = None if blank_priority else code
    cells["description_of_work"] = description
    cells["trade_description"] = trade
    cells["sor"] = messy.sor_text(rng, sor, description)
    truth["sor"] = sor
    truth["description_of_work"] = description
    value = round(typical * rng.lognormvariate(0.0, 0.35), 2)
    value_later = contractor.key == "dlo" and rng.random() < 0.5  # DLO often prices the job when it is done
    if not value_later:
        cells["order_value"] = messy.money_text(rng, value)
    truth["order_value"] = None if value_later else value
    operative = rng.choice(vocab.OPERATIVES)
    cells["operative"] = operative
    cells["email_staff"] = f"{operative.replace('. ', '.').lower()}@{contractor.key.replace('_', '')}.example.com"
    cells["recharge"] = rng.choice(("No", "No", "No", "Yes", ""))
    cells["form_ref"] = f"{contractor.key[:3].upper()}-{rng.randint(100000, 999999)}"
    cells["order_status_notes"] = "Awaiting visit"
    return value if value_later else None


def _has_truth(truth_field: str, fields: set[str]) -> bool:
    cell = {"priority_code": "work_priority_description"}.get(truth_field, truth_field)
    return cell in fields


def _block_of(prop: Property, lookup: dict[str, Property]) -> Address:
    block = lookup[prop.block_reference or ""]
    assert block.address is not None
    return block.address


def _reference_as_typed(rng: random.Random, reference: str) -> str:
    """DLO staff type the housing reference by hand: mostly right, sometimes without the P or a zero."""
    roll = rng.random()
    if roll < 0.03:
        return reference[1:]
    if roll < 0.05:
        return reference.lower()
    if roll < 0.06:
        return f"{reference[:3]} {reference[3:]}"
    if roll < 0.09:
        return ""
    return reference
