-- Every version of every repair (SCD2) across the seven contractors, rebuilt from the received responses. A sheet or
-- export is a snapshot, so a version is valid from the import day its content was first seen (seen_on, invariant 3);
-- the same response delivered twice on one day: the later delivery wins. Incremental like the generated histories:
-- --full-refresh gives the same rows (invariant 2). An incremental run reads only the import partitions the repairs
-- import log names for the contractors' tables since the last build, as the Tascomi histories do.
{%- set response_tables = [] %}
{%- for contractor in repairs_contractors() %}
    {%- do response_tables.append(contractor ~ '_responses') %}
{%- endfor %}
{{ history_from_change_log(
    staging='int_housing__repair_responses',
    key='repair_id',
    updated_at='seen_on',
    columns=repairs_history_columns(),
    import_source='repairs',
    table_name=response_tables,
) }}
