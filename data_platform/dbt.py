"""Running dbt from the platform: one place that knows the project, profiles and target folders."""

from __future__ import annotations

import os
import shutil
from collections import Counter
from pathlib import Path

from dbt.cli.main import dbtRunner, dbtRunnerResult

from data_platform.paths import REPO_ROOT, local_home


class DbtFailed(RuntimeError):
    """A dbt command failed; dbt's own output above says which node and why."""


def dbt_env() -> None:
    """Point dbt at DATA_PLATFORM_HOME (its DuckDB files, and its lake unless DATA_PLATFORM_LAKE says otherwise)."""
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ["DATA_PLATFORM_HOME"] = str(local_home())
    local_home().mkdir(parents=True, exist_ok=True)  # DuckDB creates its file, not the folder
    install_duckdb_extensions()


def install_duckdb_extensions() -> None:
    """DuckDB cannot download extensions here; the PyPI wheels carry httpfs and aws (for an S3 lake)."""
    from duckdb_extensions import import_extension

    for name in ("httpfs", "aws"):
        import_extension(name)


def target_path() -> Path:
    return local_home() / "target"


def run_dbt(*args: str, target: str | None = None, quiet: bool = False) -> dbtRunnerResult:
    dbt_env()
    argv = [*(["--quiet"] if quiet else []), *args, "--project-dir", str(REPO_ROOT), "--profiles-dir", str(REPO_ROOT)]
    if target:
        argv += ["--target", target]
    argv += ["--target-path", str(target_path())]
    result = dbtRunner().invoke(argv)
    if not result.success:
        raise DbtFailed(f"dbt {' '.join(args)} failed" + (f": {result.exception}" if result.exception else ""))
    return result


def build(
    target: str | None = None, full_refresh: bool = False, select: str | None = None, quiet: bool = False
) -> dbtRunnerResult:
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    if select:
        args += ["--select", select]
    return run_dbt(*args, target=target, quiet=quiet)


def outcome(result: dbtRunnerResult) -> str:
    """One line, like dbt's own closing line: how many nodes ended in each status."""
    statuses = Counter(str(node.status).upper() for node in result.result.results)
    return " ".join(f"{status}={count}" for status, count in sorted(statuses.items()))


def docs(target: str | None = None, quiet: bool = False) -> Path:
    """Generate the catalogue as one self-contained page and return where it is."""
    run_dbt("docs", "generate", "--static", target=target, quiet=quiet)
    site = local_home() / "docs"
    site.mkdir(parents=True, exist_ok=True)
    page = site / "index.html"
    shutil.copyfile(target_path() / "static_index.html", page)
    return page


def duckdb_path(target: str = "dev") -> Path:
    return local_home() / f"{target}.duckdb"
