-- Households on the run date (var housing_run_date): every tenancy active that day, as the housing system had recorded
-- it before the day began, with how many members were in it and whether the tenant lives alone (macro
-- is_living_alone, the one definition).
with tenancies as (

    select *
    from {{ ref('int_housing__tenancies_history') }}
    where
        {{ version_as_of('valid_from', 'valid_to', run_date_start()) }}
        and {{ is_active_on('start_date', 'end_date', run_date_literal()) }}

),

members as (

    select
        tenancy_reference,
        member_id
    from {{ ref('int_housing__household_members_history') }}
    where
        {{ version_as_of('valid_from', 'valid_to', run_date_start()) }}
        and {{ is_active_on('start_date', 'end_date', run_date_literal()) }}

),

sizes as (

    select
        tenancy_reference,
        count(*) as household_size
    from members
    group by tenancy_reference

)

select
    tenancies.tenancy_reference,
    tenancies.property_reference,
    tenancies.tenure_type,
    tenancies.start_date as tenancy_start_date,
    coalesce(sizes.household_size, 0) as household_size,
    {{ is_living_alone('coalesce(sizes.household_size, 0)') }} as is_living_alone,
    {{ run_date_literal() }} as run_date
from tenancies
left join sizes
    on tenancies.tenancy_reference = sizes.tenancy_reference
