"""Academy at realistic scale: rows/s extracted from the replica by the connector, beside a plain baseline.

    .venv/bin/python benchmarks/academy_scale.py                       # 500,000 accounts (seeding takes ~2 min)
    .venv/bin/python benchmarks/academy_scale.py --accounts 20000 --no-write   # a quick look

1. Seeds (or reuses, when the world already has that seed and size) a replica of `--accounts` council-tax accounts.
2. Baseline: PostgreSQL's own `COPY (SELECT * FROM dbo.<table>) TO STDOUT (FORMAT csv)` per table, as the same
   read-only login, streamed to a file: the fastest a client can take the rows out (no typing, no parquet).
3. The connector: a first import of every table (the full pulls and the snapshots) into an empty lake, once per
   (batch size, concurrency) setting, each in a fresh child process whose peak RSS is read with os.wait4.
4. Writes the section between the academy markers of docs/benchmarks.md (unless --no-write).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

START = date(2025, 1, 6)
MARK_START, MARK_END = "<!-- academy-scale:start -->", "<!-- academy-scale:end -->"


def load_average() -> float:
    return os.getloadavg()[0]


def seed(replica: Any, accounts: int, seed_value: int) -> float:
    """Seed unless the world is already this size and seed; returns the seconds spent."""
    if replica.seeded:
        with replica.connect() as conn:
            row = conn.execute("SELECT count(*) FROM dbo.ctaccount").fetchone()
            marker = conn.execute("SELECT to_regclass('academy_sandbox.bench_marker') IS NOT NULL").fetchone()[0]
            same = marker and conn.execute("SELECT seed, accounts FROM academy_sandbox.bench_marker").fetchone() == (
                seed_value,
                accounts,
            )
        if row and same:
            return 0.0
    started = time.monotonic()
    replica.seed(n_accounts=accounts, seed=seed_value, start_date=START)
    with replica.connect() as conn:
        conn.execute(
            "CREATE TABLE academy_sandbox.bench_marker AS SELECT %s::int AS seed, %s::int AS accounts",
            (seed_value, accounts),
        )
    return time.monotonic() - started


def copy_baseline(replica: Any, tables: list[str], folder: Path) -> dict[str, tuple[int, float, int]]:
    """Per table: rows, seconds, bytes of `COPY ... TO STDOUT (FORMAT csv)` as the reader."""
    results = {}
    with replica.connect_reader() as conn:
        for table in tables:
            target = folder / f"{table}.csv"
            started = time.monotonic()
            rows = 0
            with (
                open(target, "wb") as out,
                conn.cursor().copy(f"COPY (SELECT * FROM dbo.{table}) TO STDOUT (FORMAT csv)") as copy,
            ):
                for block in copy:
                    out.write(block)
                    rows += bytes(block).count(b"\n")  # no embedded newlines in this data
            results[table] = (rows, time.monotonic() - started, target.stat().st_size)
            target.unlink()
    return results


def run_connector(url: str, batch_size: int, concurrency: int, home: Path) -> dict:
    """A first import in a child process; its report, wall seconds and peak RSS (MiB)."""
    code = (
        "import json, sys, time\n"
        "from datetime import date\n"
        "from pathlib import Path\n"
        "from core.workspace import Workspace\n"
        "from ingestion.academy import ingest, load_settings\n"
        f"s = load_settings(connection_url={url!r}, today=date({START.year}, {START.month}, {START.day}), "
        f"batch_size={batch_size}, concurrency={concurrency})\n"
        "t = time.monotonic()\n"
        f"r = ingest(s, Workspace.at(Path({str(home)!r})), progress=lambda m: None)\n"
        "print(json.dumps({'seconds': time.monotonic() - t, 'rows': r.rows_by_table(), "
        "'read_seconds': r.seconds_by_table(), 'steps': len(r.steps)}))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO), "RUNTIME__DLTHUB_TELEMETRY": "false"}
    started = time.monotonic()
    child = subprocess.Popen([sys.executable, "-c", code], cwd=REPO, env=env, stdout=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(child.pid, 0)
    out = child.stdout.read() if child.stdout else ""
    if status != 0:
        raise SystemExit(f"connector run failed ({status}): {out}")
    result = json.loads(out.strip().splitlines()[-1])
    result["wall"] = time.monotonic() - started
    result["peak_mib"] = usage.ru_maxrss / 1024
    result["lake_mib"] = sum(p.stat().st_size for p in (home / "lake").rglob("*.parquet")) / 2**20
    return result


def markdown(accounts: int, seeded_s: float, baseline: dict, runs: list[tuple[int, int, dict]]) -> str:
    tables = sorted(baseline, key=lambda t: -baseline[t][0])
    copy_rows = sum(r for r, _, _ in baseline.values())
    copy_s = sum(s for _, s, _ in baseline.values())
    lines = [
        MARK_START,
        "## Academy: bulk extraction from the replica",
        "",
        f"Measured by `benchmarks/academy_scale.py` on {date.today()} (2 shared cores, 1-minute load average "
        f"{load_average():.1f} at the end): a replica of **{accounts:,} council-tax accounts** "
        f"({'seeded in ' + format(seeded_s, '.0f') + ' s' if seeded_s else 'reused'}), every table of the contract "
        "read by a first import (full pulls and snapshots) into an empty local lake.",
        "",
        "| table | rows | COPY to CSV (s) | COPY rows/s |",
        "|---|---:|---:|---:|",
    ]
    for table in tables:
        rows, seconds, _ = baseline[table]
        lines.append(f"| {table} | {rows:,} | {seconds:.2f} | {rows / seconds:,.0f} |")
    lines += [
        f"| **all** | **{copy_rows:,}** | **{copy_s:.1f}** | **{copy_rows / copy_s:,.0f}** |",
        "",
        "| batch size | concurrency | steps | ingest (s) | wall (s) | rows/s | vs COPY | peak RSS (MiB) "
        "| parquet (MiB) |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for batch, concurrency, run in runs:
        rows = sum(run["rows"].values())
        rate = rows / run["seconds"]
        lines.append(
            f"| {batch:,} | {concurrency} | {run['steps']} | {run['seconds']:.1f} | {run['wall']:.1f} | {rate:,.0f} | "
            f"{(copy_rows / copy_s) / rate:.1f}x slower | {run['peak_mib']:.0f} | {run['lake_mib']:.0f} |"
        )
    lines += [
        "",
        "What the two measure: COPY streams the server's own text rows to a file and stops; the connector, per",
        "chunk, asks the server for the chunk's upper bound and its count(*), reads the rows through dlt's",
        "sql_database reader (pyarrow backend) in one statement, converts every column to raw text, and lands the",
        "chunk as parquet through a dlt load package with the import log and the cursor move (extract, normalize,",
        "load). rows/s and the ratio use the time of the `ingest` call; wall adds the child process start.",
        MARK_END,
    ]
    return "\n".join(lines) + "\n"


def write_section(text: str) -> None:
    path = REPO / "docs" / "benchmarks.md"
    current = path.read_text()
    if MARK_START in current:
        before, rest = current.split(MARK_START, 1)
        after = rest.split(MARK_END, 1)[1]
        path.write_text(before + text.rstrip("\n") + after)
    else:
        path.write_text(current.rstrip("\n") + "\n\n" + text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=500_000)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--folder", default=str(REPO / "local" / "academy-pg-bench"))
    parser.add_argument("--settings", default="50000x2,10000x1", help="batch x concurrency, comma-separated")
    parser.add_argument("--no-write", action="store_true", help="print the section instead of writing it")
    args = parser.parse_args()

    from core.registry import source_entry
    from sandbox.academy import AcademyReplica

    tables = list(source_entry("academy").contract().tables)
    with AcademyReplica(args.folder) as replica:
        seeded_s = seed(replica, args.accounts, args.seed)
        print(f"world ready ({seeded_s:.0f} s)", flush=True)
        with tempfile.TemporaryDirectory() as scratch:
            baseline = copy_baseline(replica, tables, Path(scratch))
            print(f"COPY: {sum(r for r, _, _ in baseline.values()):,} rows", flush=True)
            runs = []
            for setting in args.settings.split(","):
                batch, concurrency = (int(x) for x in setting.split("x"))
                home = Path(scratch) / f"home-{batch}-{concurrency}"
                run = run_connector(replica.reader_url, batch, concurrency, home)
                shutil.rmtree(home, ignore_errors=True)
                print(f"connector {batch}x{concurrency}: {run['wall']:.1f} s, {run['peak_mib']:.0f} MiB", flush=True)
                runs.append((batch, concurrency, run))
    section = markdown(args.accounts, seeded_s, baseline, runs)
    if args.no_write:
        print(section)
    else:
        write_section(section)
        print("wrote docs/benchmarks.md")


if __name__ == "__main__":
    main()
