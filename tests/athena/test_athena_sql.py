"""Offline Athena check: every statement dbt would send to Athena, syntax-checked for Athena/Trino.

What runs:
  * a moto server on loopback stands in for AWS so `dbt compile --target ci_athena` runs fully. moto's Athena
    accepts every query without executing it, so this produces SQL and proves nothing about results;
  * compile 1: every model, data test, analysis and the on-run-start hook, as on a first / --full-refresh build;
  * compile 2: the incremental models again with `--vars '{compile_incremental: true}'` (macros/is_incremental.sql),
    so the incremental branch of every history model (watermark subquery on the existing table) is checked too;
  * `dbt run-operation print_athena_check_statements`: register_raw_tables' DDL, every history model's Athena
    pre-hook (delete of the recomputed ids), the nightly job's own statements (nightly_changes, and publish_trusted's
    on published_builds: adding columns, creating it, recording a build), and the Lake Formation tags config of each
    model and seed.
Every statement is parsed with sqlglot (athena, falling back to trino; DDL to hive) and must be free of DuckDB-only
syntax (tests/athena/athena_sql_check.py). Not covered: the CTAS / MERGE wrappers dbt-athena writes around the
compiled SQL at run time (adapter code) and unit tests (they need a warehouse to build their fixtures).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import boto3
import pytest
from moto.server import ThreadedMotoServer

from core.registry import source_entry
from data_platform import check
from tests.athena.athena_sql_check import athena_problems
from tests.contract_change import COLUMN, MODEL, drop_column, project_copy

pytestmark = pytest.mark.slow  # a long module: started first (tests/conftest.py)

REPO = Path(__file__).resolve().parents[2]
DBT = str(Path(sys.executable).with_name("dbt"))
PROJECT = "council_data_platform"
REGION = "eu-west-2"
STATEMENT = re.compile(r"^-- athena-check statement: (.+?)\n(.*?)\n-- athena-check end$", re.S | re.M)
LF_TAGS = re.compile(r"^-- athena-check lf_tags: (\S+) (.+)$", re.M)


@pytest.fixture(scope="module")
def athena_env(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, str]]:
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "DATA_PLATFORM_", "GITHUB_"))}
        env.update(
            AWS_ENDPOINT_URL=endpoint,
            AWS_ACCESS_KEY_ID="testing",
            AWS_SECRET_ACCESS_KEY="testing",
            AWS_DEFAULT_REGION=REGION,
            DATA_PLATFORM_ATHENA_REGION=REGION,
            DATA_PLATFORM_ATHENA_S3_STAGING_DIR="s3://athena-check/query-results/",
            DATA_PLATFORM_ATHENA_S3_DATA_DIR="s3://athena-check/dbt/",
            DATA_PLATFORM_CI_REF="feature/athena-check",
            DATA_PLATFORM_HOME=str(tmp_path_factory.mktemp("home")),
            DBT_SEND_ANONYMOUS_USAGE_STATS="false",
        )
        s3 = boto3.client("s3", endpoint_url=endpoint, region_name=REGION, aws_access_key_id="testing",
                          aws_secret_access_key="testing")  # fmt: skip
        s3.create_bucket(Bucket="athena-check", CreateBucketConfiguration={"LocationConstraint": REGION})
        yield env
    finally:
        server.stop()


# masking reads its key there on Athena; the lake root reaches dbt only as the var (data_platform sets it)
ATHENA_VARS = {"masking_key_table": "platform_secrets.masking_key", "lake_root": "s3://council-lake/lake"}


def _dbt(env: dict[str, str], out: Path, *args: str, extra_vars: dict | None = None) -> str:
    variables = json.dumps({**ATHENA_VARS, **(extra_vars or {})})
    command = [DBT, *args, "--vars", variables, "--target", "ci_athena", "--target-path", str(out / "target")]
    command += ["--log-path", str(out)]
    # generous: on a shared 2-core machine (load 10+) one Athena compile has taken over 300 s of wall time
    result = subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, f"{' '.join(args)} failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}"
    return result.stdout


def _print_then_compile(env: dict[str, str], full: Path) -> str:
    """The printed statements, then the full compile in the same target folder with the same vars: the compile reuses
    the first command's parse (partial parsing) instead of parsing the project once more (the slim CI job's largest
    cost), and writes the manifest last (with the compiled code the tests read)."""
    printed = _dbt(env, full, "--quiet", "run-operation", "print_athena_check_statements")
    _dbt(env, full, "compile")
    return printed


@pytest.fixture(scope="module")
def outputs(athena_env: dict[str, str], tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path | str]:
    full, incremental = (tmp_path_factory.mktemp(name) for name in ("full", "incremental"))
    with ThreadPoolExecutor(max_workers=2) as pool:  # two parses side by side: the incremental compile's vars differ
        jobs = [
            pool.submit(_print_then_compile, athena_env, full),
            pool.submit(
                _dbt,
                athena_env,
                incremental,
                "compile",
                "--select",
                "config.materialized:incremental",
                extra_vars={"compile_incremental": True},
            ),
        ]
        printed = jobs[0].result()
        jobs[1].result()
    return {"full": full / "target", "incremental": incremental / "target", "printed": printed}


@pytest.fixture(scope="module")
def manifest(outputs) -> dict:
    return json.loads((outputs["full"] / "manifest.json").read_text())


def _compiled(target: Path) -> dict[str, str]:
    root = target / "compiled" / PROJECT
    return {str(path.relative_to(root)): path.read_text() for path in sorted(root.rglob("*.sql"))}


def _incremental_models(target: Path) -> dict[str, str]:
    """The models of the incremental compile (its hooks and indirectly selected tests repeat compile 1)."""
    return {name: sql for name, sql in _compiled(target).items() if name.startswith("models/") and "/" in name
            and not name.split("/")[-2].endswith(".yml")}  # fmt: skip


def test_every_statement_is_athena_sql(outputs, manifest):
    statements: dict[str, tuple[str, bool]] = {}
    for name, sql in _compiled(outputs["full"]).items():
        statements[f"compiled: {name}"] = (sql, False)
    for name, sql in _incremental_models(outputs["incremental"]).items():
        statements[f"compiled incremental: {name}"] = (sql, False)
    operation = STATEMENT.findall(outputs["printed"])
    for index, (label, sql) in enumerate(operation):
        statements[f"{label} #{index}"] = (sql, sql.lstrip().startswith(("create", "alter")))

    problems = {name: found for name, (sql, ddl) in statements.items() if (found := athena_problems(sql, ddl))}
    assert not problems, json.dumps(problems, indent=2)

    # Coverage: every model (both branches of every incremental one), data test, hook and raw table.
    models = {n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "model"}
    incremental = {n["name"] for n in manifest["nodes"].values()
                   if n["resource_type"] == "model" and n["config"]["materialized"] == "incremental"}  # fmt: skip
    tests = [n for n in manifest["nodes"].values() if n["resource_type"] == "test"]
    compiled_models = {Path(name).stem for name in _compiled(outputs["full"]) if name.startswith("models/")}
    compiled_models = {name for name in compiled_models if name in models}
    compiled_tests = [n for n in tests if n.get("compiled_code")]
    incremental_sql = {Path(k).stem: v for k, v in _incremental_models(outputs["incremental"]).items()}
    raw_tables = {(n["source_name"], n["name"]) for n in manifest["sources"].values()}
    sources = {n["source_name"] for n in manifest["sources"].values()}
    # Generated histories are incremental, from a change log or from snapshots (repairs history is hand-written).
    tables = [t for name in sources for t in source_entry(name).contract().tables.values()]
    change_log = {f"int_{t.department}__{t.name}_history" for t in tables if t.has_history and t.load == "daily"}
    snapshots = {f"int_{t.department}__{t.name}_history" for t in tables if t.has_history and t.load == "snapshot"}
    ddl = [sql for label, sql in operation if label == "register_raw_tables"]
    pre_hooks = [label for label, _ in operation if label.startswith("pre-hook")]
    post_hooks = [label for label, _ in operation if label.startswith("post-hook")]
    nightly = [label for label, _ in operation if label in NIGHTLY_STATEMENTS]
    # the vendor's latest change per id (macros/history/last_changed.sql): merged on its key, no pre-hook
    last_changed = {n["name"] for n in manifest["nodes"].values() if n["config"]["meta"].get("last_changed_of")}
    hooks = [name for name in _compiled(outputs["full"]) if name.startswith("dbt_project.yml/hooks")]

    assert compiled_models == models
    assert len(compiled_tests) == len(tests) > 0
    assert set(incremental_sql) == incremental and change_log <= incremental and snapshots <= incremental
    markers = {REJECTS: "existing.is_progress_mark", MATCHES: "stored.matcher_version"}
    for name, sql in incremental_sql.items():
        marker = markers.get(name, "existing._source_imported_at")
        assert marker in sql, f"{name}: incremental branch not compiled"
    raw_databases = {n["schema"] for n in manifest["sources"].values()}  # raw_<department>_<source>
    assert len(ddl) == len(raw_tables) + len(raw_databases)  # one create database each, one table each
    assert last_changed and last_changed <= incremental
    no_pre_hook = {REJECTS, MATCHES} | last_changed
    assert sorted(pre_hooks) == sorted(f"pre-hook {name}" for name in incremental - no_pre_hook)
    assert post_hooks == [f"post-hook {MATCHES}"]  # its delete of the matches of inputs that are gone
    assert sorted(set(nightly)) == sorted(NIGHTLY_STATEMENTS)
    assert hooks
    analyses = [name for name in _compiled(outputs["full"]) if name.startswith("analyses/")]
    counts = {
        "models": len(compiled_models),
        "incremental branches": len(incremental_sql),
        "data tests": len(compiled_tests),
        "analyses": len(analyses),
        "run hooks": len(hooks),
        "raw-zone DDL": len(ddl),
        "history pre-hooks": len(pre_hooks),
        "post-hooks": len(post_hooks),
        "nightly and publish statements": len(nightly),
    }
    assert sum(counts.values()) == len(statements), (counts, len(statements))
    print(f"\nAthena SQL check: {len(statements)} statements parsed, none with DuckDB-only syntax: {counts}")
    assert len(statements) > len(models)


REJECTS = "int_monitoring__source_rejects"
MATCHES = "int_housing__address_matches"  # incremental on its match key and matcher version, not on imports
NIGHTLY_STATEMENTS = ("nightly_changes", "publish add columns", "publish create", "publish record")
PARTITION_JOIN = re.compile(
    r"from \"AwsDataCatalog\"\.\"raw_(\w+?)_(\w+)\"\.\"import_log\" as import_log\s+where\s+"
    r"import_log\.table_name = '(\w+)'.*?"
    r"received\._import_year = new_import\.import_year\s+and received\._import_month = new_import\.import_month\s+"
    r"and received\._import_day = new_import\.import_day",
    re.S,
)


def test_incremental_histories_read_only_new_partitions(outputs, manifest):
    """Issue 17: an incremental history's new records come through a join on the raw table's partition columns
    (import_year / import_month / import_day, projected in the Glue DDL) with the imports logged after the watermark,
    so Athena lists and scans only those S3 prefixes; the pre-hook's delete of the recomputed ids likewise. A history
    from snapshots reads the new snapshots' partitions the same way (its pre-hook deletes only on a rebuild)."""
    incremental_sql = {Path(k).stem: v for k, v in _incremental_models(outputs["incremental"]).items()}
    hooks = {label.removeprefix("pre-hook "): sql for label, sql in STATEMENT.findall(outputs["printed"])}
    checked = {"history_of": 0, "snapshots_of": 0}
    for node in manifest["nodes"].values():
        meta = node["config"]["meta"] if node["resource_type"] == "model" else {}
        kind = next((k for k in checked if meta.get(k, "").startswith("stg_")), None)
        if node["config"].get("materialized") != "incremental" or kind is None:
            continue
        source, table = meta[kind].removeprefix("stg_").split("__", 1)
        read = [("model", incremental_sql[node["name"]])]
        if kind == "history_of":
            read.append(("pre-hook", hooks[node["name"]]))
        else:
            assert "where not since.rebuilds" in incremental_sql[node["name"]], node["name"]
            assert hooks[node["name"]].lstrip().startswith("delete from "), node["name"]
            assert node["alias"] in hooks[node["name"]].lstrip().splitlines()[0], node["name"]
            assert f"import_log.table_name = '{table}'" in hooks[node["name"]], node["name"]
        for where, sql in read:
            found = PARTITION_JOIN.search(sql)
            assert found, f"{node['name']} ({where}): new records not read through the partition join"
            assert (found[2], found[3]) == (source, table), f"{node['name']} ({where}): another table's import log"
        checked[kind] += 1
    assert checked["history_of"] >= 20 and checked["snapshots_of"] >= 5  # every generated history
    # The vendor's latest change per id (macros/history/last_changed.sql) reads its new records the same way.
    last_changed = [n for n in manifest["nodes"].values() if n["config"]["meta"].get("last_changed_of")]
    for node in last_changed:
        source, table = node["config"]["meta"]["last_changed_of"].removeprefix("stg_").split("__", 1)
        found = PARTITION_JOIN.search(incremental_sql[node["name"]])
        assert found and (found[2], found[3]) == (source, table), node["name"]
    assert len(last_changed) == 3


