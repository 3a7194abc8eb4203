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
      selected a build run with --select (an analyst's `build --select m+`, or the nightly's `source:<name>+` of
               each source with an import since the live build): prepare_trusted_staging puts a view of each
               unselected live trusted table in the staging schemas, so selected models read the live zone; `only`
               names the models the build made, and just those are published. An analyst's selection is recorded
               `published selection` (the live build stays the last whole one); the nightly's (covers_new_imports)
               `published`, like a whole build: it rebuilt everything the imports since the live build can change, so
               the zone as a whole is every import before its built_at, tested (the `since` of
               macros/testing/new_rows_tests.sql). `rebuilt` records what the build rebuilt.
      nothing  the nightly found no import since the live build (rebuilt 'nothing'): nothing was built or swapped;
               the night is recorded as `nothing to build` and the live build stays live.

    DuckDB: one transaction, so a reader sees the old zone or the new one, never a mix.
    Athena: Glue has no multi-table transaction. Each Iceberg table is swapped by a Glue rename of the tested staged
    table over the live one (a metadata change: no data is copied), table by table, after every test passed; the
    window in which some tables are the new build and others the old is the few seconds of renames, and
    published_builds is written last, so it never names a build that is not wholly live.
-#}
{% macro publish_trusted(build_id, built_at, sources_built=[], sources_left_out=[], publish=true, outcome='', only=none, rebuilt='everything', project_version='', covers_new_imports=false) %}
    {%- if not var('trusted_staging', false) -%}
        {{ exceptions.raise_compiler_error("publish_trusted swaps the staged trusted zone into place: run it with --vars '{trusted_staging: true}', as the build was.") }}
    {%- endif -%}
    {%- set record = {
        'build_id': build_id, 'built_at': built_at, 'status': published_builds_status(publish, only, rebuilt, covers_new_imports),
        'sources_built': sources_built, 'sources_left_out': sources_left_out, 'outcome': outcome, 'rebuilt': rebuilt,
        'project_version': project_version, 'published': publish,
    } -%}
    {{ return(adapter.dispatch('publish_trusted', 'council_data_platform')(record, only)) }}
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


{% macro published_builds_status(publish, only, rebuilt, covers_new_imports) %}
    {%- if publish -%}
        {{ return('published' if only is none or covers_new_imports else 'published selection') }}
    {%- elif rebuilt == 'nothing' -%}
        {{ return('nothing to build: no import since the live build') }}
    {%- endif -%}
    {{ return('not published: the build or its tests failed') }}
{% endmacro %}


