"""Picking files up from a landing zone: list them, hash them, land each content once, move nothing.

Others push files into the landing zone (exports, extracts, full refreshes); the platform never moves, renames or
deletes them (they are the senders' record of what they sent). What has been landed is remembered by content hash
in the connector's state, moved in the same load package as the file's records, so a file is landed exactly once:
a file sent again under another name is recognised, a file replaced by new content under the same name is new.

The zone is a local folder or any fsspec URL (s3://bucket/prefix): the same code lists both.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

import fsspec
from fsspec.core import url_to_fs

from core.errors import SourceNotConfigured


@dataclass(frozen=True)
class LandingFile:
    """One file in the landing zone."""

    root: str
    name: str  # path relative to the zone's root, with '/' separators
    size: int
    digest: str  # sha256 of the content, hex

    @property
    def url(self) -> str:
        return f"{self.root.rstrip('/')}/{self.name}"

    @property
    def base_name(self) -> str:
        return self.name.rsplit("/", 1)[-1]

    def read_bytes(self) -> bytes:
        with fsspec.open(self.url, "rb") as handle:
            return handle.read()

    def day(self, pattern: str = r"(\d{8})") -> date | None:
        """The date a file's name carries (the last YYYYMMDD by default, or the pattern's first group)."""
        found = re.findall(pattern, self.base_name)
        if not found:
            return None
        text = found[-1] if isinstance(found[-1], str) else found[-1][0]
        digits = text.replace("-", "")
        try:
            return date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
        except ValueError:
            return None


def _fs(root: str) -> tuple[Any, str]:
    try:
        return url_to_fs(root)
    except (ImportError, ValueError) as error:
        raise SourceNotConfigured(
            f"landing zone {root!r} cannot be opened ({error}): check the landing_root setting"
        ) from error


def list_files(root: str, pattern: str) -> list[LandingFile]:
    """Files under `root` whose relative path matches the glob `pattern`, sorted by name, each hashed.

    Files still being written ('*.part', '*.tmp', names starting with '.' or '~$') are left for a later run."""
    fs, base = _fs(root)
    if not fs.exists(base):
        raise SourceNotConfigured(f"landing zone folder {root!r} does not exist: check the landing_root setting")
    base = base.rstrip("/")
    found = []
    for path in sorted(fs.glob(f"{base}/{pattern}")):
        if fs.isdir(path):
            continue
        name = path[len(base) + 1 :] if path.startswith(base + "/") else path
        leaf = name.rsplit("/", 1)[-1]
        if leaf.startswith((".", "~$")) or leaf.endswith((".part", ".tmp")):
            continue
        found.append(LandingFile(root, name, int(fs.size(path)), _digest(fs, path)))
    return found


def _digest(fs: Any, path: str) -> str:
    sha = hashlib.sha256()
    with fs.open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def not_landed(files: Iterable[LandingFile], landed: Mapping[str, Any]) -> list[LandingFile]:
    """The files whose content has not been landed (`landed`: digest -> anything), each content once."""
    seen: set[str] = set()
    out = []
    for file in files:
        if file.digest in landed or file.digest in seen:
            continue
        seen.add(file.digest)
        out.append(file)
    return out


def content_digest(parts: Iterable[Iterable[Any]]) -> str:
    """A stable hash of tabular content (rows of cells), for sources that are read rather than picked up (a sheet
    read through an API): the same content gives the same digest, so an unchanged state lands once."""
    sha = hashlib.sha256()
    for row in parts:
        for cell in row:
            text = "" if cell is None else str(cell)
            sha.update(text.encode("utf-8", "surrogatepass"))
            sha.update(b"\x1f")
        sha.update(b"\x1e")
    return sha.hexdigest()