REJECTS_READ = re.compile(
    r"from \"AwsDataCatalog\"\.\"\w+\"\.\"(stg_(\w+?)__\w+)\" as received\s+inner join \(.*?"
    r"from \"AwsDataCatalog\"\.\"raw_(\w+)\"\.\"import_log\" as import_log.*?\) as new_import\s+on\s+"
    r"received\._import_year = new_import\.import_year\s+and received\._import_month = new_import\.import_month\s+"
    r"and received\._import_day = new_import\.import_day",
    re.S,
)


def test_source_rejects_reads_only_new_partitions(outputs, manifest):
    """Issue 17: monitoring's incremental rejects read every staging model of every source through a join on the
    partition columns with the imports its own import log holds after the source's progress mark, so Athena scans
    only those S3 prefixes (at run time the partitions are named as constants; offline, the join is what compiles)."""
    sql = _incremental_models(outputs["incremental"])[f"models/intermediate/monitoring/{REJECTS}.sql"]
    read = {found[1]: (found[2], found[3]) for found in REJECTS_READ.finditer(sql)}
    depends = manifest["nodes"][f"model.{PROJECT}.{REJECTS}"]["depends_on"]["nodes"]
    staging = {node.split(".")[-1] for node in depends if node.split(".")[-1].startswith("stg_")}
    assert len(staging) > 60 and set(read) == staging, sorted(staging ^ set(read))
    assert all(log.endswith(f"_{source}") for source, log in read.values()), "joined to another source's log"
    assert "existing.source_name = 'tascomi'" in sql and "_imported_at > (" in sql


