{#-
    The lake's root (a folder or s3://bucket[/prefix]; the raw zone is under <root>/raw/): the dbt var lake_root,
    which data_platform sets from the workspace (core/workspace.py, from DATA_PLATFORM_LAKE / DATA_PLATFORM_HOME).
    The only place dbt learns it: every macro calls this, the generated sources read the var itself (YAML cannot
    call a macro), and nothing here works out a default. Running dbt by hand, pass it:
        dbt build --vars '{lake_root: local/lake}'
-#}
{% macro lake_root() %}
    {%- set root = var('lake_root', none) -%}
    {%- if not root -%}
        {{ exceptions.raise_compiler_error("The dbt var lake_root is not set. data-platform sets it from the workspace (DATA_PLATFORM_LAKE, else DATA_PLATFORM_HOME/lake); running dbt by hand, pass --vars '{lake_root: <folder or s3://bucket/prefix>}'.") }}
    {%- endif -%}
    {{ return((root | string).rstrip('/')) }}
{% endmacro %}
