"""Follow docs/analysts/your-first-model.md literally: its `data-platform` commands in order, and its titled code
blocks written to their files (the page's "edit" step). Used by the test that walks the page and by
benchmarks/analyst_loop.py, which times each action."""

from __future__ import annotations

import os
import re
import resource
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "docs" / "analysts" / "your-first-model.md"
BLOCK = re.compile(r"^```(?P<lang>\w+)(?: title=\"(?P<title>[^\"]+)\")?\n(?P<body>.*?)^```$", re.M | re.S)


@dataclass
class Action:
    name: str  # the command, or "edit <files>"
    commands: list[str]  # shell lines (empty for an edit)
    files: dict[str, str]  # path -> content written by an edit


@dataclass
class Timed:
    action: Action
    seconds: float
    cpu_seconds: float  # user + system of the child processes
    output: str
    returncode: int


def actions(page: Path = PAGE) -> list[Action]:
    """The page's numbered steps (## 1. ... ## 5.), each one action: its commands, or the files it edits."""
    text = page.read_text()
    steps = re.split(r"^## \d+\. ", text, flags=re.M)[1:]
    found = []
    for step in steps:
        step = step.split("\n## ", 1)[0]
        title = step.splitlines()[0]
        commands, files = [], {}
        for block in BLOCK.finditer(step):
            if block["title"]:
                files[block["title"]] = block["body"]
            elif block["lang"] == "bash":
                commands += [line for line in block["body"].splitlines() if line.startswith(".venv/bin/data-platform")]
        found.append(Action(title, commands, files))
    return found


def copy_project(destination: Path) -> Path:
    """The repository's files (tracked and new, not ignored) in a fresh git repository on branch main: the state
    of a clean clone."""
    listed = subprocess.run(
        ["git", "-C", str(REPO), "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (destination / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, destination / name)
    (destination / "local").mkdir(exist_ok=True)  # as make setup leaves it (sqlfluff's templater opens the dev target)
    git = ["git", "-C", str(destination), "-c", "user.email=walk@example.org", "-c", "user.name=walk"]
    subprocess.run([*git[:3], "init", "-q", "-b", "main"], check=True)
    subprocess.run([*git, "add", "-A"], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "clean clone"], check=True)
    return destination


def run(action: Action, project: Path, env: dict[str, str]) -> Timed:
    tools = Path(sys.executable).parent
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.monotonic()
    output, code = "", 0
    for path, content in action.files.items():
        (project / path).write_text(content)
    for command in action.commands:
        argv = command.split()
        argv[0] = str(tools / "data-platform")
        done = subprocess.run(argv, cwd=project, env=env, capture_output=True, text=True)
        output += done.stdout + done.stderr
        code = code or done.returncode
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Timed(action, time.monotonic() - started, cpu, output, code)


def copy_workspace(source: Path, destination: Path) -> Path:
    """A private copy of a built workspace's warehouse (with its write-ahead log: the last writes may be only there)
    and its dbt target folder (the manifest and partial-parse state a demo leaves behind)."""
    destination.mkdir(parents=True, exist_ok=True)
    for name in ("dev.duckdb", "dev.duckdb.wal"):
        if (source / name).exists():
            shutil.copy2(source / name, destination / name)
    if (source / "target").is_dir():
        shutil.copytree(source / "target", destination / "target", ignore=shutil.ignore_patterns("run", "compiled"))
    return destination


def environment(project: Path, home: Path, lake: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATA_PLATFORM_PROJECT_DIR": str(project),
        "DATA_PLATFORM_HOME": str(home),
        "DATA_PLATFORM_LAKE": lake,
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        "RUNTIME__DLTHUB_TELEMETRY": "false",
    }
