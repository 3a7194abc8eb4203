"""Fault-free Tascomi imports of the tascomi_sandbox world (tests/conftest.py), each landed once per test run.

Most Tascomi tests start from fault-free imports (the first day's full pull, a day or two of changes) and compare
what a fault left with what fault-free imports over the same days land. Those imports are the same in every test: the
world is the seed's (a fresh sandbox serves the same records on the same day, whoever asked before), so each is
landed once, under a file lock in the run's shared temporary folder, and copied by every test that starts from it or
compares with it (it was a third of the ingestion tests' CPU, landing the same days again in each test). A longer
schedule goes on from the home of its longest landed prefix, as the connector itself would the next day.
"""

from __future__ import annotations

import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from filelock import FileLock

from core.registry import source_entry
from core.workspace import Workspace
from ingestion.tascomi import ingest
from tests.conftest import FIRST_IMPORT, TASCOMI_PAGE_SIZE, tascomi_settings, tascomi_world
from tests.ingestion.lake_reader import raw_rows

DAILY = [t.name for t in source_entry("tascomi").contract().tables.values() if t.load == "daily"]
DONE = "landed"


def day(n: int) -> date:
    return FIRST_IMPORT + timedelta(days=n)


class TascomiDays:
    """The fault-free imports of one test run, kept under `root` (tests/ingestion/conftest.py: tascomi_days)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self._rows: dict[tuple[int, ...], dict[str, list[tuple]]] = {}

    def _folder(self, days: tuple[int, ...]) -> Path:
        return self.root / f"days-{'-'.join(map(str, days))}"

    def home(self, days: tuple[int, ...]) -> Path:
        """The home (lake, dlt state, cursor) of fault-free imports run on `days` (offsets from FIRST_IMPORT), in
        order, from a fresh sandbox: read it or copy it, never write to it."""
        folder = self._folder(days)
        self.root.mkdir(parents=True, exist_ok=True)
        with FileLock(str(self.root / "lock")):
            if not (folder / DONE).exists():
                self._land(days, folder)
        return folder / "home"

    def _land(self, days: tuple[int, ...], folder: Path) -> None:
        shutil.rmtree(folder, ignore_errors=True)  # a worker killed part-way left it unfinished
        home = folder / "home"
        landed = next((days[:n] for n in range(len(days) - 1, 0, -1) if (self._folder(days[:n]) / DONE).exists()), ())
        if landed:
            shutil.copytree(self._folder(landed) / "home", home)
        from sandbox.tascomi.server import TascomiSandbox

        with TascomiSandbox(tascomi_world(), page_size=TASCOMI_PAGE_SIZE) as server:
            for n in days[len(landed) :]:
                server.set_today(day(n))
                ingest(tascomi_settings(server, day(n)), Workspace.at(home), progress=lambda _: None)
        (folder / DONE).write_text("")

    def start_from(self, days: tuple[int, ...], workspace: Workspace, server: Any) -> None:
        """The workspace as fault-free imports on `days` leave it, the sandbox on the last of them."""
        shutil.copytree(self.home(days), workspace.home)
        server.set_today(day(days[-1]))

    def rows(self, days: tuple[int, ...]) -> dict[str, list[tuple]]:
        """What fault-free imports on `days` land in each daily table (lake_reader.raw_rows)."""
        if days not in self._rows:
            home = self.home(days)
            self._rows[days] = {t: raw_rows(home, t) for t in DAILY}
        return self._rows[days]
