"""Run the housing repairs sandbox: write the landing files for the replayed days and serve the sheets.

python -m sandbox.housing_repairs --landing local/landing --days 30 --serve --port 8766 --today 2025-02-01
"""

from __future__ import annotations

import argparse
import sys
import threading
import time
from datetime import date, timedelta
from pathlib import Path

from sandbox.housing_repairs.landing import Landing
from sandbox.housing_repairs.sheets_server import SheetsSandbox
from sandbox.housing_repairs.world import HousingRepairsWorld


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sandbox.housing_repairs", description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--start-date", type=date.fromisoformat, default=date(2025, 1, 6))
    parser.add_argument("--days", type=int, default=60, help="days of change to replay")
    parser.add_argument("--addresses", type=int, default=2000)
    parser.add_argument("--properties", type=int, default=500)
    parser.add_argument("--residents", type=int, default=None)
    parser.add_argument("--repairs", type=int, default=3000, help="repairs over the years before the start date")
    parser.add_argument("--landing", type=Path, default=None, help="write every day's files under this folder")
    parser.add_argument("--serve", action="store_true", help="serve the Sheets API until Ctrl-C")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="simulated day the sheets show")
    parser.add_argument("--key-file", type=Path, default=Path("local/sandbox/repairs-service-account.json"))
    return parser


def main(argv: list[str] | None = None, stop: threading.Event | None = None) -> None:
    args = _parser().parse_args(argv)
    started = time.perf_counter()
    world = HousingRepairsWorld(args.seed, args.start_date, args.days, n_addresses=args.addresses,
                                n_properties=args.properties, n_residents=args.residents,
                                n_repairs=args.repairs)  # fmt: skip
    print(f"world built in {time.perf_counter() - started:.1f}s: {world.counts()}")
    if args.landing is not None:
        paths = Landing(world, args.landing).replay()
        print(f"wrote {len(paths)} files under {args.landing}")
    if not args.serve:
        return
    with SheetsSandbox(world, host=args.host, port=args.port) as sheets:
        sheets.set_today(args.today or world.end_date + timedelta(days=1))
        key = sheets.write_key_file(args.key_file)
        print(f"Sheets sandbox serving {sheets.base_url} (today {sheets.today}, seed {world.seed})")
        print(f"  service-account key: {key}")
        for contractor, sid in sheets.spreadsheet_ids.items():
            print(f"  {contractor:<15} {sid}  tab {world.contractors[contractor].tab!r}")
        print(f"  admin: {sheets.root_url}/_sandbox/state, /_sandbox/faults, POST /_sandbox/clock")
        sys.stdout.flush()
        try:
            (stop or threading.Event()).wait()
        except KeyboardInterrupt:
            print("stopping")


if __name__ == "__main__":
    main()
