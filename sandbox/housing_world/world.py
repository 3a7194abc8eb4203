"""One simulated borough behind the housing repairs sources, and the ground truth of everything it served.

The gazetteer, the housing management system and the seven contractors' repair logs are built together from one
seed, so a repair's address, its property reference and the household living there agree. Building replays
`history_years` of repairs before `start_date` and then `days` days of change (households, repairs, edits, header
changes). Every daily stream has its own seed, so a world replayed for 30 days is exactly the first 30 days of the
same world replayed for 60.

"As of day D" everywhere means what had been recorded before D 00:00: the sheets as the API serves them on D, the
exports dropped on D, and the housing extracts of the days before D.
"""

from __future__ import annotations

import bisect
import random
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sandbox.housing_world.contractors import CONTRACTORS, Contractor
from sandbox.housing_world.gazetteer import Address, Gazetteer, build_gazetteer
from sandbox.housing_world.housing import (
    MEMBER_COLUMNS,
    TENANCY_COLUMNS,
    Housing,
    add_years,
    age_on,
    build_housing,
    poisson,
)
from sandbox.housing_world.repairs import Edit, HeaderChange, Repair, RepairLog, repair_targets

DEFAULT_HEADER_RENAMES = {"dlo": (10, "UH Property reference", "UH Property Reference (e.g. P000123)")}
DEFAULT_JUNK_COLUMNS = {"avonline": (5, "")}
DEFAULT_RATES = {
    "tenancy_end": 0.0003,  # per active tenancy per day
    "member_leaves": 0.0006,
    "member_joins": 0.0002,
    "touch": 0.0004,
    "uprn_linked": 0.03,  # per unlinked property per day
    "sheet_corrections": 0.004,  # per recent response per day
}
_M = {name: i for i, name in enumerate(MEMBER_COLUMNS)}
_T = {name: i for i, name in enumerate(TENANCY_COLUMNS)}


@dataclass(frozen=True)
class RepairTruth:
    contractor: str
    sheet_row: int
    location: str  # dwelling | communal | garage
    property_reference: str | None
    uprn: int | None  # the true UPRN; None when the place has no gazetteer record at all
    in_gazetteer: bool  # the UPRN is in the gazetteer file in force on the as-of day
    address_as_typed: str  # the address cell as first submitted
    values: dict[str, Any]  # datetime_raised, priority_code, sor, order_value, completed_date, description_of_work
    edits: tuple[Edit, ...]  # every edit made before the as-of day, in time order


@dataclass(frozen=True)
class LinkWorkEntry:
    member_id: str
    forename: str
    surname: str
    date_of_birth: date
    age: int
    tenancy_reference: str
    property_reference: str
    uprn: int | None
    last_repair: date | None


