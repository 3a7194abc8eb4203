"""`data-platform new-source NAME`: the folders, contract, sandbox stub and registry entry of a new source, from
templates beside this file, then `data-platform generate` for its dbt files. What it writes builds as it is (a
one-table source fed by CSV files in the landing zone, with a stub stand-in): tests/test_new_source.py ingests
from the stub, builds staging and history, and compares them with what the stub served. A person then edits the
contract, the reading and the stand-in to the real system.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from core.errors import SourceNotConfigured
from core.registry import REGISTRY_FILE, load_registry

TEMPLATES = Path(__file__).parent
NAME = re.compile(r"^[a-z][a-z0-9_]*$")
TABLE = "records"


@dataclass(frozen=True)
class NewSource:
    name: str
    department: str
    title: str

    def files(self) -> dict[str, str]:
        """Path under the project -> template."""
        n, t = self.name, TABLE
        return {
            f"ingestion/{n}/__init__.py": "connector_init.py.tmpl",
            f"ingestion/{n}/settings.py": "connector_settings.py.tmpl",
            f"ingestion/{n}/pipeline.py": "connector_pipeline.py.tmpl",
            f"ingestion/{n}/contract/{t}.yml": "contract.yml.tmpl",
            f"sandbox/{n}/__init__.py": "sandbox_init.py.tmpl",
            f"sandbox/{n}/__main__.py": "sandbox_main.py.tmpl",
            f"sandbox/{n}/world.py": "sandbox_world.py.tmpl",
            f"models/staging/{n}/_{n}__docs.md": "docs.md.tmpl",
        }

    def render(self, template: str) -> str:
        fields = {"name": self.name, "upper": self.name.upper(), "department": self.department, "title": self.title,
                  "table": TABLE}  # fmt: skip
        return (TEMPLATES / template).read_text().format(**fields)

    def registry_entry(self) -> str:
        return (
            f"  {self.name}:\n"
            f"    title: {self.title}\n"
            f"    department: {self.department}\n"
            f"    owner: {self.department}\n"
            f"    connector: ingestion.{self.name}\n"
            f"    sandbox: sandbox.{self.name}\n"
            f"    contract: ingestion/{self.name}/contract\n"
            "    freshness: {warn_after_hours: 30, error_after_hours: 54}\n"
        )


def new_source(project_dir: Path, name: str, department: str, title: str | None = None) -> list[Path]:
    """Write the new source's files and registry entry, then its generated dbt files; the paths written (relative
    to the project)."""
    for what, value in (("source name", name), ("department", department)):
        if not NAME.match(value):
            raise SourceNotConfigured(f"{what} {value!r} must be lower case letters, digits and _, starting a letter")
    if name in load_registry(project_dir):
        raise SourceNotConfigured(f"source {name} is already registered in {REGISTRY_FILE}")
    source = NewSource(name, department, title or name.replace("_", " ").capitalize())
    targets = {project_dir / path: template for path, template in source.files().items()}
    existing = [str(p.relative_to(project_dir)) for p in targets if p.exists()]
    if existing:
        raise SourceNotConfigured(f"new-source {name} would overwrite {', '.join(existing)}: nothing was written")
    for path, template in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(source.render(template))
    registry = project_dir / REGISTRY_FILE
    registry.write_text(registry.read_text().rstrip("\n") + "\n" + source.registry_entry())
    load_registry.cache_clear()  # the registry just changed on disk

    from data_platform.generate import write

    return [*(p.relative_to(project_dir) for p in targets), REGISTRY_FILE, *write(project_dir)]
