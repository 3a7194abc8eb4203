"""Every registered source's sandbox runs from the command line (`data-platform sandbox <source> ...`) and can be
read from as its connector would: a real process, its real server or files, read by the source's own client."""

from __future__ import annotations

import csv
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa

from core.registry import load_registry
from tests.conftest import repo_local_folder

COMMAND = [sys.executable, "-m", "data_platform.cli", "sandbox"]
SMALL_HOUSING = ["--days", "3", "--addresses", "150", "--properties", "40", "--repairs", "60"]


@contextmanager
def serving(source: str, *args: str, ready: str) -> Iterator[list[str]]:
    """Start the sandbox, wait for the line containing `ready`, hand over what it printed, stop it with Ctrl-C. It is
    started with SIGINT ignored, as a script's background job is (and as a test worker's child was): Ctrl-C must
    still stop it."""
    process = subprocess.Popen(
        [*COMMAND, source, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN),
    )  # fmt: skip
    lines: list[str] = []
    try:
        deadline = time.monotonic() + 120
        while not any(ready in line for line in lines):
            line = process.stdout.readline()
            assert line or process.poll() is None, f"{source} sandbox exited: {process.stderr.read()}"
            assert time.monotonic() < deadline, f"{source} sandbox did not start: {lines}"
            lines.append(line.rstrip("\n"))
        yield lines
    finally:
        process.send_signal(signal.SIGINT)
        try:
            out, _ = process.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            raise
    assert process.returncode == 0 and "stopping" in out, f"{source} did not stop cleanly on Ctrl-C"


def run(source: str, *args: str) -> str:
    result = subprocess.run([*COMMAND, source, *args], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    return result.stdout


def read_tascomi(tmp_path: Path) -> None:
    from ingestion.tascomi.client import TascomiClient

    with serving("tascomi", "--port", "0", "--initial-applications", "20", "--today", "2025-01-10",
                 ready="serving") as lines:  # fmt: skip
        base_url = next(line for line in lines if "serving" in line).split()[3]
        client = TascomiClient(base_url, "sandbox-public", "sandbox-private", max_attempts=1)
        assert client.count("applications").expected >= 20
        records = list(client.series("wards"))
        assert records and all("id" in r.values for r in records)


def read_repairs(tmp_path: Path) -> None:
    from ingestion.repairs.sheets import ServiceAccountKey, SheetsClient

    key_file = tmp_path / "sa.json"
    args = ["--port", "0", "--landing", str(tmp_path / "landing"), "--key-file", str(key_file), *SMALL_HOUSING]
    with serving("repairs", *args, ready="admin:") as lines:
        base_url = next(line for line in lines if "serving" in line).split()[3]
        sheet_id, tab = next(
            (line.split()[1], line.split("tab ", 1)[1].strip("'")) for line in lines if " tab '" in line
        )
        sheet = SheetsClient(base_url, ServiceAccountKey.from_file(str(key_file)), max_attempts=1).read_sheet(
            sheet_id, tab
        )
        assert sheet.rows and sheet.rows[0], "a header row at least"
    assert list((tmp_path / "landing" / "housing" / "repairs").rglob("*.*")), "the emailed exports were dropped"


def read_landing(source: str, folder: str, required: str) -> Callable[[Path], None]:
    def read(tmp_path: Path) -> None:
        out = run(source, "--landing", str(tmp_path / "landing"), *SMALL_HOUSING)
        assert f"SOURCES__{source.upper()}__LANDING_ROOT=" in out
        files = sorted((tmp_path / "landing" / folder).rglob("*.csv"))
        assert files, out
        with files[0].open(newline="") as handle:
            header = next(csv.reader(handle))
        assert required in header, header

    return read


def read_academy(tmp_path: Path) -> None:
    folder = repo_local_folder("academy-pg-serve-test")  # PostgreSQL's OS user cannot enter pytest's tmp dirs
    try:
        started = subprocess.run([*COMMAND, "academy", "--folder", str(folder), "start"], capture_output=True,
                                 text=True, timeout=300)  # fmt: skip
        if started.returncode != 0 and "PostgreSQL" in started.stderr and "install" in started.stderr:
            pytest.skip(f"no PostgreSQL server here: {started.stderr.strip()}")
        assert started.returncode == 0, started.stderr
        run("academy", "--folder", str(folder), "seed", "--accounts", "30")
        status = run("academy", "--folder", str(folder), "status")
        url = next(word for word in status.split() if word.startswith("postgresql+psycopg://"))
        engine = sa.create_engine(url)
        try:
            with engine.connect() as connection:
                assert connection.execute(sa.text("select count(*) from dbo.ctaccount")).scalar_one() >= 30
        finally:
            engine.dispose()
    finally:
        subprocess.run([*COMMAND, "academy", "--folder", str(folder), "stop"], capture_output=True, timeout=120)


READERS: dict[str, Callable[[Path], None]] = {
    "tascomi": read_tascomi,
    "academy": read_academy,
    "repairs": read_repairs,
    "housing_management": read_landing(
        "housing_management", "housing/housing_management/properties", "property_reference"
    ),
    "gazetteer": read_landing("gazetteer", "data-and-insight/gazetteer", "uprn"),
}


def test_every_registered_source_has_a_case_here():
    assert set(READERS) == set(load_registry()), "a new source's sandbox needs its case in READERS"


@pytest.mark.parametrize("source", sorted(READERS))
def test_the_sandbox_runs_from_the_command_line_and_serves_what_its_connector_reads(source, tmp_path):
    READERS[source](tmp_path)