def test_nightly_and_publish_statements(outputs, manifest):
    """The nightly job's own statements on Athena (issue 17): nightly_changes reads every built source's import log and
    the live build's row of published_builds; publish_trusted adds missing columns in one Hive DDL statement and
    creates the Iceberg table with Hive types (checked by athena_problems), and records the build."""
    printed = {label: sql for label, sql in STATEMENT.findall(outputs["printed"]) if label in NIGHTLY_STATEMENTS}
    sources = {n["source_name"] for n in manifest["sources"].values()}
    changes = printed["nightly_changes"]
    for source in sources:
        assert f"'{source}' as source_name" in changes, source
    assert len(re.findall(r'"raw_\w+"\."import_log" as import_log', changes)) == len(sources)
    monitoring = "ci_feature_athena_check_platform_monitoring"
    assert re.search(rf'from "\w+"\."{monitoring}"\."published_builds" as builds', changes)
    assert "builds.project_version" in changes and "builds.status = 'published'" in changes
    added = printed["publish add columns"].strip()
    assert added == (
        "alter table `ci_feature_athena_check_platform_monitoring`.`published_builds` "
        "add columns (rebuilt string, project_version string)"
    )
    create = printed["publish create"]
    assert "create table if not exists `ci_feature_athena_check_platform_monitoring`.`published_builds`" in create
    assert "built_at timestamp," in create and "'table_type' = 'ICEBERG'" in create
    assert "'PASS=1 (it''s)'" in printed["publish record"]


