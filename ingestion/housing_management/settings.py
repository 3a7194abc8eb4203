"""Housing management settings, a dlt configuration spec: explicit values, then SOURCES__HOUSING_MANAGEMENT__*
environment variables, then .dlt/secrets.toml and .dlt/config.toml [sources.housing_management]."""

from __future__ import annotations

from typing import Any

from dlt.common.configuration import configspec

from core.settings import SourceSettings, load_source_settings

SOURCE = "housing_management"


@configspec
class HousingManagementSettings(SourceSettings):
    landing_root: str = None  # the landing zone: a folder or s3://bucket/prefix
    # Glob under landing_root of one table's extract files; {table} is the contract table name.
    file_pattern: str = "housing/housing_management/{table}/{table}_*.csv"
    day_pattern: str = r"_(\d{8})\.csv$"  # the extract's day in the file name: files land in day order
    encoding: str = "utf-8"
    tables: list[str] | None = None  # restrict to these contract tables (default: every table)


def load_settings(**overrides: Any) -> HousingManagementSettings:
    return load_source_settings(HousingManagementSettings, SOURCE, **overrides)
