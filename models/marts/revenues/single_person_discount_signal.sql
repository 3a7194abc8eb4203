-- A "lives alone" signal from council tax: every live account with a single person discount (SPD) in force, and
-- whether the other records agree that one adult lives there. A second line of evidence for services that look for
-- people living alone (e.g. the Link Work outreach list, which starts from housing tenancies): join on uprn (or
-- property_ref) and see docs/analysts/council-tax-and-benefits.md. One row per account with an SPD in force.
with composition as (

    select *
    from {{ ref('council_tax_household_composition') }}
    where has_single_person_discount

),

discount as (

    select
        account_ref,
        single_person_discount_from,
        as_of_date
    from {{ ref('council_tax_accounts') }}

)

select
    composition.account_ref,
    composition.property_ref,
    composition.uprn,
    discount.single_person_discount_from,
    discount.as_of_date,
    composition.council_tax_adults,
    composition.benefit_claim_id,
    composition.benefit_household_adults,
    composition.council_tax_adults <= 1
    and coalesce(composition.benefit_household_adults, 0) <= 1 as records_agree_one_adult,
    composition.council_tax_adults > 1
    or coalesce(composition.benefit_household_adults, 0) > 1 as records_conflict,
    case
        when composition.council_tax_adults > 1 or coalesce(composition.benefit_household_adults, 0) > 1
            then 'conflict: more than one adult recorded'
        when composition.benefit_claim_id is not null
            then 'single person discount, council-tax occupants and benefit household'
        else 'single person discount and council-tax occupants'
    end as evidence_used
from composition
inner join discount
    on composition.account_ref = discount.account_ref
