"""Academy (Capita) replica sandbox: a real PostgreSQL server standing in for the reporting copy of council tax,
housing benefit and business rates (production: SQL Server `LBHALiveRBViews`). See README.md beside this file.

    from datetime import date
    from sandbox.academy import AcademyReplica

    with AcademyReplica("local/academy-pg") as replica:       # installs/starts PostgreSQL as needed
        replica.seed(n_accounts=2_000, seed=42, start_date=date(2025, 1, 6))
        replica.advance_to(date(2025, 1, 20))                 # day-by-day change
        replica.reader_url                                    # read-only login for the platform
        replica.truth.rows_as_of("ctaccount", date(2025, 1, 10))
        replica.faults.terminate_reader_connections()

Or from a shell: `data-platform sandbox academy start|seed|advance|status|stop`.
"""

from __future__ import annotations

from sandbox.academy.demo import AcademyDemo, demo
from sandbox.academy.faults import Faults
from sandbox.academy.replica import DATABASE, OWNER, READER, AcademyReplica
from sandbox.academy.server import PostgresCluster, PostgresUnavailable, ensure_installed
from sandbox.academy.truth import GroundTruth, Resident, RowVersion


def serve(argv: list[str] | None = None) -> int:
    """`data-platform sandbox academy start|seed|advance|status|stop ...`: run the replica from a shell."""
    from sandbox.academy.__main__ import main

    return main(argv)


__all__ = [
    "DATABASE",
    "OWNER",
    "READER",
    "AcademyDemo",
    "AcademyReplica",
    "Faults",
    "GroundTruth",
    "PostgresCluster",
    "PostgresUnavailable",
    "Resident",
    "RowVersion",
    "demo",
    "ensure_installed",
    "serve",
]
