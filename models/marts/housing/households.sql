-- Households on the run date (var housing_run_date, default today): one row per tenancy active that day, with its home
-- (property, UPRN, address), how many members were in it and whether the tenant lives alone.
with households as (

    select *
    from {{ ref('int_housing__households') }}

),

homes as (

    select *
    from {{ ref('int_housing__properties_current') }}

)

select
    households.tenancy_reference,
    households.property_reference,
    homes.uprn,
    homes.uprn_source,
    homes.property_type,
    homes.address_line_1,
    homes.address_line_2,
    homes.postcode,
    households.tenure_type,
    households.tenancy_start_date,
    households.household_size,
    households.is_living_alone,
    households.run_date
from households
left join homes
    on households.property_reference = homes.property_reference
