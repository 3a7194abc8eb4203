-- Every received response of every contractor, typed onto the repairs vocabulary: the change log the repairs history
-- is rebuilt from (one row per response per landed delivery).
-- A view, like the staging it unions: the history's incremental runs filter it on the import partition, which reaches
-- the raw files through it (a table would be rebuilt from every raw file each night).
{{ config(materialized='view') }}
{%- for contractor in repairs_contractors() %}
    select *
    from {{ ref('stg_repairs__' ~ contractor) }}
    {%- if not loop.last %}
        union all
    {%- endif %}
{%- endfor %}
