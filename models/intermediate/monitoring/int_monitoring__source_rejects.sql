-- What monitoring.source_rejects lists, kept incrementally (issue 17): each run appends the rejects of the imports
-- logged since the last run read each source, and one progress row per source read (is_progress_mark).
-- macros/monitoring/source_rejects.sql says how; a full refresh reads every import and equals the incremental runs.
{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}
{%- set sources = built_platform_sources() %}
{%- set reads = [] %}
{%- if is_incremental() %}
    {%- set plan = source_rejects_read_plan(sources) %}
    {%- for source_name in sources %}
        {%- if plan is none %}
            {%- do reads.append((source_name, 'join')) %}
        {%- elif plan[source_name] is not none %}
            {%- do reads.append((source_name, plan[source_name])) %}
        {%- endif %}
    {%- endfor %}
{%- else %}
    {%- for source_name in sources_with_landed(sources, 'import_log') %}
        {%- do reads.append((source_name, 'all')) %}
    {%- endfor %}
{%- endif %}
{%- set unlandable = sources_with_landed(reads | map('first') | list, 'rejected_records') %}

with received as (

    {%- for source_name, read in reads %}
        {%- for table_name, table in sources[source_name].tables.items() %}
    select
        '{{ source_name }}' as source_name,
        '{{ table_name }}' as source_table,
        coalesce(received._reject_reason, 'value does not type') as reject_reason,
        received._reject_reason is not null as is_excluded,
        received._cast_failures,
        received._imported_at,
        received._import_date,
        received._import_step,
        received._record_index,
        received._dlt_load_id,
        received._dlt_id
    from {{ ref(table.staging) }} as received
            {%- if read == 'join' %}
    {{ source_rejects_new_import_join(source_name, 'received') }}
            {%- endif %}
    where
        (received._reject_reason is not null or received._cast_failures is not null)
        {{- source_rejects_new_filter(read, source_name, 'received', 'received._imported_at') }}
    union all
        {%- endfor %}
        {%- if source_name in unlandable %}
    {{ unlandable_records(source_name, read) }}
    union all
        {%- endif %}
    {%- endfor %}
    select
        {{- source_rejects_null_row() }}
    where 1 = 0

),

new_reject as (

    {#- A record stored by an earlier run is not appended again (an import still landing when that run read it). #}
    select received.*
    from received
    {%- if is_incremental() %}
    where not exists (
        select 1
        from {{ this }} as existing
        where
            not existing.is_progress_mark
            and existing.source_name = received.source_name
            and existing.source_table = received.source_table
            and existing._dlt_id = received._dlt_id
    )
    {%- endif %}

)

select
    new_reject.*,
    false as is_progress_mark
from new_reject
{%- for source_name, read in reads %}

union all

{{ source_rejects_progress_mark(source_name, read) }}
{%- endfor %}
