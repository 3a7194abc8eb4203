{#-
    dev / ci: <target schema>_<custom schema> (e.g. main_staging), so several people and CI runs can share an engine.
    prod: the custom schema as is (one Glue database per zone/department, e.g. planning).
    No custom schema: the target schema.
-#}
{% macro generate_schema_name(custom_schema_name, node) -%}
    {%- if custom_schema_name is none -%}
        {{ target.schema }}
    {%- elif target.name == 'prod' -%}
        {{ custom_schema_name | trim }}
    {%- else -%}
        {{ target.schema }}_{{ custom_schema_name | trim }}
    {%- endif -%}
{%- endmacro %}
