"""Stand-in for the housing repairs contractors' logs (the `repairs` source): their Google Forms response sheets
over a real Sheets API v4 server with its OAuth token endpoint (`SheetsSandbox`), and the CSV/XLSX exports the
others email, dropped in the landing zone. It plays the housing world (sandbox/housing_world/).

    with demo(seed=42, first_day=date(2025, 1, 6), workdir=Path("local/demo/sandbox")) as repairs:
        repairs.advance(date(2025, 1, 7))
        repairs.settings()   # what the repairs connector is given to connect (dlt setting names)

Or from a shell: `data-platform sandbox repairs --help`.
"""

from __future__ import annotations

from sandbox.repairs.demo import RepairsDemo, demo, settings_for
from sandbox.repairs.sheets_server import Faults, SheetsSandbox


def serve(argv: list[str] | None = None) -> int:
    """`data-platform sandbox repairs ...`: write the exports and serve the sheets until Ctrl-C."""
    from sandbox.repairs.__main__ import main

    return main(argv)


__all__ = ["Faults", "RepairsDemo", "SheetsSandbox", "demo", "serve", "settings_for"]
