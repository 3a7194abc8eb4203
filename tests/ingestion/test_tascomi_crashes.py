"""Process faults: kill -9 at every point of dlt's commit protocol, two runs at once, a full disk.

After each, the next run must recover by itself and the raw zone must equal a fault-free run's (0 lost,
0 duplicated); a second concurrent run must refuse with a clear message and change nothing.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from core.errors import LakeUnwritable, RunInProgress
from core.workspace import Workspace
from ingestion.tascomi import ingest
from tests.conftest import FIRST_IMPORT, tascomi_settings
from tests.ingestion.lake_reader import raw_rows
from tests.ingestion.tascomi_days import DAILY

REPO = Path(__file__).resolve().parents[2]
DAY1 = FIRST_IMPORT + timedelta(days=1)


def start_paused(point: str, server: Any, workspace: Workspace, today: Any) -> subprocess.Popen:
    command = [sys.executable, str(REPO / "tests" / "ingestion" / "pause_runner.py"), point, str(workspace.home),
               server.base_url, server.public_key, server.private_key, today.isoformat()]  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    line = ""
    while time.monotonic() < deadline and process.poll() is None:
        line = process.stdout.readline()
        if line.startswith("PAUSED"):
            return process
    process.kill()
    raise AssertionError(f"never reached {point}: {line!r} {process.stderr.read()[-2000:]}")


@pytest.mark.parametrize("point", ["extracted", "handover", "loading"])
def test_a_kill_at_any_point_of_the_commit_is_recovered_by_the_next_run(
    point, tascomi_sandbox, workspace, tascomi_days
):
    tascomi_days.start_from((0,), workspace, tascomi_sandbox)
    tascomi_sandbox.set_today(DAY1)
    process = start_paused(point, tascomi_sandbox, workspace, DAY1)
    process.send_signal(signal.SIGKILL)
    process.wait()
    said: list[str] = []
    ingest(tascomi_settings(tascomi_sandbox, DAY1), workspace, progress=said.append)
    if point == "handover":
        assert any("hand-over" in line for line in said), "the wedge (both copies on disk) must have been repaired"
    assert {t: raw_rows(workspace.home, t) for t in DAILY} == tascomi_days.rows((0, 1))
    again = ingest(tascomi_settings(tascomi_sandbox, DAY1), workspace, progress=lambda _: None)
    assert again.rows_by_table() == {}, "a further run has nothing left to do"


def test_a_second_run_at_once_refuses_and_a_killed_holder_does_not_keep_the_lock(tascomi_sandbox, workspace):
    tascomi_sandbox.set_today(FIRST_IMPORT)
    holder = start_paused("extracted", tascomi_sandbox, workspace, FIRST_IMPORT)
    try:
        with pytest.raises(RunInProgress, match=f"pid {holder.pid}"):
            ingest(tascomi_settings(tascomi_sandbox, FIRST_IMPORT), workspace, progress=lambda _: None)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    said: list[str] = []
    ingest(tascomi_settings(tascomi_sandbox, FIRST_IMPORT), workspace, progress=said.append)
    assert any("interrupted" in line for line in said), "the killed holder's extracted package is finished"
    rows = raw_rows(workspace.home, "applications")
    assert rows and len(rows) == len(set(rows)), "the killed holder's package and the new run must not both land"


@pytest.fixture
def small_disk(tmp_path: Path) -> Any:
    mount = tmp_path / "small-disk"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(mount)], capture_output=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({result.stderr.decode().strip()}); CI runs as root")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_full_disk_is_one_clear_error_and_the_next_run_lands_everything(tascomi_sandbox, small_disk, tascomi_days):
    workspace = Workspace.at(small_disk / "home")
    filler = small_disk / "filler"
    disk = os.statvfs(small_disk)
    filler.write_bytes(b"\0" * (disk.f_bavail * disk.f_frsize - 150_000))  # room for dlt's state, not for the load
    tascomi_sandbox.set_today(FIRST_IMPORT)
    with pytest.raises(LakeUnwritable, match="disk is full"):
        ingest(tascomi_settings(tascomi_sandbox, FIRST_IMPORT), workspace, progress=lambda _: None)
    filler.unlink()
    ingest(tascomi_settings(tascomi_sandbox, FIRST_IMPORT), workspace, progress=lambda _: None)
    assert {t: raw_rows(workspace.home, t) for t in DAILY} == tascomi_days.rows((0,))
