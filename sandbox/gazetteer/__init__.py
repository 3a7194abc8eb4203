"""Stand-in for the address gazetteer (LLPG), the `gazetteer` source: a full file dropped in the landing zone on
each refresh day. It plays the housing world (sandbox/housing_world/), so its addresses agree with the other
housing stand-ins.

Or from a shell: `data-platform sandbox gazetteer --help`.
"""

from __future__ import annotations

from sandbox.gazetteer.demo import GazetteerDemo, demo


def serve(argv: list[str] | None = None) -> int:
    """`data-platform sandbox gazetteer ...`: write the replayed days' files to the landing folder."""
    from sandbox.gazetteer.__main__ import main

    return main(argv)


__all__ = ["GazetteerDemo", "demo", "serve"]
