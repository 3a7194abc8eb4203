"""Running a stand-in from a shell (`data-platform sandbox <source> ...`): say where it is, then serve until Ctrl-C
(or until `stop` is set, for tests)."""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Iterable


def serve_until_stopped(lines: Iterable[str], stop: threading.Event | None = None) -> int:
    """Print how to reach the stand-in (flushed: a parent process reads it line by line), then block."""
    for line in lines:
        print(line)
    sys.stdout.flush()
    if threading.current_thread() is threading.main_thread():
        # Ctrl-C stops it even when started with SIGINT ignored (a background job of a script, or a test run whose
        # worker process ignores it): Python then leaves the inherited SIG_IGN in place and the wait never ends.
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        (stop or threading.Event()).wait()
    except KeyboardInterrupt:
        print("stopping")
    return 0
