"""One run per source at a time: an exclusive lock file under the workspace (filelock).

The operating system releases the lock when its holder exits in any way (kill -9 included), so a crashed run never
keeps it. Who holds it is written beside it (<source>.holder), so a refused run can say which process to wait for.
The lock is per machine: runs on different machines against one S3 lake need the scheduler to serialise them
(docs/platform-team/deployment.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from filelock import FileLock, Timeout

from core.errors import RunInProgress


@contextmanager
def source_lock(locks_dir: Path, source: str) -> Iterator[None]:
    locks_dir.mkdir(parents=True, exist_ok=True)
    holder = locks_dir / f"{source}.holder"
    lock = FileLock(locks_dir / f"{source}.lock", timeout=0)
    try:
        lock.acquire()
    except Timeout:
        try:
            who = holder.read_text().strip()
        except OSError:
            who = ""
        raise RunInProgress(
            f"another {source} import is running ({who or 'another process'}); this one did nothing. Wait for it to "
            "finish, then run again."
        ) from None
    try:
        holder.write_text(f"pid {os.getpid()}, started {datetime.now(UTC):%Y-%m-%d %H:%M:%S} UTC")
        yield
    finally:
        holder.unlink(missing_ok=True)
        lock.release()
