{#-
    Nightly data tests on the rows the night can have changed, not on years of history (issue 17).

    dbt wraps the model of every generic data test in get_where_subquery (it applies the `where` config); this
    project's version (found first: dispatch search order in dbt_project.yml) also narrows the tested rows when the
    var test_new_rows_only is true, which only the nightly job sets (data_platform/jobs.py). CI, `data-platform
    build`, --full-refresh and every other run test every row.

    What "new" means: imported after the last build that was published whole (platform_monitoring.published_builds,
    status 'published'; its built_at is when that build started, after its imports). Everything imported before it
    passed that build's tests, so a night that failed is tested again the next night. With no published build yet,
    every row is tested.
      * staging views (stg_*): the rows with _imported_at after it, read only from the import partitions of the
        imports the table's import log holds after it (new_rows_partitions), so the scan skips the older days' files
        (DuckDB) and S3 prefixes (Athena) instead of opening every file to compare _imported_at;
      * incremental history models: every version of each id with a version imported after it (whole ids, so
        per-id tests such as history_is_contiguous see the id's complete history).
    Only tests whose verdict on a subset is sound are narrowed: a duplicate, a null, a value outside a list or a
    broken chain among some rows is one among all rows. Other tests (a count, a total, a current row per key) and
    every other model keep every row.
-#}
{% macro default__get_where_subquery(relation) -%}
    {%- set where = config.get('where') -%}
    {%- set scope = new_rows_scope(relation) -%}
    {%- if where and scope -%}
        {%- do return('(select * from (' ~ scope ~ ') as dbt_new_rows where ' ~ where ~ ') as dbt_subquery') -%}
    {%- elif where -%}
        {%- do return('(select * from ' ~ relation ~ ' where ' ~ where ~ ') as dbt_subquery') -%}
    {%- elif scope -%}
        {%- do return('(' ~ scope ~ ') as dbt_subquery') -%}
    {%- endif -%}
    {%- do return(relation) -%}
{%- endmacro %}


{% macro new_rows_scope(relation) %}
    {#- The select of the tested model's new rows, or none to test every row (see above). -#}
    {%- if not execute or not (var('test_new_rows_only', false) | string | lower in ('true', '1', 'yes')) -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set test_name = (model.get('test_metadata') or {}).get('name') -%}
    {%- set attached = model.get('attached_node') -%}
    {%- if test_name not in var('new_rows_tests', []) or not attached or attached not in graph.nodes -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set tested = graph.nodes[attached] -%}
    {%- set builds = published_builds_relation() -%}
    {%- if adapter.get_relation(database=builds.database, schema=builds.schema, identifier=builds.identifier) is none -%}
        {{ return(none) }}
    {%- endif -%}
    {#- No published build yet: every row is new (never a vacuous pass). -#}
    {%- set since = "(select coalesce(max(built_at), cast('1900-01-01 00:00:00' as " ~ dbt.type_timestamp() ~ ")) from "
        ~ builds ~ " where status = 'published')" -%}
    {%- if tested.name.startswith('stg_') -%}
        {%- set partitions = new_rows_partitions(tested.name, since) -%}
        {%- if partitions is none -%}
            {{ return('select * from ' ~ relation ~ ' where _imported_at > ' ~ since) }}
        {%- endif -%}
        {{ return('select * from ' ~ relation ~ ' as new_row where new_row._imported_at > ' ~ since ~ ' and '
            ~ history_partition_filter('new_row', partitions)) }}
    {%- elif tested.config.materialized == 'incremental' and tested.config.meta.get('key') -%}
        {%- set key = tested.config.meta.key -%}
        {{ return('select * from ' ~ relation ~ ' where ' ~ key ~ ' in (select ' ~ key ~ ' from ' ~ relation
            ~ ' where _source_imported_at > ' ~ since ~ ')') }}
    {%- endif -%}
    {{ return(none) }}
{% endmacro %}


{% macro new_rows_partitions(staging_name, since) %}
    {#- The import partitions ([year, month, day] texts) of the imports the import log holds after `since` for the raw
        table a contract's staging model reads (import_partitions_after: asked once per source and build for all its
        tables, named as constants in the test). None (the test keeps the `_imported_at` filter alone) for a staging
        model that is not a contract table's (a hand-written union), or when the import log cannot be read. -#}
    {%- set found = namespace(source=none, table=none) -%}
    {%- for source_name, source in platform_sources().items() -%}
        {%- for table_name, table in source.tables.items() if table.staging == staging_name -%}
            {%- set found.source = source_name -%}
            {%- set found.table = table_name -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- if found.source is none -%}
        {{ return(none) }}
    {%- endif -%}
    {%- set new = import_partitions_after(found.source, since, found.table) -%}
    {{ return(none if new is none else new.partitions) }}
{% endmacro %}
