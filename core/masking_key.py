"""The masking key (invariant 8: secrets live only in the secret store or the environment at run time).

Personal columns are masked outside production with a keyed hash (macros/masking.sql). The key never enters SQL
text: on DuckDB the connection is given it as a session variable (data_platform/duckdb_masking.py), so compiled SQL,
the manifest, the docs site and the DuckDB view definitions only name the variable. Where the key comes from:

1. DATA_PLATFORM_MASKING_KEY, set from the secret store (every target that reads a shared lake);
2. else, for a workspace on a local lake only, the workspace's own random key, made on first use in its git-ignored
   home (`<home>/masking.key`, readable by its owner only). There is no committed key: a masked value built in one
   workspace cannot be re-linked from a list of candidate values by anyone without that workspace's key.

On Athena the key lives in a restricted one-row table (var masking_key_table), never in the environment of dbt.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path

from core.errors import SourceNotConfigured

ENV_VAR = "DATA_PLATFORM_MASKING_KEY"
KEY_FILE = "masking.key"
# The DuckDB session variable the masking macro reads at query time (macros/masking.sql names it too).
DUCKDB_VARIABLE = "data_platform_masking_key"


class MaskingKeyMissing(SourceNotConfigured):
    """A target that reads a shared lake has no masking key."""


def lake_is_local(lake: str) -> bool:
    return "://" not in lake or lake.startswith("file://")


def workspace_key(home: Path) -> str:
    """The workspace's own key: read it, or make a random one on first use. Created exclusively (two processes
    starting together agree on one key) and readable by its owner only."""
    path = Path(home) / KEY_FILE
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read(path)  # another process made it first: use theirs
    with os.fdopen(descriptor, "w") as handle:
        handle.write(key + "\n")
    return key


def _read(path: Path) -> str:
    key = path.read_text().strip()
    if not key:
        raise MaskingKeyMissing(
            f"{path} is empty: delete it to make a new workspace key (masked values change), or set {ENV_VAR}."
        )
    return key


def masking_key(home: Path, lake: str, environ: Mapping[str, str] = os.environ) -> str:
    """The key personal columns are masked with for this workspace (see the module docstring for the order)."""
    key = environ.get(ENV_VAR, "")
    if key:
        return key
    if lake_is_local(lake):
        return workspace_key(home)
    raise MaskingKeyMissing(
        f"Personal columns are masked but {ENV_VAR} is not set and the lake ({lake}) is shared: set it from the "
        "secret store (never commit it); only a workspace on a local lake makes its own key."
    )


def set_duckdb_key(connection: object, key: str) -> None:
    """Give one DuckDB connection the key as a session variable (never as SQL the catalogue keeps)."""
    connection.execute(f"set variable {DUCKDB_VARIABLE} = $key", {"key": key})  # type: ignore[attr-defined]


def files_holding(key: str, *roots: Path) -> list[Path]:
    """Every file under `roots` whose bytes contain the key (the published artefacts must hold none)."""
    needle = key.encode()
    found = []
    for root in roots:
        paths = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        for path in paths:
            with path.open("rb") as handle:
                if needle in handle.read():
                    found.append(path)
    return found
