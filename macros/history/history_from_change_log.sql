{#-
    SCD2 history rebuilt from a change log: one staging row per received record in, one row per version out.
    The generated int_<department>__<table>_history models call history_from_change_log with the contract's columns.

    staging      the staging model holding every received record, typed (platform names)
    key          the record id; records with a _reject_reason (no key, a key or change time that does not type, a
                 change time after receipt) cannot be placed and are left to monitoring.source_rejects
    updated_at   the source's own change time; null -> the import day the record was received (see valid_from)
    columns      every contract column (platform names), key and updated_at included

    Rules (the invariants in docs/platform-team/invariants.md):
      * a version is valid from the source's updated_at, never from when we ran (invariant 3); a record received
        without one is valid from the start of the import day it was received on: what it was before that was never
        observed, so the history must not claim it (a placeholder such as 1900-01-01 would put an application
        received in 2026 into every "as of 2020" answer);
      * the same id + updated_at received more than once: the latest delivery wins, by the total order
        (_imported_at desc, _record_index desc, _dlt_id desc): _imported_at is strictly increasing across import
        steps and runs, so a later series or a later run always wins over an earlier one;
      * consecutive versions equal on every contract column except updated_at collapse into the earliest;
      * valid_to = the next version's valid_from (null for the current version);
      * _source_imported_at = the latest import that delivered a record of this version;
      * rests_on_incomplete_series = every receipt of this version came from a series the source's count refused
        (staging's _incomplete_series): true until a complete series delivers the version too;
      * _last_observed_at = the latest change time (valid_from of a received record) the version summarises.
    Incremental runs read the raw records imported after the table's watermark max(_source_imported_at) (minus var
    history_lookback_hours), only from the import partitions the import log names for those imports
    (history_new_records), and replace the ids they hold (history_incremental_strategy / history_unique_key): an id
    whose new records are all later than its stored _last_observed_at is its stored versions (standing in for the
    records they summarise) plus the new records; any other id is rebuilt from every raw record. So an incremental
    run equals a full refresh row for row (invariant 2; tests/e2e/test_planning_history.py).
-#}
{% macro history_from_change_log(staging, key, updated_at, columns, import_source=none, table_name=none) %}
    {#- import_source / table_name: the source whose import log logs the imports of the staging model's raw
        table(s), and that table's name or a list of names (a staging model that unions several tables of one
        source); default: the source and table named by staging = stg_<source>__<table>. Without either,
        incremental runs read every import instead of only the new ones. -#}
    {{ config(
        materialized='incremental',
        incremental_strategy=history_incremental_strategy(),
        unique_key=history_unique_key(key),
        on_schema_change='fail',
        pre_hook="{{ history_pre_hook('" ~ staging ~ "', '" ~ key ~ "', "
            ~ (("'" ~ import_source ~ "'") if import_source else "none") ~ ", "
            ~ ((table_name | tojson) if table_name else "none") ~ ") }}",
    ) }}
    {#- The import log only on incremental runs: a full rebuild reads every import anyway, and unit tests (never
        incremental) then need no import log fixture. -#}
    {{ scd2_from_change_log(ref(staging), columns, key, updated_at, history_import_log(staging, import_source, table_name) if is_incremental() else none) }}
{%- endmacro %}


{% macro history_import_log(staging, import_source=none, table_name=none) %}
    {#- [import log relation, table name or names, source name] for import_source's tables, or for a staging model
        named stg_<source>__<table>; else none. -#}
    {%- if import_source -%}
        {{ return([source(import_source, 'import_log'), table_name, import_source]) }}
    {%- endif -%}
    {%- set parts = staging.split('__', 1) -%}
    {%- if staging.startswith('stg_') and parts | length == 2 -%}
        {{ return([source(parts[0][4:], 'import_log'), parts[1], parts[0][4:]]) }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}


{% macro history_received_columns(columns, received_valid_from) %}
    {#- The select list of a received raw record as the version rows are built from (full and incremental runs). -#}
    {%- for column in columns %}
    {{ column }},
    {%- endfor %}
    _cast_failures,
    _imported_at,
    {{ received_valid_from }} as valid_from,
    {{ received_valid_from }} as _last_observed_at,
    1 as _is_raw,
    _record_index,
    _incomplete_series,
    _dlt_id
{%- endmacro %}


{% macro scd2_from_change_log(relation, columns, unique_key, updated_at, import_log=none) %}
    {%- set value_columns = [] -%}
    {%- for column in columns if column != updated_at -%}
        {%- do value_columns.append(column) -%}
    {%- endfor -%}
    {%- set hash_parts = [] -%}
    {%- set text_type = dbt.type_string() -%}
    {%- for column in value_columns -%}
        {%- do hash_parts.append("coalesce(cast(" ~ column ~ " as " ~ text_type ~ "), '<null>')") -%}
        {%- if not loop.last -%}{%- do hash_parts.append("'|'") -%}{%- endif -%}
    {%- endfor -%}
    {%- set received_valid_from = "coalesce(" ~ updated_at ~ ", cast(_import_date as " ~ dbt.type_timestamp() ~ "))" -%}

{%- if is_incremental() %}
    {%- set incremental_ctes -%}
new_received as (

    {{ history_new_records(relation, unique_key, import_log) }}

),

stored_bounds as (

    {#- Per id with new records: the latest change time its stored history has seen. A new record later than it
        extends the stored history exactly as a rebuild from every raw record would (the stored versions stand in
        for the records they summarise); one at or before it may fall between or replace summarised records, so
        that id is rebuilt from every raw record (late or re-delivered data: rare). -#}
    select
        existing.{{ unique_key }},
        max(existing._last_observed_at) as last_observed_at
    from {{ this }} as existing
    where existing.{{ unique_key }} in (select new_received.{{ unique_key }} from new_received)
    group by existing.{{ unique_key }}

),

rebuilt_id as (

    select new_received.{{ unique_key }}
    from new_received
    left join stored_bounds
        on new_received.{{ unique_key }} = stored_bounds.{{ unique_key }}
    {%- if history_merges_stored_versions() %}
    where {{ received_valid_from }} <= stored_bounds.last_observed_at
    {%- endif %}

)
    {%- endset -%}
    {%- set rebuilds_from_raw = history_rebuilds_any(incremental_ctes) %}

with

{{ incremental_ctes }},

received as (

    select {{ history_received_columns(columns, received_valid_from) }}
    from new_received
    where {{ unique_key }} not in (select rebuilt_id.{{ unique_key }} from rebuilt_id)
    {%- if history_merges_stored_versions() %}

    union all

    {#- The stored versions of those ids, as the records they summarise: one per version, received when its last
        record was (_source_imported_at), losing to any raw record of the same change time (_is_raw). #}
    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        _cast_failures,
        _source_imported_at as _imported_at,
        valid_from,
        _last_observed_at,
        0 as _is_raw,
        cast(null as {{ dbt.type_bigint() }}) as _record_index,
        rests_on_incomplete_series as _incomplete_series,
        cast(null as {{ dbt.type_string() }}) as _dlt_id
    from {{ this }}
    where
        {{ unique_key }} in (select new_received.{{ unique_key }} from new_received)
        and {{ unique_key }} not in (select rebuilt_id.{{ unique_key }} from rebuilt_id)
    {%- endif %}

    {%- if rebuilds_from_raw %}
    union all

    select {{ history_received_columns(columns, received_valid_from) }}
    from {{ relation }}
    where
        _reject_reason is null
        and {{ unique_key }} in (select rebuilt_id.{{ unique_key }} from rebuilt_id)

    {%- endif %}
),
{%- else %}

with

received as (

    select {{ history_received_columns(columns, received_valid_from) }}
    from {{ relation }}
    where _reject_reason is null

),
{%- endif %}

latest_receipt as (

    select
        received.*,
        row_number() over (
            partition by {{ unique_key }}, valid_from
            order by _imported_at desc, _is_raw desc, _record_index desc, _dlt_id desc
        ) as receipt_rank,
        min(case when _incomplete_series then 1 else 0 end) over (
            partition by {{ unique_key }}, valid_from
        ) as only_incomplete_receipts
    from received

),

hashed as (

    select
        latest_receipt.*,
        {{ hash_wide(hash_parts) }} as version_hash
    from latest_receipt
    where receipt_rank = 1

),

flagged as (

    select
        hashed.*,
        case
            when lag(version_hash) over (partition by {{ unique_key }} order by valid_from) = version_hash then 0
            else 1
        end as starts_version
    from hashed

),

numbered as (

    select
        flagged.*,
        sum(starts_version) over (
            partition by {{ unique_key }}
            order by valid_from
            rows between unbounded preceding and current row
        ) as version_number
    from flagged

),

versions as (

    select
        numbered.*,
        max(_imported_at) over (partition by {{ unique_key }}, version_number) as _source_imported_at,
        min(only_incomplete_receipts) over (partition by {{ unique_key }}, version_number) = 1
            as rests_on_incomplete_series,
        max(_last_observed_at) over (partition by {{ unique_key }}, version_number) as version_last_observed_at
    from numbered

),

bounded as (

    select
        versions.*,
        lead(valid_from) over (partition by {{ unique_key }} order by valid_from) as valid_to
    from versions
    where starts_version = 1

)

select
    {{ unique_key }},
    valid_from,
    valid_to,
    valid_to is null as is_current,
    version_number,
    {%- for column in columns if column != unique_key %}
    {{ column }},
    {%- endfor %}
    _cast_failures,
    version_hash,
    _source_imported_at,
    rests_on_incomplete_series,
    version_last_observed_at as _last_observed_at
from bounded
{%- endmacro %}


{% macro hash_wide(parts) %}
    {#- md5 of the concatenation of many text expressions, as flat concat() calls of at most 100 arguments (Trino takes
        127 at most; chained || on a 750-column table nests past DuckDB's expression depth limit). -#}
    {%- set chunks = [] -%}
    {%- for chunk in parts | batch(100) -%}
        {%- do chunks.append(("concat(" ~ (chunk | join(', ')) ~ ", '')") if chunk | length > 0 else "''") -%}
    {%- endfor -%}
    {%- if chunks | length == 1 -%}
        {{ dbt.hash(chunks[0]) }}
    {%- else -%}
        {{ dbt.hash("concat(" ~ (chunks | join(', ')) ~ ")") }}
    {%- endif -%}
{%- endmacro %}


{% macro history_watermark(history_relation) %}
    {#- The latest import the stored history has read (max _source_imported_at), minus var history_lookback_hours:
        raw records imported after it are new. -#}
    {%- set lookback_hours = var('history_lookback_hours', 0) | int -%}
    select
        {{ dbt.dateadd('hour', -1 * lookback_hours, "coalesce(max(existing._source_imported_at), cast('1900-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ "))") }}
    from {{ history_relation }} as existing
{%- endmacro %}


{% macro history_new_records(relation, unique_key, import_log=none, history_relation=none) %}
    {#- The staging rows (not rejected) imported after the history's watermark. With import_log (history_import_log)
        they are read only from the import partitions the import log names for imports after the watermark,
        so an incremental run reads the day's files, not the years of history (issue 17): DuckDB skips the other
        partitions' files, Athena their S3 prefixes. The partitions are asked of the import log once, before the
        statement is written (import_partitions_after), and named in it as constants: the statement and the
        rebuild check (history_rebuilds_any) then read no import log at all. Where that cannot be asked (parsing, an
        offline compile) the statement joins the import log instead, a filter that reaches the scan as well.
        history_relation: the history table holding the watermark (default: the model being built, this). -#}
    {%- set history_relation = history_relation if history_relation is not none else this -%}
    {%- set partitions = history_new_partitions(import_log, history_relation) if import_log is not none else none -%}
    select received.*
    from {{ relation }} as received
    {%- if import_log is not none and partitions is none %}
    inner join ({{ history_new_imports(import_log, history_relation) }}) as new_import
        on
            received._import_year = new_import.import_year
            and received._import_month = new_import.import_month
            and received._import_day = new_import.import_day
    {%- endif %}
    where
        received._reject_reason is null
        and received._imported_at > ({{ history_watermark(history_relation) }})
        {%- if partitions is not none %}
        and {{ history_partition_filter('received', partitions) }}
        {%- endif %}
{%- endmacro %}


{% macro history_new_imports(import_log, history_relation) %}
    {#- The import partitions ([year, month, day] columns) of the imports logged for the table after the watermark,
        with their months' compacted partitions. -#}
    {%- set partitions_sql %}
    select distinct
        import_log.import_year,
        import_log.import_month,
        import_log.import_day
    from {{ import_log[0] }} as import_log
    where
        {%- if import_log[1] is string %}
        import_log.table_name = '{{ import_log[1] }}'
        {%- else %}
        import_log.table_name in ('{{ import_log[1] | join("', '") }}')
        {%- endif %}
        and {{ dbt.safe_cast('import_log._imported_at', dbt.type_timestamp()) }} > ({{ history_watermark(history_relation) }})
    {%- endset %}
    {{ with_compacted_months(partitions_sql) }}
{%- endmacro %}


{% macro history_new_partitions(import_log, history_relation) %}
    {#- The import partitions ([year, month, day] texts) of the imports logged for the table(s) after the watermark,
        asked now (import_partitions_after); none when they cannot be asked (the statement then joins
        history_new_imports). -#}
    {%- set found = import_partitions_after(import_log[2], '(' ~ history_watermark(history_relation) ~ ')', import_log[1]) -%}
    {{ return(none if found is none else found.partitions) }}
{% endmacro %}


{% macro history_changed_ids(relation, unique_key, history_relation=none, import_log=none) %}
    {#- Ids with raw records imported after the history's watermark (history_new_records). -#}
    select changed.{{ unique_key }}
    from ({{ history_new_records(relation, unique_key, import_log, history_relation) }}) as changed
{%- endmacro %}


{% macro history_rebuilds_any(incremental_ctes) %}
    {#- Whether any id with new records must be rebuilt from every raw record (rebuilt_id is not empty). Asked before
        the statement is written, so that a night without late data has no read of all raw at all: an empty id list
        does not stop DuckDB opening every file of the table. Without merging (Athena), or when the answer cannot be
        had (parsing, an offline compile), assume it must. -#}
    {%- if not execute or not history_merges_stored_versions() or var('compile_incremental', false) -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set found = run_query('with ' ~ incremental_ctes ~ ' select count(*) from rebuilt_id') -%}
    {{ return(found is none or found.columns[0].values()[0] > 0) }}
{% endmacro %}


{% macro history_merges_stored_versions() %}
    {#- Whether an incremental run extends the stored versions of an id with its new records (reading only those),
        or rebuilds every id with new records from all its raw records. Athena: rebuild, because its pre-hook has
        already deleted those ids' versions (MERGE cannot delete a version a late record collapses away). -#}
    {{ return(adapter.dispatch('history_merges_stored_versions', 'council_data_platform')()) }}
{% endmacro %}

{% macro default__history_merges_stored_versions() %}{{ return(true) }}{% endmacro %}

{% macro athena__history_merges_stored_versions() %}{{ return(false) }}{% endmacro %}
