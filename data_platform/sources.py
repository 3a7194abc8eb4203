"""The registered sources as code: each entry's connector and sandbox packages, found by name (ingestion/registry.yml),
so adding a source adds files and a registry entry, never a branch here."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from datetime import date
from types import ModuleType
from typing import Any, Protocol, cast

from core.import_log import IngestReport
from core.registry import SourceEntry, load_registry, source_entry
from core.workspace import Workspace


class Connector(Protocol):
    """What every ingestion/<source>/ package offers."""

    def load_settings(self, **overrides: Any) -> Any: ...

    def ingest(self, settings: Any, workspace: Workspace, progress: Callable[[str], None] = print) -> IngestReport: ...


class DemoSandbox(Protocol):
    """What every sandbox/<source>/ package's demo() yields: a stand-in that replays days of change."""

    def advance(self, day: date) -> None: ...

    def settings(self) -> dict[str, Any]: ...


class Sandbox(Protocol):
    def demo(self, seed: int, first_day: date, workdir: Any) -> AbstractContextManager[DemoSandbox]: ...


def _module(path: str, needs: tuple[str, ...]) -> ModuleType:
    module = importlib.import_module(path)
    missing = [name for name in needs if not hasattr(module, name)]
    if missing:
        raise TypeError(f"{path} does not offer {', '.join(missing)}")
    return module


def connector(entry: SourceEntry) -> Connector:
    return cast(Connector, _module(entry.connector, ("load_settings", "ingest")))


def sandbox(entry: SourceEntry) -> Sandbox:
    return cast(Sandbox, _module(entry.sandbox, ("demo",)))


def entries(names: list[str] | None = None, workspace: Workspace | None = None) -> Iterator[SourceEntry]:
    project = (workspace or Workspace.from_environment()).project_dir
    if names:
        for name in names:
            yield source_entry(name, project)
    else:
        yield from load_registry(project).values()
