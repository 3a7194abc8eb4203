"""Command-line and determinism checks for the housing world and its repairs stand-in (the import rules that keep
the stand-ins apart are tests/test_import_rules.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.request import urlopen

import sandbox.housing_world as package
from sandbox.repairs.__main__ import main

PACKAGE_DIR = Path(package.__file__).parent


def test_command_line_writes_files_and_serves(tmp_path):
    stop = threading.Event()
    args = ["--landing", str(tmp_path / "landing"), "--days", "3", "--port", "0",
            "--key-file", str(tmp_path / "sa.json")]  # fmt: skip
    thread = threading.Thread(target=main, args=(args, stop), daemon=True)
    thread.start()
    deadline = time.time() + 30
    while not (tmp_path / "sa.json").exists():
        assert time.time() < deadline, "the sandbox did not start"
        time.sleep(0.05)
    key = json.loads((tmp_path / "sa.json").read_text())
    root = key["token_uri"].rsplit("/", 1)[0]
    state = json.loads(urlopen(f"{root}/_sandbox/state", timeout=5).read())
    assert state["today"] == "2025-01-09" and len(state["spreadsheets"]) == 4
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert list((tmp_path / "landing" / "housing" / "repairs").rglob("*_20250106.*")), "the first day's exports"


DIGEST = """
import hashlib, tempfile
from datetime import date
from pathlib import Path
from sandbox.housing_world import HousingRepairsWorld, Landing
world = HousingRepairsWorld(seed=8, days=6)
digest = hashlib.sha256()
for key in sorted(world.contractors):
    digest.update(repr(world.sheet_values(key, date(2025, 1, 12))).encode())
root = Path(tempfile.mkdtemp())
for path in sorted(p for p in Landing(world, root).replay() if p.suffix == ".csv"):
    digest.update(path.read_bytes())
digest.update(repr(world.link_work(date(2025, 1, 11))).encode())
print(digest.hexdigest())
"""


def test_same_seed_same_world_across_processes():
    """Nothing may depend on Python's per-process string hashing (set order) or on the wall clock."""
    digests = set()
    for hash_seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        result = subprocess.run([sys.executable, "-c", DIGEST], env=env, capture_output=True, text=True, check=True,
                                cwd=PACKAGE_DIR.parent.parent)  # fmt: skip
        digests.add(result.stdout.strip())
    assert len(digests) == 1
