"""The address gazetteer (LLPG): full files dropped in the landing zone every few days; the latest is current.

The connector interface every source package offers (see ingestion/registry.yml):
    load_settings(**overrides) -> settings    resolved from dlt configuration, explicit values winning
    ingest(settings, workspace, progress)     land what is due in the raw zone; returns a core IngestReport
"""

from ingestion.gazetteer.pipeline import ingest
from ingestion.gazetteer.settings import GazetteerSettings, load_settings

__all__ = ["GazetteerSettings", "ingest", "load_settings"]
