"""Running dbt from the platform: one place that knows the project, the profiles and where a workspace's files go.

The workspace reaches dbt as variables (`platform_home`, `lake_root`: profiles.yml and the sources read them), never
through the process environment, so one process can build two workspaces. A process parses the project once per
workspace, set of vars and target, and hands that parse to each later dbt command with the same (parsed()).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import uuid
from collections import Counter, OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import duckdb
import yaml
from dbt.cli.main import dbtRunner, dbtRunnerResult
from dbt.constants import DEFAULT_ENV_PLACEHOLDER
from dbt.contracts.graph.manifest import Manifest
from dbt_common.events.base_types import EventMsg

from core.errors import PlatformError
from core.masking_key import MaskingKeyMissing, files_holding, masking_key, set_duckdb_key
from core.workspace import Workspace
from data_platform.built_sources import BuiltSources, built_sources

Progress = Callable[[str], None]


class DbtFailed(PlatformError):
    """A dbt command failed; dbt's own output above says which node and why."""


class MaskingKeyLeaked(PlatformError):
    """The masking key was found in something dbt wrote (compiled SQL, manifest, run results, the docs site)."""


def install_duckdb_extensions() -> None:
    """DuckDB cannot download extensions here; the PyPI wheels carry httpfs and aws (for an S3 lake)."""
    from duckdb_extensions import import_extension

    for name in ("httpfs", "aws"):
        import_extension(name)


def workspace_vars(workspace: Workspace) -> dict[str, str]:
    """Where the workspace's files are, as the vars profiles.yml and the sources read (WORKSPACE_VARS)."""
    return dict(zip(WORKSPACE_VARS, (str(workspace.home), workspace.lake.rstrip("/")), strict=True))


def run_dbt(
    workspace: Workspace,
    *args: str,
    target: str | None = None,
    quiet: bool = False,
    extra_vars: dict[str, object] | None = None,
    callbacks: list[Callable[[EventMsg], None]] | None = None,
    graph_artifacts: bool = True,
) -> dbtRunnerResult:
    """callbacks: given every event dbt fires during the command, whatever the log level (a macro's log() line).
    graph_artifacts=False: dbt writes neither manifest.json nor graph.gpickle, each the whole project's (~850 nodes),
    only run_results.json (written here from the result, failed or not): the nightly's three commands, whose docs step
    writes the manifest after them."""
    workspace.ensure()
    install_duckdb_extensions()
    variables = {**workspace_vars(workspace), **(extra_vars or {})}
    common = common_args(workspace, variables, target)
    argv = [*(["--quiet"] if quiet else []), *([] if graph_artifacts else ["--no-write-json"]), *file_log_level()]
    argv += [*args, *common]
    forget_partial_parse_after_schema_change(workspace)
    saved = saved_parse(workspace, variables, target)
    use_saved_parse(workspace, saved)
    try:
        manifest = parsed(workspace, args, common, variables, target)
        result = dbtRunner(manifest=manifest, callbacks=callbacks or []).invoke(argv)
    finally:
        release_duckdb()
        keep_saved_parse(workspace, saved)
    if not graph_artifacts and hasattr(result.result, "write"):
        result.result.write(str(workspace.dbt_target_dir / "run_results.json"))
    if not result.success:
        raise DbtFailed(f"dbt {' '.join(args)} failed" + (f": {result.exception}" if result.exception else ""))
    refuse_a_leaked_key(workspace)
    return result


def common_args(workspace: Workspace, variables: dict[str, object], target: str | None) -> list[str]:
    """The arguments every dbt command of a workspace takes: the project, profiles.yml, the vars, the target and
    where its files go."""
    project = str(workspace.project_dir)
    common = ["--project-dir", project, "--profiles-dir", project, "--vars", json.dumps(variables)]
    return common + [*(["--target", target] if target else []), "--target-path", str(workspace.dbt_target_dir)]


# dbt's own setting for its log file (logs/dbt.log); unset, the platform's commands log there at info, not debug
FILE_LOG_LEVEL, FILE_LOG_DEFAULT = "DBT_LOG_LEVEL_FILE", "info"


