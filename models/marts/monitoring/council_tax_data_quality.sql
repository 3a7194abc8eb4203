-- Council-tax accounts whose Academy records cannot all be right, one row per account and check: two records of one
-- discount code in force at once (a single person discount entered twice would otherwise show 50%). The account's
-- row in council_tax_accounts says so too (needs_check); the warn-level test reports the count in every build.
select
    account_ref,
    'overlapping_discounts' as check_name,
    needs_check_record_ids as record_ids,
    as_of_date
from {{ ref('council_tax_accounts') }}
where needs_check
