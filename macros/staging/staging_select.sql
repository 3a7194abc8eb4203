{#-
    Staging for any source table: the generated stg_<source>__<table>.sql models call these with the contract's
    columns spelled out (data-platform generate), so the macros need no lookups and unit tests need no graph.

    columns: [[source name, source type, classification, platform name], ...]
-#}

{% macro staging_select(source_name, table_name, key, updated_at, columns) %}
    {#-
        One row per received record: every contract column typed exactly to its type (cast_exact) under its
        platform name, personal / special-category columns masked when mask_personal; then
          _cast_failures  comma-separated source names of columns whose non-null value did not type (null: none)
          _reject_reason  why the record cannot take part in history or current state (null: it can):
                          no key, a key that does not type, a change time that does not type, or a change time later
                          than the moment the record was received (a clock or data error: it must never become the
                          current version)
        and the raw metadata typed (_incomplete_series a boolean, false for rows landed before it existed), and the
        import partition (_import_year, _import_month, _import_day). Rejected records stay here (nothing is dropped
        silently) and are listed by monitoring.source_rejects. Source columns outside the contract are not selected
        (see source_schema_drift).
    -#}
    {%- set mask = should_mask_personal() -%}
    {%- set failure_checks = [] -%}
    {%- set state = namespace(key_typed=none, updated_typed=none) -%}
    {#- Each type's cast written once, around a placeholder, then filled in per column: the cast takes half a dozen
        macro calls and a wide table has hundreds of columns (stg_tascomi__applications: ~750; its compile, on every
        build, the nightly's included, took 1.1 s, now 0.2 s; the SQL is the same to the byte). -#}
    {%- set placeholder = '__council_data_platform_value__' -%}
    {%- set casts = {} -%}
    {%- set classifications = classification_names() -%}
with raw_record as (

    select *
    from {{ raw_or_empty(source_name, table_name) }} as received_record

),

typed as (

    select
        {%- for name, source_type, classification, platform_name in columns %}
            {%- if classification in classifications -%}
                {%- set is_personal = classification != 'not_personal' -%}
            {%- else -%}
                {%- set is_personal = require_classification(classification, source_name ~ '.' ~ table_name ~ '.' ~ name) -%}
            {%- endif -%}
            {%- set raw = 'raw_record.' ~ adapter.quote(name) -%}
            {%- if source_type not in casts -%}
                {%- do casts.update({source_type: cast_exact(placeholder, source_type)}) -%}
            {%- endif -%}
            {%- set typed = casts[source_type] | replace(placeholder, raw) -%}
            {%- if source_type != 'text' -%}
                {%- do failure_checks.append("case when " ~ raw ~ " is not null and (" ~ typed ~ ") is null then '" ~ name ~ "' end") -%}
            {%- endif -%}
            {%- if name == key %}{% set state.key_typed = typed %}{% endif -%}
            {%- if name == updated_at %}{% set state.updated_typed = typed %}{% endif %}
        {% if mask and is_personal -%}
        {{ mask_value(typed) }} as {{ platform_name }},
        {%- else -%}
        {{ typed }} as {{ platform_name }},
        {%- endif -%}
        {%- endfor %}
        {{ concat_ws_skip_nulls(failure_checks) }} as _cast_failures,
        case
            when raw_record.{{ adapter.quote(key) }} is null then 'missing key'
            when ({{ state.key_typed }}) is null then 'key does not type'
            {%- if updated_at %}
            when raw_record.{{ adapter.quote(updated_at) }} is not null and ({{ state.updated_typed }}) is null
                then 'change time does not type'
            when ({{ state.updated_typed }}) > {{ dbt.dateadd('minute', var('clock_tolerance_minutes', 15), utc_to_london(dbt.safe_cast('raw_record._imported_at', dbt.type_timestamp()))) }}
                then 'change time after the record was received'
            {%- endif %}
        end as _reject_reason,
        {{ dbt.safe_cast('raw_record._imported_at', dbt.type_timestamp()) }} as _imported_at,
        {{ dbt.safe_cast('raw_record._import_date', 'date') }} as _import_date,
        raw_record._import_step,
        raw_record._source_ref,
        {{ dbt.safe_cast('raw_record._record_index', dbt.type_bigint()) }} as _record_index,
        coalesce(raw_record._incomplete_series = 'true', false) as _incomplete_series,
        raw_record._dlt_load_id,
        raw_record._dlt_id,
        {#- The import partition the record was read from (the lake's folders, text as in the paths): incremental
            models join on these, not on _import_date, so the engine skips whole partitions (files on DuckDB,
            S3 prefixes on Athena) instead of opening every file to filter rows. #}
        raw_record.import_year as _import_year,
        raw_record.import_month as _import_month,
        raw_record.import_day as _import_day
    from raw_record

)

select *
from typed
{%- endmacro %}


{% macro lookup_staging(source_name, table_name, key, updated_at, columns) %}
    {#-
        A table pulled in full on a schedule (a lookup): every received record of every pull, like any staging
        model, plus is_current: true for the record that is the table's current state, i.e. in its latest landed
        pull (per the import log, so a pull that returned nothing is still the latest), not rejected, and the last
        record of that pull for its key. Marts read `where is_current`.
    -#}
    {%- set found = namespace(key_name=none) -%}
    {%- for name, source_type, classification, platform_name in columns if name == key -%}
        {%- set found.key_name = platform_name -%}
    {%- endfor -%}
with received as (

    {{ staging_select(source_name, table_name, key, updated_at, columns) }}

),

latest_pull as (

    {#- From the source's latest-pulls table (latest_pulls), built once per build: the view no longer reads every
        import log file each time it is queried (issue 17). A table never pulled has no row: nothing is current. -#}
    select max(pulls._imported_at) as _imported_at
    from {{ ref('stg_' ~ source_name ~ '__latest_pulls') }} as pulls
    where pulls.table_name = '{{ table_name }}'

),

ranked as (

    select
        received.*,
        received._imported_at = latest_pull._imported_at and received._reject_reason is null as is_in_latest_pull,
        {#- The import partition is in the window's partition too: it changes nothing (the records of the latest
            pull share one import, so one partition; the rank of any other record is never used), but it lets a
            filter on the partition columns (an incremental reader's new imports, a nightly test's) reach the scan,
            which a window passes down only on the columns it is partitioned by (issue 17). #}
        row_number() over (
            partition by
                received.{{ found.key_name }},
                received._imported_at = latest_pull._imported_at and received._reject_reason is null,
                received._import_year,
                received._import_month,
                received._import_day
            order by received._record_index desc, received._dlt_id desc
        ) as record_rank
    from received
    cross join latest_pull

)

select
    {%- for name, source_type, classification, platform_name in columns %}
    {{ platform_name }},
    {%- endfor %}
    is_in_latest_pull and record_rank = 1 as is_current,
    _cast_failures,
    _reject_reason,
    _imported_at,
    _import_date,
    _import_step,
    _source_ref,
    _record_index,
    _incomplete_series,
    _dlt_load_id,
    _dlt_id,
    _import_year,
    _import_month,
    _import_day
from ranked
{%- endmacro %}


{% macro latest_pulls(source_name) %}
    {#- The latest landed import of each of a source's tables, per its import log: one row per table. A table, so the
        import log's files are read once per build, not by every lookup staging view each time it is queried. -#}
    {{ config(materialized='table') }}
select
    table_name,
    max({{ dbt.safe_cast('_imported_at', dbt.type_timestamp()) }}) as _imported_at
from {{ source(source_name, 'import_log') }}
group by table_name
{%- endmacro %}
