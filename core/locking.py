"""One run per source at a time: an exclusive lock file under the workspace.

The operating system releases the lock when its holder exits in any way (kill -9 included), so a crashed run never
keeps it. The lock is per machine: runs on different machines against one S3 lake need the scheduler to serialise
them (docs/platform-team/deployment.md).
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from core.errors import RunInProgress


@contextmanager
def source_lock(locks_dir: Path, source: str) -> Iterator[None]:
    locks_dir.mkdir(parents=True, exist_ok=True)
    path = locks_dir / f"{source}.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "another process"
            raise RunInProgress(
                f"another {source} import is running ({holder}); this one did nothing. Wait for it to finish, "
                "then run again."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"pid {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()
            fcntl.flock(handle, fcntl.LOCK_UN)
