"""The housing repairs sandbox as the demo job uses it: one seeded world behind three registered sources.

Each source's stand-in (repairs, housing_management, gazetteer) is its own module with a `demo(seed, first_day,
workdir)` context manager, as ingestion/registry.yml expects; all three share one world per (seed, first day) and
one landing folder under `workdir`, so a repair's address, its property and the household there agree. Tests pass
their own (smaller) world to all three instead.
"""

from __future__ import annotations

from datetime import date, timedelta
from functools import cache
from pathlib import Path

from sandbox.housing_repairs.landing import Landing
from sandbox.housing_repairs.world import HousingRepairsWorld

DEMO_SIZE = {"n_addresses": 2000, "n_properties": 500, "n_repairs": 3000}


@cache
def shared_world(seed: int, first_day: date, days: int) -> HousingRepairsWorld:
    return HousingRepairsWorld(seed=seed, start_date=first_day, days=days, **DEMO_SIZE)


def world_for(seed: int, first_day: date, days: int | None) -> HousingRepairsWorld:
    """The world replayed from first_day to today (at least 30 days), shared by the three stand-ins."""
    span = days if days is not None else max(30, (date.today() - first_day).days + 1)
    return shared_world(seed, first_day, span)


def landing_for(world: HousingRepairsWorld, workdir: Path) -> Landing:
    return Landing(world, Path(workdir) / "landing")


def day_before(day: date) -> date:
    return day - timedelta(days=1)
