"""The Tascomi sandbox as the demo job uses it: a fresh world served over HTTP, replayed one day at a time.

with demo(seed=42, first_day=date(2025, 1, 6), workdir=Path("local/demo/sandbox")) as vendor:
    vendor.advance(date(2025, 1, 7))
    vendor.settings()   # what a council is given to connect: base URL and keys (dlt setting names)
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sandbox.tascomi.server import TascomiSandbox
from sandbox.tascomi.world import TascomiWorld


class TascomiDemo:
    def __init__(self, server: TascomiSandbox) -> None:
        self.server = server

    def advance(self, day: date) -> None:
        self.server.set_today(day)

    def settings(self) -> dict[str, Any]:
        return {
            "base_url": self.server.base_url,
            "public_key": self.server.public_key,
            "private_key": self.server.private_key,
            "backoff_s": 0.2,
        }


@contextmanager
def demo(seed: int, first_day: date, workdir: Path, initial_applications: int = 300) -> Iterator[TascomiDemo]:
    world = TascomiWorld(seed=seed, start_date=first_day, initial_applications=initial_applications)
    with TascomiSandbox(world) as server:
        yield TascomiDemo(server)
