{#-
    The Tascomi contract, read at compile time from models/staging/tascomi/_tascomi__sources.yml
    (the same file ingestion and the sandbox read through data_platform/contract.py).
-#}

{% macro tascomi_contract_columns(table_name) %}
    {#- Returns [{name, vendor_type, classification}] in declaration order; [] while parsing. -#}
    {%- set columns = [] -%}
    {%- if execute and 'sources' not in graph -%}
        {#- Unit tests run against a reduced manifest without the graph: they pass the contract slice they need
            as overrides.vars.tascomi_contract = {table: [{name, vendor_type, classification}, ...]}. -#}
        {%- for column in var('tascomi_contract', {}).get(table_name, []) -%}
            {%- do columns.append({
                'name': column.name,
                'vendor_type': column.get('vendor_type', 'text'),
                'classification': column.get('classification', 'not_personal'),
            }) -%}
        {%- endfor -%}
    {%- elif execute -%}
        {%- for node in graph.sources.values() -%}
            {%- if node.source_name == 'tascomi' and node.name == table_name -%}
                {%- for column in node.columns.values() -%}
                    {%- set meta = {} -%}
                    {%- do meta.update(column.meta or {}) -%}
                    {%- do meta.update((column.config or {}).get('meta') or {}) -%}
                    {%- do columns.append({
                        'name': column.name,
                        'vendor_type': meta.get('vendor_type', 'text'),
                        'classification': meta.get('classification', 'not_personal'),
                    }) -%}
                {%- endfor -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if columns | length == 0 -%}
            {{ exceptions.raise_compiler_error("The Tascomi contract has no columns for table '" ~ table_name ~ "': check _tascomi__sources.yml") }}
        {%- endif -%}
    {%- endif -%}
    {{ return(columns) }}
{% endmacro %}


{% macro tascomi_column_names(table_name) %}
    {%- set names = [] -%}
    {%- for column in tascomi_contract_columns(table_name) -%}
        {%- do names.append(column.name) -%}
    {%- endfor -%}
    {{ return(names) }}
{% endmacro %}


{% macro tascomi_metadata_columns() %}
    {{ return(['_cast_failures', '_imported_at', '_import_date', '_requested_day', '_request_url', '_record_index', '_dlt_load_id', '_dlt_id']) }}
{% endmacro %}


{% macro tascomi_staging_columns(table_name) %}
    {#- Every column a stg_tascomi__* model outputs, in order. -#}
    {{ return(tascomi_column_names(table_name) + tascomi_metadata_columns()) }}
{% endmacro %}
