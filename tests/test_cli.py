"""The `data-platform` command as an operator meets it: help, clear errors and exit codes."""

from __future__ import annotations

import os
import subprocess
import sys

COMMAND = [sys.executable, "-m", "data_platform.cli"]


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SOURCES__")}
    return subprocess.run([*COMMAND, *args], env={**clean, **(env or {})}, capture_output=True, text=True, timeout=120)


def test_help_lists_every_step_and_every_registered_source():
    result = run("--help")
    assert result.returncode == 0
    for command in ("demo", "nightly", "ingest", "build", "docs", "generate", "sandbox"):
        assert command in result.stdout
    ingest = run("ingest", "--help")
    assert "tascomi" in ingest.stdout


def test_missing_configuration_names_the_variables(home):
    result = run("ingest", "tascomi", env={"DATA_PLATFORM_HOME": str(home)})
    assert result.returncode == 2
    assert "SOURCES__TASCOMI__BASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_malformed_setting_names_the_variable(home):
    env = {
        "DATA_PLATFORM_HOME": str(home),
        "SOURCES__TASCOMI__BASE_URL": "http://127.0.0.1:9/rest/v1",
        "SOURCES__TASCOMI__PUBLIC_KEY": "p",
        "SOURCES__TASCOMI__PRIVATE_KEY": "k",
        "SOURCES__TASCOMI__CATCH_UP_DAYS": "sixty",
    }
    result = run("ingest", "tascomi", env=env)
    assert result.returncode == 2
    assert "SOURCES__TASCOMI__CATCH_UP_DAYS" in result.stderr and "Traceback" not in result.stderr


def test_a_future_business_day_is_refused(home):
    env = {
        "DATA_PLATFORM_HOME": str(home),
        "SOURCES__TASCOMI__BASE_URL": "http://127.0.0.1:9/rest/v1",
        "SOURCES__TASCOMI__PUBLIC_KEY": "p",
        "SOURCES__TASCOMI__PRIVATE_KEY": "k",
    }
    result = run("ingest", "tascomi", "--today", "2099-01-01", env=env)
    assert result.returncode == 2 and "in the future" in result.stderr
    assert not (home / "lake").exists(), "nothing may be landed for a day that has not happened"


def test_refused_keys_stop_with_exit_code_2_and_never_print_the_key(tascomi_sandbox, home):
    env = {
        "DATA_PLATFORM_HOME": str(home),
        "SOURCES__TASCOMI__BASE_URL": tascomi_sandbox.base_url,
        "SOURCES__TASCOMI__PUBLIC_KEY": tascomi_sandbox.public_key,
        "SOURCES__TASCOMI__PRIVATE_KEY": "a-wrong-private-key",
    }
    result = run("ingest", "tascomi", "--today", "2025-03-03", env=env)
    assert result.returncode == 2
    assert "HTTP 401" in result.stderr and "Traceback" not in result.stderr
    assert "a-wrong-private-key" not in result.stdout + result.stderr


def test_generate_check_fails_on_a_stale_generated_file(tmp_path):
    """`make test` runs `data-platform generate --check`; it must notice a contract edit without regeneration."""
    import shutil

    project = tmp_path / "project"
    for folder in ("ingestion", "models", "macros"):
        shutil.copytree(os.path.join(os.path.dirname(__file__), "..", folder), project / folder)
    env = {"DATA_PLATFORM_PROJECT_DIR": str(project)}
    assert run("generate", "--check", env=env).returncode == 0
    contract = project / "ingestion" / "tascomi" / "contract" / "wards.yml"
    contract.write_text(contract.read_text().replace('"Ward name."', '"Name of the electoral ward."'))
    stale = run("generate", "--check", env=env)
    assert stale.returncode == 1
    # the generated YAML carries the description as text (no doc() reference: dbt renders each one on a whole
    # parse), so every file that shows it is out of date, and no other source's files are
    out_of_date = {line.rsplit("/", 1)[-1] for line in stale.stderr.splitlines() if line.startswith("out of date: ")}
    assert out_of_date == {"_tascomi__contract.md", "_tascomi__sources.yml", "_tascomi__models.yml"}, stale.stderr
    assert run("generate", env=env).returncode == 0
    assert run("generate", "--check", env=env).returncode == 0
    for name in ("_tascomi__sources.yml", "_tascomi__models.yml"):
        generated = (project / "models" / "staging" / "tascomi" / "generated" / name).read_text()
        assert "description: Name of the electoral ward." in generated and "Ward name." not in generated


def test_an_empty_base_url_is_one_line_naming_the_variable(home):
    env = {
        "DATA_PLATFORM_HOME": str(home),
        "SOURCES__TASCOMI__BASE_URL": "",
        "SOURCES__TASCOMI__PUBLIC_KEY": "p",
        "SOURCES__TASCOMI__PRIVATE_KEY": "k",
    }
    result = run("ingest", "tascomi", env=env)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0, result.stderr
    assert "SOURCES__TASCOMI__BASE_URL" in result.stderr and "https://" in result.stderr
    assert not (home / "lake").exists()


def test_a_day_in_another_format_says_the_format_in_the_error_and_the_help(home):
    result = run("ingest", "tascomi", "--today", "06/12/2026", env={"DATA_PLATFORM_HOME": str(home)})
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "'06/12/2026'" in result.stderr and "YYYY-MM-DD" in result.stderr
    assert "YYYY-MM-DD" in run("ingest", "--help").stdout
    setting = run(
        "ingest",
        "tascomi",
        env={
            "DATA_PLATFORM_HOME": str(home),
            "SOURCES__TASCOMI__BASE_URL": "http://127.0.0.1:9/rest/v1",
            "SOURCES__TASCOMI__PUBLIC_KEY": "p",
            "SOURCES__TASCOMI__PRIVATE_KEY": "k",
            "SOURCES__TASCOMI__TODAY": "06/12/2026",
        },
    )
    assert setting.returncode == 2 and "SOURCES__TASCOMI__TODAY" in setting.stderr and "YYYY-MM-DD" in setting.stderr
