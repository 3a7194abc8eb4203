-- Every version of every council-tax account (SCD2 from Academy's change column): when the account opened, was billed,
-- paid, changed hands or closed. One row per account and version; the current version is also in council_tax_accounts.
select
    account_ref,
    valid_from,
    valid_to,
    is_current,
    version_number,
    property_ref,
    account_status,
    account_status = 'L' as is_live,
    created_date,
    closed_date,
    lead_liab_name as lead_liable_name,
    paymeth_code as payment_method,
    instal_day as instalment_day,
    balance
from {{ ref('int_revenues__ctaccount_history') }}
