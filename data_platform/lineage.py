"""Column-level lineage for the catalogue: from each trusted column back to the raw-zone columns it is made of.

dbt-colibri (PyPI) reads it from dbt's manifest (compiled SQL) and catalog (the columns each relation holds) with
sqlglot: a well-kept parser of the SQL dbt compiled, where a hand-written one would be a second, weaker copy of it.
Two things are ours:

- the raw zone reaches DuckDB models as `read_parquet('<lake>/raw/...')` (each source's external_location), which
  is not a table a parser can name. Before parsing, every source's read_parquet call becomes the table the raw zone
  is on Athena, `raw_<department>_<source>.<table>` (its schema in the manifest), with the columns its YAML
  declares, so a staging column's parent is the raw column it was typed from;
- a model colibri cannot parse (or a column it cannot resolve) is listed with the reason, never left out quietly:
  the catalogue names them on the front page and on every trusted model whose lineage runs through them.
"""

from __future__ import annotations

import copy
import json
import logging
import re
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# Colibri's structural edges (columns in WHERE / JOIN ON / GROUP BY): they shape the rows, they are not the value.
STRUCTURAL = "__colibri_"


@dataclass(frozen=True)
class Origin:
    """A raw-zone column one trusted column is made of, and the models in between."""

    source: str  # <source>.<table>
    column: str
    through: tuple[str, ...]  # model names from the trusted model's parent down to the staging model


