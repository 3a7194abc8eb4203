"""Run the fault proxy from a shell.

python -m sandbox.faults --upstream http://127.0.0.1:8765/rest/v1 --port 8766 [--rules rules.json]
"""

from __future__ import annotations

import argparse
import json
import sys
import threading
from pathlib import Path

from sandbox.faults.proxy import ADMIN_PREFIX, FaultProxy


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m sandbox.faults", description=__doc__.splitlines()[0])
    parser.add_argument("--upstream", required=True, help="base URL to forward to, e.g. http://127.0.0.1:8765/rest/v1")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8766, help="0 picks a free port (printed)")
    parser.add_argument("--rules", type=Path, default=None, help="a JSON file of rules to start with")
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds to wait for the upstream")
    return parser


def serve(argv: list[str] | None = None, stop: threading.Event | None = None) -> None:
    """Start the proxy and serve until Ctrl-C (or until `stop` is set, for tests)."""
    args = _parser().parse_args(argv)
    proxy = FaultProxy(args.upstream, args.host, args.port, timeout=args.timeout)
    if args.rules is not None:
        proxy.add_json(json.loads(args.rules.read_text()))
    with proxy:
        print(f"fault proxy serving {proxy.base_url} -> {proxy.upstream_base}")
        print(f"  admin: {proxy.root_url}{ADMIN_PREFIX}rules (GET, POST, DELETE), {ADMIN_PREFIX}requests (GET)")
        print(f"  rules: {len(proxy.rules)}")
        sys.stdout.flush()
        try:
            (stop or threading.Event()).wait()
        except KeyboardInterrupt:
            print("stopping")


if __name__ == "__main__":
    serve()
