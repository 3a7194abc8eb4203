{#-
    The contract columns of a raw table, in contract order: the columns of its source table (the generated
    _<source>__sources.yml) that carry a vendor_type, i.e. not the raw metadata. Read from `graph`, which dbt fills
    once the project is parsed: while it parses, the answer is [] (nothing that decides lineage may depend on it).
-#}
{% macro source_table_columns(source_name, table_name) %}
    {%- set node = (graph.get('sources') or {}).get('source.' ~ project_name ~ '.' ~ source_name ~ '.' ~ table_name) -%}
    {%- if node is none -%}
        {%- if execute -%}
            {{ exceptions.raise_compiler_error("No source table " ~ source_name ~ "." ~ table_name ~ " in the project (the generated _" ~ source_name ~ "__sources.yml).") }}
        {%- endif -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set names = [] -%}
    {%- for name, column in node.columns.items() -%}
        {%- set meta = column.meta or (column.config or {}).get('meta') or {} -%}
        {%- if 'vendor_type' in meta -%}
            {%- do names.append(name) -%}
        {%- endif -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}
