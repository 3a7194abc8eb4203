-- The current household of every live benefit claim: the claim's latest household version (highest house_id among
-- the current snapshot rows), with its members counted by role. One row per live claim.
with live_claim as (

    select
        claim_id,
        ctax_ref,
        from_date
    from {{ ref('int_benefits__hbclaim_history') }}
    where is_current and claim_status = 'L'

),

household as (

    select
        claim_id,
        house_id,
        uprn,
        row_number() over (partition by claim_id order by house_id desc) as household_rank
    from {{ ref('int_benefits__hbhousehold_history') }}
    where is_current

),

member as (

    select
        claim_id,
        house_id,
        type_ind
    from {{ ref('int_benefits__hbmember_history') }}
    where is_current

)

select
    live_claim.claim_id,
    live_claim.ctax_ref as account_ref,
    live_claim.from_date as claim_from_date,
    household.house_id,
    household.uprn,
    count(member.type_ind) as members,
    coalesce(sum(case when member.type_ind in (1, 2, 4) then 1 else 0 end), 0) as adult_members,
    coalesce(sum(case when member.type_ind = 3 then 1 else 0 end), 0) as child_members,
    coalesce(sum(case when member.type_ind = 4 then 1 else 0 end), 0) as non_dependant_members
from live_claim
inner join household
    on live_claim.claim_id = household.claim_id and household.household_rank = 1
left join member
    on household.claim_id = member.claim_id and household.house_id = member.house_id
group by
    live_claim.claim_id,
    live_claim.ctax_ref,
    live_claim.from_date,
    household.house_id,
    household.uprn
