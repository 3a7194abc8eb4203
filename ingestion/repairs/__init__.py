"""Housing repairs: the contractors' repair logs, read through the Google Sheets API or picked up as CSV/XLSX
exports from the landing zone, one contract table per contractor (<contractor>_responses).

The connector interface every source package offers (see ingestion/registry.yml):
    load_settings(**overrides) -> settings    resolved from dlt configuration, explicit values winning
    ingest(settings, workspace, progress)     land what is due in the raw zone; returns a core IngestReport
"""

from ingestion.repairs.pipeline import ingest
from ingestion.repairs.settings import RepairsSettings, load_settings

__all__ = ["RepairsSettings", "ingest", "load_settings"]
