"""Time the replica at scale: cluster start, seed, database size, days of change.

    python -m sandbox.academy.benchmark --accounts 500000 --days 3 --folder local/academy-pg-bench

Uses its own cluster folder so the demo's world is left alone; the server keeps running afterwards (stop it with
`python -m sandbox.academy --folder local/academy-pg-bench stop`).
"""

from __future__ import annotations

import argparse
import time
from datetime import date
from pathlib import Path

from sandbox.academy.replica import SUPER, AcademyReplica


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m sandbox.academy.benchmark", description=__doc__.splitlines()[0])
    parser.add_argument("--accounts", type=int, default=500_000)
    parser.add_argument("--days", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--start-date", type=date.fromisoformat, default=date(2025, 3, 25))
    parser.add_argument("--folder", type=Path, default=Path("local/academy-pg-bench"))
    args = parser.parse_args(argv)

    replica = AcademyReplica(args.folder, keep_running=True)
    began = time.monotonic()
    replica.start()
    print(f"server ready in {time.monotonic() - began:.2f}s on port {replica.port}", flush=True)
    report = replica.seed(args.accounts, args.seed, args.start_date)
    largest = max(report.counts, key=report.counts.__getitem__)
    print(f"seeded {args.accounts:,} accounts in {report.seconds:.1f}s; largest table {largest} "
          f"{report.counts[largest]:,} rows", flush=True)  # fmt: skip
    with replica.connect(SUPER, autocommit=True) as conn:
        conn.execute("CHECKPOINT")  # dropped files of an earlier world are only unlinked at a checkpoint
    print(f"database size {replica.database_size() / 1e6:,.0f} MB", flush=True)
    for _ in range(args.days):
        day = replica.advance()
        events = ", ".join(f"{event} {n}" for event, n in day.counts.items() if n)
        print(f"{day.day}: {day.seconds:.2f}s ({events})", flush=True)


if __name__ == "__main__":
    main()