def file_log_level() -> list[str]:
    """At debug (dbt's default) the log file gets every statement dbt sends, each event formatted and written: ~10 %
    of a build's CPU (an incremental build of the Tascomi histories: 29 -> 26 s, 27 -> 23 s), for a file that rotates
    away after 60 MB, a few builds. Info keeps each node's start, end, timing, warnings and errors (the statements
    are in target/run/ and target/compiled/); DBT_LOG_LEVEL_FILE=debug logs every statement again."""
    return [] if os.environ.get(FILE_LOG_LEVEL) else ["--log-level-file", FILE_LOG_DEFAULT]


# The projects this process parsed, the latest last: a dbt command given one skips its parse, which costs ~2.5 s of CPU
# even when dbt's partial parsing finds nothing changed (it reads its saved state, hashes every file and writes
# manifest.json) and ~18 s when the vars differ from the last command's in that target folder (a build with
# trusted_staging, then the catalogue without it). A build and its publish, the nightly's three commands, a test's
# repeated builds: one parse each set of vars.
_PARSED: OrderedDict[str, LakeBoundParse] = OrderedDict()
KEPT_PARSES = 2  # a parsed manifest holds ~100 MB
# Commands that always parse: `parse` itself (data-platform check reads the manifest.json it writes), and `show`,
# whose --inline query joins the manifest as a node that a later command would carry.
ALWAYS_PARSE = {"parse", "show"}
SETTINGS = ("DATA_PLATFORM_", "DBT_")  # environment read by profiles.yml and by dbt itself (the default target ...)
# Where a workspace's files are. dbt reads them at run time (profiles.yml: the DuckDB file), and a parse only in
# the sources' lake locations, so one parse serves every workspace of a process given the same other vars (a
# demo beside the default workspace, tests that build the same sources): LakeBoundParse points it at each
# command's lake. The sources a build includes (built_sources) still change the parse: their lineage does.
WORKSPACE_VARS = ("platform_home", "lake_root")
WORKSPACE_SETTINGS = ("DATA_PLATFORM_HOME", "DATA_PLATFORM_LAKE")  # reach dbt as the vars above, never read by it


@dataclass
class LakeBoundParse:
    """A parse and the lake root its sources read (dbt renders var('lake_root') into each source's location at parse
    time: models/staging/*/generated/_*__sources.yml)."""

    manifest: Manifest
    lake_root: str

    def bind_lake(self, lake_root: str) -> None:
        """Point every source that reads the bound lake's raw zone at `lake_root`'s (tests/test_parse_reuse.py holds
        that nothing else in a parse names the lake)."""
        if lake_root == self.lake_root:
            return
        old, new = f"'{self.lake_root}/raw/", f"'{lake_root}/raw/"
        for source in self.manifest.sources.values():
            for config in (source.config, source.unrendered_config):
                if config.get("external_location"):
                    config["external_location"] = config["external_location"].replace(old, new)
            if source.relation_name:
                source.relation_name = source.relation_name.replace(old, new)
        # dbt compiles into the parse's nodes; one compiled against the other lake must not reach this workspace's
        # manifest.json (a command writes every node, compiled by it or not)
        for node in self.manifest.nodes.values():
            if getattr(node, "compiled", False):
                node.compiled, node.compiled_code, node.extra_ctes_injected, node.extra_ctes = False, None, False, []
        self.lake_root = lake_root


PARTIAL_PARSE = "partial_parse.msgpack"  # dbt's saved parse, in the target folder
SCHEMA_FILES_PARSED = "schema_files_parsed.sha256"  # beside it: the schema files it was saved from (ours)
SAVED_PARSES = "parses"  # beside it: dbt's saved parse for each set of vars and target a command used (ours)


def schema_files_digest(project_dir: Path) -> str:
    """A digest of the project's schema files: dbt_project.yml and every YAML file of its model, seed, snapshot,
    test and macro folders (the generated ones included)."""
    return files_digest(project_dir, project_files(project_dir, suffixes=(".yml", ".yaml")))


