"""Shared fixtures: a real sandbox vendor server on loopback and a private local home per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")

FIRST_IMPORT = date(2025, 3, 3)


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A fresh DATA_PLATFORM_HOME: lake folder, dlt working dirs and DuckDB files live under it."""
    monkeypatch.setenv("DATA_PLATFORM_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("DATA_PLATFORM_LAKE", raising=False)
    return tmp_path / "home"


@pytest.fixture
def tascomi_sandbox() -> Iterator[object]:
    from sandbox.tascomi.server import TascomiSandbox
    from sandbox.tascomi.world import TascomiWorld

    world = TascomiWorld(seed=7, start_date=FIRST_IMPORT, initial_applications=60, daily_new_applications=6)
    with TascomiSandbox(world, page_size=25) as server:
        server.set_today(FIRST_IMPORT)
        yield server
