"""Which registered sources a build, a nightly run or the catalogue includes: a council may run only some of them.

A source is left out when it is switched off in ingestion/registry.yml (`enabled: false`) or has never landed an
import (no import log in the raw zone): its staging models, and every model and test that reads them, are not built,
and the catalogue does not show them. Each left-out source is said in one line. The dbt side gets the built list as
the var `built_sources` (the monitoring models read only those) and the rest as a `--exclude source:<name>+`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from glob import glob
from urllib.parse import urlparse

from core.errors import PlatformError
from core.import_log import IMPORT_LOG
from core.registry import SourceEntry, load_registry
from core.workspace import Workspace

NOTHING_IMPORTED = "nothing has been imported yet: run ingest or demo"


class NothingImported(PlatformError):
    """No registered, switched-on source has landed an import: there is nothing to build."""


@dataclass(frozen=True)
class BuiltSources:
    built: tuple[str, ...]
    left_out: dict[str, str] = field(default_factory=dict)  # source -> why it is not built

    def lines(self) -> list[str]:
        """One line per left-out source, for every command's output."""
        return [f"{name}: left out of the build and the catalogue ({why})" for name, why in self.left_out.items()]

    def dbt_vars(self) -> dict[str, object]:
        return {"built_sources": list(self.built)}

    def dbt_exclude(self) -> list[str]:
        """dbt selectors for everything that reads a left-out source (its staging models, their descendants)."""
        return [f"source:{name}+" for name in self.left_out]

    def require_some(self) -> BuiltSources:
        if not self.built:
            raise NothingImported(NOTHING_IMPORTED)
        return self


def import_log_landed(workspace: Workspace, entry: SourceEntry) -> bool:
    """Whether any import log file of the source is in the raw zone (under any department it lands in)."""
    prefix = f"raw/*/{entry.name}/{IMPORT_LOG}/"
    root = workspace.lake.rstrip("/")
    if not workspace.lake_is_remote:
        return bool(glob(f"{root.removeprefix('file://')}/{prefix}**/*.parquet", recursive=True))
    return _s3_has_import_log(root, entry.name)


def _s3_has_import_log(root: str, source: str) -> bool:
    import boto3

    url = urlparse(root)
    base = url.path.strip("/")
    client = boto3.client("s3")  # the credential chain and AWS_ENDPOINT_URL, as ingestion and DuckDB use
    raw = f"{base}/raw/" if base else "raw/"
    departments = client.list_objects_v2(Bucket=url.netloc, Prefix=raw, Delimiter="/").get("CommonPrefixes", [])
    for department in departments:
        prefix = f"{department['Prefix']}{source}/{IMPORT_LOG}/"
        if client.list_objects_v2(Bucket=url.netloc, Prefix=prefix, MaxKeys=1).get("KeyCount", 0):
            return True
    return False


def built_sources(workspace: Workspace) -> BuiltSources:
    """The registered sources to build (in registry order) and why each other one is left out."""
    built: list[str] = []
    left_out: dict[str, str] = {}
    for name, entry in load_registry(workspace.project_dir).items():
        if not entry.enabled:
            left_out[name] = "switched off in ingestion/registry.yml"
        elif not import_log_landed(workspace, entry):
            left_out[name] = "never imported"
        else:
            built.append(name)
    return BuiltSources(tuple(built), left_out)
