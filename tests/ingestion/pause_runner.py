"""Run one Tascomi import in this process, pausing (to be killed) at a chosen point inside dlt's commit protocol.

    python tests/ingestion/pause_runner.py <point> <home> <base_url> <public_key> <private_key> <today>

Points: extracted (a package extracted, not yet normalized), handover (normalized package renamed into the load
folder, extracted copy not yet deleted), loading (files copied to the lake, the load not yet marked complete).
Prints "PAUSED <point>" and sleeps; the test kills it with SIGKILL. Test code only: the platform is unpatched
everywhere else, and the patch only adds a pause.
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


def install(point: str) -> None:
    if point == "extracted":
        from dlt.pipeline.pipeline import Pipeline

        original = Pipeline.normalize

        def normalize(self: Any, *args: Any, **kwargs: Any) -> Any:
            pause(point)
            return original(self, *args, **kwargs)

        Pipeline.normalize = normalize
    elif point == "handover":
        from dlt.common.storages.load_storage import LoadStorage

        original = LoadStorage.commit_new_load_package

        def commit(self: Any, load_id: str) -> None:
            original(self, load_id)
            pause(point)

        LoadStorage.commit_new_load_package = commit
    elif point == "loading":
        from dlt.load.load import Load

        original = Load.complete_package

        def complete(self: Any, *args: Any, **kwargs: Any) -> Any:
            pause(point)
            return original(self, *args, **kwargs)

        Load.complete_package = complete
    else:
        raise SystemExit(f"unknown point {point}")


def main() -> None:
    point, home, base_url, public_key, private_key, today = sys.argv[1:7]
    install(point)
    from core.workspace import Workspace
    from ingestion.tascomi import ingest, load_settings

    settings = load_settings(
        base_url=base_url, public_key=public_key, private_key=private_key, today=date.fromisoformat(today)
    )
    ingest(settings, Workspace.at(Path(home)), progress=lambda _: None)
    print("FINISHED", flush=True)


if __name__ == "__main__":
    main()
