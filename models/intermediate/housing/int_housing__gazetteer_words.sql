-- The words of every current gazetteer address (abbreviations spelled out), one row per UPRN and word: what
-- candidates are found by and scored on.
with gazetteer as (

    select
        uprn,
        {{ dbt.concat(["coalesce(address_line_1, '')", "' '", "coalesce(address_line_2, '')", "' '",
                       "coalesce(address_line_3, '')"]) }} as single_line
    from {{ ref('stg_gazetteer__llpg') }}
    where is_current

),

words as (

    {{ address_words('gazetteer', 'uprn', 'single_line') }}

)

select *
from words
