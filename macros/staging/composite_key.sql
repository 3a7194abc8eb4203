{#-
    Staging for a table whose key is several columns (a contract `key: [a, b]`): staging_select as for any table
    (its reject checks use the key's first column), plus one text column key_name joining every part, so history,
    grain tests and joins have a single key. A null part is written '<null>' (a keyless table's identity, e.g.
    every column of ctnon_liab, may hold nulls), and parts are joined by '|', so two different keys never join the
    same. Personal parts are masked outside prod before joining, so the key is masked too.

    key_parts: the platform names of the key's columns, in key order.
-#}
{% macro staging_select_composite_key(source_name, table_name, key, key_name, key_parts, updated_at, columns) %}
with received as (

    {{ staging_select(source_name, table_name, key, updated_at, columns) }}

)

select
    {{ composite_key(key_parts) }} as {{ key_name }},
    received.*
from received
{%- endmacro %}


{% macro composite_key(parts) %}
    {%- set pieces = [] -%}
    {%- for part in parts -%}
        {%- do pieces.append("coalesce(cast(" ~ part ~ " as " ~ dbt.type_string() ~ "), '<null>')") -%}
        {%- if not loop.last -%}{%- do pieces.append("'|'") -%}{%- endif -%}
    {%- endfor -%}
    {{ dbt.concat(pieces) }}
{%- endmacro %}
