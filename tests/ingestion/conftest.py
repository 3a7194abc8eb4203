"""Fixtures of the ingestion tests."""

from __future__ import annotations

import pytest

from tests.conftest import shared_tmp
from tests.ingestion.tascomi_days import TascomiDays


@pytest.fixture(scope="session")
def tascomi_days(tmp_path_factory: pytest.TempPathFactory) -> TascomiDays:
    """Fault-free Tascomi imports of the tascomi_sandbox world, landed once per run for every worker."""
    return TascomiDays(shared_tmp(tmp_path_factory) / "tascomi-days")
