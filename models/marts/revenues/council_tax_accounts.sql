-- Every council-tax account as it stands (current version of each account), one row per account: the property and
-- its address, who is liable, the occupation, the balance and the discounts in force on the data's day.
with account as (

    select *
    from {{ ref('int_revenues__ctaccount_history') }}
    where is_current

),

as_of as (

    select as_of_date from {{ ref('int_revenues__academy_as_of') }}

),

property as (

    select *
    from {{ ref('int_revenues__ctproperty_history') }}
    where is_current

),

occupation as (

    select
        account_ref,
        liab_code,
        occupation_date,
        vacation_date,
        live_ind,
        row_number() over (partition by account_ref order by occupation_date desc, property_ref asc) as occupation_rank
    from {{ ref('int_revenues__ctoccupation_history') }}
    where is_current

),

discount_records as (

    -- Every discount record in force on the data's day, one row per record.
    select
        discount.account_ref,
        discount.disc_code,
        discount.disc_pct,
        discount.start_date,
        discount.discount_key
    from {{ ref('int_revenues__ctdiscount_history') }} as discount
    cross join as_of
    where
        discount.is_current
        and discount.start_date <= as_of.as_of_date
        and (discount.end_date is null or discount.end_date > as_of.as_of_date)

),

discount_kinds as (

    -- One discount of a kind applies once: two overlapping records of one code (an SPD entered twice with different
    -- start dates) are one discount at the larger percentage, and the account is flagged with both records' keys.
    select
        account_ref,
        disc_code,
        max(disc_pct) as disc_pct,
        min(start_date) as start_date,
        count(*) as records_in_force,
        {{ sorted_string_agg('discount_key', ',') }} as discount_keys
    from discount_records
    group by account_ref, disc_code

),

discount_in_force as (

    select
        account_ref,
        max(case when disc_code = 'SPD' then 1 else 0 end) = 1 as has_single_person_discount,
        min(case when disc_code = 'SPD' then start_date end) as single_person_discount_from,
        sum(disc_pct) as discount_pct,
        max(records_in_force) > 1 as has_overlapping_discounts,
        {{ sorted_string_agg("case when records_in_force > 1 then discount_keys end", ',') }}
            as overlapping_discount_keys
    from discount_kinds
    group by account_ref

)

select
    account.account_ref,
    account.property_ref,
    property.uprn,
    property.addr1 as address_line_1,
    property.addr2 as address_line_2,
    property.addr3 as address_line_3,
    property.addr4 as address_line_4,
    property.postcode,
    property.band,
    property.ward_name,
    account.account_status,
    account.account_status = 'L' as is_live,
    account.created_date,
    account.closed_date,
    account.lead_liab_name as lead_liable_name,
    account.paymeth_code as payment_method,
    account.balance,
    occupation.liab_code as liability_code,
    occupation.occupation_date,
    occupation.vacation_date,
    coalesce(discount_in_force.has_single_person_discount, false) as has_single_person_discount,
    discount_in_force.single_person_discount_from,
    coalesce(discount_in_force.discount_pct, 0) as discount_pct,
    coalesce(discount_in_force.has_overlapping_discounts, false) as needs_check,
    discount_in_force.overlapping_discount_keys as needs_check_record_ids,
    as_of.as_of_date,
    account.valid_from as account_changed_at
from account
cross join as_of
left join property
    on account.property_ref = property.property_ref
left join occupation
    on account.account_ref = occupation.account_ref and occupation.occupation_rank = 1
left join discount_in_force
    on account.account_ref = discount_in_force.account_ref
