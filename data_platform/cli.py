"""`data-platform`: the nightly job, the demo, and each step on its own."""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date

from core.errors import PlatformError, find_cause
from core.registry import load_registry
from core.workspace import PROJECT_DIR, Workspace

EPILOG = """\
examples:
  data-platform demo                      the whole job on DuckDB with the sandbox sources (a month of change)
  data-platform nightly --target prod     what production schedules: every configured source -> build -> docs
  data-platform ingest tascomi            land Tascomi changes up to yesterday (needs SOURCES__TASCOMI__* set)
  data-platform build                     dbt build on the dev target
  data-platform docs                      generate the data catalogue (dbt docs) as one page
  data-platform generate [--check]        rewrite (or check) the dbt files derived from the source contracts
  data-platform sandbox tascomi --port 8765   serve a source's sandbox for anyone to point a pipeline at
  data-platform new-source parking --department parking   scaffold a source that builds as it is
  data-platform playbook [--build]        serve the Playbook (docs/) while you edit, or build it beside the catalogue
  data-platform new model NAME --from planning_applications   a new trusted model's SQL and YAML to fill in
  data-platform check                     governance on the manifest: described, classified, grain, owner (seconds)
  data-platform lint --changed            ruff and sqlfluff on the files changed since main

Where things go: DATA_PLATFORM_HOME (default ./local) and DATA_PLATFORM_LAKE (default <home>/lake; a folder or
s3://bucket/prefix). Source settings: .dlt/config.toml, .dlt/secrets.toml or SOURCES__<SOURCE>__<KEY>.
"""


