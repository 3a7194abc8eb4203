"""Where things live. Everything local goes under one git-ignored folder so `make clean` resets it."""

from __future__ import annotations

import os
from pathlib import Path

# The project folder (dbt project, contract YAML, .dlt config). An installed copy (e.g. the container image) sets
# DATA_PLATFORM_PROJECT_DIR; a checkout finds itself.
REPO_ROOT = Path(os.environ.get("DATA_PLATFORM_PROJECT_DIR", Path(__file__).resolve().parent.parent))


def local_home() -> Path:
    """Root of local state: the lake folder, DuckDB files, docs site, dlt working dirs."""
    return Path(os.environ.get("DATA_PLATFORM_HOME", REPO_ROOT / "local")).resolve()


def lake_root() -> str:
    """The lake: a local folder by default, or an s3:// URL (`DATA_PLATFORM_LAKE`)."""
    return os.environ.get("DATA_PLATFORM_LAKE", str(local_home() / "lake"))
