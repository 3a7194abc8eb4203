{#- Engine differences live here, behind adapter.dispatch (DuckDB default; Athena/Trino overrides). -#}

{% macro type_double() %}
    {{ return(adapter.dispatch('type_double', 'council_data_platform')()) }}
{% endmacro %}

{% macro default__type_double() %}double{% endmacro %}


{% macro concat_ws_skip_nulls(expressions, separator="','") %}
    {#- Joins the non-null expressions with separator; null when all are null. -#}
    {{ return(adapter.dispatch('concat_ws_skip_nulls', 'council_data_platform')(expressions, separator)) }}
{% endmacro %}

{% macro default__concat_ws_skip_nulls(expressions, separator) %}
    {%- if expressions | length == 0 -%}
        cast(null as {{ dbt.type_string() }})
    {%- else -%}
        nullif(concat_ws({{ separator }}, {{ expressions | join(', ') }}), '')
    {%- endif -%}
{% endmacro %}

{% macro athena__concat_ws_skip_nulls(expressions, separator) %}
    {#- Trino's concat_ws also skips nulls, but a function call takes at most 127 arguments: chunk them. -#}
    {%- if expressions | length == 0 -%}
        cast(null as varchar)
    {%- else -%}
        {%- set parts = [] -%}
        {%- for chunk in expressions | batch(100) -%}
            {%- do parts.append("nullif(concat_ws(" ~ separator ~ ", " ~ (chunk | join(', ')) ~ "), '')") -%}
        {%- endfor -%}
        nullif(concat_ws({{ separator }}, {{ parts | join(', ') }}), '')
    {%- endif -%}
{% endmacro %}


{% macro history_incremental_strategy() %}
    {#- How an incremental history model replaces the recomputed ids. -#}
    {{ return(adapter.dispatch('history_incremental_strategy', 'council_data_platform')()) }}
{% endmacro %}

{% macro default__history_incremental_strategy() %}{{ return('delete+insert') }}{% endmacro %}

{% macro athena__history_incremental_strategy() %}{{ return('merge') }}{% endmacro %}


{% macro history_unique_key(entity_key='id') %}
    {{ return(adapter.dispatch('history_unique_key', 'council_data_platform')(entity_key)) }}
{% endmacro %}

{% macro default__history_unique_key(entity_key) %}
    {#- delete+insert: every row of a recomputed id is deleted, then its whole new history inserted. -#}
    {{ return(entity_key) }}
{% endmacro %}

{% macro athena__history_unique_key(entity_key) %}
    {#- Iceberg MERGE matches versions; history_pre_hook has already removed the recomputed ids. -#}
    {{ return([entity_key, 'valid_from']) }}
{% endmacro %}


{% macro history_pre_hook(staging_model, entity_key='id', import_source=none, table_name=none) %}
    {#-
        Runs before an incremental history model. DuckDB: nothing (delete+insert replaces the ids itself).
        Athena: MERGE cannot delete a stored version that a late record has collapsed away, so delete the ids
        about to be recomputed first; the model then recomputes a superset of them (its watermark can only drop)
        and MERGE inserts their whole history. Not atomic, but self-healing: if the model fails after the delete,
        the lowered watermark makes the next run recompute those ids.
    -#}
    {{ return(adapter.dispatch('history_pre_hook', 'council_data_platform')(staging_model, entity_key, import_source, table_name)) }}
{% endmacro %}

{% macro default__history_pre_hook(staging_model, entity_key, import_source, table_name) %}{% endmacro %}

{% macro athena__history_pre_hook(staging_model, entity_key, import_source, table_name) %}
    {%- if is_incremental() -%}
        {{ history_delete_recomputed_ids(this, ref(staging_model), entity_key, history_import_log(staging_model, import_source, table_name)) }}
    {%- endif -%}
{% endmacro %}

{% macro history_delete_recomputed_ids(history_relation, staging_relation, entity_key='id', import_log=none) %}
    {#- The Athena pre-hook's statement (separate so tests/athena can render it for every history model). -#}
    delete from {{ history_relation }}
    where {{ entity_key }} in ({{ history_changed_ids(staging_relation, entity_key, history_relation, import_log) }})
{%- endmacro %}


{#-
    Timestamps on Athena are timestamp(6): Trino's plain timestamp is millisecond precision, which an Iceberg
    CTAS rejects ("Incorrect timestamp precision for timestamp(3)") and which would truncate the microsecond
    _imported_at the history orders receipts by. DuckDB's timestamp is already microsecond.
-#}
{% macro athena__type_timestamp() %}timestamp(6){% endmacro %}


{#-
    dbt-duckdb does not override dbt.safe_cast, so the default is a plain cast that raises on bad input.
    dbt_project.yml puts this project first in the dbt dispatch search order so dbt.safe_cast finds this one.
-#}
{% macro duckdb__safe_cast(field, type) %}
    try_cast({{ field }} as {{ type }})
{%- endmacro %}


{% macro iso_day_of_week(date_expression) %}
    {#- 1 = Monday ... 7 = Sunday. -#}
    {{ return(adapter.dispatch('iso_day_of_week', 'council_data_platform')(date_expression)) }}
{% endmacro %}

{% macro default__iso_day_of_week(date_expression) %}isodow({{ date_expression }}){% endmacro %}

{% macro athena__iso_day_of_week(date_expression) %}day_of_week({{ date_expression }}){% endmacro %}


{% macro full_match(expression, pattern) %}
    {#- True when the whole text matches the (single-quote free) regular expression. -#}
    {{ return(adapter.dispatch('full_match', 'council_data_platform')(expression, pattern)) }}
{% endmacro %}

{% macro default__full_match(expression, pattern) %}regexp_full_match({{ expression }}, '{{ pattern }}'){% endmacro %}

{% macro athena__full_match(expression, pattern) %}regexp_like({{ expression }}, '^({{ pattern }})$'){% endmacro %}


{% macro utc_to_london(expression) %}
    {#- A UTC timestamp as London wall-clock time (the vendors' local time). -#}
    {{ return(adapter.dispatch('utc_to_london', 'council_data_platform')(expression)) }}
{% endmacro %}

{% macro default__utc_to_london(expression) %}timezone('Europe/London', timezone('UTC', {{ expression }})){% endmacro %}

{% macro athena__utc_to_london(expression) -%}
    cast(at_timezone(with_timezone({{ expression }}, 'UTC'), 'Europe/London') as timestamp(6))
{%- endmacro %}


{% macro split_to_rows(expression, separator, alias, column_name) %}
    {#- A join clause giving one row per element of a separator-joined text: <alias>.<column_name>. -#}
    {{ return(adapter.dispatch('split_to_rows', 'council_data_platform')(expression, separator, alias, column_name)) }}
{% endmacro %}

{% macro default__split_to_rows(expression, separator, alias, column_name) -%}
    cross join unnest(string_split({{ expression }}, '{{ separator }}')) as {{ alias }} ({{ column_name }})
{%- endmacro %}

{% macro athena__split_to_rows(expression, separator, alias, column_name) -%}
    cross join unnest(split({{ expression }}, '{{ separator }}')) as {{ alias }} ({{ column_name }})
{%- endmacro %}
