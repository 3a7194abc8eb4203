"""Run one Academy import in this process, pausing (to be killed with SIGKILL) at a chosen point.

    python tests/ingestion/academy_kill_runner.py <point> <home> <connection_url> <today> <batch_size>

Points: reading (the third chunk of ctliab_person is being read: its first two landed, this step is half read),
loading (a package holding the second chunk of ctliab_person has its files in the lake, but the load is not marked
complete).
Prints "PAUSED <point>" and sleeps. Test code only: the platform is unpatched everywhere else.
"""

from __future__ import annotations

import sys
import time
from datetime import date
from pathlib import Path
from typing import Any


def pause(point: str) -> None:
    print(f"PAUSED {point}", flush=True)
    time.sleep(600)


def install(point: str, home: Path) -> None:
    calls = {"n": 0}
    if point == "reading":
        from ingestion.academy import database

        original = database.read_chunk

        def read_chunk(engine: Any, table: Any, *args: Any, **kwargs: Any) -> Any:
            if table.name == "ctliab_person":
                calls["n"] += 1
                if calls["n"] == 3:
                    pause(point)
            return original(engine, table, *args, **kwargs)

        database.read_chunk = read_chunk
    elif point == "loading":
        from dlt.load.load import Load

        original = Load.complete_package
        landed = home / "lake" / "raw" / "revenues" / "academy" / "ctliab_person"

        def complete(self: Any, *args: Any, **kwargs: Any) -> Any:
            if len(list(landed.rglob("*.parquet"))) >= 2:
                pause(point)
            return original(self, *args, **kwargs)

        Load.complete_package = complete
    else:
        raise SystemExit(f"unknown point {point}")


def main() -> None:
    point, home, url, today, batch = sys.argv[1:6]
    install(point, Path(home))
    from core.workspace import Workspace
    from ingestion.academy import ingest, load_settings

    settings = load_settings(connection_url=url, today=date.fromisoformat(today), batch_size=int(batch), concurrency=1)
    ingest(settings, Workspace.at(Path(home)))
    print("FINISHED", flush=True)


if __name__ == "__main__":
    main()
