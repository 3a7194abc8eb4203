"""Gazetteer settings, a dlt configuration spec: explicit values, then SOURCES__GAZETTEER__* environment variables,
then .dlt/secrets.toml and .dlt/config.toml [sources.gazetteer]."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from dlt.common.configuration import configspec
from dlt.common.configuration.specs import BaseConfiguration

from core.settings import resolve_settings

SOURCE = "gazetteer"
LONDON = ZoneInfo("Europe/London")


@configspec
class GazetteerSettings(BaseConfiguration):
    landing_root: str = None  # the landing zone: a folder or s3://bucket/prefix
    file_pattern: str = "data-and-insight/gazetteer/llpg_full_*.csv"  # glob under landing_root
    encoding: str = "utf-8"
    today: date | None = None  # the business day to import as (default: today in London)

    def business_day(self) -> date:
        return date.fromisoformat(str(self.today)) if self.today else datetime.now(LONDON).date()


def load_settings(**overrides: Any) -> GazetteerSettings:
    return resolve_settings(GazetteerSettings, SOURCE, **overrides)
