"""The data catalogue as a person sees it: the generated docs page rendered in a real headless Chromium."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# CI installs Chromium (make test), so there a missing browser is a failure, not a skip.
pytestmark = pytest.mark.skipif(
    CHROMIUM is None and not os.environ.get("CI"), reason="Chromium is not installed (make test installs it)"
)
PROJECT = "council_data_platform"


def rendered(page: Path, route: str, tmp_path: Path) -> str:
    """The DOM after the catalogue's JavaScript has run, for one route of the single-page app."""
    assert CHROMIUM, "Chromium is required for the docs-site tests"
    command = [
        CHROMIUM,
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={tmp_path / 'chromium'}",
        "--virtual-time-budget=15000",
        "--dump-dom",
        f"{page.as_uri()}#!/{route}",
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True).stdout


def test_mart_page_shows_every_column_with_its_description(docs_page, built, tmp_path):
    dom = rendered(docs_page, f"model/model.{PROJECT}.planning_applications", tmp_path)
    node = built["manifest"]["nodes"][f"model.{PROJECT}.planning_applications"]
    assert "planning_applications" in dom
    for name, column in node["columns"].items():
        assert name in dom, f"column {name} missing from the catalogue page"
        assert column["description"][:40] in dom, f"description of {name} missing"
    assert "classification" in dom and "not_personal" in dom


def test_lineage_runs_from_source_to_exposure(docs_page, built, tmp_path):
    exposures = list(built["manifest"]["exposures"].values())
    assert exposures, "no exposures declared: the catalogue cannot show where data is used"
    exposure = exposures[0]
    dom = rendered(docs_page, f"exposure/{exposure['unique_id']}", tmp_path)
    assert exposure["name"] in dom or exposure.get("label", "") in dom
    upstream = [n.split(".")[-1] for n in exposure["depends_on"]["nodes"]]
    assert upstream and all(name in dom for name in upstream)
    source_dom = rendered(docs_page, f"source/source.{PROJECT}.tascomi.applications", tmp_path)
    assert "last_updated" in source_dom and "stg_tascomi__applications" in source_dom
