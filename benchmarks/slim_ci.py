"""The pull-request CI job's slim path for a one-model change, step by step, beside a full `dbt build` in the same run.

    .venv/bin/python benchmarks/slim_ci.py [--home local]

Takes a workspace `make demo` built as "main" (its warehouse, lake and manifest: what CI keeps as the
demo-workspace artifact), a clean clone of the repository with the Playbook's first model added
(docs/analysts/your-first-model.md), and runs the steps of the `slim` job in .github/workflows/ci.yml in order
(set-up and the artifact download excluded), then the full build the job avoids. Prints wall and CPU seconds (CPU of
the child processes: the machine may be shared)."""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "docs"))

import playbook_walk as walk  # noqa: E402


def timed(label: str, argv: list[str], cwd: Path, env: dict[str, str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    done = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True)
    wall = time.monotonic() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    ok = "yes" if done.returncode == 0 else "NO"
    print(f"| {label} | {wall:.1f} | {cpu:.1f} | {ok} |", flush=True)
    if done.returncode:
        print((done.stdout + done.stderr)[-3000:], file=sys.stderr)
    return wall, cpu


def workspace_vars(env: dict[str, str]) -> dict[str, str]:
    """The vars data-platform gives dbt for this workspace (data_platform/dbt.py), computed in a child with the
    job's environment so the script's own settings cannot differ from what `data-platform check` will see."""
    code = "import json; from core.workspace import Workspace; from data_platform.dbt import workspace_vars as v; "
    code += "print(json.dumps(v(Workspace.from_environment())))"
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=env["DATA_PLATFORM_PROJECT_DIR"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    return json.loads(done.stdout)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--home", type=Path, default=REPO / "local", help="a workspace `make demo` built")
    args = parser.parse_args()
    tools = Path(sys.executable).parent
    with tempfile.TemporaryDirectory() as scratch:
        project = walk.copy_project(Path(scratch) / "clone")
        home = walk.copy_workspace(args.home, project / "local")
        shutil.copytree(home / "target", home / "main-state")
        for action in walk.actions():
            for path, content in action.files.items():  # the one-model change
                (project / path).write_text(content)
        env = walk.environment(project, home, str((args.home / "lake").resolve()))
        dp, dbt = str(tools / "data-platform"), str(tools / "dbt")
        print("| step | wall s | CPU s | ok |\n|---|---|---|---|")
        total = [0.0, 0.0]
        steps = [
            ("lint the changed files", [dp, "lint", "--changed"]),
            ("generate --check", [dp, "generate", "--check"]),
            (
                "dbt build --select state:modified+ --defer --state (main)",
                [dbt, "build", "--select", "state:modified+", "--defer", "--state", "local/main-state"]
                # the vars `data-platform check` passes, as ci.yml does: the check then reuses this parse
                + ["--target-path", "local/target", "--vars", json.dumps(workspace_vars(env))],
            ),
            ("data-platform check", [dp, "check"]),
            (
                "pytest tests/athena tests/docs tests/test_cli.py tests/test_check.py -n auto --dist loadfile",
                [str(tools / "pytest"), "-q", "-p", "no:cacheprovider", "--numprocesses", "auto", "--dist", "loadfile"]
                + ["tests/athena", "tests/docs", "tests/test_cli.py", "tests/test_check.py"],
            ),
        ]
        # The tests make their own workspaces: CI runs them with no DATA_PLATFORM_* setting.
        bare = {k: v for k, v in env.items() if not k.startswith("DATA_PLATFORM_") or k == "DATA_PLATFORM_PROJECT_DIR"}
        for label, argv in steps:
            wall, cpu = timed(label, argv, project, bare if argv[0].endswith("pytest") else env)
            total[0] += wall
            total[1] += cpu
        print(f"| **slim path, total** | {total[0]:.1f} | {total[1]:.1f} | |")
        full = [dbt, "build", "--target-path", "local/target", "--vars", json.dumps(workspace_vars(env))]
        timed("anchor: full `dbt build` (what the job avoids)", full, project, env)
    return 0


if __name__ == "__main__":
    sys.exit(main())
