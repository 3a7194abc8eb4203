{#-
    Registers the raw zone for Athena: one Glue external table per source table of the Tascomi contract
    (models/staging/tascomi/_tascomi__sources.yml), over the parquet files dlt lands, so the staging views can read
    them. Every contract column is a string (raw keeps every vendor value as text), plus dlt's import metadata.
    Partitioned by the lake's import_year / import_month / import_day folders with partition projection: Athena
    computes the partitions from the table properties, so no crawler, MSCK REPAIR or ALTER TABLE ADD PARTITION is
    ever needed after a load. The import_date folder is rebuilt from the other three in the location template
    rather than projected as a fourth key: projected keys multiply (years x 12 x 31 prefixes, not x dates too);
    the import date is also in every row as _import_date.

        dbt run-operation register_raw_tables --target prod                    # lake root from $DATA_PLATFORM_LAKE
        dbt run-operation register_raw_tables --target prod --args '{lake_root: "s3://council-lake", replace: true}'
        dbt run-operation register_raw_tables --target prod --args '{dry_run: true}'   # print the DDL only

    replace: drop and re-create (after a contract change; dropping an external table never deletes its files).
    Vendor columns outside the contract are in the files but not in the table (parquet columns resolve by name),
    exactly as the staging models only select the contract. Idempotent; safe to run before every build.
    Athena only: the DuckDB targets read the parquet files directly (the source's external_location).
-#}
{% macro register_raw_tables(lake_root=none, source_name='tascomi', replace=false, dry_run=false) %}
    {%- if target.type != 'athena' and not dry_run -%}
        {{ exceptions.raise_compiler_error("register_raw_tables registers Glue tables for Athena; target '" ~ target.name ~ "' is " ~ target.type ~ ", which reads the raw parquet files directly. Use an Athena target (prod, ci_athena) or dry_run: true.") }}
    {%- endif -%}
    {%- set statements = raw_table_statements(lake_root, source_name, replace) -%}
    {%- for statement in statements -%}
        {%- if dry_run -%}
            {{ print(statement ~ ';\n') }}
        {%- else -%}
            {%- do log('register_raw_tables: ' ~ statement.split('(')[0] | trim, info=true) -%}
            {%- do run_query(statement) -%}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}


{% macro raw_lake_root(lake_root=none) %}
    {%- set root = lake_root or var('lake_root', none) or env_var('DATA_PLATFORM_LAKE', '') -%}
    {%- if not root.startswith('s3://') -%}
        {{ exceptions.raise_compiler_error("The Athena raw zone lives on S3: set DATA_PLATFORM_LAKE (or pass lake_root) to s3://<bucket>[/<prefix>], got '" ~ root ~ "'.") }}
    {%- endif -%}
    {{ return(root.rstrip('/')) }}
{% endmacro %}


{% macro raw_table_statements(lake_root=none, source_name='tascomi', replace=false) %}
    {#- The DDL statements register_raw_tables runs, one string each (Athena takes one statement per query). -#}
    {%- set root = raw_lake_root(lake_root) -%}
    {%- set statements = [] -%}
    {%- set databases = [] -%}
    {%- set sources = [] -%}
    {%- for node in graph.sources.values() if node.source_name == source_name -%}
        {%- do sources.append(node) -%}
    {%- endfor -%}
    {%- if sources | length == 0 -%}
        {{ exceptions.raise_compiler_error("No source named '" ~ source_name ~ "' in the project.") }}
    {%- endif -%}
    {%- for node in sources | sort(attribute='name') -%}
        {%- if node.schema not in databases -%}
            {%- do databases.append(node.schema) -%}
            {%- do statements.append('create database if not exists `' ~ node.schema ~ '`') -%}
        {%- endif -%}
        {%- set department = (node.meta or {}).get('department') or (node.source_meta or {}).get('department') or ((node.config or {}).get('meta') or {}).get('department') or 'planning' -%}
        {%- set location = root ~ '/raw/' ~ department ~ '/' ~ node.source_name ~ '/' ~ node.name ~ '/' -%}
        {%- set table = '`' ~ node.schema ~ '`.`' ~ node.name ~ '`' -%}
        {%- if replace -%}
            {%- do statements.append('drop table if exists ' ~ table) -%}
        {%- endif -%}
        {%- do statements.append(raw_table_ddl(table, tascomi_column_names(node.name), location)) -%}
    {%- endfor -%}
    {{ return(statements) }}
{% endmacro %}


{% macro raw_table_ddl(table, contract_columns, location) %}
    {%- set metadata_columns = [
        ('_imported_at', 'string'), ('_import_date', 'string'), ('_requested_day', 'string'),
        ('_request_url', 'string'), ('_record_index', 'bigint'), ('_dlt_load_id', 'string'), ('_dlt_id', 'string'),
    ] -%}
    {%- set columns = [] -%}
    {%- for name in contract_columns -%}
        {%- do columns.append('`' ~ name ~ '` string') -%}
    {%- endfor -%}
    {%- for name, type in metadata_columns -%}
        {%- do columns.append('`' ~ name ~ '` ' ~ type) -%}
    {%- endfor -%}
    {%- set first_year = var('raw_projection_first_year', 2020) | int -%}
create external table if not exists {{ table }} (
    {{ columns | join(',\n    ') }}
)
partitioned by (`import_year` string, `import_month` string, `import_day` string)
stored as parquet
location '{{ location }}'
tblproperties (
    'projection.enabled' = 'true',
    'projection.import_year.type' = 'date',
    'projection.import_year.format' = 'yyyy',
    'projection.import_year.range' = '{{ first_year }},NOW',
    'projection.import_year.interval' = '1',
    'projection.import_year.interval.unit' = 'YEARS',
    'projection.import_month.type' = 'integer',
    'projection.import_month.range' = '1,12',
    'projection.import_month.digits' = '2',
    'projection.import_day.type' = 'integer',
    'projection.import_day.range' = '1,31',
    'projection.import_day.digits' = '2',
    'storage.location.template' = '{{ location }}import_year=${import_year}/import_month=${import_month}/import_day=${import_day}/import_date=${import_year}${import_month}${import_day}/',
    'classification' = 'parquet'
)
{%- endmacro %}
