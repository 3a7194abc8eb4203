"""The Tascomi contract, read from the dbt sources file so that dbt, ingestion and the sandbox share one copy."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from data_platform.paths import REPO_ROOT

TASCOMI_SOURCES = REPO_ROOT / "models" / "staging" / "tascomi" / "_tascomi__sources.yml"
VENDOR_TYPES = {"integer", "bigint", "real", "double precision", "boolean", "timestamp", "date", "text"}
CLASSIFICATIONS = {"not_personal", "personal", "special_category"}


@dataclass(frozen=True)
class Column:
    name: str
    vendor_type: str
    classification: str


@dataclass(frozen=True)
class Table:
    name: str
    load: str  # "daily" (change-only, by last_updated day) or "lookup" (pulled in full)
    columns: tuple[Column, ...]

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]


def _meta(node: dict) -> dict:
    return {**node.get("meta", {}), **node.get("config", {}).get("meta", {})}


@cache
def tascomi_tables(path: Path = TASCOMI_SOURCES) -> dict[str, Table]:
    """Every Tascomi table in the contract, in declaration order."""
    doc = yaml.safe_load(path.read_text())
    (source,) = [s for s in doc["sources"] if s["name"] == "tascomi"]
    tables: dict[str, Table] = {}
    for node in source["tables"]:
        columns = []
        for col in node["columns"]:
            meta = _meta(col)
            vendor_type, classification = meta["vendor_type"], meta["classification"]
            if vendor_type not in VENDOR_TYPES or classification not in CLASSIFICATIONS:
                raise ValueError(f"{path}: {node['name']}.{col['name']} has an unknown type or classification")
            columns.append(Column(col["name"], vendor_type, classification))
        tables[node["name"]] = Table(node["name"], _meta(node)["load"], tuple(columns))
    return tables
