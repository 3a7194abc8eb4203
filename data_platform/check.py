"""Governance on the dbt manifest alone (invariants 5 and 6, and owners): seconds, no build.

One implementation: `data-platform check` runs it on a freshly parsed manifest (plus the columns the warehouse
actually holds, where it holds the model), and tests/catalogue/test_governance.py runs the same functions on the
catalogue of a full demo build.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from core.workspace import Workspace

CLASSES = ("not_personal", "personal", "special_category")
DOCUMENTED = ("model", "seed", "snapshot")
GRAIN_TESTS = {"unique", "unique_combination_of_columns"}
# Contract data types: names DuckDB and Athena both know and report alike (Athena compares types without precision,
# so `timestamp` matches its timestamp(6) columns). A model computing a column must cast it to one of them where the
# engines differ (DuckDB sums integers to hugeint, Athena to bigint).
CONTRACT_TYPES = ("varchar", "integer", "bigint", "double", "boolean", "date", "timestamp")
# What `data-platform new model` writes where a person must fill something in.
PLACEHOLDER = "TODO"

BuiltColumns = Mapping[str, Iterable[str]]  # node unique_id -> the column names the warehouse holds


def _own_nodes(manifest: dict, kinds: tuple[str, ...] = DOCUMENTED) -> list[dict]:
    project = manifest["metadata"].get("project_name")
    return [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] in kinds and (project is None or node["package_name"] == project)
    ]


def _tags(column: dict) -> list[str]:
    tags = (column.get("config") or {}).get("tags", column.get("tags")) or []
    return [tags] if isinstance(tags, str) else list(tags)


def classification(column: dict) -> str | None:
    """A column's classification: the one of CLASSES among its tags (`config: {tags: [personal]}`), else None."""
    found = [tag for tag in _tags(column) if tag in CLASSES]
    return found[0] if len(found) == 1 else None


def classification_problem(column: dict) -> str | None:
    """Why a column's classification cannot be read (invariant 5), or None. The tag is the one place it is written:
    meta.classification (the older way) is refused rather than read, so the two can never disagree."""
    retired = ((column.get("config") or {}).get("meta") or column.get("meta") or {}).get("classification")
    if retired is not None:
        return (
            f"meta.classification ({retired}) is no longer read: make it the column tag, config: {{tags: [{retired}]}}"
        )
    found = [tag for tag in _tags(column) if tag in CLASSES]
    if len(found) > 1:
        return f"tagged {' and '.join(found)}: keep the one classification that holds"
    if not found:
        return f"no classification tag (config: {{tags: [...]}} with one of {', '.join(CLASSES)})"
    return None


def _unfilled(text: str | None) -> bool:
    return not (text or "").strip() or (text or "").strip().startswith(PLACEHOLDER)


def column_problems(manifest: dict, built: BuiltColumns | None = None) -> list[str]:
    """Every model, seed and snapshot is described, and every column it declares is described and classified;
    where `built` gives a node's real columns, each is declared and each declared one exists."""
    problems = []
    for node in _own_nodes(manifest):
        if _unfilled(node["description"]):
            problems.append(f"{node['name']}: no description")
        declared = {name.lower(): column for name, column in node["columns"].items()}
        for name, column in declared.items():
            if _unfilled(column["description"]):
                problems.append(f"{node['name']}.{name}: no description")
            wrong = classification_problem(column)
            if wrong:
                problems.append(f"{node['name']}.{name}: {wrong}")
        if built is None or node["unique_id"] not in built:
            continue
        real = {name.lower() for name in built[node["unique_id"]]}
        problems += [f"{node['name']}.{name}: built but not in the YAML" for name in sorted(real - declared.keys())]
        problems += [f"{node['name']}.{name}: in the YAML but not built" for name in sorted(declared.keys() - real)]
    return problems


def source_problems(manifest: dict) -> list[str]:
    problems = []
    for source in manifest["sources"].values():
        label = f"source {source['source_name']}.{source['name']}"
        if not source["description"].strip():
            problems.append(f"{label}: no description")
        if not source["columns"]:
            problems.append(f"{label}: no columns declared")
        for column in source["columns"].values():
            if not column["description"].strip():
                problems.append(f"{label}.{column['name']}: no description")
            wrong = classification_problem(column)
            if wrong:
                problems.append(f"{label}.{column['name']}: {wrong}")
    return problems


