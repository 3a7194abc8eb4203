"""Tascomi (Idox) planning API sandbox: a deterministic simulated world served over real HTTP.

It plays the vendor from its own copy of the vendor's schema (`vendor_schema.json`: 48 tables, applications ~750
columns wide), never from the platform's contract.

    from datetime import date
    from sandbox.tascomi import TascomiSandbox, TascomiWorld

    world = TascomiWorld(seed=42, start_date=date(2025, 1, 6), initial_applications=300)
    world.daily_tables, world.lookup_tables        # 21 pulled by last_updated, 27 served in full
    with TascomiSandbox(world) as server:          # http://127.0.0.1:<port>/rest/v1
        server.set_today(date(2025, 2, 5))         # the server's now is 06:00 on that day
        server.faults.fail_next(2)                 # inject vendor failures
        truth = world.ground_truth("applications", date(2025, 1, 6), date(2025, 2, 5),
                                   ignore_columns=["gis_map_image_base64"])

Or from a shell: `data-platform sandbox tascomi --port 8765 --today 2025-02-05`.
"""

from __future__ import annotations

from sandbox.tascomi.demo import demo
from sandbox.tascomi.server import Faults, TascomiSandbox
from sandbox.tascomi.world import TascomiWorld


def serve(argv: list[str] | None = None) -> int:
    """`data-platform sandbox tascomi ...`: serve the vendor API until Ctrl-C."""
    from sandbox.tascomi.__main__ import serve as run

    return run(argv)


__all__ = ["Faults", "TascomiSandbox", "TascomiWorld", "demo", "serve"]
