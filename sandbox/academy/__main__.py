"""Run the Academy replica sandbox from a shell.

python -m sandbox.academy start                    # install PostgreSQL if needed, start (or reuse) the server
python -m sandbox.academy seed --accounts 20000    # a fresh deterministic world as at --start-date
python -m sandbox.academy advance --day 2025-02-01 # simulate every day up to that date (or --days N)
python -m sandbox.academy status
python -m sandbox.academy stop
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

from sandbox.academy.replica import DEFAULT_FOLDER, AcademyReplica
from sandbox.academy.server import ClusterError, PostgresUnavailable, ensure_installed


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="data-platform sandbox academy", description=__doc__.splitlines()[0])
    parser.add_argument("--folder", type=Path, default=DEFAULT_FOLDER, help="cluster folder (default %(default)s)")
    parser.add_argument("--port", type=int, default=None, help="port to start on (default: last used, or a free one)")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("install", help="install Debian's PostgreSQL server if it is missing")
    commands.add_parser("start", help="start the server (idempotent), creating the cluster on first use")
    commands.add_parser("stop", help="stop the server")
    commands.add_parser("status", help="server and world state")
    seed = commands.add_parser("seed", help="replace the world with a fresh deterministic one")
    seed.add_argument("--accounts", type=int, default=2_000, help="council-tax accounts (default %(default)s)")
    seed.add_argument("--seed", type=int, default=42)
    seed.add_argument("--start-date", type=date.fromisoformat, default=date(2025, 1, 6))
    seed.add_argument("--activity", type=float, default=1.0, help="scale every daily change rate")
    advance = commands.add_parser("advance", help="simulate days of change")
    until = advance.add_mutually_exclusive_group()
    until.add_argument("--day", type=date.fromisoformat, help="simulate up to and including this date")
    until.add_argument("--days", type=int, default=1, help="simulate this many more days (default 1)")
    return parser


def _print_connection(replica: AcademyReplica) -> None:
    print(f"Academy replica on 127.0.0.1:{replica.port}, database {replica.database}")
    print(f"  reader (read-only): {replica.reader_url}")


def _status(replica: AcademyReplica) -> int:
    status = replica.cluster.status()
    if not status.running:
        print(f"stopped ({'initialised' if status.initialised else 'not created'}) in {status.folder}")
        return 3
    replica.start()  # reuse: bootstrap is idempotent
    _print_connection(replica)
    print(f"  PostgreSQL {status.version}, pid {status.pid}, data {status.data_dir}")
    if replica.seeded:
        state = replica.state()
        print(
            f"  world: seed {state.seed}, {state.n_accounts} accounts seeded at {state.start_date}, "
            f"today {state.today}, activity {state.activity}, {replica.database_size() / 1e6:.0f} MB"
        )
    else:
        print("  world: not seeded (python -m sandbox.academy seed)")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    replica = AcademyReplica(args.folder, args.port, keep_running=True)
    began = time.monotonic()
    try:
        if args.command == "install":
            print(f"PostgreSQL server binaries: {ensure_installed()} ({time.monotonic() - began:.1f}s)")
        elif args.command == "stop":
            print("stopped" if replica.stop() else "was not running")
        elif args.command == "status":
            return _status(replica)
        else:
            replica.start()
            if args.command == "start":
                _print_connection(replica)
                print(f"  ready in {time.monotonic() - began:.1f}s")
            elif args.command == "seed":
                report = replica.seed(args.accounts, args.seed, args.start_date, args.activity)
                rows = ", ".join(f"{table} {n}" for table, n in report.counts.items())
                print(f"seeded {report.day} in {report.seconds:.1f}s: {rows}")
            elif args.command == "advance":
                target = args.day or date.fromordinal(replica.today.toordinal() + args.days)
                for report in replica.advance_to(target):
                    events = ", ".join(f"{event} {n}" for event, n in report.counts.items() if n)
                    print(f"{report.day} ({report.seconds:.1f}s): {events}")
    except (ClusterError, PostgresUnavailable, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
