"""The `data-platform` command as an operator meets it: help, clear errors and exit codes."""

from __future__ import annotations

import os
import subprocess
import sys

COMMAND = [sys.executable, "-m", "data_platform.cli"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOURCES__TASCOMI__")}
    return subprocess.run([*COMMAND, *args], env={**clean, **(env or {})}, capture_output=True, text=True, timeout=120)


def test_help_lists_every_step():
    result = run("--help")
    assert result.returncode == 0
    for command in ("run", "ingest", "build", "docs", "sandbox"):
        assert command in result.stdout


def test_missing_configuration_names_the_variables(home):
    result = run("ingest", "tascomi")
    assert result.returncode == 2
    assert "SOURCES__TASCOMI__BASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_refused_keys_stop_with_exit_code_2_and_never_print_the_key(tascomi_sandbox, home):
    env = {
        "SOURCES__TASCOMI__BASE_URL": tascomi_sandbox.base_url,
        "SOURCES__TASCOMI__PUBLIC_KEY": tascomi_sandbox.public_key,
        "SOURCES__TASCOMI__PRIVATE_KEY": "a-wrong-private-key",
    }
    result = run("ingest", "tascomi", "--today", "2025-03-03", env=env)
    assert result.returncode == 2
    assert "HTTP 401" in result.stderr and "Nothing already landed is lost" in result.stderr
    assert "a-wrong-private-key" not in result.stdout + result.stderr
