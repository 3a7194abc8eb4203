"""The deployment page's freshness table is checked against the one place thresholds are set (ingestion/registry.yml)
and against what dbt reads (each source's generated import_log freshness): a changed threshold fails here until the
page says the same."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from core.registry import load_registry

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "docs" / "platform-team" / "deployment.md"


def page_table() -> dict[str, tuple[int, int]]:
    section = PAGE.read_text().split("### Freshness thresholds", 1)[1].split("\n#", 1)[0]
    rows = re.findall(r"^\| (\w+) \| (\d+) \| (\d+) \|$", section, re.M)
    return {name: (int(warn), int(error)) for name, warn, error in rows}


def generated_freshness(source: str) -> tuple[int, int]:
    path = REPO / "models" / "staging" / source / "generated" / f"_{source}__sources.yml"
    for entry in yaml.safe_load(path.read_text())["sources"]:
        for table in entry["tables"]:
            freshness = (table.get("config") or {}).get("freshness") or table.get("freshness")
            if freshness:
                assert freshness["warn_after"]["period"] == freshness["error_after"]["period"] == "hour"
                return freshness["warn_after"]["count"], freshness["error_after"]["count"]
    raise AssertionError(f"{path.name}: no table with a freshness threshold")


def test_the_deployment_page_states_each_sources_thresholds_as_the_yaml_sets_them():
    registry = load_registry()
    table = page_table()
    assert set(table) == set(registry), "one row per registered source"
    for name, entry in registry.items():
        assert table[name] == (entry.warn_after_hours, entry.error_after_hours), name
        assert generated_freshness(name) == table[name], f"{name}: run data-platform generate"
