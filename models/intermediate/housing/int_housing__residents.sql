-- Residents on the run date: every household member in the household of a tenancy active that day (names and dates of
-- birth as staging gives them: masked outside prod), with the household's size.
with members as (

    select *
    from {{ ref('int_housing__household_members_history') }}
    where
        {{ version_as_of('valid_from', 'valid_to', run_date_start()) }}
        and {{ is_active_on('start_date', 'end_date', run_date_literal()) }}

),

households as (

    select *
    from {{ ref('int_housing__households') }}

)

select
    members.member_id,
    members.tenancy_reference,
    households.property_reference,
    households.tenure_type,
    members.title,
    members.forename,
    members.surname,
    members.date_of_birth,
    members.relationship,
    members.is_responsible = 'Y' as is_responsible,
    members.start_date as member_start_date,
    households.household_size,
    households.is_living_alone,
    households.run_date
from members
inner join households
    on members.tenancy_reference = households.tenancy_reference
