"""Tascomi (Idox) planning: daily change-only loads from the vendor REST API.

The connector interface every source package offers (see ingestion/registry.yml):
    load_settings(**overrides) -> settings    resolved from dlt configuration, explicit values winning
    ingest(settings, workspace, progress)     land what is due in the raw zone; returns a core IngestReport
"""

from ingestion.tascomi.pipeline import ingest
from ingestion.tascomi.settings import TascomiSettings, load_settings

__all__ = ["TascomiSettings", "ingest", "load_settings"]
