"""Gazetteer settings, a dlt configuration spec: explicit values, then SOURCES__GAZETTEER__* environment variables,
then .dlt/secrets.toml and .dlt/config.toml [sources.gazetteer]."""

from __future__ import annotations

from typing import Any

from dlt.common.configuration import configspec

from core.settings import SourceSettings, load_source_settings

SOURCE = "gazetteer"


@configspec
class GazetteerSettings(SourceSettings):
    landing_root: str = None  # the landing zone: a folder or s3://bucket/prefix
    file_pattern: str = "data-and-insight/gazetteer/llpg_full_*.csv"  # glob under landing_root
    encoding: str = "utf-8"


def load_settings(**overrides: Any) -> GazetteerSettings:
    return load_source_settings(GazetteerSettings, SOURCE, **overrides)
