"""Drop the housing management extract's files in a landing folder for the replayed days, for a connector.

data-platform sandbox housing_management --landing local/landing --days 30
"""

from __future__ import annotations

import argparse
import sys

from sandbox.housing_world.demo import add_world_arguments, replay_days, world_from
from sandbox.housing_world.landing import Landing


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="data-platform sandbox housing_management", description=__doc__.splitlines()[0]
    )
    args = add_world_arguments(parser).parse_args(argv)
    landing = Landing(world_from(args), args.landing)
    written = []
    for day in replay_days(landing.world):
        dropped = landing.write_housing_extract(day)
        written += dropped if isinstance(dropped, list) else [dropped] if dropped else []
    print(f"wrote {len(written)} file(s) under {args.landing}; point the connector at it:")
    print(f"  SOURCES__HOUSING_MANAGEMENT__LANDING_ROOT={args.landing.resolve()}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
