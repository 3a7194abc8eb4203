"""The housing world: one simulated borough that three registered sources describe, with the ground truth of what
they served. Not a source itself: the stand-ins are sandbox/repairs/, sandbox/housing_management/ and
sandbox/gazetteer/, which all play this one world, because a repair's address, its property reference and the
household living there must agree across them (tests/test_import_rules.py lets exactly those three import it).
  - the contractors' Google Forms response sheets, over a real Sheets API v4 server (sandbox.repairs.SheetsSandbox);
  - the contractors who email CSV/XLSX exports instead, dropped in the landing zone (`Landing.write_exports`);
  - the housing management system's daily change-only extract (`Landing.write_housing_extract`);
  - the address gazetteer (LLPG), a full file every few days (`Landing.write_gazetteer`).

    from datetime import date
    from sandbox.housing_world import HousingRepairsWorld, Landing
    from sandbox.repairs import SheetsSandbox

    world = HousingRepairsWorld(seed=42, start_date=date(2025, 1, 6), days=60)
    Landing(world, Path("local/landing")).replay()          # every day's files
    with SheetsSandbox(world) as sheets:                     # http://127.0.0.1:<port>/v4
        sheets.write_key_file(Path("local/sa.json"))         # token_uri points at the sandbox
        sheets.set_today(date(2025, 2, 1))
        sheets.faults.fail_next(2, 429)
    world.link_work(date(2025, 2, 1))                        # the true Link Work list that morning
    world.address_labels(date(2025, 2, 1))                   # (contractor, sheet_row) -> true UPRN or None

Or from a shell: `data-platform sandbox repairs|housing_management|gazetteer --help`.
"""

from sandbox.housing_world.contractors import CONTRACTORS, Contractor
from sandbox.housing_world.landing import Landing
from sandbox.housing_world.world import HousingRepairsWorld, LinkWorkEntry, RepairTruth

__all__ = [
    "CONTRACTORS",
    "Contractor",
    "HousingRepairsWorld",
    "Landing",
    "LinkWorkEntry",
    "RepairTruth",
]
