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
        (staging's _incomplete_series): true until a complete series delivers the version too.
    Incremental runs recompute the whole history of every id with raw rows imported at or after the table's
    watermark max(_source_imported_at) (minus var history_lookback_hours) and replace those ids
    (history_incremental_strategy / history_unique_key), so an incremental run equals a full refresh row for row
    (invariant 2).
-#}
{% macro history_from_change_log(staging, key, updated_at, columns) %}
    {{ config(
        materialized='incremental',
        incremental_strategy=history_incremental_strategy(),
        unique_key=history_unique_key(key),
        on_schema_change='fail',
        pre_hook="{{ history_pre_hook('" ~ staging ~ "', '" ~ key ~ "') }}",
    ) }}
    {{ scd2_from_change_log(ref(staging), columns, key, updated_at) }}
{%- endmacro %}


{% macro scd2_from_change_log(relation, columns, unique_key, updated_at) %}
    {%- set value_columns = [] -%}
    {%- for column in columns if column != updated_at -%}
        {%- do value_columns.append(column) -%}
    {%- endfor -%}
    {%- set hash_parts = [] -%}
    {%- for column in value_columns -%}
        {%- do hash_parts.append("coalesce(cast(" ~ column ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
        {%- if not loop.last -%}{%- do hash_parts.append("'|'") -%}{%- endif -%}
    {%- endfor -%}

with received as (

    select
        {%- for column in columns %}
        {{ column }},
        {%- endfor %}
        _cast_failures,
        _imported_at,
        _import_date,
        _record_index,
        _incomplete_series,
        _dlt_id
    from {{ relation }}
    where _reject_reason is null
    {%- if is_incremental() %}
        and {{ unique_key }} in ({{ history_changed_ids(relation, unique_key) }})
    {%- endif %}

),

dated as (

    select
        received.*,
        coalesce(
            {{ updated_at }},
            cast(_import_date as {{ dbt.type_timestamp() }})
        ) as valid_from
    from received

),

latest_receipt as (

    select
        dated.*,
        row_number() over (
            partition by {{ unique_key }}, valid_from
            order by _imported_at desc, _record_index desc, _dlt_id desc
        ) as receipt_rank,
        min(case when _incomplete_series then 1 else 0 end) over (
            partition by {{ unique_key }}, valid_from
        ) as only_incomplete_receipts
    from dated

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
            as rests_on_incomplete_series
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
    rests_on_incomplete_series
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


{% macro history_changed_ids(relation, unique_key, history_relation=none) %}
    {#- Ids with raw rows imported at or after the history's watermark (max _source_imported_at - lookback).
        history_relation: the history table holding the watermark (default: the model being built, this). -#}
    {%- set lookback_hours = var('history_lookback_hours', 0) | int -%}
    select changed.{{ unique_key }}
    from {{ relation }} as changed
    where changed._imported_at >= (
        select
            {{ dbt.dateadd('hour', -1 * lookback_hours, "coalesce(max(existing._source_imported_at), cast('1900-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ "))") }}
        from {{ history_relation if history_relation is not none else this }} as existing
    )
{%- endmacro %}