class HousingRepairsWorld:
    """The borough, its residents and its repairs; deterministic from `seed`."""

    def __init__(
        self,
        seed: int = 42,
        start_date: date = date(2025, 1, 6),
        days: int = 60,
        *,
        n_addresses: int = 2000,
        n_properties: int = 500,
        n_residents: int | None = None,
        n_repairs: int = 3000,
        history_years: int = 6,
        gazetteer_every_days: int = 7,
        new_build_flats: int = 12,
        new_build_offset_days: int = 15,
        new_build_listing_lag_days: int = 10,
        quiet_home_share: float = 0.35,
        turning_70_window: int = 90,
        header_renames: dict[str, tuple[int, str, str]] | None = None,
        junk_columns: dict[str, tuple[int, str]] | None = None,
        rates: dict[str, float] | None = None,
        contractors: dict[str, Contractor] | None = None,
    ) -> None:
        self.seed = seed
        self.start_date = start_date
        self.days = days
        self.end_date = start_date + timedelta(days=days - 1)  # the last simulated day
        self.gazetteer_every_days = gazetteer_every_days
        self.rates = {**DEFAULT_RATES, **(rates or {})}
        self.contractors = contractors or CONTRACTORS
        new_build_day = start_date + timedelta(days=new_build_offset_days) if new_build_flats else None
        listed = new_build_day + timedelta(days=new_build_listing_lag_days) if new_build_day else None

        self.gazetteer: Gazetteer = build_gazetteer(
            self._rng("gazetteer"), n_addresses, int(0.85 * n_properties),
            new_build_flats=new_build_flats, new_build_listed=listed,
        )  # fmt: skip
        self.housing: Housing = build_housing(
            self._rng("housing"), self.gazetteer, start_date, turning_70_window, n_properties,
            n_residents or round(n_properties * 2.2), new_build_day=new_build_day,
        )  # fmt: skip
        postcodes: dict[int, set[str]] = defaultdict(set)
        for a in self.gazetteer.addresses:
            postcodes[a.usrn].add(a.postcode)
        blocks = {ref: p for ref, p in self.housing.properties.items() if p.kind == "Block"}
        self.log = RepairLog(
            start_date,
            contractors=self.contractors,
            header_renames=DEFAULT_HEADER_RENAMES if header_renames is None else header_renames,
            junk_columns=DEFAULT_JUNK_COLUMNS if junk_columns is None else junk_columns,
            street_postcodes={usrn: sorted(pcs) for usrn, pcs in postcodes.items()},
            blocks=blocks,
        )
        self._created = {ref: v[0][0].date() for ref, v in self.housing.versions["properties"].items()}
        self._simulate(history_years, n_repairs, quiet_home_share)
        self._repairs_by_property = self._index_repairs()

    def _rng(self, *stream: object) -> random.Random:
        return random.Random(":".join(["housing-repairs", str(self.seed), *map(str, stream)]))

    def _simulate(self, history_years: int, n_repairs: int, quiet_share: float) -> None:
        props = list(self.housing.properties.values())
        targets = repair_targets(self._rng("repair-rates"), props, quiet_share)
        first = self.start_date - timedelta(days=round(history_years * 365.25))
        per_day = n_repairs / max(1, (self.start_date - first).days)
        day = first
        while day <= self.end_date:
            if day >= self.start_date:
                self.housing.simulate_day(self._rng("housing", day), day, self.rates)
            rng = self._rng("repairs", day)
            moments = sorted(
                datetime.combine(day, time(6, 30)) + timedelta(seconds=rng.randint(0, 15 * 3600))
                for _ in range(poisson(rng, per_day))
            )
            for moment in moments:
                prop = targets.pick(rng)
                if self._created[prop.reference] > day:
                    continue  # a new build that does not exist yet
                self.log.add(self.log.new_repair(rng, prop, moment))
            if day >= self.start_date:
                self.log.corrections(rng, day, self.rates["sheet_corrections"])
            day += timedelta(days=1)
        self.log.junk_scribbles(self._rng("junk"))

    def _index_repairs(self) -> dict[str, list[datetime]]:
        index: dict[str, list[datetime]] = defaultdict(list)
        for rows in self.log.repairs.values():
            for r in rows:
                if r.property_reference:
                    index[r.property_reference].append(r.raised)
        for times in index.values():
            times.sort()
        return index

    # ------------------------------------------------------------------ what the sources serve

    @staticmethod
    def cutoff(day: date) -> datetime:
        return datetime.combine(day, time())

    def days_replayed(self) -> Iterator[date]:
        return (self.start_date + timedelta(days=i) for i in range(self.days))

    def sheet_values(self, contractor: str, day: date) -> list[list[str]]:
        """The contractor's sheet as of `day` 00:00: header row, then responses; all strings, no trimming."""
        return self.log.values_at(contractor, self.cutoff(day))

    def gazetteer_file_day(self, day: date) -> date:
        """The day of the gazetteer file in force on `day` (files come every `gazetteer_every_days`)."""
        if day < self.start_date:
            return self.start_date
        return day - timedelta(days=(day - self.start_date).days % self.gazetteer_every_days)

    def gazetteer_on(self, day: date) -> list[Address]:
        file_day = self.gazetteer_file_day(day)
        return [a for a in self.gazetteer.addresses if a.listed_on(file_day)]

    def header_changes(self) -> list[HeaderChange]:
        return list(self.log.header_changes)

    # ------------------------------------------------------------------ ground truth: repairs

    def repair(self, contractor: str, sheet_row: int) -> Repair:
        return self.log.repairs[contractor][sheet_row - 2]

    def repair_truth(self, contractor: str, sheet_row: int, as_of: date | None = None) -> RepairTruth:
        """The truth about one response as of `as_of` (default: the day after the last simulated day)."""
        as_of = as_of or self.end_date + timedelta(days=1)
        r = self.repair(contractor, sheet_row)
        cutoff = self.cutoff(as_of)
        address = self.gazetteer.by_uprn.get(r.uprn) if r.uprn is not None else None
        listed = address is not None and address.listed_on(self.gazetteer_file_day(as_of))
        return RepairTruth(
            contractor, sheet_row, r.location, r.property_reference, r.uprn, listed,
            r.cells.get("property_address", ""), r.truth_at(cutoff),
            tuple(e for e in r.edits if e.at < cutoff),
        )  # fmt: skip

    def repairs_truth(self, as_of: date | None = None) -> Iterator[RepairTruth]:
        """Every response visible as of `as_of`, all contractors."""
        as_of = as_of or self.end_date + timedelta(days=1)
        for key in self.log.repairs:
            for r in self.log.visible(key, self.cutoff(as_of)):
                yield self.repair_truth(key, r.sheet_row, as_of)

    def edits_on(self, contractor: str, day: date) -> list[tuple[int, Edit]]:
        """(sheet_row, edit) for every in-place edit made to the contractor's sheet on `day`, in time order."""
        return self.log.edits_on(contractor, day)

    def address_labels(self, as_of: date | None = None) -> dict[tuple[str, int], int | None]:
        """Labelled truth for address matching: (contractor, sheet_row) -> true UPRN, or None ("not in gazetteer").

        None covers places with no gazetteer record (garages) and new builds the gazetteer file in force on
        `as_of` does not list yet.
        """
        return {(t.contractor, t.sheet_row): (t.uprn if t.in_gazetteer else None) for t in self.repairs_truth(as_of)}

    # ------------------------------------------------------------------ ground truth: residents

    def household_on(self, tenancy_reference: str, day: date) -> list[str]:
        """Member ids in the household on `day` (start_date <= day < end_date)."""
        tenancy = self.housing.tenancies[tenancy_reference]
        return [m.member_id for m in tenancy.members if m.active_on(day)]

    def resident(self, member_id: str) -> dict[str, Any]:
        m = self.housing.members[member_id]
        tenancy = self.housing.tenancies[m.tenancy_reference]
        return {
            "member_id": m.member_id,
            "date_of_birth": m.date_of_birth,
            "tenancy_reference": m.tenancy_reference,
            "property_reference": tenancy.property_reference,
            "start_date": m.start_date,
            "end_date": m.end_date,
        }

    def repairs_at(self, property_reference: str, before: datetime) -> list[datetime]:
        times = self._repairs_by_property.get(property_reference, [])
        return times[: bisect.bisect_left(times, before)]

    def link_work(
        self,
        run_date: date,
        *,
        min_age: int = 70,
        max_household: int = 1,
        lookback_years: int = 2,
        tenures: set[str] | None = None,
    ) -> list[LinkWorkEntry]:
        """The true Link Work list on `run_date`, from what was recorded before run_date 00:00.

        A resident qualifies when, on run_date: aged `min_age` or more; in a household of at most
        `max_household` members on a tenancy active that day; and no repair raised at the home (the tenancy's
        dwelling, by its true property) on or after run_date minus `lookback_years`, or never.
        """
        cutoff = self.cutoff(run_date)
        since = add_years(run_date, -lookback_years)
        housing = self.housing
        out = []
        for ref, tenancy in housing.tenancies.items():
            row = housing.row_before("tenancies", ref, cutoff)
            if row is None or not _active(row[_T["start_date"]], row[_T["end_date"]], run_date):
                continue
            if tenures is not None and row[_T["tenure_type"]] not in tenures:
                continue
            members = [housing.row_before("household_members", m.member_id, cutoff) for m in tenancy.members]
            present = [m for m in members if m and _active(m[_M["start_date"]], m[_M["end_date"]], run_date)]
            if not present or len(present) > max_household:
                continue
            prop = housing.properties[tenancy.property_reference]
            repairs = self.repairs_at(prop.reference, cutoff)
            last = repairs[-1].date() if repairs else None
            if last is not None and last >= since:
                continue
            for m in present:
                dob = m[_M["date_of_birth"]]
                if age_on(dob, run_date) >= min_age:
                    out.append(LinkWorkEntry(m[_M["member_id"]], m[_M["forename"]], m[_M["surname"]], dob,
                                             age_on(dob, run_date), ref, prop.reference, prop.uprn, last))  # fmt: skip
        return sorted(out, key=lambda e: e.member_id)

    def counts(self) -> dict[str, int]:
        return {
            "addresses": len(self.gazetteer.addresses),
            "properties": len(self.housing.properties),
            "tenancies": len(self.housing.tenancies),
            "residents": len(self.housing.members),
            "repairs": sum(len(v) for v in self.log.repairs.values()),
            "edits": sum(len(r.edits) for v in self.log.repairs.values() for r in v),
        }


def _active(start: date, end: date | None, day: date) -> bool:
    return start <= day and (end is None or day < end)
