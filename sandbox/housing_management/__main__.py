"""Drop the housing management extract's files in a landing folder for the replayed days, for a connector.

data-platform sandbox housing_management --landing local/landing --days 30
"""

from __future__ import annotations

import sys

from sandbox.housing_world.demo import drop_files
from sandbox.housing_world.landing import Landing


def main(argv: list[str] | None = None) -> int:
    return drop_files("housing_management", __doc__.splitlines()[0], Landing.write_housing_extract, argv)


if __name__ == "__main__":
    sys.exit(main())
