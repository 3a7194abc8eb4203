{#-
    Run at the start of every dbt invocation (on-run-start). On DuckDB targets whose sources read the raw zone
    from S3 (lake_root() is s3://...), load httpfs and create the S3 secret DuckDB reads the lake with.
    Credentials come from the AWS credential chain (environment variables, profiles, instance roles), so no key
    is ever written into SQL or dbt's logs. AWS_ENDPOINT_URL points at any S3-compatible store.
    Athena reads the lake through Glue: nothing to do there.
-#}
{% macro lake_connect() %}
    {{ return(adapter.dispatch('lake_connect')()) }}
{% endmacro %}

{% macro default__lake_connect() %}
    select 1 as lake_ready
{% endmacro %}

{% macro duckdb__lake_connect() %}
    {#- lake_root() also refuses a run without the var, before any source reads "None/raw/..." -#}
    {%- if not (execute and lake_root().startswith('s3://')) -%}
        select 1 as lake_ready
    {%- else -%}
        {%- set endpoint = env_var('AWS_ENDPOINT_URL', '') -%}
        load httpfs;
        load aws;
        create or replace secret data_platform_lake (
            type s3,
            provider credential_chain,
        {%- if endpoint %}
            endpoint '{{ endpoint.split("://")[-1].rstrip("/") }}',
            use_ssl {{ 'true' if endpoint.startswith('https') else 'false' }},
            url_style 'path',
        {%- endif %}
            region '{{ env_var("AWS_REGION", env_var("AWS_DEFAULT_REGION", "eu-west-2")) }}'
        )
    {%- endif -%}
{% endmacro %}
