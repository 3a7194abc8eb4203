-- Every received response of every contractor, typed onto the repairs vocabulary: the change log the repairs history
-- is rebuilt from (one row per response per landed delivery).
{%- for contractor in repairs_contractors() %}
    select *
    from {{ ref('stg_repairs__' ~ contractor) }}
    {%- if not loop.last %}
        union all
    {%- endif %}
{%- endfor %}
