{#- A history rebuilt from snapshots: one id's versions never overlap; a version that ended was either followed by
    the next version that same day (changed) or closed as deleted (is_deleted, and any later version starts after a
    gap); only the last version can be current; version numbers run 1..n. Applied to every snapshot history model. -#}
{% test snapshot_history_is_consistent(model, key) %}
with versions as (

    select
        {{ key }},
        valid_from,
        valid_to,
        is_current,
        is_deleted,
        version_number,
        lead(valid_from) over (partition by {{ key }} order by valid_from) as next_valid_from,
        row_number() over (partition by {{ key }} order by valid_from) as expected_version_number
    from {{ model }}

)

select *
from versions
where
    (valid_to is null and next_valid_from is not null)
    or (valid_to is not null and valid_to <= valid_from)
    or (valid_to is not null and not is_deleted and (next_valid_from is null or next_valid_from <> valid_to))
    or (is_deleted and (valid_to is null or next_valid_from <= valid_to))
    or (is_current <> (valid_to is null))
    or version_number <> expected_version_number
{% endtest %}
