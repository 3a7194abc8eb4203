"""What a source package must offer, as typed protocols, and the check that it does.

ingestion/registry.yml names, per source, a connector package (ingestion/<source>/) and a sandbox package
(sandbox/<source>/). Both are found by module path, so nothing here imports them statically; `checked` imports one
and compares it with its protocol member by member (present, callable, accepting the protocol's parameters), so a
source missing a piece fails when the registry's packages load, with a message naming the source and the member,
not with an AttributeError half-way through a night.
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import date
from pathlib import Path
from types import ModuleType
from typing import Any, Protocol, TypeVar, cast

from core.errors import ContractError
from core.import_log import IngestReport
from core.workspace import Workspace

Progress = Callable[[str], None]


class Connector(Protocol):
    """What every ingestion/<source>/ package offers."""

    def load_settings(self, **overrides: Any) -> Any:
        """The source's settings (a core.settings.SourceSettings spec), explicit values winning over configuration."""
        ...

    def ingest(self, settings: Any, workspace: Workspace, progress: Progress = print) -> IngestReport:
        """Land what is due in the raw zone (through core.ingest_run.IngestRun); report what landed."""
        ...


class StandIn(Protocol):
    """What a sandbox's demo() yields: a stand-in that replays days of change."""

    def advance(self, day: date) -> None:
        """Make the source look as it does on the morning of `day`."""
        ...

    def settings(self) -> dict[str, Any]:
        """The connector settings that point at this stand-in (what a council is given to connect)."""
        ...


class Sandbox(Protocol):
    """What every sandbox/<source>/ package offers."""

    def demo(self, seed: int, first_day: date, workdir: Path) -> AbstractContextManager[StandIn]:
        """A fresh stand-in, deterministic from `seed`, replaying change from `first_day`; files under `workdir`."""
        ...

    def serve(self, argv: list[str] | None = None) -> int | None:
        """`data-platform sandbox <source> ...`: run the stand-in from a shell (its own options; see --help)."""
        ...


Shape = TypeVar("Shape")


def members(protocol: type) -> dict[str, inspect.Signature]:
    """The protocol's methods and their signatures without `self`."""
    found = {}
    for name, value in vars(protocol).items():
        if name.startswith("_") or not callable(value):
            continue
        signature = inspect.signature(value)
        found[name] = signature.replace(parameters=list(signature.parameters.values())[1:])
    return found


def problems(module: ModuleType, protocol: type) -> list[str]:
    """What `module` lacks to offer `protocol`: missing members, non-callables, parameters it does not accept."""
    found = []
    for name, wanted in members(protocol).items():
        member = getattr(module, name, None)
        if member is None:
            found.append(f"no {name}()")
            continue
        if not callable(member):
            found.append(f"{name} is not callable")
            continue
        offered = inspect.signature(member).parameters
        takes_any = any(p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD) for p in offered.values())
        for parameter in wanted.parameters.values():
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                if not any(p.kind == parameter.kind for p in offered.values()):
                    found.append(f"{name}() does not take {'**' if parameter.kind == parameter.VAR_KEYWORD else '*'}"
                                 f"{parameter.name}")  # fmt: skip
            elif parameter.name not in offered and not takes_any:
                found.append(f"{name}() has no parameter {parameter.name!r}")
    return found


def checked(source: str, role: str, module_path: str, protocol: type[Shape]) -> Shape:
    """The package at `module_path`, once it is seen to offer `protocol`; else a ContractError naming what is
    missing. `role` says which registry key named it (connector, sandbox)."""
    try:
        module = importlib.import_module(module_path)
    except ModuleNotFoundError as error:
        raise ContractError(
            f"source {source}: its {role} {module_path!r} (ingestion/registry.yml) cannot be imported ({error}). "
            f"Fix the {role} path, or run `data-platform new-source {source}` to scaffold the package."
        ) from error
    missing = problems(module, protocol)
    if missing:
        raise ContractError(
            f"source {source}: its {role} {module_path} does not offer the {protocol.__name__} protocol "
            f"(core/source_kit.py): {'; '.join(missing)}"
        )
    return cast(Shape, module)
