-- Every history model: versions of one id never overlap and leave no gaps (valid_to = next valid_from),
-- only the last version is current, and version numbers run 1..n.
{%- set histories = ['applications', 'documents', 'fees', 'fee_payments', 'appeals', 'contacts', 'dtf_locations', 'users'] %}

with versions as (

    {%- for entity in histories %}
        select
            '{{ entity }}' as entity,
            id,
            valid_from,
            valid_to,
            is_current,
            version_number,
            lead(valid_from) over (partition by id order by valid_from) as next_valid_from,
            row_number() over (partition by id order by valid_from) as expected_version_number
        from {{ ref('int_planning__' ~ entity ~ '_history') }}
        {%- if not loop.last %}
            union all
        {%- endif %}
    {%- endfor %}

)

select *
from versions
where
    (valid_to is null and next_valid_from is not null)
    or (valid_to is not null and (next_valid_from is null or valid_to <> next_valid_from))
    or (valid_to is not null and valid_to <= valid_from)
    or (is_current <> (valid_to is null))
    or version_number <> expected_version_number
