{#-
    Whether a raw table has landed at least once. A source's rejected_records exists only after its first reject, so
    the models that read every source's side tables (monitoring.source_rejects, source_schema_drift) skip the ones
    not landed yet.
    DuckDB reads raw files by glob, and a glob matching nothing is an error, so it asks the lake; on Athena the Glue
    table is registered up front (register_raw_tables) and simply empty.
-#}
{% macro raw_table_landed(source_name, table_name) %}
    {{ return(adapter.dispatch('raw_table_landed', 'council_data_platform')(source_name, table_name)) }}
{% endmacro %}

{% macro default__raw_table_landed(source_name, table_name) %}
    {%- if not execute -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set relation = source(source_name, table_name) | string -%}
    {%- set found = modules.re.findall("read_parquet\\('([^']+)'", relation) -%}
    {%- if not found -%}
        {{ return(true) }}
    {%- endif -%}
    {%- set files = run_query("select count(*) from glob('" ~ found[0] ~ "')") -%}
    {{ return(files.columns[0].values()[0] > 0) }}
{% endmacro %}

{% macro athena__raw_table_landed(source_name, table_name) %}
    {{ return(true) }}
{% endmacro %}

{#- The names, of the given sources, whose raw table `table_name` has landed at least once. -#}
{% macro sources_with_landed(sources, table_name) %}
    {%- set landed = [] -%}
    {%- for source_name in sources if raw_table_landed(source_name, table_name) -%}
        {%- do landed.append(source_name) -%}
    {%- endfor -%}
    {{ return(landed) }}
{% endmacro %}


{% macro raw_partition_columns() %}
    {#- The lake's import partition keys as the raw relation exposes them (hive folders on DuckDB, Glue partition
        columns on Athena, register_raw_tables): [name, type], like raw_metadata_columns. -#}
    {{ return([["import_year", "text"], ["import_month", "text"], ["import_day", "text"]]) }}
{% endmacro %}


{% macro raw_or_empty(source_name, table_name) %}
    {#-
        What a staging model reads: the raw table, or, when a landed source has not delivered this table yet (a
        contractor whose first file has not come, a weekly export before its day), an empty select of the same
        contract and metadata columns, so the source's other tables still build instead of the whole source failing
        on "No files found". The source() call stays in the parsed model either way: lineage and the catalogue show it.
    -#}
    {%- set relation = source(source_name, table_name) -%}
    {%- if raw_table_landed(source_name, table_name) -%}
        {{ return(with_late_metadata(relation)) }}
    {%- endif -%}
    {%- set columns = [] -%}
    {%- for column in source_table_columns(source_name, table_name) + ((raw_metadata_columns() + raw_partition_columns()) | map('first') | list) -%}
        {%- do columns.append('cast(null as ' ~ dbt.type_string() ~ ') as ' ~ adapter.quote(column)) -%}
    {%- endfor -%}
    {{ return('(select ' ~ (columns | join(', ')) ~ ' where 1 = 0)') }}
{% endmacro %}


{#-
    A raw table with the metadata columns added after rows had landed (core/lake.py: _incomplete_series): DuckDB reads
    the files by glob, and a glob over files that all predate the column (a lake landed before it existed, or a unit
    test's fixture) has no such column, so it is added as null (read as false). On Athena the registered table
    declares every metadata column (register_raw_tables), and an older file simply has nulls there.
-#}
{% macro with_late_metadata(relation) %}
    {{ return(adapter.dispatch('with_late_metadata', 'council_data_platform')(relation)) }}
{% endmacro %}

{% macro default__with_late_metadata(relation) %}
    {{ return('(select * from ' ~ relation ~ ' union all by name select cast(null as ' ~ dbt.type_string() ~ ') as _incomplete_series where 1 = 0)') }}
{% endmacro %}

{% macro athena__with_late_metadata(relation) %}
    {{ return(relation) }}
{% endmacro %}
