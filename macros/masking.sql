{#-
    Masking personal data outside production (invariant 5): a keyed hash, never a plain one.

    mask_value(x) = hex(sha256(key || '|' || x)): deterministic for one key, so a masked column still joins and
    compares with itself (the same person's masked email matches across tables built with the same key), but without
    the key nobody can rebuild it from a list of likely values (common forenames, every small integer id), which a
    plain md5 allowed. The type becomes text.

    The key never reaches SQL text (invariant 8): compiled SQL, the manifest, the docs site and the DuckDB catalogue
    name where the key is read from, never the key.
    - DuckDB: the session variable data_platform_masking_key, which the dbt-duckdb plugin
      data_platform/duckdb_masking.py sets on every connection from DATA_PLATFORM_MASKING_KEY or, for a workspace on
      a local lake, from the workspace's own random key (core/masking_key.py). A connection without it (a plain
      DuckDB client) gets an error from a masked column, never an unkeyed hash.
    - Athena: a one-row table the platform team keeps in a restricted database (var masking_key_table;
      docs/platform-team/deployment.md), so the key is not in any query's text (query history) either.
-#}

{% macro mask_value(expression) %}
    {#- A null stays null (concat would skip it, and every null would mask to one shared value). -#}
    case when {{ expression }} is not null then
        {{ adapter.dispatch('mask_value', 'council_data_platform')(expression) }}
    end
{%- endmacro %}

{% macro default__mask_value(expression) %}
    sha256(concat({{ masking_key() }}, '|', cast({{ expression }} as {{ dbt.type_string() }})))
{%- endmacro %}

{% macro athena__mask_value(expression) %}
    lower(to_hex(sha256(to_utf8(concat({{ masking_key() }}, '|', cast({{ expression }} as varchar))))))
{%- endmacro %}


{% macro masking_key() %}
    {{ return(adapter.dispatch('masking_key', 'council_data_platform')()) }}
{% endmacro %}

{% macro default__masking_key() %}
    {#- The variable name is core/masking_key.py's DUCKDB_VARIABLE. -#}
    {{ return("coalesce(getvariable('data_platform_masking_key'), error('The masking key is not set on this connection: "
        ~ "query masked columns through dbt (dbt show), or SET VARIABLE data_platform_masking_key first "
        ~ "(docs/platform-team/data-protection.md).'))") }}
{% endmacro %}

{% macro athena__masking_key() %}
    {%- set table = var('masking_key_table', none) -%}
    {%- if not table and execute -%}
        {{ exceptions.raise_compiler_error("Personal columns are masked on target '" ~ target.name ~ "': set var masking_key_table to the restricted one-row table holding the masking key (docs/platform-team/deployment.md).") }}
    {%- endif -%}
    {{ return("(select masking_key from " ~ table ~ ")") }}
{% endmacro %}
