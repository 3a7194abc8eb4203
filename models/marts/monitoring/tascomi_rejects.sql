-- Every received Tascomi record that could not be keyed (null or uncastable id: left out of history and current
-- state) or had a value that did not cast to its contract type (kept, with that column null). Invariant 1:
-- nothing is dropped silently.
{%- set daily_tables = ['applications', 'documents', 'fees', 'fee_payments', 'appeals', 'contacts', 'dtf_locations', 'users'] %}
{%- set lookup_tables = ['application_types', 'decision_types', 'ps_development_codes', 'wards'] %}

with received as (

    {%- for table_name in daily_tables + lookup_tables %}
        select
            '{{ table_name }}' as source_table,
            id,
            _cast_failures,
            _imported_at,
            _import_date,
            _requested_day,
            _record_index,
            _dlt_load_id,
            _dlt_id
        {%- if table_name in daily_tables %}
            from {{ ref('stg_tascomi__' ~ table_name) }}
        {%- else %}
            from ({{ tascomi_typed_select(table_name) }}) as typed_{{ table_name }}
        {%- endif %}
        where id is null or _cast_failures is not null
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

)

select
    source_table,
    _dlt_id,
    id as record_id,
    case
        when
            id is null
            and {{ dbt.position("',id,'", dbt.concat(["','", "_cast_failures", "','"])) }} > 0
            then 'uncastable_id'
        when id is null then 'missing_id'
        else 'cast_failure'
    end as reject_reason,
    id is null as is_excluded,
    _cast_failures,
    _imported_at,
    _import_date,
    _requested_day,
    _record_index,
    _dlt_load_id
from received
