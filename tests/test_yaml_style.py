"""yamllint over every YAML file (.yamllint), as a test rather than a step before pytest: it takes one core for
~15 s (the generated contract YAML is long), and as a test it runs beside the others instead of holding up the
whole suite (CI time)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO


def test_every_yaml_file_passes_yamllint() -> None:
    yamllint = str(Path(sys.executable).with_name("yamllint"))
    linted = subprocess.run([yamllint, "--format", "parsable", "."], cwd=REPO, capture_output=True, text=True)
    assert linted.returncode == 0, f"yamllint found problems:\n{linted.stdout[-8000:]}{linted.stderr[-2000:]}"
