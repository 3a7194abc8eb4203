-- Every received record, of every source, that the platform could not use as it came: records left out of history and
-- current state (no key, a key or change time that does not type, a change time after receipt), records kept with
-- some value null because it did not type to its contract type, and records that could not even be landed in their
-- table (ingestion's rejected_records). Invariant 1: nothing is dropped silently; watch this table.
{%- set sources = built_platform_sources() %}
{%- set parts = [] %}
{%- for source_name, source in sources.items() %}
    {%- for table_name, table in source.tables.items() %}
        {%- do parts.append((source_name, table_name, ref(table.staging))) %}
    {%- endfor %}
{%- endfor %}

with received as (

    {%- for source_name, table_name, relation in parts %}
        select
            '{{ source_name }}' as source_name,
            '{{ table_name }}' as source_table,
            coalesce(_reject_reason, 'value does not type') as reject_reason,
            _reject_reason is not null as is_excluded,
            _cast_failures,
            _imported_at,
            _import_date,
            _import_step,
            _record_index,
            _dlt_load_id,
            _dlt_id
        from {{ relation }}
        where _reject_reason is not null or _cast_failures is not null
        union all
    {%- endfor %}
    {{ unlandable_records(sources) }}
)

select *
from received