def forget_partial_parse_after_schema_change(workspace: Workspace) -> None:
    """dbt (1.11) partial-parsing a saved parse after the schema YAML changed can lose sources: a full refresh after
    the generated YAML changed (an upgrade, a contract edit) failed with "depends on a source named
    'academy.ctaccount' which was not found", and passed with the saved parse removed. So the saved parse is kept
    only while the schema files are the ones it was saved from; an analyst's SQL edits keep dbt's partial parsing,
    a YAML edit costs one whole parse (~13 s CPU)."""
    target = workspace.dbt_target_dir
    marker, digest = target / SCHEMA_FILES_PARSED, schema_files_digest(workspace.project_dir)
    if marker.exists() and marker.read_text() == digest:
        return
    (target / PARTIAL_PARSE).unlink(missing_ok=True)
    shutil.rmtree(target / SAVED_PARSES, ignore_errors=True)
    target.mkdir(parents=True, exist_ok=True)
    marker.write_text(digest)


def saved_parse(workspace: Workspace, variables: dict[str, object], target: str | None) -> Path:
    """Where the parse dbt saves for these vars and target is kept (target/parses/<digest>.msgpack)."""
    digest = hashlib.sha256(json.dumps([variables, target], sort_keys=True, default=str).encode()).hexdigest()
    return workspace.dbt_target_dir / SAVED_PARSES / f"{digest[:16]}.msgpack"


def use_saved_parse(workspace: Workspace, saved: Path) -> None:
    """dbt keeps one saved parse per target folder and parses the project whole (~13 s CPU) when a command's vars
    differ from the ones it was saved with. The nightly's build and the catalogue's docs use different vars, so every
    night parsed whole twice; with one saved parse per set of vars, put in place before each command, each command
    finds its own. dbt still checks the one it finds (vars, profile, target, versions) and parses whole on any doubt.
    The file in place is dated 1970, so what dbt saves during the command is told by its date (keep_saved_parse)."""
    live = workspace.dbt_target_dir / PARTIAL_PARSE
    if saved.exists():
        shutil.copyfile(saved, live)
    if live.exists():
        os.utime(live, ns=(0, 0))


def keep_saved_parse(workspace: Workspace, saved: Path) -> None:
    """Keep what dbt saved during the command as these vars' parse (a command given this process's parse saves none,
    and the file in place may be another set of vars')."""
    live = workspace.dbt_target_dir / PARTIAL_PARSE
    if live.exists() and live.stat().st_mtime_ns != 0:
        saved.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(live, saved)


def parse_key(workspace: Workspace, variables: dict[str, object], target: str | None) -> str:
    """What a parse depends on besides the environment variables the project reads (dbt records those in the
    manifest: env_unchanged): the project's dbt code, profiles.yml, the vars, the target and the settings; not where
    the workspace is (its vars and settings), which a reused parse is bound to (bind_lake)."""
    project = workspace.project_dir
    variables = {name: value for name, value in variables.items() if name not in WORKSPACE_VARS}
    settings = sorted(
        (name, value)
        for name, value in os.environ.items()
        if name.startswith(SETTINGS) and name not in WORKSPACE_SETTINGS
    )
    digest = hashlib.sha256(json.dumps([str(project), variables, target, settings], default=str).encode())
    digest.update(project_version(project).encode())
    for path in sorted((project / "analyses").rglob("*")) + [project / "profiles.yml"]:
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def env_unchanged(manifest: Manifest) -> bool:
    """Whether every environment variable the project read while parsing (env_var()) still has the value it read."""
    for name, value in manifest.env_vars.items():
        if (name in os.environ) if value == DEFAULT_ENV_PLACEHOLDER else os.environ.get(name) != value:
            return False
    return True


def parsed(
    workspace: Workspace, args: tuple[str, ...], common: list[str], variables: dict[str, object], target: str | None
) -> Manifest | None:
    """The project parsed with these vars and target, parsed now (dbt's partial parsing, without writing
    manifest.json: the command writes it) when this process has not parsed it yet; None for the commands that
    always parse, and when the parse fails (the command then fails on it and says why)."""
    if ALWAYS_PARSE & set(args):
        return None
    key, lake_root = parse_key(workspace, variables, target), str(variables["lake_root"])
    kept = _PARSED.pop(key, None)
    if kept is None or not env_unchanged(kept.manifest):
        done = dbtRunner().invoke(["--quiet", "--no-write-json", "parse", *common])
        if not done.success:
            return None
        kept = LakeBoundParse(done.result, lake_root)
    else:
        kept.bind_lake(lake_root)
        # `graph` (the flat graph) is what dbt shares between the nodes of one invocation, and macros keep what they
        # asked the warehouse there (macros/history/import_partitions.sql): each command starts from a fresh one.
        kept.manifest.build_flat_graph()
    _PARSED[key] = kept
    while len(_PARSED) > KEPT_PARSES:
        _PARSED.popitem(last=False)
    return kept.manifest


