{#-
    dbt's is_incremental(), plus one offline switch: `dbt compile --vars '{compile_incremental: true}'` compiles
    incremental models as if their table already existed, so the incremental branch (and its SQL for Athena) can be
    produced and checked without a warehouse (tests/athena/test_athena_sql.py). Honoured by `dbt compile` only:
    run / build / test always use dbt's own check against the real table.
-#}
{% macro is_incremental() %}
    {%- if var('compile_incremental', false) | string | lower in ('true', '1', 'yes')
        and flags.WHICH == 'compile'
        and model is defined and model.config is defined
        and model.config.materialized == 'incremental' -%}
        {{ return(true) }}
    {%- endif -%}
    {{ return(dbt.is_incremental()) }}
{% endmacro %}