def grain_problems(manifest: dict) -> list[str]:
    """Invariant 6: every model has a unique (+ not_null) key or a tested unique combination of columns."""
    tested = {
        depends
        for node in manifest["nodes"].values()
        if node["resource_type"] == "test" and (node.get("test_metadata") or {}).get("name") in GRAIN_TESTS
        for depends in node["depends_on"]["nodes"]
    }
    return [
        f"{node['name']}: no grain test (unique + not_null on the key, or unique_combination_of_columns)"
        for node in _own_nodes(manifest, ("model",))
        if node["unique_id"] not in tested
    ]


def department_problems(manifest: dict) -> list[str]:
    """A model's schema starts with its department: a housing model can never land in a planning database."""
    problems = []
    for node in _own_nodes(manifest, ("model",)):
        department = (node["config"].get("meta") or {}).get("department")
        if not department or not node["schema"].startswith(f"{department}_"):
            problems.append(f"{node['name']}: department {department}, schema {node['schema']}")
    return problems


def owner(manifest: dict, node: dict) -> str | None:
    """The contact for a model: its dbt group's owner email, else meta.owner."""
    group = node["config"].get("group") or node.get("group")
    if group:
        found = manifest.get("groups", {}).get(f"group.{node['package_name']}.{group}")
        if found and (found["owner"].get("email") or found["owner"].get("name")):
            return found["owner"].get("email") or found["owner"]["name"]
    value = (node["config"].get("meta") or {}).get("owner")
    return None if _unfilled(value) else value


def owner_problems(manifest: dict) -> list[str]:
    """Every trusted model (models/marts/) names who answers for it."""
    return [
        f"{node['name']}: no owner (its department's group, or config.meta.owner)"
        for node in _own_nodes(manifest, ("model",))
        if node["fqn"][1:2] == ["marts"] and owner(manifest, node) is None
    ]


def contract_problems(manifest: dict) -> list[str]:
    """Every model an exposure rests on is public, in a group, with an enforced contract whose every column has a data
    type both engines read alike: so a breaking change to it fails the build (DuckDB and Athena check the model's
    columns against the contract) and CI (dbt_project.yml makes dbt's breaking-change warning an error)."""
    problems = []
    rested_on = {
        unique_id
        for exposure in manifest.get("exposures", {}).values()
        for unique_id in exposure["depends_on"]["nodes"]
    }
    for node in _own_nodes(manifest, ("model",)):
        if node["unique_id"] not in rested_on:
            continue
        name = node["name"]
        if node.get("access") != "public":
            problems.append(
                f"{name}: an exposure rests on it, so it must be access: public (it is {node.get('access')})"
            )
        if not (node["config"].get("group") or node.get("group")):
            problems.append(f"{name}: an exposure rests on it, so it must be in its department's group")
        if not (node["config"].get("contract") or {}).get("enforced"):
            problems.append(f"{name}: an exposure rests on it, so its contract must be enforced")
            continue
        for column in node["columns"].values():
            data_type = (column.get("data_type") or "").lower()
            if data_type not in CONTRACT_TYPES:
                problems.append(
                    f"{name}.{column['name']}: data_type {data_type or 'missing'} (one of {', '.join(CONTRACT_TYPES)})"
                )
    return problems


def problems(manifest: dict, built: BuiltColumns | None = None) -> list[str]:
    return [
        *column_problems(manifest, built),
        *source_problems(manifest),
        *grain_problems(manifest),
        *department_problems(manifest),
        *owner_problems(manifest),
        *contract_problems(manifest),
    ]


def warehouse_columns(manifest: dict, database: Path) -> dict[str, list[str]]:
    """The columns the DuckDB warehouse holds for each model and seed it has (one query)."""
    import duckdb

    if not database.exists():
        return {}
    by_relation = {
        (node["schema"].lower(), (node.get("alias") or node["name"]).lower()): node["unique_id"]
        for node in _own_nodes(manifest)
    }
    found: dict[str, list[str]] = {}
    with duckdb.connect(str(database), read_only=True) as con:
        rows = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns order by ordinal_position"
        ).fetchall()
    for schema, table, column in rows:
        unique_id = by_relation.get((schema.lower(), table.lower()))
        if unique_id:
            found.setdefault(unique_id, []).append(column)
    return found


def check(workspace: Workspace, target: str | None = None) -> list[str]:
    """Parse the project (partial parsing: seconds) and check it, with the warehouse's real columns."""
    from data_platform import dbt

    dbt.run_dbt(workspace, "parse", target=target, quiet=True)
    manifest = json.loads((workspace.dbt_target_dir / "manifest.json").read_text())
    return problems(manifest, warehouse_columns(manifest, workspace.duckdb_path(target or "dev")))
