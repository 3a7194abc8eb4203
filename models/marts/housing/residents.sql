-- Residents on the run date (var housing_run_date, default today): one row per household member on a tenancy active
-- that day, with their home, household size, whether they live alone and their age (masked outside prod).
with residents as (

    select *
    from {{ ref('int_housing__residents') }}

),

ages as (

    {{ member_ages() }}

),

homes as (

    select
        property_reference,
        uprn
    from {{ ref('int_housing__properties_current') }}

)

select
    residents.member_id,
    residents.tenancy_reference,
    residents.property_reference,
    homes.uprn,
    residents.tenure_type,
    residents.title,
    residents.forename,
    residents.surname,
    residents.date_of_birth,
    {{ mask_if_personal('ages.age_on_run_date') }} as age,
    residents.relationship,
    residents.is_responsible,
    residents.member_start_date,
    residents.household_size,
    residents.is_living_alone,
    residents.run_date
from residents
left join ages
    on residents.member_id = ages.member_id
left join homes
    on residents.property_reference = homes.property_reference
