"""The housing management system: properties, tenancies and household members, as a daily change-only extract
dropped in the landing zone (a full extract the first day, then each day's changed rows).

The connector interface every source package offers (see ingestion/registry.yml):
    load_settings(**overrides) -> settings    resolved from dlt configuration, explicit values winning
    ingest(settings, workspace, progress)     land what is due in the raw zone; returns a core IngestReport
"""

from ingestion.housing_management.pipeline import ingest
from ingestion.housing_management.settings import HousingManagementSettings, load_settings

__all__ = ["HousingManagementSettings", "ingest", "load_settings"]