def test_athena_models_use_microsecond_timestamps(outputs):
    """Iceberg CTAS rejects Trino's millisecond timestamp(3): every cast names timestamp(6)."""
    for name, sql in _compiled(outputs["full"]).items():
        # dbt-athena's own datediff casts through timestamp to date; that never lands in a column.
        plain = re.search(r"as\s+timestamp\s*\)(?!\s*as\s+date\))", sql, re.I)
        assert not plain, f"{name}: cast to plain timestamp"


def test_schemas_and_raw_locations(outputs, manifest):
    schemas = {n["name"]: n["schema"] for n in manifest["nodes"].values() if n["resource_type"] in ("model", "seed")}
    assert schemas["planning_applications"] == "ci_feature_athena_check_planning_trusted"
    assert schemas["int_planning__applications_history"] == "ci_feature_athena_check_planning_refined"
    assert schemas["stg_tascomi__applications"] == "ci_feature_athena_check_planning_refined"
    assert schemas["uk_bank_holidays"] == "ci_feature_athena_check_reference"
    ddl = "\n".join(sql for label, sql in STATEMENT.findall(outputs["printed"]) if label == "register_raw_tables")
    assert "create external table if not exists `raw_planning_tascomi`.`applications`" in ddl
    assert "location 's3://council-lake/lake/raw/planning/tascomi/applications/'" in ddl
    assert "`_record_index` bigint" in ddl and "`_imported_at` string" in ddl
    assert (
        "import_year=${import_year}/import_month=${import_month}/import_day=${import_day}/import_date=${import_year}${import_month}${import_day}/"
        in ddl
    )


