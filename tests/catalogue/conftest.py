"""One small build of the whole project (sandboxes -> ingest -> dbt build -> docs), shared by the catalogue tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from core.workspace import Workspace


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    from data_platform.jobs import demo

    workspace = Workspace.at(tmp_path_factory.mktemp("catalogue"))
    result = demo(workspace, days=4, seed=3, start=date(2025, 5, 1), progress=lambda _: None)
    target = result.workspace.dbt_target_dir
    yield {
        "result": result,
        "workspace": result.workspace,
        "manifest": json.loads((target / "manifest.json").read_text()),
        "catalog": json.loads((target / "catalog.json").read_text()),
        "page": result.docs_page,
    }


@pytest.fixture(scope="session")
def docs_page(built: dict) -> Path:
    return built["page"]
