{#-
    Write-audit-publish for the trusted zone (invariant 7: the trusted zone is always one consistent state).
    data_platform builds with var trusted_staging: every model of models/marts/ lands in <schema>__staging
    (generate_schema_name) and is tested there, so a failing test never touches what analysts read. Then:

      passed   dbt run-operation publish_trusted --args '{build_id: ..., publish: true, ...}'
               replaces every live trusted table with its staged copy as a whole, drops a live trusted table whose
               model this build left out (a source switched off), and records the build in
               platform_monitoring.published_builds as `published`;
      failed   the same with publish: false: nothing is swapped, the attempt is recorded as `not published` and the
               last published build stays live.
      selected an analyst's `build --select m+` (var trusted_selection): prepare_trusted_staging puts a view of each
               unselected live trusted table in the staging schemas, so selected models read the live zone; `only`
               names the models the build made, and just those are published (`published selection`); the live
               build stays the last whole one.

    DuckDB: one transaction, so a reader sees the old zone or the new one, never a mix.
    Athena: Glue has no multi-table transaction. Each Iceberg table is swapped by a Glue rename of the tested staged
    table over the live one (a metadata change: no data is copied), table by table, after every test passed; the
    window in which some tables are the new build and others the old is the few seconds of renames, and
    published_builds is written last, so it never names a build that is not wholly live.
-#}
{% macro publish_trusted(build_id, built_at, sources_built=[], sources_left_out=[], publish=true, outcome='', only=none) %}
    {%- if not var('trusted_staging', false) -%}
        {{ exceptions.raise_compiler_error("publish_trusted swaps the staged trusted zone into place: run it with --vars '{trusted_staging: true}', as the build was.") }}
    {%- endif -%}
    {{ return(adapter.dispatch('publish_trusted', 'council_data_platform')(build_id, built_at, sources_built, sources_left_out, publish, outcome, only)) }}
{% endmacro %}


{% macro trusted_nodes(only=none) %}
    {#- Every trusted-zone model of the project, or those named in only: (node, staged relation, live relation). -#}
    {%- set found = [] -%}
    {%- for node in graph.nodes.values() if is_trusted_node(node) and node.config.materialized in ('table', 'incremental') and (only is none or node.unique_id in only) -%}
        {%- set staged = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias, type='table') -%}
        {%- set live = api.Relation.create(database=node.database, schema=node.schema[:-('__staging' | length)], identifier=node.alias, type='table') -%}
        {%- do found.append((node, staged, live)) -%}
    {%- endfor -%}
    {{ return(found | sort(attribute='0.unique_id')) }}
{% endmacro %}


{% macro published_builds_relation() %}
    {{ return(api.Relation.create(database=target.database, schema=generate_schema_name('platform_monitoring', none) | trim, identifier='published_builds', type='table')) }}
{% endmacro %}


{% macro published_builds_row(build_id, built_at, sources_built, sources_left_out, publish, outcome, tables, only=none) %}
    {%- set values = [
        "'" ~ build_id ~ "'",
        "cast('" ~ built_at ~ "' as " ~ dbt.type_timestamp() ~ ")",
        ("cast('" ~ modules.datetime.datetime.utcnow().isoformat(sep=' ', timespec='seconds') ~ "' as " ~ dbt.type_timestamp() ~ ")") if publish else "cast(null as " ~ dbt.type_timestamp() ~ ")",
        ("'published'" if only is none else "'published selection'") if publish else "'not published: the build or its tests failed'",
        "'" ~ (sources_built | join(',')) ~ "'",
        "'" ~ (sources_left_out | join(',')) ~ "'",
        tables | string,
        "'" ~ (outcome | replace("'", "''")) ~ "'",
    ] -%}
    {{ return('insert into ' ~ published_builds_relation() ~ ' values (' ~ (values | join(', ')) ~ ')') }}
{% endmacro %}


{% macro published_builds_ddl() %}
    create table if not exists {{ published_builds_relation() }} (
        build_id {{ dbt.type_string() }},
        built_at {{ dbt.type_timestamp() }},
        published_at {{ dbt.type_timestamp() }},
        status {{ dbt.type_string() }},
        sources_built {{ dbt.type_string() }},
        sources_left_out {{ dbt.type_string() }},
        trusted_tables {{ dbt.type_int() }},
        build_outcome {{ dbt.type_string() }}
    )
{%- endmacro %}


{% macro duckdb__publish_trusted(build_id, built_at, sources_built, sources_left_out, publish, outcome, only) %}
    {#- dbt opens the connection's transaction with the first statement: everything below is in it, then committed. -#}
    {%- set statements = ['create schema if not exists ' ~ published_builds_relation().schema, published_builds_ddl()] -%}
    {%- set state = namespace(tables=0) -%}
    {%- if publish -%}
        {%- for node, staged, live in trusted_nodes(only) -%}
            {%- if adapter.get_relation(staged.database, staged.schema, staged.identifier) is not none -%}
                {%- do statements.append('create schema if not exists ' ~ live.schema) -%}
                {%- do statements.append('create or replace table ' ~ live ~ ' as select * from ' ~ staged) -%}
                {%- set state.tables = state.tables + 1 -%}
            {%- else -%}
                {%- do statements.append('drop table if exists ' ~ live) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- do statements.append(published_builds_row(build_id, built_at, sources_built, sources_left_out, publish, outcome, state.tables, only)) -%}
    {%- do run_query(statements | join(';\n')) -%}
    {%- do adapter.commit() -%}
    {%- do log('publish_trusted: build ' ~ build_id ~ (' published, ' ~ state.tables ~ ' trusted tables' if publish else ' not published'), info=true) -%}
{% endmacro %}


{% macro athena__publish_trusted(build_id, built_at, sources_built, sources_left_out, publish, outcome, only) %}
    {%- do run_query('create database if not exists `' ~ published_builds_relation().schema ~ '`') -%}
    {%- do run_query(published_builds_ddl() ~ " location '" ~ target.s3_data_dir.rstrip('/') ~ "/" ~ published_builds_relation().schema ~ "/published_builds/' tblproperties ('table_type' = 'ICEBERG')") -%}
    {%- set state = namespace(tables=0) -%}
    {%- if publish -%}
        {%- for node, staged, live in trusted_nodes(only) -%}
            {%- set found = adapter.get_relation(staged.database, staged.schema, staged.identifier) -%}
            {%- set existing = adapter.get_relation(live.database, live.schema, live.identifier) -%}
            {%- if existing is not none -%}
                {%- do adapter.drop_relation(existing) -%}
            {%- endif -%}
            {%- if found is not none -%}
                {%- do run_query('create database if not exists `' ~ live.schema ~ '`') -%}
                {%- do adapter.rename_relation(found, live) -%}
                {%- set state.tables = state.tables + 1 -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endif -%}
    {%- do run_query(published_builds_row(build_id, built_at, sources_built, sources_left_out, publish, outcome, state.tables, only)) -%}
{% endmacro %}


{% macro prepare_trusted_staging() %}
    {#-
        on-run-start: with var trusted_staging, empty the staging schemas first, so what is published is exactly what
        this build made (a table a left-out source's model made in an earlier build is not published again). dbt has
        created the schemas before this hook runs: each is dropped and made again, empty.
    -#}
    {%- if not (execute and var('trusted_staging', false)) -%}
        select 1 as trusted_staging_ready
    {%- else -%}
        {%- set schemas = [] -%}
        {%- for node, staged, live in trusted_nodes() if staged.schema not in schemas -%}
            {%- do schemas.append(staged.schema) -%}
        {%- endfor -%}
        {%- for schema in schemas -%}
            {%- set relation = api.Relation.create(database=target.database, schema=schema) -%}
            {%- do adapter.drop_schema(relation) -%}
            {%- do adapter.create_schema(relation) -%}
        {%- endfor -%}
        {%- if var('trusted_selection', false) -%}
            {#- A selected build reads the trusted tables it does not rebuild from the live zone. run_query opens a
                transaction the hook never commits: commit it, or the models' connections would not see the views. -#}
            {%- set views = [] -%}
            {%- for node, staged, live in trusted_nodes() if node.unique_id not in selected_resources -%}
                {%- if adapter.get_relation(live.database, live.schema, live.identifier) is not none -%}
                    {%- do views.append('create or replace view ' ~ staged ~ ' as select * from ' ~ live) -%}
                {%- endif -%}
            {%- endfor -%}
            {%- if views -%}
                {%- do run_query(views | join(';\n')) -%}
                {%- do adapter.commit() -%}
            {%- endif -%}
        {%- endif -%}
        select 1 as trusted_staging_ready
    {%- endif -%}
{% endmacro %}