@dataclass
class ColumnLineage:
    # node unique_id -> column -> [(parent unique_id, parent column)]
    parents: dict[str, dict[str, list[tuple[str, str]]]]
    # model unique_id -> why its lineage could not be read (whole model)
    unparsed: dict[str, str] = field(default_factory=dict)
    # model unique_id -> column -> why that column's lineage could not be read
    untraced: dict[str, dict[str, str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)  # unique_id -> what the catalogue calls it

    def origins(self, node: str, column: str) -> list[Origin]:
        """Every raw column `node.column` is made of (sources reached through any number of models)."""
        found: dict[tuple[str, str], Origin] = {}
        for path in self._paths(node, column.lower(), ()):
            (source, source_column), through = path[-1], tuple(self.names[n] for n, _ in path[:-1])
            found.setdefault((source, source_column), Origin(self.names[source], source_column, through))
        return sorted(found.values(), key=lambda o: (o.source, o.column))

    def _paths(self, node: str, column: str, seen: tuple) -> Iterator[list[tuple[str, str]]]:
        for parent, parent_column in self.parents.get(node, {}).get(column, []):
            if (parent, parent_column) in seen:
                continue
            if parent.startswith(("source.", "seed.")):  # raw data, or reference data the project ships
                yield [(parent, parent_column)]
                continue
            for rest in self._paths(parent, parent_column, (*seen, (parent, parent_column))):
                yield [(parent, parent_column), *rest]

    def upstream_unparsed(self, node: str, manifest: dict) -> list[str]:
        """The models this one is built from (itself included) whose lineage could not be read."""
        seen, queue = set(), [node]
        while queue:
            current = queue.pop()
            if current in seen:
                continue
            seen.add(current)
            queue += [p for p in manifest["parent_map"].get(current, []) if p.startswith("model.")]
        return sorted(self.names.get(n, n) for n in seen & (self.unparsed.keys() | self.untraced.keys()))


# macros/lake/raw_table_landed.sql's with_late_metadata on DuckDB: a raw read widened by an empty `union all by name`
# with a metadata column older files lack. sqlglot cannot resolve that scope (every column's lineage was lost), and
# on Athena the same read is the plain table, so the lineage reads it as the plain table too.
LATE_METADATA = re.compile(
    r"\(select \* from (?P<relation>.+?) union all by name select cast\(null as \w+\) as \w+ where 1 = 0\)",
    re.IGNORECASE,
)


def raw_tables(manifest: dict, catalog: dict) -> tuple[dict, dict]:
    """Copies of manifest and catalog in which each source is the table it is on Athena (see the module doc)."""
    manifest, catalog = copy.deepcopy(manifest), copy.deepcopy(catalog)
    database = next((n["database"] for n in manifest["nodes"].values() if n.get("database")), "") or ""
    renamed: dict[str, str] = {}
    catalog.setdefault("sources", {})
    for unique_id, source in manifest["sources"].items():
        table = f'"{database}"."{source["schema"]}"."{source["identifier"] or source["name"]}"'
        if source.get("relation_name"):
            renamed[source["relation_name"]] = table
        source["relation_name"] = table
        columns = {
            name: {"name": name, "type": (column.get("data_type") or "varchar"), "index": index, "comment": None}
            for index, (name, column) in enumerate(source["columns"].items(), start=1)
        }
        catalog["sources"][unique_id] = {
            "unique_id": unique_id,
            "metadata": {
                "type": "BASE TABLE",
                "schema": source["schema"],
                "name": source["identifier"] or source["name"],
                "database": database,
                "comment": None,
                "owner": None,
            },
            "columns": columns,
            "stats": {},
        }
    # Longest first, so no location is replaced inside a longer one.
    order = sorted(renamed, key=len, reverse=True)
    for node in manifest["nodes"].values():
        code = node.get("compiled_code")
        if code and "read_parquet(" in code:
            code = LATE_METADATA.sub(r"\g<relation>", code)
            for location in order:
                code = code.replace(location, renamed[location])
            node["compiled_code"] = code
    return manifest, catalog


class _Errors(logging.Handler):
    """Colibri logs (rather than raises) what it cannot resolve, naming the model, or the column, or neither: keep
    each error with the model being processed (its debug line says which) and the column when named."""

    PROCESSING = re.compile(r"Processing model (\S+)$")
    NAMED = re.compile(r"processing model (\S+?)(?:, column (\S+?))?: ", re.I)

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.current: str | None = None
        self.models: dict[str, str] = {}  # model -> the first error that is not about one column
        self.columns: dict[str, dict[str, str]] = {}  # model -> column -> error

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        processing = self.PROCESSING.search(message)
        if processing:
            self.current = processing.group(1)
        if record.levelno < logging.ERROR:
            return
        named = self.NAMED.search(message)
        model = named.group(1) if named else self.current
        column = named.group(2) if named else None
        if model is None:
            return
        if column:
            self.columns.setdefault(model, {}).setdefault(column.lower(), message[:300])
        else:
            self.models.setdefault(model, message[:300])


def _sqlglot_compatibility() -> None:
    """dbt-colibri 0.3.7 walks a UNION through `Scope.union_scopes`, which our sqlglot (pinned below 30.22 for dlt,
    see constraints.txt) names `set_operation_scopes`: without this every model with a UNION is unparseable."""
    from sqlglot.optimizer.scope import Scope

    if not hasattr(Scope, "union_scopes"):
        Scope.union_scopes = property(lambda scope: scope.set_operation_scopes)  # type: ignore[attr-defined]


def extract(manifest: dict, catalog: dict, models: list[str] | None = None) -> ColumnLineage:
    """Column lineage of the project's models (all, or `models`: unique ids), from a manifest with compiled SQL (as
    `dbt docs generate` leaves it) and the catalog of the same build."""
    from dbt_colibri.lineage_extractor.extractor import DbtColumnLineageExtractor

    _sqlglot_compatibility()
    project = manifest["metadata"].get("project_name")
    models = models or [
        unique_id
        for unique_id, node in manifest["nodes"].items()
        if node["resource_type"] == "model" and node["package_name"] == project
    ]
    parseable, catalog_for_colibri = raw_tables(manifest, catalog)
    unparsed = {m: "no compiled SQL (not compiled in this run)" for m in models if not parseable["nodes"][m].get(
        "compiled_code")}  # fmt: skip
    unparsed |= {m: "not in the warehouse's catalog (not built)" for m in models if m not in catalog.get("nodes", {})}
    logger = logging.getLogger("colibri")
    errors = _Errors()
    level, propagate = logger.level, logger.propagate
    logger.addHandler(errors)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False  # what it could not read is reported by us, in the catalogue
    try:
        with tempfile.TemporaryDirectory() as folder:
            manifest_file, catalog_file = Path(folder, "manifest.json"), Path(folder, "catalog.json")
            manifest_file.write_text(json.dumps(parseable))
            catalog_file.write_text(json.dumps(catalog_for_colibri))
            extractor = DbtColumnLineageExtractor(str(manifest_file), str(catalog_file), selected_models=models)
            result = extractor.extract_project_lineage()
    finally:
        logger.removeHandler(errors)
        logger.setLevel(level)
        logger.propagate = propagate
    for error in result["errors"]:
        unparsed.setdefault(error["node_id"], f"{error['error_type']}: {error['error_message']}"[:300])
    for model, message in errors.models.items():
        unparsed.setdefault(model, message)
    parents: dict[str, dict[str, list[tuple[str, str]]]] = {}
    for node, columns in result["lineage"]["parents"].items():
        parents[node] = {
            column.lower(): [(p["dbt_node"], p["column"].lower()) for p in found]
            for column, found in columns.items()
            if not column.startswith(STRUCTURAL)
        }
    names = {u: n["name"] for u, n in manifest["nodes"].items()}
    names |= {u: f"{s['source_name']}.{s['name']}" for u, s in manifest["sources"].items()}
    return ColumnLineage(parents=parents, unparsed=unparsed, untraced=errors.columns, names=names)
