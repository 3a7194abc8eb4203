"""Stand-in for the address gazetteer (LLPG): a full file dropped in the landing zone on refresh days.

advance(D) drops the full file of D when D is a refresh day (the first day, then every few days).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sandbox.housing_world.demo import landing_for, world_for
from sandbox.housing_world.landing import Landing
from sandbox.housing_world.world import HousingRepairsWorld


class GazetteerDemo:
    def __init__(self, landing: Landing) -> None:
        self.landing = landing

    def advance(self, day: date) -> None:
        self.landing.write_gazetteer(day)

    def settings(self) -> dict[str, Any]:
        return {"landing_root": str(self.landing.root)}


@contextmanager
def demo(
    seed: int, first_day: date, workdir: Path, days: int | None = None, world: HousingRepairsWorld | None = None
) -> Iterator[GazetteerDemo]:
    yield GazetteerDemo(landing_for(world or world_for(seed, first_day, days), workdir))
