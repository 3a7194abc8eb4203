-- The current gazetteer prepared for matching: one row per UPRN with its clean postcode, outward code, identifier
-- signature and word count (macros/housing/address_matching.sql).
with gazetteer as (

    select
        uprn,
        parent_uprn,
        blpu_class,
        postcode,
        {{ dbt.concat(["coalesce(address_line_1, '')", "' '", "coalesce(address_line_2, '')", "' '",
                       "coalesce(address_line_3, '')"]) }} as single_line
    from {{ ref('stg_gazetteer__llpg') }}
    where is_current

),

features as (

    {{ address_features('gazetteer', 'uprn', 'single_line', postcode_clean('postcode'),
                        extra_columns=['parent_uprn', 'blpu_class', 'single_line']) }}

)

select *
from features
