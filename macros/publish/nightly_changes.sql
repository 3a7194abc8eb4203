{#-
    What the nightly job needs to choose what to build (data_platform/dbt.py nightly_plan runs
    `dbt run-operation log_nightly_changes` with the build's own vars, so one parse serves both):
    one row per table each built source's import log names, with that table's last import (the latest _imported_at
    of its rows: a step that landed nothing still logs a row), beside the live build it is compared with, the latest
    `published` row of platform_monitoring.published_builds: built_at, sources_built and project_version (nulls when
    nothing has been published, or in a published_builds made before project_version existed). At least one row,
    whatever the logs hold. A source imported after that built_at has changes the live zone lacks; the job builds
    `source:<name>+` of those alone, leaving out the staging models of the tables they did not import since (a
    lookup not due tonight).
-#}
{% macro nightly_changes(assume_published=false) %}
    {#- assume_published: write the query as for a published_builds that exists with every column, whatever the
        warehouse holds (the offline Athena check, macros/athena/athena_check_statements.sql). -#}
    {%- set builds = published_builds_relation() -%}
    {%- if assume_published -%}
        {%- set found, has_version = builds, true -%}
    {%- else -%}
        {%- set found = adapter.get_relation(builds.database, builds.schema, builds.identifier) if execute else none -%}
        {%- set has_version = found is not none and 'project_version' not in (published_builds_missing_columns() | map(attribute=0) | list) -%}
    {%- endif -%}
with table_import as (
    {%- for name in built_platform_sources() %}
    {{ 'union all' if not loop.first }}
    select
        '{{ name }}' as source_name,
        import_log.table_name,
        max({{ dbt.safe_cast('import_log._imported_at', dbt.type_timestamp()) }}) as last_import
    from {{ source(name, 'import_log') }} as import_log
    group by import_log.table_name
    {%- endfor %}
),

live as (
    {%- if found is none %}
    select
        cast(null as {{ dbt.type_timestamp() }}) as built_at,
        cast(null as {{ dbt.type_string() }}) as sources_built,
        cast(null as {{ dbt.type_string() }}) as project_version
    {%- else %}
    select
        builds.built_at,
        builds.sources_built,
        {{ 'builds.project_version' if has_version else 'cast(null as ' ~ dbt.type_string() ~ ')' }} as project_version
    from {{ builds }} as builds
    where builds.status = 'published'
    order by builds.built_at desc
    limit 1
    {%- endif %}
)

select
    table_import.source_name,
    table_import.table_name,
    table_import.last_import,
    live.built_at,
    live.sources_built,
    live.project_version
from (select 1 as anchor) as anchor
left join live on 1 = 1
left join table_import on 1 = 1
{%- endmacro %}


{% macro log_nightly_changes() %}
    {#- nightly_changes' rows as one debug log line, NIGHTLY_CHANGES <JSON rows>, each value a string or null:
        run-operation returns no value to its caller, and unlike `dbt show --inline` it adds no node to the
        manifest, so the nightly's build and publish reuse the parse this command made (`show` made its own: ~6 s
        of a 1,000,000-application night). data_platform/dbt.py nightly_plan reads the line from dbt's events. -#}
    {%- set found = run_query(nightly_changes()) -%}
    {%- set rows = [] -%}
    {%- for row in found.rows -%}
        {%- set values = [] -%}
        {%- for value in row -%}
            {%- do values.append(none if value is none else value | string) -%}
        {%- endfor -%}
        {%- do rows.append(values) -%}
    {%- endfor -%}
    {%- do log('NIGHTLY_CHANGES ' ~ tojson(rows)) -%}
{% endmacro %}
