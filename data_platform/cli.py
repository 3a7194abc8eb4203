"""`data-platform`: the main job and each of its steps."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date

from data_platform.paths import REPO_ROOT

EPILOG = """\
examples:
  data-platform run                       the whole job on DuckDB with the sandbox sources (a month of change)
  data-platform ingest tascomi            land Tascomi changes up to yesterday (needs SOURCES__TASCOMI__* set)
  data-platform build                     dbt build on the dev target
  data-platform docs                      generate the data catalogue (dbt docs) as one page
  data-platform sandbox tascomi --port 8765   serve the sandbox vendor API for anyone to point a pipeline at
"""


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    os.environ.setdefault("DLT_PROJECT_DIR", str(REPO_ROOT))
    args = _parser().parse_args(argv)
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - the CLI's job is to turn any failure into a clear message
        cause = _platform_error(error)
        if cause is not None:
            print(f"error: {cause}", file=sys.stderr)
            print(
                "Nothing already landed is lost; the next run resumes from the last day fully landed.", file=sys.stderr
            )
            return 2
        raise


def _platform_error(error: BaseException) -> BaseException | None:
    """An error the platform explains itself (vendor refused or down, settings missing), if that is the cause."""
    from data_platform.errors import find_cause
    from ingestion.tascomi.client import TascomiAccessDenied, TascomiUnavailable
    from ingestion.tascomi.settings import TascomiNotConfigured

    return find_cause(error, TascomiAccessDenied, TascomiUnavailable, TascomiNotConfigured)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="data-platform",
        description="The council data platform: ingest sources, build trusted tables, publish the catalogue.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    run = commands.add_parser("run", help="main job: sandbox sources -> ingest N days -> dbt build -> docs")
    run.add_argument("--days", type=int, default=30, help="simulated days of change to import (default 30)")
    run.add_argument("--seed", type=int, default=42, help="sandbox seed: same seed, same data")
    run.add_argument("--start-date", type=date.fromisoformat, help="first import day (default: DAYS days ago)")
    run.add_argument("--applications", type=int, default=300, help="applications already in the system")
    run.set_defaults(handler=_run)

    ingest = commands.add_parser("ingest", help="land a source system's new data in the raw zone")
    ingest.add_argument("source", choices=["tascomi"])
    ingest.add_argument("--today", type=date.fromisoformat, help="business day to import as (default: today)")
    ingest.set_defaults(handler=_ingest)

    build = commands.add_parser("build", help="dbt build: models, tests, seeds")
    build.add_argument("--target", help="dbt target from profiles.yml (default dev)")
    build.add_argument("--full-refresh", action="store_true", help="rebuild history from raw")
    build.add_argument("--select", help="dbt node selection")
    build.set_defaults(handler=_build)

    docs = commands.add_parser("docs", help="generate the data catalogue site (dbt docs, one page)")
    docs.add_argument("--target", help="dbt target (default dev)")
    docs.set_defaults(handler=_docs)

    sandbox = commands.add_parser("sandbox", help="serve a sandbox stand-in for a source system")
    sandbox.add_argument("source", choices=["tascomi"])
    sandbox.add_argument("rest", nargs=argparse.REMAINDER, help="options for the sandbox (see --help after it)")
    sandbox.set_defaults(handler=_sandbox)
    return parser


def _run(args: argparse.Namespace) -> int:
    from data_platform.demo import print_summary, run_demo

    result = run_demo(days=args.days, seed=args.seed, start=args.start_date, initial_applications=args.applications)
    print_summary(result)
    return 0


def _ingest(args: argparse.Namespace) -> int:
    from ingestion.tascomi.pipeline import ingest_tascomi
    from ingestion.tascomi.settings import load_settings

    report = ingest_tascomi(load_settings(today=args.today))
    print(f"landed: {report.rows_by_table()} with {report.requests_made} requests")
    return 0


def _build(args: argparse.Namespace) -> int:
    from data_platform import dbt

    dbt.build(target=args.target, full_refresh=args.full_refresh, select=args.select)
    return 0


def _docs(args: argparse.Namespace) -> int:
    from data_platform import dbt

    print(f"catalogue: {dbt.docs(target=args.target)}")
    return 0


def _sandbox(args: argparse.Namespace) -> int:
    from sandbox.tascomi.__main__ import serve

    return serve(args.rest) or 0


if __name__ == "__main__":
    sys.exit(main())
