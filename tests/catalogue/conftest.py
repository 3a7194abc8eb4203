"""One small build of the whole project (sandbox -> ingest -> dbt build -> docs), shared by the catalogue tests."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    from data_platform.demo import run_demo

    previous = os.environ.get("DATA_PLATFORM_HOME")
    os.environ["DATA_PLATFORM_HOME"] = str(tmp_path_factory.mktemp("catalogue"))
    try:
        result = run_demo(days=4, seed=3, start=date(2025, 5, 1), initial_applications=40, progress=lambda _: None)
        target = result.docs_page.parent.parent / "target"
        yield {
            "result": result,
            "manifest": json.loads((target / "manifest.json").read_text()),
            "catalog": json.loads((target / "catalog.json").read_text()),
            "page": result.docs_page,
        }
    finally:
        if previous is None:
            os.environ.pop("DATA_PLATFORM_HOME", None)
        else:
            os.environ["DATA_PLATFORM_HOME"] = previous


@pytest.fixture(scope="session")
def docs_page(built: dict) -> Path:
    return built["page"]