{% macro published_builds_row(record, tables) %}
    {#- The insert of one attempt's row: record as publish_trusted made it, tables the trusted tables swapped. -#}
    {%- set values = [
        "'" ~ record.build_id ~ "'",
        "cast('" ~ record.built_at ~ "' as " ~ dbt.type_timestamp() ~ ")",
        ("cast('" ~ modules.datetime.datetime.utcnow().isoformat(sep=' ', timespec='seconds') ~ "' as " ~ dbt.type_timestamp() ~ ")") if record.published else "cast(null as " ~ dbt.type_timestamp() ~ ")",
        "'" ~ record.status ~ "'",
        "'" ~ (record.sources_built | join(',')) ~ "'",
        "'" ~ (record.sources_left_out | join(',')) ~ "'",
        tables | string,
        "'" ~ (record.outcome | replace("'", "''")) ~ "'",
        "'" ~ (record.rebuilt | replace("'", "''")) ~ "'",
        "'" ~ (record.project_version | replace("'", "''")) ~ "'",
    ] -%}
    {%- set columns = published_builds_columns() | map(attribute=0) | join(', ') -%}
    {{ return('insert into ' ~ published_builds_relation() ~ ' (' ~ columns ~ ') values (' ~ (values | join(', ')) ~ ')') }}
{% endmacro %}


{% macro published_builds_columns() %}
    {#- [name, table DDL type] of every column of published_builds, in order. A column added here is added to an
        existing table by the next publish_trusted, whatever its outcome (published_builds_missing_columns); rebuilt and
        project_version came with the nightly's selection. -#}
    {{ return([
        ['build_id', published_builds_type('string')],
        ['built_at', published_builds_type('timestamp')],
        ['published_at', published_builds_type('timestamp')],
        ['status', published_builds_type('string')],
        ['sources_built', published_builds_type('string')],
        ['sources_left_out', published_builds_type('string')],
        ['trusted_tables', published_builds_type('int')],
        ['build_outcome', published_builds_type('string')],
        ['rebuilt', published_builds_type('string')],
        ['project_version', published_builds_type('string')],
    ]) }}
{% endmacro %}


{% macro published_builds_type(kind) %}
    {#- A column type as the table's DDL spells it: kind is string, timestamp or int. Athena's DDL is Hive's (string,
        plain timestamp, int: an Iceberg table has no varchar, and DDL takes no timestamp precision), unlike the
        types its queries cast to (dbt.type_string(), timestamp(6)). -#}
    {{ return(adapter.dispatch('published_builds_type', 'council_data_platform')(kind)) }}
{% endmacro %}

{% macro default__published_builds_type(kind) %}
    {{ return({'string': dbt.type_string(), 'timestamp': dbt.type_timestamp(), 'int': dbt.type_int()}[kind]) }}
{% endmacro %}

{% macro athena__published_builds_type(kind) %}
    {{ return({'string': 'string', 'timestamp': 'timestamp', 'int': 'int'}[kind]) }}
{% endmacro %}


{% macro published_builds_add_columns(columns) %}
    {#- The statements that add the given [name, type] columns to an existing published_builds. -#}
    {{ return(adapter.dispatch('published_builds_add_columns', 'council_data_platform')(columns)) }}
{% endmacro %}

{% macro default__published_builds_add_columns(columns) %}
    {%- set statements = [] -%}
    {%- for name, type in columns -%}
        {%- do statements.append('alter table ' ~ published_builds_relation() ~ ' add column ' ~ name ~ ' ' ~ type) -%}
    {%- endfor -%}
    {{ return(statements) }}
{% endmacro %}

{% macro athena__published_builds_add_columns(columns) %}
    {#- One Hive DDL statement (Athena runs one statement per query; backticks, not the relation's double quotes). -#}
    {%- if columns | length == 0 -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set relation = published_builds_relation() -%}
    {%- set added = [] -%}
    {%- for name, type in columns -%}
        {%- do added.append(name ~ ' ' ~ type) -%}
    {%- endfor -%}
    {{ return(['alter table `' ~ relation.schema ~ '`.`' ~ relation.identifier ~ '` add columns (' ~ (added | join(', ')) ~ ')']) }}
{% endmacro %}


{% macro published_builds_athena_ddl() %}
    {#- Athena's create of published_builds: Hive DDL (backticks), an Iceberg table under the dbt data dir. -#}
    {%- set relation = published_builds_relation() -%}
    {{ return(published_builds_ddl('`' ~ relation.schema ~ '`.`' ~ relation.identifier ~ '`') ~ " location '" ~ target.s3_data_dir.rstrip('/') ~ "/" ~ relation.schema ~ "/published_builds/' tblproperties ('table_type' = 'ICEBERG')") }}
{% endmacro %}


{% macro published_builds_ddl(relation=none) %}
    create table if not exists {{ relation or published_builds_relation() }} (
        {%- for name, type in published_builds_columns() %}
        {{ name }} {{ type }}{{ ',' if not loop.last }}
        {%- endfor %}
    )
{%- endmacro %}


{% macro published_builds_missing_columns() %}
    {#- The columns of published_builds_columns() an existing table (made before they were added) lacks. -#}
    {%- set relation = published_builds_relation() -%}
    {%- set existing = adapter.get_relation(relation.database, relation.schema, relation.identifier) -%}
    {%- if existing is none -%}
        {{ return([]) }}
    {%- endif -%}
    {%- set found = adapter.get_columns_in_relation(existing) | map(attribute='name') | map('lower') | list -%}
    {{ return(published_builds_columns() | rejectattr(0, 'in', found) | list) }}
{% endmacro %}


{% macro duckdb__publish_trusted(record, only) %}
    {#- dbt opens the connection's transaction with the first statement: everything below is in it, then committed. -#}
    {%- set statements = ['create schema if not exists ' ~ published_builds_relation().schema] -%}
    {%- do statements.extend(published_builds_add_columns(published_builds_missing_columns())) -%}
    {%- do statements.append(published_builds_ddl()) -%}
    {%- set state = namespace(tables=0) -%}
    {%- if record.published -%}
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
    {%- do statements.append(published_builds_row(record, state.tables)) -%}
    {%- do run_query(statements | join(';\n')) -%}
    {%- do adapter.commit() -%}
    {%- do log('publish_trusted: build ' ~ record.build_id ~ ' ' ~ record.status ~ ', ' ~ state.tables ~ ' trusted tables', info=true) -%}
{% endmacro %}


{% macro athena__publish_trusted(record, only) %}
    {%- do run_query('create database if not exists `' ~ published_builds_relation().schema ~ '`') -%}
    {%- for statement in published_builds_add_columns(published_builds_missing_columns()) -%}
        {%- do run_query(statement) -%}
    {%- endfor -%}
    {%- do run_query(published_builds_athena_ddl()) -%}
    {%- set state = namespace(tables=0) -%}
    {%- if record.published -%}
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
    {%- do run_query(published_builds_row(record, state.tables)) -%}
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
        {%- if invocation_args_dict.get('select') -%}
            {#- A selected build (--select: an analyst's, or the nightly's) reads the trusted tables it does not
                rebuild from the live zone. Told by the command's own --select, not a var: the nightly asks what to
                select with the same vars as the build, so dbt's partial parse serves both (a changed var makes dbt
                parse the whole project again, ~18 s CPU). run_query opens a transaction the hook never commits:
                commit it, or the models' connections would not see the views. -#}
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
