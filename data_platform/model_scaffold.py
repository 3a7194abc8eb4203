"""`data-platform new model <name> --from <parent>`: a trusted model's SQL and YAML, written from the parent's own
declaration, so the analyst starts from every column already described and classified and a grain test in place.

Every inherited column keeps its parent's description and classification (a column passed through unchanged has
the same meaning and the same sensitivity); the model's description is a TODO that `data-platform check` refuses to
let through. The model lands in the parent's department (models/marts/<department>/), whose group names its owner.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from core.errors import PlatformError
from core.workspace import Workspace
from data_platform.check import GRAIN_TESTS, PLACEHOLDER, classification

NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class CannotScaffold(PlatformError):
    """The new model's name, its parent or its files are not usable."""


@dataclass(frozen=True)
class Scaffold:
    sql: Path
    yaml: Path
    department: str


def _manifest(workspace: Workspace) -> dict:
    """The project as the workspace's last dbt command saw it (the demo leaves one), else as dbt parses it now: the
    parent's declaration is what the scaffold needs, and reading it takes a second where a parse takes many."""
    from data_platform import dbt

    manifest = workspace.dbt_target_dir / "manifest.json"
    if not manifest.exists():
        dbt.run_dbt(workspace, "parse", quiet=True)
    return json.loads(manifest.read_text())


def _parent(manifest: dict, name: str) -> dict:
    found = [
        node
        for node in manifest["nodes"].values()
        if node["resource_type"] in ("model", "seed", "snapshot") and node["name"] == name
    ]
    if not found:
        raise CannotScaffold(
            f"no model or seed called {name}: name one the catalogue lists (e.g. planning_applications)"
        )
    return found[0]


def grain(manifest: dict, parent: dict) -> tuple[list[str], list[str]]:
    """The parent's tested grain as (key columns with unique + not_null, a unique combination of columns)."""
    keys, combination = [], []
    for node in manifest["nodes"].values():
        metadata = node.get("test_metadata") or {}
        if node["resource_type"] != "test" or metadata.get("name") not in GRAIN_TESTS:
            continue
        if parent["unique_id"] not in node["depends_on"]["nodes"]:
            continue
        kwargs = metadata.get("kwargs") or {}
        if metadata["name"] == "unique" and kwargs.get("column_name"):
            keys.append(kwargs["column_name"])
        elif kwargs.get("combination_of_columns"):
            combination = list(kwargs["combination_of_columns"])
    return keys, combination


def department_of(parent: dict) -> str:
    department = (parent["config"].get("meta") or {}).get("department")
    if not department:
        raise CannotScaffold(f"{parent['name']} has no department: pass --department")
    return department


def render_sql(name: str, parent: dict, columns: list[str]) -> str:
    selected = ",\n".join(f"    {column}" for column in columns)
    return (
        f"-- {name}: {PLACEHOLDER} say what one row is and what it is for (and in _{name}.yml).\n"
        f"with {parent['name']} as (\n\n"
        f"    select *\n"
        f"    from {{{{ ref('{parent['name']}') }}}}\n\n"
        f")\n\n"
        f"select\n{selected}\n"
        f"from {parent['name']}\n"
    )


def render_yaml(name: str, parent: dict, keys: list[str], combination: list[str]) -> str:
    columns = []
    for column_name, column in parent["columns"].items():
        entry: dict = {
            "name": column_name,
            "description": column["description"].strip() or f"{PLACEHOLDER} describe {column_name}",
            "config": {"tags": [classification(column) or PLACEHOLDER]},
        }
        if column_name in keys:
            entry["data_tests"] = ["unique", "not_null"]
        columns.append(entry)
    model: dict = {
        "name": name,
        "description": f"{PLACEHOLDER} what one row is, and what it is for.",
    }
    if combination:
        model["data_tests"] = [
            {"unique_combination_of_columns": {"arguments": {"combination_of_columns": combination}}}
        ]
    model["columns"] = columns
    header = (
        f"# {name}: made by `data-platform new model {name} --from {parent['name']}`.\n"
        f"# Each column kept its description and classification from {parent['name']}: delete the columns you drop,\n"
        "# add the ones you compute (each with a description and its classification as its tag: not_personal,\n"
        "# personal or special_category), keep a grain test.\n"
        "# The owner is the department's group (models/_groups.yml). `data-platform check` says what is missing.\n"
    )
    body = yaml.safe_dump({"version": 2, "models": [model]}, sort_keys=False, width=116, allow_unicode=True)
    return header + body.replace("\nmodels:", "\n\nmodels:", 1)


def new_model(workspace: Workspace, name: str, parent_name: str, department: str | None = None) -> Scaffold:
    if not NAME.match(name):
        raise CannotScaffold(f"{name!r} is not a model name: lower case letters, digits and _, starting with a letter")
    manifest = _manifest(workspace)
    if any(node["name"] == name for node in manifest["nodes"].values() if node["resource_type"] == "model"):
        raise CannotScaffold(f"a model called {name} exists already")
    parent = _parent(manifest, parent_name)
    department = department or department_of(parent)
    folder = workspace.project_dir / "models" / "marts" / department
    if not folder.is_dir():
        raise CannotScaffold(f"no folder {folder.relative_to(workspace.project_dir)}: departments are its neighbours")
    sql, yml = folder / f"{name}.sql", folder / f"_{name}.yml"
    for path in (sql, yml):
        if path.exists():
            raise CannotScaffold(f"{path} exists already")
    keys, combination = grain(manifest, parent)
    sql.write_text(render_sql(name, parent, list(parent["columns"])))
    yml.write_text(render_yaml(name, parent, keys, combination))
    return Scaffold(sql=sql, yaml=yml, department=department)
