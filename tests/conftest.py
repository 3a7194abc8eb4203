"""Shared fixtures: a real sandbox vendor server on loopback and a private workspace per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from core.workspace import Workspace

os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")

FIRST_IMPORT = date(2025, 3, 3)
REPO = Path(__file__).resolve().parents[1]


def repo_local_folder(name: str) -> Path:
    """A folder under the repo's local/ for servers whose OS user cannot enter pytest's private tmp dirs (the Academy
    PostgreSQL sandbox): one per pytest-xdist worker, so parallel workers never share a cluster."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    return REPO / "local" / (f"{name}-{worker}" if worker else name)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Long modules (marked slow) first, the end-to-end ones first of those. pytest-xdist (--dist loadfile) hands out
    the modules with the most tests first and keeps this order among modules of as many tests, so a long module of
    one test starts last and keeps one core busy alone at the end: a long scenario is a module fixture read by
    several tests (tests/e2e/test_planning_history.py), which starts mid-run. Handing out every module in this
    order instead (--no-loadscope-reorder) ran the long modules two at a time and cost more than it saved in one
    measured run (CPU 37 -> 39 min, pytest 22:09 -> 22:43 on 2 cores; runs of the same code differ by a minute)."""
    items.sort(key=lambda item: (item.get_closest_marker("slow") is None, "/e2e/" not in item.nodeid))


@pytest.fixture
def workspace(tmp_path: Path) -> Workspace:
    """A fresh workspace: its lake folder, dlt working dirs, DuckDB files and locks live under tmp_path/home."""
    return Workspace.at(tmp_path / "home")


@pytest.fixture
def home(workspace: Workspace) -> Path:
    return workspace.home


def shared_tmp(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The run's temporary folder that every pytest-xdist worker of this run sees (each worker's own one without
    xdist): what a session fixture makes there under a file lock is made once per run, whichever worker needs it."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


TASCOMI_PAGE_SIZE = 25


def tascomi_world() -> Any:
    """The Tascomi world of the tascomi_sandbox fixture (a fresh one serves the same records on the same days)."""
    from sandbox.tascomi.world import TascomiWorld

    return TascomiWorld(seed=7, start_date=FIRST_IMPORT, initial_applications=60, daily_new_applications=6)


@pytest.fixture
def tascomi_sandbox() -> Iterator[Any]:
    from sandbox.tascomi.server import TascomiSandbox

    with TascomiSandbox(tascomi_world(), page_size=TASCOMI_PAGE_SIZE) as server:
        server.set_today(FIRST_IMPORT)
        yield server


def as_built(workspace: Workspace, **extra: object) -> dict[str, object]:
    """The vars `dbt.build` passes for this workspace (the sources it builds), plus extra: a later dbt command given
    the same vars reuses the build's parse (target/partial_parse.msgpack), where any other vars make dbt parse the
    whole project again (about 20 s of CPU each time)."""
    from data_platform.built_sources import built_sources

    return {**built_sources(workspace).dbt_vars(), **extra}


def tascomi_settings(server: Any, today: date, **overrides: Any) -> Any:
    """Settings that point the Tascomi connector at a sandbox (or a proxy in front of one), importing as of `today`."""
    from ingestion.tascomi import load_settings

    values = {
        "base_url": server.base_url,
        "public_key": server.public_key,
        "private_key": server.private_key,
        "backoff_s": 0.01,
        "today": today,
    }
    return load_settings(**{**values, **overrides})
