"""Academy (Capita) council tax, housing benefit and business rates, read in bulk from the reporting copy.

The connector interface every source package offers (see ingestion/registry.yml):
    load_settings(**overrides) -> settings    resolved from dlt configuration, explicit values winning
    ingest(settings, workspace, progress)     land what is due in the raw zone; returns a core IngestReport
"""

from ingestion.academy.pipeline import ingest
from ingestion.academy.settings import AcademySettings, load_settings

__all__ = ["AcademySettings", "ingest", "load_settings"]
