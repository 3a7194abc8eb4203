-- Who lives in each live council-tax household, by what the records say: occupying liable parties and non-liable
-- adults from council tax, and the members of a live benefit claim on the same account (claimant, partner, children,
-- non-dependants). One row per live account. The two sources can disagree; both are shown.
with live_account as (

    select
        account_ref,
        property_ref,
        uprn,
        has_single_person_discount
    from {{ ref('council_tax_accounts') }}
    where is_live

),

occupants as (

    select
        account_ref,
        sum(case when occupant_role = 'liable' and is_occupying then 1 else 0 end) as liable_adults,
        sum(case when occupant_role = 'liable' and not is_occupying then 1 else 0 end) as liable_not_occupying,
        sum(case when occupant_role = 'non_liable' and is_occupying then 1 else 0 end) as non_liable_adults
    from {{ ref('int_revenues__account_occupants') }}
    group by account_ref

),

claim as (

    select
        account_ref,
        claim_id,
        members,
        adult_members,
        child_members,
        row_number() over (partition by account_ref order by claim_from_date desc, claim_id desc) as claim_rank
    from {{ ref('int_benefits__current_households') }}

)

select
    live_account.account_ref,
    live_account.property_ref,
    live_account.uprn,
    coalesce(occupants.liable_adults, 0) as liable_adults,
    coalesce(occupants.liable_not_occupying, 0) as liable_not_occupying,
    coalesce(occupants.non_liable_adults, 0) as non_liable_adults,
    coalesce(occupants.liable_adults, 0) + coalesce(occupants.non_liable_adults, 0) as council_tax_adults,
    claim.claim_id as benefit_claim_id,
    claim.members as benefit_household_members,
    claim.adult_members as benefit_household_adults,
    claim.child_members as benefit_household_children,
    live_account.has_single_person_discount
from live_account
left join occupants
    on live_account.account_ref = occupants.account_ref
left join claim
    on live_account.account_ref = claim.account_ref and claim.claim_rank = 1
