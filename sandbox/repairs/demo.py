"""Stand-in for the contractors' repair logs: the Sheets API over HTTP and the exports dropped in the landing zone.

advance(D) serves the sheets as they stood at D 00:00 and drops the exports the contractors send on D.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sandbox.housing_world.demo import landing_for, world_for
from sandbox.housing_world.landing import REPAIRS_DIR, Landing
from sandbox.housing_world.world import HousingRepairsWorld
from sandbox.repairs.sheets_server import SheetsSandbox


class RepairsDemo:
    def __init__(self, sheets: SheetsSandbox, landing: Landing, key_file: Path) -> None:
        self.sheets, self.landing, self.key_file = sheets, landing, key_file

    def advance(self, day: date) -> None:
        self.sheets.set_today(day)
        self.landing.write_exports(day)

    def settings(self) -> dict[str, Any]:
        return settings_for(self.sheets, self.landing, self.key_file)


def settings_for(sheets: SheetsSandbox, landing: Landing, key_file: Path) -> dict[str, Any]:
    """The dlt settings that point the repairs connector at this stand-in (what a council is given to connect)."""
    contractors = sheets.world.contractors
    exports: dict[str, dict[str, str]] = {}
    for contractor in landing.export_contractors():
        suffix = "xlsx" if contractor.delivery.kind.startswith("xlsx") else "csv"
        exports[contractor.key] = {"pattern": f"{REPAIRS_DIR}/{contractor.key}/*.{suffix}", "format": suffix}
        if contractor.delivery.kind == "csv_incremental":
            exports[contractor.key]["key_column"] = "time_stamp"  # sends only new responses: identified by time
    return {
        "sheets_base_url": sheets.base_url,
        "service_account_key_path": str(key_file),
        "sheets": {k: {"spreadsheet_id": sid, "tab": contractors[k].tab} for k, sid in sheets.spreadsheet_ids.items()},
        "exports": exports,
        "landing_root": str(landing.root),
        "backoff_s": 0.05,
    }


@contextmanager
def demo(
    seed: int, first_day: date, workdir: Path, days: int | None = None, world: HousingRepairsWorld | None = None
) -> Iterator[RepairsDemo]:
    world = world or world_for(seed, first_day, days)
    landing = landing_for(world, workdir)
    with SheetsSandbox(world) as sheets:
        key_file = sheets.write_key_file(Path(workdir) / "repairs-service-account.json")
        yield RepairsDemo(sheets, landing, key_file)
