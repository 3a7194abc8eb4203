"""`data-platform lint --changed`: the linters CI runs (ruff, yamllint, sqlfluff), on the files changed since the
branch left main (committed, staged, unstaged and new), so a one-model change is linted in seconds rather than the
whole project."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from core.errors import PlatformError

# sqlfluff lints models, analyses and dbt tests; macros are jinja and generated models come from the contracts
# (.sqlfluffignore says the same for a whole-project lint, and leaves out the repairs contractors' models: each one
# macro call, no SQL of its own).
SQL_ROOTS = ("models/", "analyses/", "tests/dbt/", "snapshots/")


class NotARepository(PlatformError):
    """Changed files need git and the base branch."""


def _git(project_dir: Path, *args: str) -> list[str]:
    done = subprocess.run(["git", "-C", str(project_dir), *args], capture_output=True, text=True)
    if done.returncode != 0:
        raise NotARepository(f"git {' '.join(args)} failed: {done.stderr.strip()} (lint without --changed instead)")
    return [line for line in done.stdout.splitlines() if line]


def changed_files(project_dir: Path, base: str = "main") -> list[str]:
    """Files added, copied, modified or renamed since the merge base with `base`, plus untracked ones; deleted files
    are left out (nothing to lint)."""
    fork = _git(project_dir, "merge-base", "HEAD", base)[0]
    changed = set(_git(project_dir, "diff", "--name-only", "--diff-filter=ACMR", fork))
    changed |= set(_git(project_dir, "ls-files", "--others", "--exclude-standard"))
    return sorted(path for path in changed if (project_dir / path).is_file())


def lintable_sql(path: str) -> bool:
    return path.endswith(".sql") and path.startswith(SQL_ROOTS) and "/generated/" not in path


def commands(paths: list[str] | None) -> list[list[str]]:
    """The linter runs for these paths (None: the whole project)."""
    tools = Path(sys.executable).parent
    if paths is None:
        return [
            [str(tools / "ruff"), "check", "."],
            [str(tools / "ruff"), "format", "--check", "."],
            [str(tools / "yamllint"), "."],
            [str(tools / "sqlfluff"), "lint"],
        ]
    python = [path for path in paths if path.endswith(".py")]
    sql = [path for path in paths if lintable_sql(path)]
    yml = [path for path in paths if path.endswith((".yml", ".yaml"))]
    runs = []
    if python:
        runs += [[str(tools / "ruff"), "check", *python], [str(tools / "ruff"), "format", "--check", *python]]
    if yml:  # a model's YAML changes with it; yamllint answers in a second (.yamllint's ignores still apply)
        runs.append([str(tools / "yamllint"), *yml])
    if sql:
        runs.append([str(tools / "sqlfluff"), "lint", *sql])
    return runs


def lint(project_dir: Path, changed: bool = False, base: str = "main") -> int:
    paths = changed_files(project_dir, base) if changed else None
    runs = commands(paths)
    if paths is not None:
        print(f"lint: {len(paths)} changed file(s) since {base}; {len(runs)} linter run(s)")
    failed = 0
    for run in runs:
        print("$ " + " ".join([Path(run[0]).name, *run[1:]]), flush=True)
        failed |= subprocess.run(run, cwd=project_dir).returncode
    return 1 if failed else 0
