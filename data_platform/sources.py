"""The registered sources as code: each entry's connector and sandbox packages, found by name (ingestion/registry.yml)
and checked against their protocols (core/source_kit.py) as they load, so adding a source adds files and a registry
entry, never a branch here, and a package missing a piece is named before anything runs."""

from __future__ import annotations

from core.registry import SourceEntry, load_registry, source_entry
from core.source_kit import Connector, Sandbox, checked
from core.workspace import Workspace


def connector(entry: SourceEntry) -> Connector:
    return checked(entry.name, "connector", entry.connector, Connector)


def sandbox(entry: SourceEntry) -> Sandbox:
    return checked(entry.name, "sandbox", entry.sandbox, Sandbox)


def entries(names: list[str] | None = None, workspace: Workspace | None = None) -> list[SourceEntry]:
    """The registry's entries (or the named ones), in registry order."""
    project = (workspace or Workspace.from_environment()).project_dir
    if names:
        return [source_entry(name, project) for name in names]
    return list(load_registry(project).values())


def connectors(
    names: list[str] | None = None, workspace: Workspace | None = None
) -> list[tuple[SourceEntry, Connector]]:
    """Every selected source with its connector, all checked before the first one runs."""
    return [(entry, connector(entry)) for entry in entries(names, workspace)]


def sandboxes(workspace: Workspace | None = None) -> list[tuple[SourceEntry, Connector, Sandbox]]:
    """Every registered source with its connector and its sandbox, all checked before the first one starts."""
    return [(entry, connector(entry), sandbox(entry)) for entry in entries(workspace=workspace)]
