{#-
    Masking personal data outside production (invariant 5): a keyed hash, never a plain one.

    mask_value(x) = hex(sha256(key || '|' || x)): deterministic for one key, so a masked column still joins and
    compares with itself (the same person's masked email matches across tables built with the same key), but without
    the key nobody can rebuild it from a list of likely values (common forenames, every small integer id), which a
    plain md5 allowed. The type becomes text.

    The key: DATA_PLATFORM_MASKING_KEY. Only a DuckDB target reading a local lake (sandbox or test data) may run
    without it, on a fixed development key; every other target fails with a clear error when it is missing.
    On Athena the key would otherwise sit in every query's text (query history), so it is read from a one-row table
    the platform team keeps in a restricted database (var masking_key_table; docs/platform-team/deployment.md).
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
    {%- set key = env_var('DATA_PLATFORM_MASKING_KEY', '') -%}
    {%- if not key -%}
        {%- set lake = (var('lake_root', none) or env_var('DATA_PLATFORM_LAKE', '')) | string -%}
        {%- if target.type == 'duckdb' and '://' not in lake -%}
            {%- set key = 'local-development-only-not-a-secret' -%}
        {%- elif execute -%}
            {{ exceptions.raise_compiler_error("Personal columns are masked on target '" ~ target.name ~ "' but DATA_PLATFORM_MASKING_KEY is not set. Set it from the secret store (never commit it); only a DuckDB target on a local lake may run without it.") }}
        {%- endif -%}
    {%- endif -%}
    {{ return("'" ~ key | replace("'", "''") ~ "'") }}
{% endmacro %}

{% macro athena__masking_key() %}
    {%- set table = var('masking_key_table', none) -%}
    {%- if not table and execute -%}
        {{ exceptions.raise_compiler_error("Personal columns are masked on target '" ~ target.name ~ "': set var masking_key_table to the restricted one-row table holding the masking key (docs/platform-team/deployment.md).") }}
    {%- endif -%}
    {{ return("(select masking_key from " ~ table ~ ")") }}
{% endmacro %}
