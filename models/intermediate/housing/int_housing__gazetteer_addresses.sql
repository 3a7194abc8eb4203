-- The current gazetteer prepared for matching: one row per UPRN with its clean postcode and outward code, and
-- whether it is a building shell with units of its own (macros/housing/address_matching.sql).
with gazetteer as (

    select
        uprn,
        parent_uprn,
        usrn,
        blpu_class,
        {{ postcode_clean('postcode') }} as postcode,
        {{ dbt.concat(["coalesce(address_line_1, '')", "' '", "coalesce(address_line_2, '')", "' '",
                       "coalesce(address_line_3, '')"]) }} as single_line
    from {{ ref('stg_gazetteer__llpg') }}
    where is_current

),

parents as (

    select distinct parent_uprn
    from gazetteer
    where parent_uprn is not null

)

select
    gazetteer.uprn as address_id,
    gazetteer.parent_uprn,
    gazetteer.usrn,
    gazetteer.blpu_class,
    gazetteer.single_line,
    {{ address_clean('gazetteer.single_line') }} as address_clean,
    gazetteer.postcode,
    {{ outward_code('gazetteer.postcode') }} as outward_code,
    parents.parent_uprn is not null as has_units
from gazetteer
left join parents
    on gazetteer.uprn = parents.parent_uprn
