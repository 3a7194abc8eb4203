"""The list of source systems (ingestion/registry.yml), read in one place for every consumer."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from core.contract import SourceContract, load_contract
from core.errors import ContractError
from core.workspace import PROJECT_DIR

REGISTRY_FILE = Path("ingestion") / "registry.yml"
_KEYS = {
    "title",
    "department",
    "owner",
    "connector",
    "sandbox",
    "contract",
    "freshness",
    "enabled",
    "compact_after_days",
}


# A raw month is compacted this long after it ended (core/compaction.py); 0: never. Per source in the registry.
COMPACT_AFTER_DAYS = 62


@dataclass(frozen=True)
class SourceEntry:
    name: str
    title: str
    department: str
    owner: str
    connector: str  # module path of the connector package
    sandbox: str  # module path of the stand-in
    contract_dir: Path
    warn_after_hours: int
    error_after_hours: int
    enabled: bool = True  # false: a council not running this source (never ingested, built or catalogued)
    compact_after_days: int = COMPACT_AFTER_DAYS

    def contract(self) -> SourceContract:
        return load_contract(self.name, self.contract_dir, self.department)


@cache
def load_registry(project_dir: Path = PROJECT_DIR) -> dict[str, SourceEntry]:
    path = project_dir / REGISTRY_FILE
    doc = yaml.safe_load(path.read_text()) or {}
    entries: dict[str, SourceEntry] = {}
    for name, entry in (doc.get("sources") or {}).items():
        unknown = set(entry) - _KEYS
        missing = {"title", "department", "connector", "sandbox", "contract"} - set(entry)
        if unknown or missing:
            raise ContractError(f"{path}: source {name}: unknown keys {sorted(unknown)}, missing {sorted(missing)}")
        freshness = entry.get("freshness") or {}
        entries[name] = SourceEntry(
            name=name,
            title=entry["title"],
            department=entry["department"],
            owner=entry.get("owner") or entry["department"],
            connector=entry["connector"],
            sandbox=entry["sandbox"],
            contract_dir=project_dir / entry["contract"],
            warn_after_hours=int(freshness.get("warn_after_hours", 30)),
            error_after_hours=int(freshness.get("error_after_hours", 54)),
            enabled=_flag(entry.get("enabled", True), path, name),
            compact_after_days=int(entry.get("compact_after_days", COMPACT_AFTER_DAYS)),
        )
    return entries


def _flag(value: object, path: Path, name: str) -> bool:
    if not isinstance(value, bool):
        raise ContractError(f"{path}: source {name}: enabled must be true or false, got {value!r}")
    return value


def source_entry(name: str, project_dir: Path = PROJECT_DIR) -> SourceEntry:
    registry = load_registry(project_dir)
    if name not in registry:
        raise ContractError(f"unknown source {name!r}; registered sources: {', '.join(registry) or 'none'}")
    return registry[name]
