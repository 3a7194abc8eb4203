"""Housing management settings, a dlt configuration spec: explicit values, then SOURCES__HOUSING_MANAGEMENT__*
environment variables, then .dlt/secrets.toml and .dlt/config.toml [sources.housing_management]."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from dlt.common.configuration import configspec
from dlt.common.configuration.specs import BaseConfiguration

from core.settings import resolve_settings

SOURCE = "housing_management"
LONDON = ZoneInfo("Europe/London")


@configspec
class HousingManagementSettings(BaseConfiguration):
    landing_root: str = None  # the landing zone: a folder or s3://bucket/prefix
    # Glob under landing_root of one table's extract files; {table} is the contract table name.
    file_pattern: str = "housing/housing_management/{table}/{table}_*.csv"
    day_pattern: str = r"_(\d{8})\.csv$"  # the extract's day in the file name: files land in day order
    encoding: str = "utf-8"
    tables: list[str] | None = None  # restrict to these contract tables (default: every table)
    today: date | None = None  # the business day to import as (default: today in London)

    def business_day(self) -> date:
        return date.fromisoformat(str(self.today)) if self.today else datetime.now(LONDON).date()


def load_settings(**overrides: Any) -> HousingManagementSettings:
    return resolve_settings(HousingManagementSettings, SOURCE, **overrides)
