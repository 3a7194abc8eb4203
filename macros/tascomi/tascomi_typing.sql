{#- Typing the vendor's text values (every raw value is a string or null) into the vendor's Postgres types. -#}

{% macro tascomi_cast(expression, vendor_type) %}
    {%- if vendor_type == 'integer' -%}
        {{ dbt.safe_cast(expression, dbt.type_int()) }}
    {%- elif vendor_type == 'bigint' -%}
        {{ dbt.safe_cast(expression, dbt.type_bigint()) }}
    {%- elif vendor_type in ('real', 'double precision') -%}
        {#- real is widened to double: money columns (fee, amount_paid) must not pick up float4 noise. -#}
        {{ dbt.safe_cast(expression, type_double()) }}
    {%- elif vendor_type == 'boolean' -%}
        {{ parse_vendor_boolean(expression) }}
    {%- elif vendor_type == 'timestamp' -%}
        {{ dbt.safe_cast(expression, dbt.type_timestamp()) }}
    {%- elif vendor_type == 'date' -%}
        {{ dbt.safe_cast(expression, 'date') }}
    {%- elif vendor_type == 'text' -%}
        {{ expression }}
    {%- else -%}
        {{ exceptions.raise_compiler_error("Unknown Tascomi vendor_type '" ~ vendor_type ~ "'") }}
    {%- endif -%}
{% endmacro %}


{% macro parse_vendor_boolean(expression) %}
    {%- set text_value = "lower(trim(cast(" ~ expression ~ " as " ~ dbt.type_string() ~ ")))" -%}
    case
        when {{ text_value }} in ('t', 'true') then true
        when {{ text_value }} in ('f', 'false') then false
    end
{%- endmacro %}


{% macro should_mask_personal() %}
    {#- var mask_personal: true everywhere except prod (dbt_project.yml); accepts booleans or strings. -#}
    {%- set value = var('mask_personal', target.name != 'prod') -%}
    {{ return((value | string | lower | trim) in ('true', '1', 'yes', 'y')) }}
{% endmacro %}


{% macro mask_value(expression) %}
    {#- Deterministic, so masked columns still join and compare; the type becomes text. -#}
    {{ dbt.hash(dbt.safe_cast(expression, dbt.type_string())) }}
{%- endmacro %}


{% macro is_masked_classification(classification) %}
    {{ return(classification in ('personal', 'special_category')) }}
{% endmacro %}


{% macro tascomi_typed_select(table_name) %}
    {#-
        One row per received record of tascomi.<table_name>: every contract column typed to its vendor_type
        (personal / special-category columns hashed when mask_personal), _cast_failures = comma-separated names of
        the columns whose raw value was not null but did not cast (null when none), and the import metadata typed.
        Vendor columns outside the contract are not selected.
    -#}
    {%- set columns = tascomi_contract_columns(table_name) -%}
    {%- set mask = should_mask_personal() -%}
    {%- set failure_checks = [] -%}
    select
        {%- for column in columns %}
            {%- set typed = tascomi_cast('raw_record.' ~ column.name, column.vendor_type) -%}
            {%- if column.vendor_type != 'text' -%}
                {%- do failure_checks.append(
                    "case when raw_record." ~ column.name ~ " is not null and " ~ typed ~ " is null then '" ~ column.name ~ "' end"
                ) -%}
            {%- endif %}
        {% if mask and is_masked_classification(column.classification) -%}
        {{ mask_value(typed) }} as {{ column.name }},
        {%- else -%}
        {{ typed }} as {{ column.name }},
        {%- endif -%}
        {%- endfor %}
        {{ concat_ws_skip_nulls(failure_checks) }} as _cast_failures,
        {{ dbt.safe_cast('raw_record._imported_at', dbt.type_timestamp()) }} as _imported_at,
        {{ dbt.safe_cast('raw_record._import_date', 'date') }} as _import_date,
        raw_record._requested_day,
        raw_record._request_url,
        {{ dbt.safe_cast('raw_record._record_index', dbt.type_bigint()) }} as _record_index,
        raw_record._dlt_load_id,
        raw_record._dlt_id
    from {{ source('tascomi', table_name) }} as raw_record
{%- endmacro %}


{% macro tascomi_latest_full_pull(table_name) %}
    {#-
        Current state of a lookup table: the latest full pull only (latest business day _import_date, then the
        latest import run on that day), one row per id (last record of the pull wins). Records without a usable id
        are reported by monitoring.tascomi_rejects.
    -#}
    {%- set output_columns = tascomi_staging_columns(table_name) %}
with received as (

    {{ tascomi_typed_select(table_name) }}

),

latest_pull as (

    select max(_imported_at) as _imported_at
    from received
    where _import_date = (select max(_import_date) from received)

),

ranked as (

    select
        received.*,
        row_number() over (
            partition by received.id
            order by received._record_index desc, received._dlt_id desc
        ) as record_rank
    from received
    inner join latest_pull
        on received._imported_at = latest_pull._imported_at
    where received.id is not null

)

select
    {%- for column in output_columns %}
    {{ column }}{{ "," if not loop.last }}
    {%- endfor %}
from ranked
where record_rank = 1
{%- endmacro %}
