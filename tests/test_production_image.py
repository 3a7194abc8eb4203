"""Sandboxes stay out of production: the image copies no sandbox, and the nightly's code path never imports one."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent

NIGHTLY_IMPORTS = """
import sys
from data_platform import cli, jobs
from data_platform.sources import connectors
assert len(connectors()) >= 5
print(sorted(m for m in sys.modules if m == "sandbox" or m.startswith("sandbox.")))
"""


def test_the_image_copies_no_sandbox_and_no_tests():
    copied = [line.split()[1] for line in (REPO / "deploy" / "Dockerfile").read_text().splitlines()
              if line.startswith("COPY ")]  # fmt: skip
    assert "core" in copied and "ingestion" in copied
    assert not [c for c in copied if c.split("/")[0] in ("sandbox", "tests", "benchmarks")], copied


def test_the_nightly_loads_every_connector_without_a_sandbox():
    result = subprocess.run([sys.executable, "-c", NIGHTLY_IMPORTS], capture_output=True, text=True, cwd=REPO,
                            check=True)  # fmt: skip
    assert result.stdout.strip() == "[]"


def test_the_pip_package_ships_no_sandbox():
    """What `pip install .` packs: setuptools' own discovery over pyproject's packages.find (namespaces included)."""
    import tomllib

    import setuptools

    find = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"]["find"]
    packages = setuptools.find_namespace_packages(
        where=str(REPO), include=find["include"], exclude=find.get("exclude", ())
    )
    assert {"core", "data_platform", "ingestion.tascomi"} <= set(packages)
    assert not [p for p in packages if p.split(".")[0] in ("sandbox", "tests", "benchmarks")], packages
