{#-
    The columns each landed step of every source arrived with, per source table, with when each was first and last
    seen: read from each source's import log. A source whose import log has not landed yet (never imported, or not
    configured on this platform) is left out rather than failing the build, and with no source imported it is an
    empty select. A macro, not inline in monitoring.source_schema_drift, because which sources have landed depends on
    the lake: the model's SQL must lint the same either way.
-#}
{% macro landed_columns(sources) %}
{%- for source_name in sources_with_landed(sources, 'import_log') %}
    select
        '{{ source_name }}' as source_name,
        import_log.table_name as source_table,
        received.column_name,
        min({{ dbt.safe_cast('import_log._imported_at', dbt.type_timestamp()) }}) as first_seen_at,
        max({{ dbt.safe_cast('import_log._imported_at', dbt.type_timestamp()) }}) as last_seen_at
    from {{ source(source_name, 'import_log') }} as import_log
    {{ split_to_rows('import_log.columns_received', ',', 'received', 'column_name') }}
    where import_log.columns_received <> ''
    group by import_log.table_name, received.column_name
    union all
{%- endfor %}
    select
        cast(null as {{ dbt.type_string() }}) as source_name,
        cast(null as {{ dbt.type_string() }}) as source_table,
        cast(null as {{ dbt.type_string() }}) as column_name,
        cast(null as {{ dbt.type_timestamp() }}) as first_seen_at,
        cast(null as {{ dbt.type_timestamp() }}) as last_seen_at
    where 1 = 0
{% endmacro %}
