"""`uv pip install` into the Python running this script, configured as pip is on this machine.

`make` installs the project with uv: the same pins (constraints.txt) as pip, in a tenth of the time (a fresh .venv
on 2 cores: pip 77 s, uv 8 s). uv does not read pip's configuration, so what `pip config list` shows (pip's files
and PIP_* variables: a package mirror, a folder of wheels, a constraints file, a certificate bundle) is handed to
uv as its own options, and both install from the same places under the same caps.

    python deploy/uv_install.py -c constraints.txt -e '.[dev]'     # arguments: uv pip install's
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

# pip's setting -> uv pip install's option (each of the setting's whitespace-separated values given once)
OPTIONS = {
    "index-url": "--index-url",
    "extra-index-url": "--extra-index-url",
    "find-links": "--find-links",
    "constraint": "--constraint",
    "trusted-host": "--allow-insecure-host",
}
# Where pip reads a setting from, the weakest first: its files' [global], then [install], then PIP_* variables.
SCOPES = ("global", "install", ":env:")


def pip_settings(listed: str) -> dict[str, str]:
    """pip's settings for `pip install`, by name, from `pip config list` (lines like global.find-links='/wheels')."""
    found: dict[str, tuple[int, str]] = {}
    for line in listed.splitlines():
        name, _, value = line.partition("=")
        scope, _, setting = name.rpartition(".")
        if scope in SCOPES and value:
            rank = SCOPES.index(scope)
            if setting not in found or found[setting][0] <= rank:
                found[setting] = (rank, str(ast.literal_eval(value)))
    return {setting: value for setting, (_, value) in found.items()}


def uv_options(settings: dict[str, str]) -> list[str]:
    options = [
        part
        for setting, option in OPTIONS.items()
        for value in settings.get(setting, "").split()
        for part in (option, value)
    ]
    if "extra-index-url" in settings:
        options += ["--index-strategy", "unsafe-best-match"]  # pip's: the best version across every index
    return options


def uv_environment(settings: dict[str, str]) -> dict[str, str]:
    environment = dict(os.environ)
    if "cert" in settings:
        environment["SSL_CERT_FILE"] = settings["cert"]
    return environment


def main(arguments: list[str]) -> int:
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=True
    ).stdout
    settings = pip_settings(listed)
    uv = Path(sys.executable).parent / "uv"
    command = [str(uv), "pip", "install", "--python", sys.executable, *uv_options(settings), *arguments]
    return subprocess.run(command, env=uv_environment(settings)).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
