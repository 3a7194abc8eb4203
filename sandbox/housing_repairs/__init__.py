"""Housing repairs sandbox: one simulated borough behind four sources, with the ground truth of what it served.

Sources it stands in for (one package, because they share one world: a repair's address, its property reference
and the household living there must agree, and sandboxes may not import each other):
  - the contractors' Google Forms response sheets, over a real Sheets API v4 server (`SheetsSandbox`);
  - the contractors who email CSV/XLSX exports instead, dropped in the landing zone (`Landing.write_exports`);
  - the housing management system's daily change-only extract (`Landing.write_housing_extract`);
  - the address gazetteer (LLPG), a full file every few days (`Landing.write_gazetteer`).

    from datetime import date
    from sandbox.housing_repairs import HousingRepairsWorld, Landing, SheetsSandbox

    world = HousingRepairsWorld(seed=42, start_date=date(2025, 1, 6), days=60)
    Landing(world, Path("local/landing")).replay()          # every day's files
    with SheetsSandbox(world) as sheets:                     # http://127.0.0.1:<port>/v4
        sheets.write_key_file(Path("local/sa.json"))         # token_uri points at the sandbox
        sheets.set_today(date(2025, 2, 1))
        sheets.faults.fail_next(2, 429)
    world.link_work(date(2025, 2, 1))                        # the true Link Work list that morning
    world.address_labels(date(2025, 2, 1))                   # (contractor, sheet_row) -> true UPRN or None

Or from a shell: `python -m sandbox.housing_repairs --landing local/landing --serve`.
"""

from sandbox.housing_repairs.contractors import CONTRACTORS, Contractor
from sandbox.housing_repairs.landing import Landing
from sandbox.housing_repairs.sheets_server import SheetsSandbox
from sandbox.housing_repairs.world import HousingRepairsWorld, LinkWorkEntry, RepairTruth

__all__ = [
    "CONTRACTORS",
    "Contractor",
    "HousingRepairsWorld",
    "Landing",
    "LinkWorkEntry",
    "RepairTruth",
    "SheetsSandbox",
]