def release_duckdb() -> None:
    """dbt-duckdb keeps its DuckDB instance, and so the file's write lock, in a class attribute for the life of the
    process: a test worker or a job that ran dbt would lock every other process out of the warehouse. Close it after
    each invocation (the next one opens it again)."""
    from dbt.adapters.duckdb.connections import DuckDBConnectionManager

    with DuckDBConnectionManager._LOCK:
        if DuckDBConnectionManager._ENV is not None:
            DuckDBConnectionManager._ENV.close()
            DuckDBConnectionManager._ENV = None


def refuse_a_leaked_key(workspace: Workspace) -> None:
    """Invariant 8, checked on every dbt run: target/ and the docs site (what a catalogue publishes) must not hold
    the masking key. Athena targets read theirs from a table dbt never sees, so there is nothing to look for."""
    try:
        key = masking_key(workspace.home, workspace.lake)
    except MaskingKeyMissing:
        return
    roots = [root for root in (workspace.dbt_target_dir, workspace.docs_dir) if root.exists()]
    leaked = files_holding(key, *roots)
    if leaked:
        raise MaskingKeyLeaked(
            f"the masking key is in {len(leaked)} file(s) dbt wrote, e.g. {leaked[0]}: do not publish them; delete "
            f"{workspace.dbt_target_dir} and {workspace.docs_dir}, find what put the key in SQL, and rotate the key."
        )


def connect_duckdb(
    workspace: Workspace, target: str = "dev", read_only: bool = False, key: str | None = None
) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection to a built workspace that can read masked columns: it is given the workspace's masking
    key as dbt's connections are (data_platform/duckdb_masking.py)."""
    connection = duckdb.connect(str(workspace.duckdb_path(target)), read_only=read_only)
    set_duckdb_key(connection, key or masking_key(workspace.home, workspace.lake))
    return connection


def build(
    workspace: Workspace,
    target: str | None = None,
    full_refresh: bool = False,
    select: str | None = None,
    quiet: bool = False,
    progress: Progress = print,
    unit_tests: bool = True,
) -> dbtRunnerResult:
    """dbt build of what the lake can feed, straight into the live schemas (tests and benchmarks; the commands and
    jobs publish through build_and_publish): sources switched off or never imported are left out (one line each).
    unit_tests=False: without the unit tests, which test the code and not the data (a test suite runs each once)."""
    sources = included_sources(workspace, progress)
    args = build_args(sources, full_refresh, select, unit_tests=unit_tests)
    return run_dbt(workspace, *args, target=target, quiet=quiet, extra_vars=sources.dbt_vars())


def included_sources(workspace: Workspace, progress: Progress = print) -> BuiltSources:
    """The sources a build or the catalogue includes, saying which are left out; an error when none has landed."""
    sources = built_sources(workspace)
    for line in sources.lines():
        progress(line)
    return sources.require_some()


def build_args(
    sources: BuiltSources,
    full_refresh: bool = False,
    select: str | None = None,
    unit_tests: bool = True,
    exclude: list[str] | None = None,
) -> list[str]:
    """unit_tests=False: leave the unit tests out (the nightly's: they test the code, which did not change overnight;
    CI runs them). exclude: more to leave out (a night's tables not imported since the live build, NightlyPlan)."""
    args = ["build"]
    if full_refresh:
        args.append("--full-refresh")
    if select:
        args += ["--select", select]
    exclude = [*sources.dbt_exclude(), *([] if unit_tests else ["test_type:unit"]), *(exclude or [])]
    if exclude:
        args += ["--exclude", *exclude]
    return args