def test_history_models_are_iceberg_merge_without_snapshots(manifest):
    nodes = [n for n in manifest["nodes"].values() if n["resource_type"] == "model"]
    for node in nodes:
        assert node["config"]["table_type"] == "iceberg"
        assert node["config"]["persist_docs"] == {"relation": True, "columns": True}
        if node["name"].endswith("_history") and node["name"].startswith("int_"):
            assert node["config"]["materialized"] == "incremental"
            assert node["config"]["incremental_strategy"] == "merge"
            assert node["config"]["unique_key"] == [node["config"]["meta"]["key"], "valid_from"]
            assert any("history_pre_hook" in hook["sql"] for hook in node["config"]["pre-hook"])
        assert any("apply_lf_tags" in hook["sql"] for hook in node["config"]["post-hook"])
    assert not [n for n in manifest["nodes"].values() if n["resource_type"] == "snapshot"]


def test_lake_formation_tags_follow_classifications(outputs, manifest):
    configs = {name: json.loads(config) for name, config in LF_TAGS.findall(outputs["printed"])}
    for node in manifest["nodes"].values():
        if node["resource_type"] not in ("model", "seed"):
            continue
        config = configs[node["name"]]
        tagged = {c: value for value, cols in config["tags_columns"]["classification"].items() for c in cols}
        expected = {name: check.classification(col) for name, col in node["columns"].items()}
        assert tagged == expected and None not in tagged.values(), node["name"]
        assert config["enabled"]
    contacts = configs["int_planning__contacts_history"]
    assert contacts["tags"]["classification"] == "personal"
    assert "surname" in contacts["tags_columns"]["classification"]["personal"]
    # planning_applications carries officer names (personal): the table tag is the strictest of its columns.
    assert configs["planning_applications"]["tags"] == {"classification": "personal", "department": "planning"}


