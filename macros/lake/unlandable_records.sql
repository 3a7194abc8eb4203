{#-
    The records of one source that could not even be landed in their table (ingestion's rejected_records), in the
    columns of monitoring.int_monitoring__source_rejects, of the imports `read` names (source_rejects_new_filter).
    Raw keeps the import partition as import_year / import_month / import_day; they are renamed as staging names them
    so the same partition filter applies (a rename the scan still prunes on).
-#}
{% macro unlandable_records(source_name, read) %}
    select
        '{{ source_name }}' as source_name,
        received.table_name as source_table,
        {{ dbt.concat(["'not landable: '", "coalesce(received.reason, 'no reason given')"]) }} as reject_reason,
        true as is_excluded,
        cast(null as {{ dbt.type_string() }}) as _cast_failures,
        received._imported_at,
        {{ dbt.safe_cast('received._import_date', 'date') }} as _import_date,
        received._import_step,
        {{ dbt.safe_cast('received._record_index', dbt.type_bigint()) }} as _record_index,
        received._dlt_load_id,
        received._dlt_id
    from (
        select
            rejected.table_name,
            rejected.reason,
            {{ dbt.safe_cast('rejected._imported_at', dbt.type_timestamp()) }} as _imported_at,
            rejected._import_date,
            rejected._import_step,
            rejected._record_index,
            rejected._dlt_load_id,
            rejected._dlt_id,
            rejected.import_year as _import_year,
            rejected.import_month as _import_month,
            rejected.import_day as _import_day
        from {{ source(source_name, 'rejected_records') }} as rejected
    ) as received
    {%- if read == 'join' %}
    {{ source_rejects_new_import_join(source_name, 'received') }}
    {%- endif %}
    where
        1 = 1
        {{- source_rejects_new_filter(read, source_name, 'received', 'received._imported_at') }}
{% endmacro %}