def target_type(workspace: Workspace, target: str | None = None) -> str:
    """The adapter type of a target in the project's profiles.yml (duckdb, athena)."""
    profiles = yaml.safe_load((workspace.project_dir / "profiles.yml").read_text())
    profile = next(iter(profiles.values()))
    return str(profile["outputs"][target or "dev"]["type"])


def register_raw_tables(workspace: Workspace, target: str | None = None) -> dbtRunnerResult:
    """Athena: the Glue tables over every registered source's raw zone (idempotent; a new contract table appears)."""
    return run_dbt(workspace, "run-operation", "register_raw_tables", target=target, quiet=True)


def source_freshness(workspace: Workspace, target: str | None = None) -> dbtRunnerResult:
    """dbt source freshness: each built source's import log against its registry hours (a source switched off or
    never imported is left out, as from the build; the build's lines said so)."""
    sources = built_sources(workspace)
    exclude = ["--exclude", *sources.dbt_exclude()] if sources.left_out else []
    return run_dbt(workspace, "source", "freshness", *exclude, target=target, quiet=True, extra_vars=sources.dbt_vars())


def outcome(result: dbtRunnerResult) -> str:
    """One line, like dbt's own closing line: how many nodes ended in each status."""
    statuses = Counter(str(node.status).upper() for node in result.result.results)
    return " ".join(f"{status}={count}" for status, count in sorted(statuses.items()))


EVERYTHING, NOTHING = "everything", "nothing"  # published_builds.rebuilt of a whole build / a night with no import


@dataclass(frozen=True)
class PublishedBuild:
    """What a write-audit-publish build did: its id, whether it is now live, and which build is live."""

    build_id: str
    published: bool
    outcome: str
    live: str | None  # "<build id> built <UTC time>" of the live trusted zone, None when none was ever published
    selection: bool = False  # an analyst's `build --select`: only its trusted models were published
    rebuilt: str = EVERYTHING  # or the nightly's selection (`source:<name>+ ...`), or NOTHING

    @property
    def failed(self) -> bool:
        """The build or its tests failed (a night with nothing to build did not fail)."""
        return not self.published and self.rebuilt != NOTHING

    def line(self) -> str:
        live = self.live or "none: nothing has been published yet"
        if self.rebuilt == NOTHING:
            return f"trusted zone: nothing imported since the live build, nothing built or published; live: {live}"
        if self.published and self.selection:
            return f"trusted zone: the selected models of build {self.build_id} published; last whole build: {live}"
        if self.published and self.rebuilt != EVERYTHING:
            return f"trusted zone: build {self.build_id} published, rebuilt {self.rebuilt}; live: {live}"
        if self.published:
            return f"trusted zone: build {self.build_id} published; live: {live}"
        return f"trusted zone: build {self.build_id} NOT published (its build or tests failed); still live: {live}"


@dataclass(frozen=True)
class NightlyPlan:
    """What a night builds: everything (changed None), `source:<name>+` of the sources imported since the live build,
    or nothing (changed empty); why says which, in one line. not_imported: per changed source, the tables its import
    log names that were not imported since (a lookup not due tonight): their staging models are left out, and with
    them the tests on them, since their rows are the live build's (what is downstream of them is built when anything
    else it reads changed)."""

    changed: tuple[str, ...] | None
    why: str
    not_imported: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def select(self) -> str | None:
        return " ".join(f"source:{name}+" for name in self.changed) if self.changed else None

    @property
    def left_out(self) -> list[tuple[str, str]]:
        """(source, table) of each table not imported since, of the changed sources."""
        return [(name, table) for name in self.changed or () for table in self.not_imported.get(name, ())]

    @property
    def exclude(self) -> list[str]:
        """dbt --exclude arguments: the staging model of each table not imported since, by its name (stg_<source>__
        <table>), so nothing else a table feeds (monitoring's rejects read every source table) is ever left out, and a
        table without a staging model of that name leaves out nothing; dbt then leaves out every test reading it."""
        return [f"stg_{name}__{table}" for name, table in self.left_out]

    @property
    def rebuilt(self) -> str:
        if self.changed is None:
            return EVERYTHING
        if not self.select:
            return NOTHING
        left_out = ", ".join(f"{name}.{table}" for name, table in self.left_out)
        return self.select + (f" except the staging of {left_out}" if left_out else "")