def main(argv: list[str] | None = None) -> int:
    # dlt finds .dlt/config.toml through the project dir; usage telemetry has no network to go to.
    os.environ.setdefault("DLT_PROJECT_DIR", str(PROJECT_DIR))
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")
    os.environ.setdefault("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    args = _parser().parse_args(argv)
    workspace = Workspace.from_environment()
    try:
        return args.handler(args, workspace)
    except KeyboardInterrupt:
        return 130
    except Exception as error:  # noqa: BLE001 - the CLI's job is to turn any known failure into a clear message
        explained = find_cause(error, PlatformError)
        if explained is None:
            raise
        print(f"error: {explained}", file=sys.stderr)
        return 2


def _parser() -> argparse.ArgumentParser:
    sources = list(load_registry())
    parser = argparse.ArgumentParser(
        prog="data-platform",
        description="The council data platform: ingest sources, build trusted tables, publish the catalogue.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = commands.add_parser("demo", help="sandbox sources -> ingest N days -> dbt build -> docs (DuckDB)")
    demo.add_argument("--days", type=int, default=14, help="simulated days of change to import (default 14)")
    demo.add_argument("--seed", type=int, default=42, help="sandbox seed: same seed, same data")
    demo.add_argument("--start-date", type=_day, help="first import day, YYYY-MM-DD (default: DAYS days ago)")
    demo.set_defaults(handler=_demo)

    nightly = commands.add_parser("nightly", help="every configured source -> dbt build -> docs (what prod runs)")
    nightly.add_argument("--target", help="dbt target from profiles.yml (default dev; prod on Athena)")
    nightly.add_argument("--source", action="append", choices=sources, help="only these sources (repeatable)")
    nightly.set_defaults(handler=_nightly)

    ingest = commands.add_parser("ingest", help="land a source system's new data in the raw zone")
    ingest.add_argument("source", choices=sources)
    ingest.add_argument(
        "--today", type=_day, help="business day to import as, YYYY-MM-DD, e.g. 2026-12-06 (default: today in London)"
    )
    ingest.set_defaults(handler=_ingest)

    compact = commands.add_parser(
        "compact", help="merge each raw table's daily files of old months into one file per month (same records)"
    )
    compact.add_argument("source", nargs="*", choices=sources, help="only these sources (default: every enabled one)")
    compact.add_argument("--today", type=_day, help="the day to count months' age from, YYYY-MM-DD (default: today)")
    compact.set_defaults(handler=_compact)

    build = commands.add_parser(
        "build", help="dbt build: models, tests, seeds; the trusted zone is published only when every test passes"
    )
    build.add_argument("--target", help="dbt target from profiles.yml (default dev)")
    build.add_argument("--full-refresh", action="store_true", help="rebuild history from raw")
    build.add_argument(
        "--select", help="dbt node selection: its trusted models are tested in <schema>__staging, then published"
    )
    build.set_defaults(handler=_build)

    docs = commands.add_parser("docs", help="generate the data catalogue site (dbt docs, one page)")
    docs.add_argument("--target", help="dbt target (default dev)")
    docs.set_defaults(handler=_docs)

    generate = commands.add_parser("generate", help="rewrite the dbt files derived from the source contracts")
    generate.add_argument("--check", action="store_true", help="only check they are up to date (exit 1 if not)")
    generate.set_defaults(handler=_generate)

    scaffold = commands.add_parser("new-source", help="scaffold a source: connector, contract, sandbox stub, registry")
    scaffold.add_argument("name", help="the source's name (lower case, _): ingestion/NAME/, sandbox/NAME/")
    scaffold.add_argument("--department", required=True, help="the department that owns its data")
    scaffold.add_argument("--title", help="what the catalogue calls it")
    scaffold.set_defaults(handler=_new_source)

    sandbox = commands.add_parser("sandbox", help="serve a sandbox stand-in for a source system")
    sandbox.add_argument("source", choices=sources)
    sandbox.add_argument("rest", nargs=argparse.REMAINDER, help="options for the sandbox (see --help after it)")
    sandbox.set_defaults(handler=_sandbox)
    playbook = commands.add_parser("playbook", help="serve the Playbook site (docs/), or --build it")
    playbook.add_argument("--build", action="store_true", help="build it under <home>/docs/playbook/ and exit")
    playbook.add_argument("--address", default="127.0.0.1:8000", help="where to serve (default 127.0.0.1:8000)")
    playbook.set_defaults(handler=_playbook)
    new = commands.add_parser("new", help="scaffold something new: `new model NAME --from PARENT`")
    new.add_argument("kind", choices=["model"])
    new.add_argument("name", help="the new model's name (lower case, digits, _)")
    new.add_argument("--from", dest="parent", required=True, help="the model or seed it is built from")
    new.add_argument("--department", help="default: the parent's department")
    new.set_defaults(handler=_new)

    check = commands.add_parser("check", help="governance on the dbt manifest: descriptions, classes, grain, owners")
    check.add_argument("--target", help="dbt target (default dev)")
    check.set_defaults(handler=_check)

    lint = commands.add_parser("lint", help="ruff and sqlfluff (what CI runs)")
    lint.add_argument("--changed", action="store_true", help="only files changed since the base branch")
    lint.add_argument("--base", default="main", help="the base branch for --changed (default main)")
    lint.set_defaults(handler=_lint)
    return parser


def _day(value: str) -> date:
    """A day on the command line: ISO only, so 06/12/2026 is never read as June or December by guess."""
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a day in the format YYYY-MM-DD (e.g. 2026-12-06)") from None


def _demo(args: argparse.Namespace, workspace: Workspace) -> int:
    from data_platform.jobs import demo, print_summary

    print_summary(demo(workspace, days=args.days, seed=args.seed, start=args.start_date))
    return 0


def _nightly(args: argparse.Namespace, workspace: Workspace) -> int:
    from data_platform.jobs import nightly, print_summary

    result = nightly(workspace, target=args.target, sources=args.source)
    print_summary(result)
    return 2 if result.failures else 0


def _ingest(args: argparse.Namespace, workspace: Workspace) -> int:
    from core.registry import source_entry
    from data_platform.sources import connector

    source = connector(source_entry(args.source))
    report = source.ingest(source.load_settings(today=args.today), workspace)
    print(f"landed: {report.rows_by_table()} with {report.requests_made} requests")
    return 0


def _compact(args: argparse.Namespace, workspace: Workspace) -> int:
    from core.compaction import compact_source, compaction_line

    for entry in load_registry().values():
        if entry.enabled and (not args.source or entry.name in args.source):
            print(compaction_line(entry.name, compact_source(workspace, entry, args.today or date.today())))
    return 0


def _build(args: argparse.Namespace, workspace: Workspace) -> int:
    from data_platform import dbt

    _, published = dbt.build_and_publish(
        workspace, target=args.target, full_refresh=args.full_refresh, select=args.select
    )
    print(published.line())
    if not published.published:
        raise dbt.TrustedNotPublished(f"the build failed: {published.outcome}; the last good trusted zone stays live")
    return 0


def _docs(args: argparse.Namespace, workspace: Workspace) -> int:
    from data_platform import dbt

    print(f"catalogue: {dbt.docs(workspace, target=args.target)}")
    return 0


def _generate(args: argparse.Namespace, workspace: Workspace) -> int:
    from data_platform.generate import check, write

    if args.check:
        stale = check(workspace.project_dir)
        for path in stale:
            print(f"out of date: {path}", file=sys.stderr)
        if stale:
            print("run `data-platform generate` (make generate) and commit the result", file=sys.stderr)
        return 1 if stale else 0
    for path in write(workspace.project_dir):
        print(f"wrote {path}")
    return 0


def _new_source(args: argparse.Namespace, workspace: Workspace) -> int:
    from data_platform.scaffold import new_source

    for path in new_source(workspace.project_dir, args.name, args.department, args.title):
        print(f"wrote {path}")
    print(f"next: edit ingestion/{args.name}/contract/, the connector and sandbox/{args.name}/ to the real system, "
          "then `data-platform generate` (docs/platform-team/adding-a-source.md)")  # fmt: skip
    return 0


def _sandbox(args: argparse.Namespace, workspace: Workspace) -> int:
    from core.registry import source_entry
    from data_platform.sources import sandbox

    return sandbox(source_entry(args.source)).serve(args.rest) or 0


def _new(args: argparse.Namespace, workspace: Workspace) -> int:
    from data_platform.model_scaffold import new_model

    made = new_model(workspace, args.name, args.parent, args.department)
    project = workspace.project_dir
    print(f"wrote {made.sql.relative_to(project)} and {made.yaml.relative_to(project)} ({made.department})")
    print(f"next: edit both (TODOs), then `data-platform build --select {args.name}+` and `data-platform check`")
    return 0


def _check(args: argparse.Namespace, workspace: Workspace) -> int:
    from data_platform.check import check

    problems = check(workspace, target=args.target)
    for problem in problems:
        print(problem, file=sys.stderr)
    print(f"governance: {len(problems)} problem(s)" if problems else "governance: ok")
    return 1 if problems else 0


def _lint(args: argparse.Namespace, workspace: Workspace) -> int:
    from data_platform.lint import lint

    return lint(workspace.project_dir, changed=args.changed, base=args.base)


def _playbook(args: argparse.Namespace, workspace: Workspace) -> int:
    from data_platform import playbook

    if args.build:
        print(f"Playbook: {playbook.build(workspace)}")
    else:
        playbook.serve(workspace, args.address)
    return 0


if __name__ == "__main__":
    sys.exit(main())
