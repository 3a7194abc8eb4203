"""`make` installs with uv, handed pip's configuration (deploy/uv_install.py): what pip would read (its files, its
PIP_* variables, the stronger winning) reaches uv as options, so both install from the same places under the same
caps. CI's own `make test` proves the install; these hold the translation."""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

spec = importlib.util.spec_from_file_location("uv_install", REPO / "deploy" / "uv_install.py")
uv_install = importlib.util.module_from_spec(spec)
spec.loader.exec_module(uv_install)


def test_pip_variables_win_over_its_files_and_install_over_global():
    listed = "\n".join(
        [
            ":env:.find-links='/from/env'",
            "global.find-links='/from/global'",
            "global.constraint='/etc/caps.txt'",
            "install.constraint='/etc/install-caps.txt'",
            "global.extra-index-url='file:///a/simple file:///b/simple'",
            "global.cert='/etc/ssl/bundle.crt'",
            "site.timeout='60'",  # a scope pip's install does not read from this listing: ignored
        ]
    )
    settings = uv_install.pip_settings(listed)
    assert settings["find-links"] == "/from/env" and settings["constraint"] == "/etc/install-caps.txt"
    assert "timeout" not in settings
    options = uv_install.uv_options(settings)
    assert options == [
        "--extra-index-url", "file:///a/simple", "--extra-index-url", "file:///b/simple",
        "--find-links", "/from/env", "--constraint", "/etc/install-caps.txt",
        "--index-strategy", "unsafe-best-match",
    ]  # fmt: skip
    assert uv_install.uv_environment(settings)["SSL_CERT_FILE"] == "/etc/ssl/bundle.crt"
    assert uv_install.uv_options({}) == [], "no pip configuration: uv's own defaults (PyPI)"


def test_what_pip_itself_lists_is_read(tmp_path: Path):
    """Real `pip config list` output, a PIP_* variable and a config file of pip's: the variable wins, as in pip."""
    config = tmp_path / "pip.conf"
    config.write_text("[global]\nfind-links = /from/file\nconstraint = /caps.txt\n")
    environment = {**os.environ, "PIP_CONFIG_FILE": str(config), "PIP_FIND_LINKS": "/from/variable"}
    listed = subprocess.run(
        [sys.executable, "-m", "pip", "config", "list"], capture_output=True, text=True, check=True, env=environment
    ).stdout
    settings = uv_install.pip_settings(listed)
    assert settings["find-links"] == "/from/variable" and settings["constraint"] == "/caps.txt"