def project_version(project_dir: Path) -> str:
    """A digest of the dbt project's code: dbt_project.yml (its vars included) and every file of its model, macro,
    seed, snapshot and test folders. The nightly rebuilds only what new imports can change, which is sound only while
    the code is the live build's: a deploy that changes it makes the next night build everything, once."""
    return files_digest(project_dir, project_files(project_dir))[:16]


def project_files(project_dir: Path, suffixes: tuple[str, ...] | None = None) -> list[Path]:
    """dbt_project.yml and every file of the project's model, macro, seed, snapshot and test folders (of those with
    one of `suffixes`, when given), in a fixed order."""
    config = yaml.safe_load((project_dir / "dbt_project.yml").read_text())
    keys = ("model-paths", "macro-paths", "seed-paths", "snapshot-paths", "test-paths")
    folders = sorted({folder for key in keys for folder in config.get(key, [])})
    files = [project_dir / "dbt_project.yml"]
    for folder in folders:
        found = (project_dir / folder).rglob("*")
        files += sorted(
            f
            for f in found
            if f.is_file()
            and "__pycache__" not in f.relative_to(project_dir).parts
            and (suffixes is None or f.suffix in suffixes)
        )
    return files


def files_digest(project_dir: Path, files: list[Path]) -> str:
    """A digest of these files' paths (relative to the project) and contents."""
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(project_dir).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def nightly_plan(
    workspace: Workspace, sources: BuiltSources, target: str | None, variables: dict[str, object]
) -> NightlyPlan:
    """What tonight builds: asked of the import logs and the live build's record (macros/publish/nightly_changes.sql,
    through run-operation, which adds nothing to the parse), with the build's own vars so the build and the publish
    reuse this command's parse. Everything when no build was published yet, when the sources built or the project's
    code differ from the live build's; otherwise `source:<name>+` of each source imported after the live build
    started (the imports of a night that was not published count, so they are built and tested again until a night
    publishes them), nothing when there is none. When that cannot be asked, everything: the build then publishes, or
    fails and says why, as any whole build does."""
    lines: list[str] = []

    def keep_the_rows(event: EventMsg) -> None:
        if event.info.name == "JinjaLogDebug" and event.data.msg.startswith(NIGHTLY_CHANGES):
            lines.append(event.data.msg.removeprefix(NIGHTLY_CHANGES))

    try:
        run_dbt(
            workspace, "--log-level", "none", "run-operation", "log_nightly_changes",
            target=target, quiet=True, extra_vars=variables, callbacks=[keep_the_rows], graph_artifacts=False,
        )  # fmt: skip
    except DbtFailed as failure:
        return NightlyPlan(None, f"could not ask what changed ({failure}): building everything")
    if len(lines) != 1:
        return NightlyPlan(None, f"log_nightly_changes logged {len(lines)} answers, not one: building everything")
    rows = [changes_row(values) for values in json.loads(lines[0])]
    return plan_from_changes(rows, sources.built, project_version(workspace.project_dir))


NIGHTLY_CHANGES = "NIGHTLY_CHANGES "  # macros/publish/nightly_changes.sql log_nightly_changes: its line's prefix


def changes_row(values: list[str | None]) -> tuple:
    """One row of log_nightly_changes' line as nightly_changes returned it: its two times back to datetimes."""
    name, table, last_import, built_at, sources_built, version = values
    times = [None if value is None else datetime.fromisoformat(value) for value in (last_import, built_at)]
    return (name, table, *times, sources_built, version)


