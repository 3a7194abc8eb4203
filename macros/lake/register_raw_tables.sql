{#-
    Registers the raw zone for Athena: one Glue external table per table of every registered source's contract
    (platform_sources() and the sources YAML, generated from ingestion/<source>/contract/), in database raw_<department>_<source> (the
    table's own department: a source can span several, see raw_table_statements), over the
    parquet files dlt lands, so the staging views can read them. Every contract column is a string (raw keeps every
    source value as text), plus the raw metadata columns (core/lake.py).
    Partitioned by the lake's import_year / import_month / import_day folders with partition projection: Athena
    computes the partitions from the table properties, so no crawler, MSCK REPAIR or ALTER TABLE ADD PARTITION is
    ever needed after a load. The import_date folder is rebuilt from the other three in the location template
    rather than projected as a fourth key: projected keys multiply (years x 12 x 31 prefixes, not x dates too);
    the import date is also in every row as _import_date. Day 00 of a month holds its compacted files (an old month's
    daily files merged into one, core/compaction.py), so the day is projected from 0.

        data-platform nightly --target prod does it first (data_platform/jobs.py), with the workspace's lake root
        dbt run-operation register_raw_tables --target prod --vars '{lake_root: "s3://council-lake"}'
        dbt run-operation register_raw_tables --target prod --vars '{lake_root: "s3://council-lake"}' --args '{source_name: tascomi, replace: true}'
        dbt run-operation register_raw_tables --target prod --vars '{lake_root: "s3://council-lake"}' --args '{dry_run: true}'   # print the DDL only

    replace: drop and re-create (after a contract change; dropping an external table never deletes its files).
    Vendor columns outside the contract are in the files but not in the table (parquet columns resolve by name),
    exactly as the staging models only select the contract. Idempotent; safe to run before every build.
    Athena only: the DuckDB targets read the parquet files directly (the source's external_location).
-#}
{% macro register_raw_tables(source_name=none, replace=false, dry_run=false) %}
    {%- if target.type != 'athena' and not dry_run -%}
        {{ exceptions.raise_compiler_error("register_raw_tables registers Glue tables for Athena; target '" ~ target.name ~ "' is " ~ target.type ~ ", which reads the raw parquet files directly. Use an Athena target (prod, ci_athena) or dry_run: true.") }}
    {%- endif -%}
    {%- set statements = raw_table_statements(source_name, replace) -%}
    {%- for statement in statements -%}
        {%- if dry_run -%}
            {{ print(statement ~ ';\n') }}
        {%- else -%}
            {%- do log('register_raw_tables: ' ~ statement.split('(')[0] | trim, info=true) -%}
            {%- do run_query(statement) -%}
        {%- endif -%}
    {%- endfor -%}
{% endmacro %}


{% macro raw_lake_root() %}
    {#- The lake root (lake_root()), which must be on S3 for Athena. -#}
    {%- set root = lake_root() -%}
    {%- if not root.startswith('s3://') -%}
        {{ exceptions.raise_compiler_error("The Athena raw zone lives on S3: set DATA_PLATFORM_LAKE to s3://<bucket>[/<prefix>] (data-platform passes it as the dbt var lake_root), got '" ~ root ~ "'.") }}
    {%- endif -%}
    {{ return(root) }}
{% endmacro %}


{% macro raw_table_statements(source_name=none, replace=false) %}
    {#- The DDL statements register_raw_tables runs, one string each (Athena takes one statement per query):
        every table of every registered source (or of source_name), plus each source's import_log and
        rejected_records, from platform_sources() and source_table_columns() (generated from the contracts). -#}
    {%- set root = raw_lake_root() -%}
    {%- set sources = platform_sources() -%}
    {%- if source_name is not none and source_name not in sources -%}
        {{ exceptions.raise_compiler_error("No registered source named '" ~ source_name ~ "'; known: " ~ (sources.keys() | join(', '))) }}
    {%- endif -%}
    {%- set statements = [] -%}
    {%- for name, source in sources.items() | sort if source_name is none or name == source_name -%}
        {#- A source spanning departments has a raw database per department (its tables' own); its import log and
            rejected records (one per department in the lake) are one table each in the source's own database,
            over every department's folder (a projected `department` partition). -#}
        {%- set departments = [source.department] -%}
        {%- for table_name, table in source.tables.items() | sort if table.department not in departments -%}
            {%- do departments.append(table.department) -%}
        {%- endfor -%}
        {%- for department in departments -%}
            {%- do statements.append('create database if not exists `raw_' ~ department ~ '_' ~ name ~ '`') -%}
        {%- endfor -%}
        {%- set tables = [] -%}
        {%- for table_name, table in source.tables.items() | sort -%}
            {%- set columns = [] -%}
            {%- for column in source_table_columns(name, table_name) -%}
                {%- do columns.append([column, 'text']) -%}
            {%- endfor -%}
            {%- do tables.append((table_name, table.department, columns, [])) -%}
        {%- endfor -%}
        {%- for table_name, columns in raw_log_tables().items() -%}
            {%- do tables.append((table_name, source.department, columns, departments if departments | length > 1 else [])) -%}
        {%- endfor -%}
        {%- for table_name, department, columns, spanned in tables -%}
            {%- set database = 'raw_' ~ department ~ '_' ~ name -%}
            {%- set location = root ~ '/raw/' ~ department ~ '/' ~ name ~ '/' ~ table_name ~ '/' -%}
            {%- set table = '`' ~ database ~ '`.`' ~ table_name ~ '`' -%}
            {%- if replace -%}
                {%- do statements.append('drop table if exists ' ~ table) -%}
            {%- endif -%}
            {%- if spanned -%}
                {%- set template = root ~ '/raw/${department}/' ~ name ~ '/' ~ table_name ~ '/' -%}
                {%- do statements.append(raw_table_ddl(table, columns, root ~ '/raw/', spanned, template)) -%}
            {%- else -%}
                {%- do statements.append(raw_table_ddl(table, columns, location)) -%}
            {%- endif -%}
        {%- endfor -%}
    {%- endfor -%}
    {{ return(statements) }}
{% endmacro %}


{% macro raw_table_ddl(table, table_columns, location, departments=[], template=none) %}
    {#- table_columns: [[name, dlt data type]]; the raw metadata columns are added. departments: a table spread over
        several departments' folders gets a projected `department` partition (template: its folders, with
        ${department}). -#}
    {%- set columns = [] -%}
    {%- for name, data_type in table_columns + raw_metadata_columns() -%}
        {%- do columns.append('`' ~ name ~ '` ' ~ ({'bigint': 'bigint', 'double': 'double'}.get(data_type, 'string'))) -%}
    {%- endfor -%}
    {%- set first_year = var('raw_projection_first_year', 2020) | int -%}
    {%- set folders = template or location -%}
create external table if not exists {{ table }} (
    {{ columns | join(',\n    ') }}
)
partitioned by ({% if departments %}`department` string, {% endif %}`import_year` string, `import_month` string, `import_day` string)
stored as parquet
location '{{ location }}'
tblproperties (
    'projection.enabled' = 'true',
    {%- if departments %}
    'projection.department.type' = 'enum',
    'projection.department.values' = '{{ departments | join(",") }}',
    {%- endif %}
    'projection.import_year.type' = 'date',
    'projection.import_year.format' = 'yyyy',
    'projection.import_year.range' = '{{ first_year }},NOW',
    'projection.import_year.interval' = '1',
    'projection.import_year.interval.unit' = 'YEARS',
    'projection.import_month.type' = 'integer',
    'projection.import_month.range' = '1,12',
    'projection.import_month.digits' = '2',
    'projection.import_day.type' = 'integer',
    'projection.import_day.range' = '0,31',
    'projection.import_day.digits' = '2',
    'storage.location.template' = '{{ folders }}import_year=${import_year}/import_month=${import_month}/import_day=${import_day}/import_date=${import_year}${import_month}${import_day}/',
    'classification' = 'parquet'
)
{%- endmacro %}
