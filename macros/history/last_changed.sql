{#-
    Per record id, the vendor's latest change time over every usable record received (max of its change time column,
    records with a _reject_reason left out), kept incrementally (issue 17): a history version starts at its first
    change and absorbs later changes that altered nothing (re-saves), so a version's own change time is when it
    started, not when the vendor last touched the record; the marts report the latter. Rebuilding it from the staging
    view every night read every raw file of the table (8,409 files for applications at 100,000 x 365, and the view's
    bind reads each file's footer); an incremental run reads only the records history_new_records finds (imported
    after the stored max(_source_imported_at), from the import partitions the import log names for them) and takes
    the max with the stored row of each of their ids. A max over more records is the max of the parts, so an
    incremental run equals a full refresh row for row (tests/e2e/test_planning_history.py).

    The generated-history conventions apply: staging is stg_<source>__<table> (its import log says where new records
    are), key the id's platform name.
-#}
{% macro vendor_last_changed_incremental(staging, key, updated_at='last_updated') %}
    {{ config(
        materialized='incremental',
        incremental_strategy=history_incremental_strategy(),
        unique_key=key,
        on_schema_change='fail',
        meta={'last_changed_of': staging, 'key': key},
    ) }}
with received as (

    {%- if is_incremental() %}

    {{ history_new_records(ref(staging), key, history_import_log(staging)) }}
    {%- else %}

    select received.*
    from {{ ref(staging) }} as received
    where received._reject_reason is null
    {%- endif %}

),

changes as (

    select
        received.{{ key }},
        received.{{ updated_at }} as last_updated,
        received._imported_at as _source_imported_at
    from received
    {%- if is_incremental() %}

    union all

    {#- The stored latest change of the ids with new records: the max of the records read before. #}
    select
        existing.{{ key }},
        existing.last_updated,
        existing._source_imported_at
    from {{ this }} as existing
    where existing.{{ key }} in (select received.{{ key }} from received)
    {%- endif %}

)

select
    {{ key }},
    max(last_updated) as last_updated,
    max(_source_imported_at) as _source_imported_at
from changes
group by {{ key }}
{%- endmacro %}
