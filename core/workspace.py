"""Where the project, local state and the lake are: one value, built once at the edge and passed explicitly.

Nothing below the command line reads DATA_PLATFORM_HOME or DATA_PLATFORM_LAKE itself: the CLI (or a test) builds a
`Workspace` and hands it to ingestion, dbt and the docs step, so two workspaces can be used in one process.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

# The project folder (dbt project, contracts, .dlt config). An installed copy (the container image) sets
# DATA_PLATFORM_PROJECT_DIR; a checkout finds itself.
PROJECT_DIR = Path(os.environ.get("DATA_PLATFORM_PROJECT_DIR") or Path(__file__).resolve().parent.parent)


@dataclass(frozen=True)
class Workspace:
    """home: local state (DuckDB files, dlt working folders, docs site, locks); lake: a folder or an s3:// URL."""

    home: Path
    lake: str
    project_dir: Path = PROJECT_DIR

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> Workspace:
        """The workspace the environment describes: DATA_PLATFORM_HOME (default ./local) and DATA_PLATFORM_LAKE
        (default <home>/lake)."""
        home = Path(environ.get("DATA_PLATFORM_HOME") or PROJECT_DIR / "local").resolve()
        return cls(home=home, lake=environ.get("DATA_PLATFORM_LAKE") or str(home / "lake"))

    @classmethod
    def at(cls, home: Path, lake: str | None = None) -> Workspace:
        """A workspace rooted at `home`, its lake inside it unless given."""
        home = Path(home).resolve()
        return cls(home=home, lake=lake or str(home / "lake"))

    def with_home(self, home: Path) -> Workspace:
        """The same lake if it is remote, else a lake under the new home: a demo never touches a real lake folder."""
        lake = self.lake if self.lake_is_remote else str(Path(home).resolve() / "lake")
        return replace(self, home=Path(home).resolve(), lake=lake)

    @property
    def lake_is_remote(self) -> bool:
        return "://" in self.lake and not self.lake.startswith("file://")

    @property
    def lake_url(self) -> str:
        """The lake as a URL dlt's filesystem destination accepts."""
        root = self.lake.rstrip("/")
        return root if "://" in root else f"file://{Path(root).resolve()}"

    @property
    def dlt_dir(self) -> Path:
        return self.home / "dlt"

    @property
    def locks_dir(self) -> Path:
        return self.home / "locks"

    @property
    def docs_dir(self) -> Path:
        return self.home / "docs"

    @property
    def dbt_target_dir(self) -> Path:
        return self.home / "target"

    def duckdb_path(self, target: str = "dev") -> Path:
        return self.home / f"{target}.duckdb"

    def ensure(self) -> Workspace:
        """Create the local folders DuckDB and dlt write into (they create files, not folders)."""
        self.home.mkdir(parents=True, exist_ok=True)
        if not self.lake_is_remote:
            Path(self.lake.removeprefix("file://")).mkdir(parents=True, exist_ok=True)
        return self
