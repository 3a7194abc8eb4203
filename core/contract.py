"""Source contracts: which tables the platform pulls from a source, every column, its type and classification.

One YAML file per table in ingestion/<source>/contract/ (hand-maintained; see docs/platform-team/contracts.md):

    name: users                 # the source's table name
    entity: user                # singular: staging renames the key to <entity>_id
    load: daily                 # daily (change-only by updated_at) | lookup (pulled in full) | snapshot (a dated full
                                #   copy per run: history from consecutive snapshots) | file
    key: id                     # the record id, or a list of columns for a composite key ([account_ref, party_ref]):
                                #   staging then adds one text column <entity>_key joining the parts
    updated_at: last_updated    # the source's own change time (null for sources without one)
    department: planning        # optional: overrides the source's department (raw path, databases)
    history: false              # optional: no generated history for this daily / snapshot table
    description: "..."
    dropped:                    # optional: columns the source serves that are never landed, with why
      - {name: gis_map_image_base64, reason: "..."}
    required: [timestamp]       # optional: columns every delivery (file, sheet) must carry, else it is refused whole
    columns:
      - {name: id, type: integer, class: not_personal, as: user_id, description: "..."}
      - {name: forename, type: text, class: personal, doc: tascomi__forename}

Every column needs a type and a classification: a column without one is an error here and fails the dbt build
(invariant 5). `data-platform generate` derives the dbt sources, staging and history files from these.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from core.errors import ContractError

TYPES = ("integer", "bigint", "real", "double precision", "numeric", "boolean", "timestamp", "date", "text")
CLASSIFICATIONS = ("not_personal", "personal", "special_category")
LOADS = ("daily", "lookup", "snapshot", "file")
_COLUMN_KEYS = {"name", "type", "class", "as", "description", "doc"}
_TABLE_KEYS = {
    "name", "entity", "load", "key", "updated_at", "department", "description", "dropped", "columns", "required",
    "history",
}  # fmt: skip


@dataclass(frozen=True)
class Column:
    name: str  # as the source names it (and as raw keeps it)
    type: str  # the source's type, one of TYPES; raw holds text, staging casts to this
    classification: str
    platform_name: str  # the name staging gives it (the platform's vocabulary)
    description: str = ""
    doc: str = ""  # a dbt doc block name, used instead of description when set

    @property
    def is_personal(self) -> bool:
        return self.classification != "not_personal"


@dataclass(frozen=True)
class Table:
    source: str
    name: str
    entity: str
    load: str
    key: str
    updated_at: str | None
    department: str
    description: str
    columns: tuple[Column, ...]
    dropped: tuple[str, ...] = ()
    path: Path | None = field(default=None, compare=False)
    key_columns: tuple[str, ...] = ()  # the source columns of the key (one, or several for a composite key)
    required: tuple[str, ...] = ()  # columns a delivery must carry (a file or sheet without one is refused whole)
    history: bool = True  # false: no generated history (e.g. one is built across several tables by hand)

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(f"{self.source}.{self.name} has no column {name!r}")

    @property
    def is_composite_key(self) -> bool:
        return len(self.key_columns) > 1

    @property
    def key_column(self) -> Column:
        """The key as staging and history name it: the source column, or for a composite key the text column
        staging builds from its parts (as personal as its most personal part)."""
        if not self.is_composite_key:
            return self.column(self.key)
        parts = [self.column(name) for name in self.key_columns]
        classification = max((p.classification for p in parts), key=CLASSIFICATIONS.index)
        joined = " | ".join(p.platform_name for p in parts)
        return Column(self.key, "text", classification, self.key, f"Composite key of the record: {joined}.")

    @property
    def has_history(self) -> bool:
        """Change-only tables get an SCD2 history rebuilt from their change log, snapshot tables one rebuilt from
        their dated full snapshots."""
        return self.load in ("daily", "snapshot") and self.history


@dataclass(frozen=True)
class SourceContract:
    source: str
    department: str
    tables: dict[str, Table]

    def selected(self, names: list[str] | tuple[str, ...] | None) -> list[Table]:
        """The tables named (all when `names` is empty), in contract order; unknown names are an error."""
        if not names:
            return list(self.tables.values())
        unknown = sorted(set(names) - set(self.tables))
        if unknown:
            raise ContractError(
                f"{self.source}: no table(s) {', '.join(unknown)} in the contract; known: {', '.join(self.tables)}"
            )
        return [t for n, t in self.tables.items() if n in names]


def _fail(path: Path, message: str) -> ContractError:
    return ContractError(f"{path}: {message}")


def _column(path: Path, table: str, entry: Any) -> Column:
    if not isinstance(entry, dict) or "name" not in entry:
        raise _fail(path, f"every column needs at least a name, got {entry!r}")
    name = str(entry["name"])
    unknown = set(entry) - _COLUMN_KEYS
    if unknown:
        raise _fail(path, f"column {name}: unknown key(s) {sorted(unknown)}; allowed: {sorted(_COLUMN_KEYS)}")
    if entry.get("type") not in TYPES:
        raise _fail(path, f"column {name}: type {entry.get('type')!r} is not one of {', '.join(TYPES)}")
    if entry.get("class") not in CLASSIFICATIONS:
        raise _fail(
            path,
            f"column {name}: classification {entry.get('class')!r} is not one of {', '.join(CLASSIFICATIONS)} "
            "(every column must be classified; nothing is treated as not personal by default)",
        )
    return Column(
        name=name,
        type=entry["type"],
        classification=entry["class"],
        platform_name=str(entry.get("as") or name),
        description=str(entry.get("description") or ""),
        doc=str(entry.get("doc") or ""),
    )


# libyaml's loader where PyYAML was built with it: the same safe subset, and it reads the 48 Tascomi contract files
# (applications alone ~750 columns) in a tenth of the time. Every import is a fresh process that loads its contract
# once, so the pure-Python loader was about half of a daily import's CPU (issue 17, benchmarks/tascomi_ingest.py).
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_table(path: Path, source: str, department: str) -> Table:
    doc = yaml.load(path.read_text(), Loader=_YAML_LOADER)
    if not isinstance(doc, dict):
        raise _fail(path, "expected a mapping")
    unknown = set(doc) - _TABLE_KEYS
    if unknown:
        raise _fail(path, f"unknown key(s) {sorted(unknown)}; allowed: {sorted(_TABLE_KEYS)}")
    name = doc.get("name")
    if name != path.stem:
        raise _fail(path, f"name {name!r} must match the file name {path.stem!r}")
    if doc.get("load") not in LOADS:
        raise _fail(path, f"load {doc.get('load')!r} is not one of {', '.join(LOADS)}")
    columns = tuple(_column(path, name, entry) for entry in doc.get("columns") or [])
    if not columns:
        raise _fail(path, "no columns")
    for attribute in ("name", "platform_name"):
        seen: set[str] = set()
        for column in columns:
            value = getattr(column, attribute)
            if value in seen:
                raise _fail(path, f"two columns named {value!r} ({attribute})")
            seen.add(value)
    names = {c.name for c in columns}
    key_columns, updated_at = _key_columns(path, doc.get("key")), doc.get("updated_at")
    missing = [k for k in key_columns if k not in names]
    if missing:
        raise _fail(path, f"key column(s) {missing} are not columns")
    entity = str(doc.get("entity") or name)
    key = key_columns[0] if len(key_columns) == 1 else f"{entity}_key"
    if key not in key_columns and key in {c.platform_name for c in columns}:
        raise _fail(path, f"a column is already called {key!r}, the name of the composite key staging adds")
    if updated_at is not None and updated_at not in names:
        raise _fail(path, f"updated_at {updated_at!r} is not a column")
    if doc["load"] == "daily" and updated_at is None:
        raise _fail(path, "a daily (change-only) table needs updated_at: its history is dated by it")
    dropped = tuple(str(d["name"]) for d in doc.get("dropped") or [])
    clash = names & set(dropped)
    if clash:
        raise _fail(path, f"column(s) {sorted(clash)} are both kept and dropped")
    required = tuple(str(r) for r in doc.get("required") or [])
    if set(required) - names:
        raise _fail(path, f"required column(s) {sorted(set(required) - names)} are not columns")
    return Table(
        source=source,
        name=name,
        entity=entity,
        load=doc["load"],
        key=key,
        updated_at=updated_at,
        department=str(doc.get("department") or department),
        description=str(doc.get("description") or ""),
        columns=columns,
        dropped=dropped,
        path=path,
        key_columns=key_columns,
        required=required,
        history=bool(doc.get("history", True)),
    )


def _key_columns(path: Path, key: Any) -> tuple[str, ...]:
    if isinstance(key, str) and key:
        return (key,)
    if isinstance(key, list) and key and all(isinstance(k, str) and k for k in key) and len(set(key)) == len(key):
        return tuple(key)
    raise _fail(path, f"key must be a column name or a list of distinct column names, got {key!r}")


@cache
def load_contract(source: str, contract_dir: Path, department: str) -> SourceContract:
    """Every table of one source's contract, in file-name order."""
    if not contract_dir.is_dir():
        raise ContractError(f"{source}: no contract folder {contract_dir}")
    tables = {p.stem: load_table(p, source, department) for p in sorted(contract_dir.glob("*.yml"))}
    if not tables:
        raise ContractError(f"{source}: no table files in {contract_dir}")
    return SourceContract(source, department, tables)
