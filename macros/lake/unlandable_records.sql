{#-
    The records of every source that could not even be landed in their table (ingestion's rejected_records), in the
    columns of monitoring.source_rejects; an empty select when no source has any yet. A macro, not inline in the
    model, because which sources have landed one depends on the lake: the model's SQL must lint the same either way.
-#}
{% macro unlandable_records(sources) %}
{%- for source_name in sources_with_landed(sources, 'rejected_records') %}
    select
        '{{ source_name }}' as source_name,
        table_name as source_table,
        {{ dbt.concat(["'not landable: '", "reason"]) }} as reject_reason,
        true as is_excluded,
        cast(null as {{ dbt.type_string() }}) as _cast_failures,
        {{ dbt.safe_cast('_imported_at', dbt.type_timestamp()) }} as _imported_at,
        {{ dbt.safe_cast('_import_date', 'date') }} as _import_date,
        _import_step,
        {{ dbt.safe_cast('_record_index', dbt.type_bigint()) }} as _record_index,
        _dlt_load_id,
        _dlt_id
    from {{ source(source_name, 'rejected_records') }}
    union all
{%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as source_name,
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(null as {{ dbt.type_string() }}) as reject_reason,
        false as is_excluded,
        cast(null as {{ dbt.type_string() }}) as _cast_failures,
        cast(null as {{ dbt.type_timestamp() }}) as _imported_at,
        cast(null as date) as _import_date,
        cast(null as {{ dbt.type_string() }}) as _import_step,
        cast(null as {{ dbt.type_bigint() }}) as _record_index,
        cast(null as {{ dbt.type_string() }}) as _dlt_load_id,
        cast(null as {{ dbt.type_string() }}) as _dlt_id
    where 1 = 0
{% endmacro %}
