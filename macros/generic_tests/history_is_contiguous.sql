{#- A history model's versions of one id never overlap and leave no gaps (valid_to = next valid_from), only the
    last version is current, and version numbers run 1..n. Applied to every generated history model. -#}
{% test history_is_contiguous(model, key) %}
with versions as (

    select
        {{ key }},
        valid_from,
        valid_to,
        is_current,
        version_number,
        lead(valid_from) over (partition by {{ key }} order by valid_from) as next_valid_from,
        row_number() over (partition by {{ key }} order by valid_from) as expected_version_number
    from {{ model }}

)

select *
from versions
where
    (valid_to is null and next_valid_from is not null)
    or (valid_to is not null and (next_valid_from is null or valid_to <> next_valid_from))
    or (valid_to is not null and valid_to <= valid_from)
    or (is_current <> (valid_to is null))
    or version_number <> expected_version_number
{% endtest %}
