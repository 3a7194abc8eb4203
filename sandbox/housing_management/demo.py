"""Stand-in for the housing management system's daily extract, dropped in the landing zone.

advance(D) drops the extract of the day before (the changes recorded during D-1, written that night; the first
file is the full extract), so a run on the morning of D has everything recorded before D.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sandbox.housing_world.demo import day_before, landing_for, world_for
from sandbox.housing_world.landing import Landing
from sandbox.housing_world.world import HousingRepairsWorld


class HousingDemo:
    def __init__(self, landing: Landing) -> None:
        self.landing = landing

    def advance(self, day: date) -> None:
        if day_before(day) >= self.landing.world.start_date:
            self.landing.write_housing_extract(day_before(day))

    def settings(self) -> dict[str, Any]:
        return {"landing_root": str(self.landing.root)}


@contextmanager
def demo(
    seed: int, first_day: date, workdir: Path, days: int | None = None, world: HousingRepairsWorld | None = None
) -> Iterator[HousingDemo]:
    yield HousingDemo(landing_for(world or world_for(seed, first_day, days), workdir))
