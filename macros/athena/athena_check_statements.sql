{#-
    For the offline Athena check (tests/athena/test_athena_sql.py): prints, between markers, the statements dbt
    runs on Athena outside compiled model / test SQL, so they can be syntax-checked too:
      * register_raw_tables' DDL,
      * each history model's pre-hook (history_delete_recomputed_ids, or snapshot_history_delete_on_rebuild for a
        history from snapshots, as rendered on an incremental run),
      * the post-hook of a model whose meta names delete_gone_of (address_matches_delete_gone: the address matches
        of inputs that are gone),
      * what the nightly job runs besides the build: nightly_changes (the query choosing what to build, as for a
        live build recorded with every column) and publish_trusted's own statements on published_builds (adding
        the columns a newer version has, as for the last two; creating it; recording a build),
    and the Lake Formation tags config each model and seed would get (JSON, checked separately).
        dbt run-operation print_athena_check_statements --target ci_athena
-#}
{% macro print_athena_check_statements() %}
    {%- for statement in raw_table_statements() -%}
        {{ print('-- athena-check statement: register_raw_tables\n' ~ statement ~ '\n-- athena-check end') }}
    {%- endfor -%}
    {{ print('-- athena-check statement: nightly_changes\n' ~ nightly_changes(assume_published=true) ~ '\n-- athena-check end') }}
    {%- for statement in published_builds_add_columns(published_builds_columns()[-2:]) -%}
        {{ print('-- athena-check statement: publish add columns\n' ~ statement ~ '\n-- athena-check end') }}
    {%- endfor -%}
    {{ print('-- athena-check statement: publish create\n' ~ published_builds_athena_ddl() ~ '\n-- athena-check end') }}
    {%- set record = {
        'build_id': 'athena-check', 'built_at': '2026-01-01 00:00:00', 'status': 'published', 'sources_built': ['tascomi'],
        'sources_left_out': [], 'outcome': "PASS=1 (it's)", 'rebuilt': 'source:tascomi+', 'project_version': 'v1',
        'published': true,
    } -%}
    {{ print('-- athena-check statement: publish record\n' ~ published_builds_row(record, 1) ~ '\n-- athena-check end') }}
    {%- for node in graph.nodes.values() | sort(attribute='unique_id') -%}
        {%- set history_of = (node.config.meta or {}).get('history_of') -%}
        {%- if node.resource_type == 'model' and history_of -%}
            {%- set history = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias) -%}
            {%- set staging_node = graph.nodes['model.' ~ project_name ~ '.' ~ history_of] -%}
            {%- set staging = api.Relation.create(database=staging_node.database, schema=staging_node.schema, identifier=staging_node.alias) -%}
            {{ print('-- athena-check statement: pre-hook ' ~ node.name ~ '\n' ~ history_delete_recomputed_ids(history, staging, node.config.meta.key, history_import_log(history_of)) ~ '\n-- athena-check end') }}
        {%- endif -%}
        {%- set snapshots_of = (node.config.meta or {}).get('snapshots_of') -%}
        {%- if node.resource_type == 'model' and snapshots_of -%}
            {%- set history = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias) -%}
            {%- set source_name, table_name = node.config.meta.source_table.split('.') -%}
            {{ print('-- athena-check statement: pre-hook ' ~ node.name ~ '\n' ~ snapshot_history_delete_on_rebuild(history, source(source_name, 'import_log'), table_name) ~ '\n-- athena-check end') }}
        {%- endif -%}
        {%- set gone_of = (node.config.meta or {}).get('delete_gone_of') -%}
        {%- if node.resource_type == 'model' and gone_of -%}
            {%- set kept = api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias) -%}
            {%- set inputs_node = graph.nodes['model.' ~ project_name ~ '.' ~ gone_of] -%}
            {%- set inputs = api.Relation.create(database=inputs_node.database, schema=inputs_node.schema, identifier=inputs_node.alias) -%}
            {{ print('-- athena-check statement: post-hook ' ~ node.name ~ '\n' ~ address_matches_delete_gone(kept, inputs) ~ '\n-- athena-check end') }}
        {%- endif -%}
        {%- if node.resource_type in ('model', 'seed') -%}
            {{ print('-- athena-check lf_tags: ' ~ node.name ~ ' ' ~ tojson(lf_tags_config_for(node))) }}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}