def test_public_contracts_compile_and_a_breaking_change_fails_against_main(athena_env, outputs, manifest, tmp_path):
    """CI's slim build selects state:modified+ against main's manifest: a column dropped from a public model (from its
    SQL and its YAML alike, so its own build would pass) must fail there, not warn (dbt_project.yml's flags)."""
    public = {
        n["name"] for n in manifest["nodes"].values() if n["resource_type"] == "model" and n["access"] == "public"
    }
    rested_on = {n.split(".")[-1] for e in manifest["exposures"].values() for n in e["depends_on"]["nodes"]}
    assert rested_on and rested_on <= public
    compiled = {Path(name).stem for name in _compiled(outputs["full"]) if name.startswith("models/")}
    assert public <= compiled  # contracted on Athena too: parsed and compiled with everything else

    project = project_copy(tmp_path / "project")
    drop_column(project)
    # dbt's saved parse of the same project, vars and target: only the changed files are parsed again (seconds).
    (tmp_path / "target").mkdir()
    shutil.copy2(outputs["full"] / "partial_parse.msgpack", tmp_path / "target")
    command = [DBT, "ls", "--select", "state:modified", "--state", str(outputs["full"]), "--resource-type", "model",
               "--vars", json.dumps(ATHENA_VARS), "--target", "ci_athena", "--project-dir", str(project),
               "--profiles-dir", str(project), "--target-path", str(tmp_path / "target")]  # fmt: skip
    result = subprocess.run(command, cwd=project, env=athena_env, capture_output=True, text=True, timeout=600)
    output = result.stdout + result.stderr
    assert result.returncode != 0, output[-3000:]
    assert f"Breaking change to contracted, unversioned model {MODEL}" in output, output[-3000:]
    assert f"- {COLUMN}" in output, output[-3000:]


@pytest.mark.parametrize(
    "sql",
    [
        "select * exclude (a) from t",
        "select * replace (lower(a) as a) from t",
        "select a::integer from t",
        "select a from t qualify row_number() over (partition by a order by b) = 1",
        "select [1, 2] as l from t",
        "select {'a': 1} as s from t",
        "select strftime(a, '%Y') from t",
        "select epoch(a) from t",
        "select list_contains(a, 1) from t",
        "select * from read_parquet('x.parquet')",
        "select try_strptime(a, '%Y') from t",
        "select isodow(a) from t",
        "select string_agg(a, ',') from t",
        "select 1; select 2",
    ],
)
def test_checker_rejects_duckdb_only_sql(sql):
    assert athena_problems(sql), f"not flagged: {sql}"


@pytest.mark.parametrize(
    "ddl",
    [
        "create table if not exists `a`.`b` (built_at timestamp(6)) location 's3://x/y/'",
        "alter table `a`.`b` add columns (rebuilt varchar)",
    ],
)
def test_checker_rejects_query_types_in_ddl(ddl):
    assert athena_problems(ddl, ddl=True), f"not flagged: {ddl}"


@pytest.mark.parametrize(
    "sql",
    [
        "select a[1], array[1, 2], cast(a as timestamp(6)), day_of_week(b) from t",
        "select try_cast(a as integer), to_hex(md5(to_utf8(a))), date_add('day', 1, b) from t",
        "with x as (select id from t where id in (select id from u)) select count(*) over (partition by id) from x",
    ],
)
def test_checker_accepts_athena_sql(sql):
    assert athena_problems(sql) == []
