"""Running dbt from the platform: one place that knows the project, the profiles and where a workspace's files go.

The workspace reaches dbt as variables (`platform_home`, `lake_root`: profiles.yml and the sources read them), never
through the process environment, so one process can build two workspaces.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import yaml
from dbt.cli.main import dbtRunner, dbtRunnerResult

from core.errors import PlatformError
from core.workspace import Workspace


class DbtFailed(PlatformError):
    """A dbt command failed; dbt's own output above says which node and why."""


def install_duckdb_extensions() -> None:
    """DuckDB cannot download extensions here; the PyPI wheels carry httpfs and aws (for an S3 lake)."""
    from duckdb_extensions import import_extension

    for name in ("httpfs", "aws"):
        import_extension(name)


def workspace_vars(workspace: Workspace) -> dict[str, str]:
    return {"platform_home": str(workspace.home), "lake_root": workspace.lake.rstrip("/")}


def run_dbt(
    workspace: Workspace,
    *args: str,
    target: str | None = None,
    quiet: bool = False,
    extra_vars: dict[str, object] | None = None,
) -> dbtRunnerResult:
    workspace.ensure()
    install_duckdb_extensions()
    project = str(workspace.project_dir)
    variables = {**workspace_vars(workspace), **(extra_vars or {})}
    argv = [*(["--quiet"] if quiet else []), *args, "--project-dir", project, "--profiles-dir", project]
    argv += ["--vars", json.dumps(variables)]
    if target:
        argv += ["--target", target]
    argv += ["--target-path", str(workspace.dbt_target_dir)]
    try:
        result = dbtRunner().invoke(argv)
    finally:
        release_duckdb()
    if not result.success:
        raise DbtFailed(f"dbt {' '.join(args)} failed" + (f": {result.exception}" if result.exception else ""))
    return result


def release_duckdb() -> None:
    """dbt-duckdb keeps its DuckDB instance, and so the file's write lock, in a class attribute for the life of the
    process: a test worker or a job that ran dbt would lock every other process out of the warehouse. Close it after
    each invocation (the next one opens it again)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


def build(
    workspace: Workspace,
    target: str | None = None,
    full_refresh: bool = False,
    select: str | None = None,
    quiet: bool = False,
) -> dbtRunnerResult:
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    if select:
        args += ["--select", select]
    return run_dbt(workspace, *args, target=target, quiet=quiet)


def target_type(workspace: Workspace, target: str | None = None) -> str:
    """The adapter type of a target in the project's profiles.yml (duckdb, athena)."""
    profiles = yaml.safe_load((workspace.project_dir / "profiles.yml").read_text())
    profile = next(iter(profiles.values()))
    return str(profile["outputs"][target or "dev"]["type"])


def register_raw_tables(workspace: Workspace, target: str | None = None) -> dbtRunnerResult:
    """Athena: the Glue tables over every registered source's raw zone (idempotent; a new contract table appears)."""
    return run_dbt(workspace, "run-operation", "register_raw_tables", target=target, quiet=True)


def source_freshness(workspace: Workspace, target: str | None = None) -> dbtRunnerResult:
    """dbt source freshness: each source's import log against its registry hours."""
    return run_dbt(workspace, "source", "freshness", target=target, quiet=True)


def outcome(result: dbtRunnerResult) -> str:
    """One line, like dbt's own closing line: how many nodes ended in each status."""
    statuses = Counter(str(node.status).upper() for node in result.result.results)
    return " ".join(f"{status}={count}" for status, count in sorted(statuses.items()))


def docs(workspace: Workspace, target: str | None = None, quiet: bool = False) -> Path:
    """Generate the catalogue as one self-contained page and return where it is (data_platform/catalogue.py: source
    freshness first, then docs generate, then classifications, owners, test results and freshness on the pages)."""
    from data_platform.catalogue import publish

    return publish(workspace, target=target, quiet=quiet)
