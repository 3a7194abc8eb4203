"""One small build of the whole project (sandboxes -> ingest -> dbt build -> docs), shared by the catalogue tests.

`make test` runs pytest-xdist workers: the first worker to need the build makes it under a lock in the run's shared
temporary folder, and the others reuse it, so the demo is built once per run whichever workers the modules land on."""

from __future__ import annotations

import json
import os
import secrets
from datetime import date
from pathlib import Path

import pytest
from filelock import FileLock

from core.masking_key import ENV_VAR
from core.workspace import Workspace
from data_platform.catalogue import BUILD_RESULTS
from tests.conftest import shared_tmp

DONE = "catalogue-build.json"
ARTIFACTS = ("manifest.json", "catalog.json", BUILD_RESULTS)
KEY_FILE = "catalogue-masking-key"


def _build(home: Path) -> None:
    """Built with DATA_PLATFORM_MASKING_KEY set to a fresh random key, as a shared lake would be: the key scan
    (tests/catalogue/test_masking_key.py) looks for that value in everything the build wrote."""
    from data_platform.jobs import demo

    key = f"scan-me-{secrets.token_hex(16)}"
    before = os.environ.get(ENV_VAR)
    os.environ[ENV_VAR] = key
    try:
        result = demo(Workspace.at(home), days=4, seed=3, start=date(2025, 5, 1), progress=lambda _: None)
    finally:
        os.environ.pop(ENV_VAR) if before is None else os.environ.__setitem__(ENV_VAR, before)
    assert result.build_outcome and result.docs_page, "the demo did not build and document"
    # The manifest and catalog as the demo's docs step left them, kept aside: a test that runs dbt in this workspace
    # (source freshness, in test_governance) rewrites target/manifest.json from a parse, without compiled SQL.
    target = result.workspace.dbt_target_dir
    for name in ARTIFACTS:
        (home / f"catalogue-{name}").write_bytes((target / name).read_bytes())
    done = {"demo_home": str(result.workspace.home), "page": str(result.docs_page)}
    (home / DONE).write_text(json.dumps(done))
    (home.parent / KEY_FILE).write_text(key)  # outside the workspace, whose every file the key scan reads


@pytest.fixture(scope="session")
def built(tmp_path_factory: pytest.TempPathFactory) -> dict:
    from data_platform.jobs import JobResult

    shared = shared_tmp(tmp_path_factory)
    home = shared / "catalogue"
    with FileLock(str(shared / "catalogue.lock")):
        if not (home / DONE).exists():
            _build(home)
    done = json.loads((home / DONE).read_text())
    workspace = Workspace.at(home).with_home(Path(done["demo_home"]))
    return {
        "result": JobResult(workspace, docs_page=Path(done["page"])),
        "workspace": workspace,
        "manifest": json.loads((home / "catalogue-manifest.json").read_text()),
        "catalog": json.loads((home / "catalogue-catalog.json").read_text()),
        "build_results": json.loads((home / f"catalogue-{BUILD_RESULTS}").read_text()),
        "page": Path(done["page"]),
        "masking_key": (home.parent / KEY_FILE).read_text(),
    }


@pytest.fixture(scope="session")
def docs_page(built: dict) -> Path:
    return built["page"]
