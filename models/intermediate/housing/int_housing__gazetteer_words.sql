-- The tokens of every current gazetteer address, one row per UPRN and token: its words (abbreviations made
-- canonical), its identifiers (numbers, ranges, letters, floors) and unit words; what candidates are found by and
-- scored on (macros/housing/address_matching.sql).
with gazetteer as (

    select
        uprn,
        {{ dbt.concat(["coalesce(address_line_1, '')", "' '", "coalesce(address_line_2, '')", "' '",
                       "coalesce(address_line_3, '')"]) }} as single_line
    from {{ ref('stg_gazetteer__llpg') }}
    where is_current

),

tokens as (

    {{ address_tokens('gazetteer', 'uprn', 'single_line') }}

)

select *
from tokens
