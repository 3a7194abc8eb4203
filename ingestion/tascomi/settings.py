"""Tascomi pipeline settings, resolved the dlt way: .dlt/config.toml, .dlt/secrets.toml or environment
variables such as SOURCES__TASCOMI__BASE_URL, SOURCES__TASCOMI__PUBLIC_KEY, SOURCES__TASCOMI__PRIVATE_KEY."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

import dlt

from ingestion.tascomi.auth import LONDON

SECTION = "sources.tascomi"


class TascomiNotConfigured(RuntimeError):
    """A required setting (URL or keys) is missing."""


@dataclass(frozen=True)
class TascomiSettings:
    base_url: str
    public_key: str = field(repr=False)
    private_key: str = field(repr=False)
    catch_up_days: int = 60  # the borough's cap: series reaching back years failed or timed out
    lookup_refresh_days: int = 7
    timeout_s: float = 60.0
    max_attempts: int = 5
    backoff_s: float = 2.0
    drop_columns: tuple[str, ...] = ("gis_map_image_base64",)
    tables: tuple[str, ...] = ()  # empty: every table in the contract
    today: date | None = None  # override the business day, for replays and the sandbox

    def business_day(self) -> date:
        """Today in London: the day whose records are still changing and so are never imported."""
        return self.today or datetime.now(LONDON).date()


def _get(key: str, secret: bool = False) -> Any:
    return (dlt.secrets if secret else dlt.config).get(f"{SECTION}.{key}")


def load_settings(**overrides: Any) -> TascomiSettings:
    """Resolve settings from dlt config; keyword overrides win (the CLI uses them)."""
    resolved: dict[str, Any] = {
        "base_url": _get("base_url"),
        "public_key": _get("public_key", secret=True),
        "private_key": _get("private_key", secret=True),
    }
    missing = [f"SOURCES__TASCOMI__{k.upper()}" for k, v in resolved.items() if not v and k not in overrides]
    if missing:
        raise TascomiNotConfigured(
            "Tascomi is not configured: set "
            + ", ".join(missing)
            + " (or [sources.tascomi] in .dlt/config.toml and .dlt/secrets.toml)."
        )
    for key, kind in (
        ("catch_up_days", int),
        ("lookup_refresh_days", int),
        ("timeout_s", float),
        ("max_attempts", int),
        ("backoff_s", float),
    ):
        value = _get(key)
        if value is not None:
            resolved[key] = kind(value)
    for key in ("drop_columns", "tables"):
        value = _get(key)
        if value is not None:
            resolved[key] = tuple(value.split(",") if isinstance(value, str) else value)
    today = _get("today")
    if today:
        resolved["today"] = date.fromisoformat(str(today))
    resolved.update({k: v for k, v in overrides.items() if v is not None})
    return TascomiSettings(**resolved)
