"""Serve the contractors' repair logs: the Sheets API over HTTP, and the exports the others email, written to the
landing folder for the replayed days.

data-platform sandbox repairs --landing local/landing --days 30 --port 8766 --today 2025-02-01
"""

from __future__ import annotations

import argparse
import sys
import threading
from datetime import date, timedelta
from pathlib import Path

from sandbox.housing_world.demo import add_world_arguments, replay_days, world_from
from sandbox.housing_world.landing import Landing
from sandbox.kit.serve import serve_until_stopped
from sandbox.repairs.sheets_server import SheetsSandbox


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="data-platform sandbox repairs", description=__doc__.splitlines()[0])
    add_world_arguments(parser)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8766, help="0 picks a free port (printed)")
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="simulated day the sheets show")
    parser.add_argument("--key-file", type=Path, default=Path("local/sandbox/repairs-service-account.json"))
    return parser


def main(argv: list[str] | None = None, stop: threading.Event | None = None) -> int:
    args = _parser().parse_args(argv)
    world = world_from(args)
    landing = Landing(world, args.landing)
    written = sum(len(landing.write_exports(day)) for day in replay_days(world))
    print(f"wrote {written} contractor export(s) under {args.landing}")
    with SheetsSandbox(world, host=args.host, port=args.port) as sheets:
        sheets.set_today(args.today or world.end_date + timedelta(days=1))
        key = sheets.write_key_file(args.key_file)
        lines = [f"Sheets sandbox serving {sheets.base_url} (today {sheets.today}, seed {world.seed})",
                 f"  service-account key: {key}"]  # fmt: skip
        lines += [f"  {c:<15} {sid}  tab {world.contractors[c].tab!r}" for c, sid in sheets.spreadsheet_ids.items()]
        lines.append(f"  admin: {sheets.root_url}/_sandbox/state, /_sandbox/faults, POST /_sandbox/clock")
        return serve_until_stopped(lines, stop)


if __name__ == "__main__":
    sys.exit(main())