def plan_from_changes(rows: list[tuple], built: tuple[str, ...], version: str) -> NightlyPlan:
    """nightly_plan's choice from nightly_changes' rows (source, table, last import, live built_at, live sources,
    live project version), the sources built tonight and the project's version now."""
    live_built_at, live_sources, live_version = rows[0][3:] if rows else (None, None, None)
    if live_built_at is None:
        return NightlyPlan(None, "no build has been published yet: building everything")
    if set((live_sources or "").split(",")) != set(built):
        return NightlyPlan(None, f"the sources built are not the live build's ({live_sources}): building everything")
    if live_version != version:
        return NightlyPlan(None, "the project's code changed since the live build: building everything")
    imported: dict[str, set[str]] = {}  # per source, the tables its log names as imported since the live build
    logged: dict[str, set[str]] = {}
    for name, table, last_import, *_ in rows:
        if name is None:
            continue
        logged.setdefault(name, set()).add(table)
        if last_import is not None and last_import > live_built_at:
            imported.setdefault(name, set()).add(table)
    changed = tuple(name for name in built if name in imported)
    unchanged = ", ".join(name for name in built if name not in changed) or "none"
    if not changed:
        return NightlyPlan((), f"no source imported since the live build (built {live_built_at:%Y-%m-%d %H:%M} UTC)")
    not_imported = {name: tuple(sorted(logged[name] - imported[name])) for name in changed}
    left_out = sum(len(tables) for tables in not_imported.values())
    return NightlyPlan(
        changed,
        f"imported since the live build: {', '.join(changed)}; unchanged: {unchanged}"
        + (f"; {left_out} table(s) of them not imported since: their staging left out" if left_out else ""),
        {name: tables for name, tables in not_imported.items() if tables},
    )


class TrustedNotPublished(DbtFailed):
    """The build or its tests failed: the trusted zone was not touched and the last good build stays live."""


def build_and_publish(
    workspace: Workspace,
    target: str | None = None,
    full_refresh: bool = False,
    quiet: bool = False,
    progress: Progress = print,
    select: str | None = None,
    nightly: bool = False,
    unit_tests: bool = True,
) -> tuple[dbtRunnerResult | None, PublishedBuild]:
    """Write-audit-publish (invariant 7): build and test everything with the trusted zone in staging schemas, then
    publish it as a whole (macros/publish/publish_trusted.sql), or, when anything failed, record the attempt and leave
    the last good build live. Returns dbt's result (None when the build failed or nothing was built) and what was
    published.
    select (an analyst's `build --select m+`): the unselected trusted tables are read from the live zone (views in the
    staging schemas) and only the selected trusted models are published, once all of their tests passed; the live
    build stays the last whole one.
    nightly (the nightly job, never with full_refresh): builds only what the imports since the live build can change
    (nightly_plan: `source:<name>+` of each source imported since, through the same selected-build path as select,
    recorded `published` since the zone as a whole then holds every import; everything after a deploy or when the
    sources built changed; nothing, and no publish, when nothing was imported), with no unit tests, and the data
    tests of staging views and incremental histories see only the rows imported since the live build (var
    test_new_rows_only, macros/testing/new_rows_tests.sql); its commands write no manifest.json or graph.gpickle
    (the nightly's docs step writes the manifest; run_dbt's graph_artifacts).
    unit_tests=False: without the unit tests, as build()'s (the nightly never runs them)."""
    nightly = nightly and not full_refresh
    sources = included_sources(workspace, progress)
    variables: dict[str, object] = {**sources.dbt_vars(), "trusted_staging": True}
    if nightly:
        variables["test_new_rows_only"] = True
    build_id = f"{datetime.now(UTC):%Y%m%dT%H%M%SZ}-{uuid.uuid4().hex[:8]}"
    # Taken before the nightly asks what changed: an import landing after this is new to the next night. Milliseconds,
    # so an import a second before the build is not new again the next night.
    built_at = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="milliseconds")
    plan = nightly_plan(workspace, sources, target, variables) if nightly else None
    if plan is not None:
        progress(f"  nightly: {plan.why}")
        select = plan.select
    rebuilt = plan.rebuilt if plan is not None else (select or EVERYTHING)
    result: dbtRunnerResult | None = None
    if rebuilt == NOTHING:
        line = "nothing built: no import since the live build"
    else:
        try:
            result = run_dbt(
                workspace,
                *build_args(
                    sources,
                    full_refresh,
                    select,
                    unit_tests=unit_tests and not nightly,
                    exclude=plan.exclude if plan else None,
                ),
                target=target,
                quiet=quiet,
                extra_vars=variables,
                graph_artifacts=not nightly,
            )
            line = outcome(result)
        except DbtFailed as failure:
            line = str(failure)
        from data_platform.catalogue import keep_build_results

        keep_build_results(workspace.dbt_target_dir)  # the catalogue reports this build's tests, not the publish step
    args = {
        "build_id": build_id,
        "built_at": built_at,
        "sources_built": list(sources.built),
        "sources_left_out": list(sources.left_out),
        "publish": result is not None,
        "outcome": line,
        "rebuilt": rebuilt,
        "project_version": project_version(workspace.project_dir),
        "covers_new_imports": plan is not None and bool(plan.changed),
        **({"only": built_models(result)} if select else {}),
    }
    run_dbt(
        workspace, "run-operation", "publish_trusted", "--args", json.dumps(args), target=target, quiet=quiet,
        extra_vars=variables, graph_artifacts=False,
    )  # fmt: skip
    analyst_selection = bool(select) and plan is None
    published = PublishedBuild(
        build_id, result is not None, line, live_build(workspace, target), analyst_selection, rebuilt
    )
    return result, published


