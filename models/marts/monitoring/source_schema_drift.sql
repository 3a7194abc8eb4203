-- Schema drift, per source table: columns that arrived in raw but are not in the contract (the source added or renamed
-- one: it lands as received and breaks nothing, but nobody types or documents it until the contract says so), and
-- contract columns the source has never sent. Measured on the import log, which records the columns every landed
-- step arrived with. A source not imported yet has no rows here.
{%- set sources = built_platform_sources() %}

with received_columns as (

    {{ landed_columns(sources) }}

),

contract_columns as (

    {%- set rows = [] %}
    {%- for source_name, source in sources.items() %}
        {%- for table_name in source.tables %}
            {%- for column in source_table_columns(source_name, table_name) %}
                {%- do rows.append("('" ~ source_name ~ "', '" ~ table_name ~ "', '" ~ column ~ "')") %}
            {%- endfor %}
        {%- endfor %}
    {%- endfor %}
    select
        contract.source_name,
        contract.source_table,
        contract.column_name
    from (
        values
        {{ rows | join(',\n        ') }}
    ) as contract (source_name, source_table, column_name)

),

imported_tables as (

    select distinct
        source_name,
        source_table
    from received_columns

)

select
    received_columns.source_name,
    received_columns.source_table,
    received_columns.column_name,
    'in raw, not in the contract' as drift,
    received_columns.first_seen_at,
    received_columns.last_seen_at
from received_columns
left join contract_columns
    on
        received_columns.source_name = contract_columns.source_name
        and received_columns.source_table = contract_columns.source_table
        and received_columns.column_name = contract_columns.column_name
where
    contract_columns.column_name is null
    and received_columns.column_name not in ({{ "'" ~ (raw_metadata_columns() | map('first') | join("', '")) ~ "'" }})

union all

select
    contract_columns.source_name,
    contract_columns.source_table,
    contract_columns.column_name,
    'in the contract, never received' as drift,
    cast(null as {{ dbt.type_timestamp() }}) as first_seen_at,
    cast(null as {{ dbt.type_timestamp() }}) as last_seen_at
from contract_columns
inner join imported_tables
    on
        contract_columns.source_name = imported_tables.source_name
        and contract_columns.source_table = imported_tables.source_table
left join received_columns
    on
        contract_columns.source_name = received_columns.source_name
        and contract_columns.source_table = received_columns.source_table
        and contract_columns.column_name = received_columns.column_name
where received_columns.column_name is null
