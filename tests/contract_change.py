"""A copy of the dbt project with one breaking change to a public, contracted model (planning_fees, which the planning
dashboards rest on), for the tests that prove such a change fails: tests/athena/test_athena_sql.py (against main's
manifest, as CI compares) and tests/catalogue/test_contracts.py (a DuckDB build)."""

from __future__ import annotations

import shutil
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parents[1]
DBT_FILES = ("dbt_project.yml", "profiles.yml", "models", "macros", "seeds", "snapshots", "analyses")
MODEL = "planning_fees"
COLUMN = "fee_type_id"  # integer in the contract
SQL = REPO / "models" / "marts" / "planning" / f"{MODEL}.sql"
YAML = SQL.with_name("_planning__models.yml")


def project_copy(into: Path) -> Path:
    into.mkdir(parents=True, exist_ok=True)
    for name in DBT_FILES:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, into / name)
        else:
            shutil.copy2(source, into / name)
    return into


def _edit_sql(project: Path, old: str, new: str) -> None:
    path = project / SQL.relative_to(REPO)
    text = path.read_text()
    assert old in text, f"{old!r} is no longer in {SQL.name}: choose another change for this test"
    path.write_text(text.replace(old, new))


def drop_column(project: Path) -> None:
    """Drop the column from the model and from its YAML, as an analyst who 'tidied it away' would."""
    _edit_sql(project, f"        fees.{COLUMN},\n", "")
    _edit_sql(project, f"    {COLUMN},\n", "")
    path = project / YAML.relative_to(REPO)
    document = yaml.safe_load(path.read_text())
    model = next(m for m in document["models"] if m["name"] == MODEL)
    kept = [c for c in model["columns"] if c["name"] != COLUMN]
    assert len(kept) == len(model["columns"]) - 1
    model["columns"] = kept
    path.write_text(yaml.safe_dump(document, sort_keys=False))


def retype_column(project: Path) -> None:
    """Make the model return the column as text while its contract still says integer."""
    _edit_sql(project, f"        fees.{COLUMN},\n", f"        cast(fees.{COLUMN} as varchar) as {COLUMN},\n")
