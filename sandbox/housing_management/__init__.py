"""Stand-in for the housing management system's daily extract, the `housing_management` source: the full extract
on the first day, then each day's changes, dropped in the landing zone. It plays the housing world
(sandbox/housing_world/), so its properties and addresses agree with the other housing stand-ins.

Or from a shell: `data-platform sandbox housing_management --help`.
"""

from __future__ import annotations

from sandbox.housing_management.demo import HousingDemo, demo


def serve(argv: list[str] | None = None) -> int:
    """`data-platform sandbox housing_management ...`: write the replayed days' files to the landing folder."""
    from sandbox.housing_management.__main__ import main

    return main(argv)


__all__ = ["HousingDemo", "demo", "serve"]
