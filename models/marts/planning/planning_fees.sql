-- Current planning fees with what has been paid, refunded and is still outstanding (from current fee payments).
with fees as (

    select *
    from {{ ref('int_planning__fees_history') }}
    where is_current

),

payments as (

    select
        fee_id,
        count(*) as payment_count,
        sum(case when coalesce(is_paid, false) and not coalesce(is_refund, false) then amount_paid else 0 end)
            as amount_received,
        sum(case when coalesce(is_refund, false) then amount_paid else 0 end) as amount_refunded,
        max(payment_date) as last_payment_date
    from {{ ref('int_planning__fee_payments_history') }}
    where is_current and fee_id is not null
    group by fee_id

),

fee_changes as (

    select
        fee_id,
        last_updated
    from {{ ref('int_planning__fees_last_changed') }}

),

freshness as (

    select *
    from {{ ref('int_planning__freshness') }}

),

measured as (

    select
        fees.fee_id,
        fees.application_id,
        fees.fee_type_id,
        fees.fee as fee_amount,
        coalesce(fees.is_paid, false) as is_marked_paid,
        coalesce(fees.is_fee_exempt, false) as is_fee_exempt,
        coalesce(fees.is_ceased, false) as is_ceased,
        coalesce(payments.payment_count, 0) as payment_count,
        coalesce(payments.amount_received, 0) as amount_received,
        coalesce(payments.amount_refunded, 0) as amount_refunded,
        coalesce(payments.amount_received, 0) - coalesce(payments.amount_refunded, 0) as amount_paid,
        payments.last_payment_date,
        fee_changes.last_updated,
        fees._source_imported_at,
        freshness.data_as_of_date,
        freshness.lookups_as_of_date,
        freshness.lookup_age_days,
        freshness.built_at
    from fees
    cross join freshness
    left join payments
        on fees.fee_id = payments.fee_id
    left join fee_changes
        on fees.fee_id = fee_changes.fee_id

)

select
    fee_id,
    application_id,
    fee_type_id,
    fee_amount,
    is_marked_paid,
    is_fee_exempt,
    is_ceased,
    payment_count,
    amount_received,
    amount_refunded,
    amount_paid,
    case
        when is_fee_exempt or is_ceased then 0
        when coalesce(fee_amount, 0) - amount_paid > 0 then coalesce(fee_amount, 0) - amount_paid
        else 0
    end as amount_outstanding,
    last_payment_date,
    last_updated,
    _source_imported_at,
    data_as_of_date,
    lookups_as_of_date,
    lookup_age_days,
    built_at
from measured
