"""Run the Tascomi sandbox from the command line.

data-platform sandbox tascomi --port 8765 --seed 42 --start-date 2025-01-06 --today 2025-02-05
"""

from __future__ import annotations

import argparse
import gc
import sys
import threading
from datetime import date

from sandbox.kit.serve import serve_until_stopped
from sandbox.tascomi.server import TascomiSandbox
from sandbox.tascomi.world import TascomiWorld


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="data-platform sandbox tascomi", description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--start-date", type=date.fromisoformat, default=date(2025, 1, 6))
    parser.add_argument("--today", type=date.fromisoformat, default=None, help="simulated day to serve (>= start)")
    parser.add_argument("--initial-applications", type=int, default=300)
    parser.add_argument("--daily-new-applications", type=int, default=12)
    parser.add_argument("--fill-rate", type=float, default=1.0, help="how fully applications' forms are answered")
    parser.add_argument("--page-size", type=int, default=100)
    parser.add_argument("--public-key", default="sandbox-public")
    parser.add_argument("--private-key", default="sandbox-private")
    return parser


def serve(argv: list[str] | None = None, stop: threading.Event | None = None) -> int:
    """Start the sandbox and serve until Ctrl-C (or until `stop` is set, for tests)."""
    args = _parser().parse_args(argv)
    world = TascomiWorld(
        seed=args.seed,
        start_date=args.start_date,
        initial_applications=args.initial_applications,
        daily_new_applications=args.daily_new_applications,
        fill_rate=args.fill_rate,
    )
    if args.today is not None:
        world.advance_to(args.today)
    # This process exists to serve the world: its millions of long-lived objects need never be scanned by the
    # cyclic garbage collector again (a full scan of a 100k-application world takes seconds).
    gc.freeze()
    sandbox = TascomiSandbox(world, args.public_key, args.private_key, args.host, args.port, args.page_size)
    with sandbox:
        return serve_until_stopped(
            [
                f"Tascomi sandbox serving {sandbox.base_url} (today {world.today}, seed {world.seed})",
                f"  X-Public key: {sandbox.public_key}",
                f"  private key:  {sandbox.private_key}",
                f"  admin:        {sandbox.root_url}/_sandbox/state, /_sandbox/faults, POST /_sandbox/clock",
            ],
            stop,
        )


if __name__ == "__main__":
    sys.exit(serve())
