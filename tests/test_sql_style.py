"""sqlfluff over every model and snapshot, as a test rather than a step before pytest: its dbt templater and the
parse of the macro-generated SQL take one core for a minute or two, and as a test it runs beside the others on a
pytest-xdist worker instead of holding up the whole suite (CI time, issue 18)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow  # a long module: started first (tests/conftest.py)


def test_every_model_and_snapshot_passes_sqlfluff() -> None:
    # The workspace settings of the developer's shell are left out: the templater compiles against the default
    # workspace, as a fresh clone's `make test` does.
    env = {name: value for name, value in os.environ.items() if not name.startswith("DATA_PLATFORM_")}
    linted = subprocess.run(
        [sys.executable, "-m", "sqlfluff", "lint", "--nocolor"], cwd=REPO, env=env, capture_output=True, text=True
    )
    assert linted.returncode == 0, f"sqlfluff found problems (`make lint` fixes most):\n{linted.stdout[-8000:]}"
