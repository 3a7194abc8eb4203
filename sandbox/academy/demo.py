"""The Academy replica as the demo job uses it: a small borough seeded on the first day, advanced one day at a time.

with demo(seed=42, first_day=date(2025, 1, 6), workdir=Path("local/demo/sandbox")) as replica:
    replica.advance(date(2025, 1, 7))
    replica.settings()   # what the platform is given to connect: the read-only login's URL (dlt setting names)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sandbox.academy.replica import AcademyReplica

DEMO_ACCOUNTS = 3_000  # a few thousand accounts: a month of days seeds, advances and imports in well under a minute


class AcademyDemo:
    def __init__(self, replica: AcademyReplica) -> None:
        self.replica = replica

    def advance(self, day: date) -> None:
        self.replica.advance_to(day)

    def settings(self) -> dict[str, Any]:
        return {"connection_url": self.replica.reader_url, "backoff_s": 0.2}


@contextmanager
def demo(seed: int, first_day: date, workdir: Path, accounts: int = DEMO_ACCOUNTS) -> Iterator[AcademyDemo]:
    """Start (or reuse) a private PostgreSQL under workdir, seed a fresh world on first_day; stop it on exit if
    this started it."""
    with AcademyReplica(Path(workdir) / "academy-pg") as replica:
        replica.seed(n_accounts=accounts, seed=seed, start_date=first_day)
        yield AcademyDemo(replica)
