"""dlt pipelines that land source data in the lake's raw zone, one package per source system."""