def built_models(result: dbtRunnerResult | None) -> list[str]:
    """The models a build made (run results), for publishing a selection; none when the build failed."""
    if result is None:
        return []
    return sorted(r.node.unique_id for r in result.result.results if r.node.resource_type == "model")


def live_build(workspace: Workspace, target: str | None = None) -> str | None:
    """The live trusted zone's build, read from platform_monitoring.published_builds (DuckDB targets; on Athena query
    that table)."""
    database = workspace.duckdb_path(target or "dev")
    if not database.exists():
        return None
    with duckdb.connect(str(database)) as con:  # as dbt-duckdb opened it (one process may hold both)
        found = con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'platform_monitoring' and table_name = 'published_builds'"
        ).fetchall()
        if not found:
            return None
        row = con.execute(
            "select build_id, built_at, sources_built from platform_monitoring.published_builds "
            "where status = 'published' order by published_at desc limit 1"
        ).fetchone()
    return f"{row[0]} built {row[1]:%Y-%m-%d %H:%M} UTC from {row[2].replace(',', ', ')}" if row else None


def docs(workspace: Workspace, target: str | None = None, quiet: bool = False, progress: Progress = print) -> Path:
    """Generate the catalogue as one self-contained page and return where it is (data_platform/catalogue.py: source
    freshness first, then docs generate, then classifications, owners, test results and freshness on the pages).
    Sources left out of the build are left out of the catalogue too, and its front page says which build of the
    trusted zone is live."""
    from data_platform.catalogue import publish

    sources = included_sources(workspace, progress)
    return publish(workspace, target=target, quiet=quiet, sources=sources, live=live_build(workspace, target))


def leave_out_sources(manifest: dict, sources: BuiltSources) -> None:
    """Remove from the manifest the left-out sources and every node downstream of them (what the build excluded)."""
    child_map: dict[str, list[str]] = manifest.get("child_map", {})
    gone = {key for key, found in manifest["sources"].items() if found["source_name"] in sources.left_out}
    pending = list(gone)
    while pending:
        for child in child_map.get(pending.pop(), []):
            if child not in gone:
                gone.add(child)
                pending.append(child)
    for section in ("nodes", "sources", "exposures", "metrics", "semantic_models", "saved_queries", "unit_tests"):
        for key in gone & set(manifest.get(section) or {}):
            del manifest[section][key]
    for section in ("child_map", "parent_map"):
        edges = manifest.get(section) or {}
        for key in list(edges):
            if key in gone:
                del edges[key]
            else:
                edges[key] = [other for other in edges[key] if other not in gone]


def front_page_note(manifest: dict, sources: BuiltSources, live: str | None) -> None:
    overview = manifest["docs"].get("doc.council_data_platform.__overview__")
    if overview is None:
        return
    lines = ["", "## This catalogue", "", f"- **Live trusted zone:** {live or 'no build has been published yet'}"]
    lines += [f"- **Not in this catalogue:** `{name}` ({why})" for name, why in sources.left_out.items()]
    overview["block_contents"] += "\n".join(lines) + "\n"
