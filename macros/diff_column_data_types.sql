{#-
    dbt's check of an incremental model's column types against its table (on_schema_change), the same result in
    linear time. dbt's default finds each column's counterpart with `selectattr` over every column, n x n sandboxed
    Jinja calls: ~2.6 s of the 4.8 s an incremental run of the 750-column applications history costs when nothing
    changed, every night (issue 17). Found first by dispatch (dbt_project.yml: this project before dbt), on every
    engine; tests/test_diff_column_data_types.py holds it equal to dbt's own.
-#}
{% macro default__diff_column_data_types(source_columns, target_columns) %}
    {%- set target_by_name = {} -%}
    {%- for target_column in target_columns if target_column.name not in target_by_name -%}
        {%- do target_by_name.update({target_column.name: target_column}) -%}
    {%- endfor -%}
    {%- set result = [] -%}
    {%- for source_column in source_columns -%}
        {%- set target_column = target_by_name.get(source_column.name) -%}
        {%- if target_column
            and source_column.expanded_data_type != target_column.expanded_data_type
            and not source_column.can_expand_to(other_column=target_column) -%}
            {%- do result.append({'column_name': target_column.name, 'new_type': source_column.expanded_data_type}) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(result) }}
{%- endmacro %}
