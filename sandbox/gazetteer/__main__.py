"""Drop the address gazetteer's (LLPG) files in a landing folder for the replayed days, for a connector.

data-platform sandbox gazetteer --landing local/landing --days 30
"""

from __future__ import annotations

import sys

from sandbox.housing_world.demo import drop_files
from sandbox.housing_world.landing import Landing


def main(argv: list[str] | None = None) -> int:
    return drop_files("gazetteer", __doc__.splitlines()[0], Landing.write_gazetteer, argv)


if __name__ == "__main__":
    sys.exit(main())
