-- One row per calendar day over exactly the span the bank-holiday seed covers (macro bank_holiday_coverage, written
-- with the seed by seeds/reference/generate_bank_holidays.py), with a running count of working days (Monday-Friday,
-- not an England & Wales bank holiday). Working days after a date up to another = difference of their numbers.
{%- set coverage = bank_holiday_coverage() %}
with days as (

    {{ dbt.date_spine(
        'day',
        "cast('" ~ coverage.first_day ~ "' as date)",
        dbt.dateadd('day', 1, "cast('" ~ coverage.last_day ~ "' as date)"),
    ) }}

),

bank_holidays as (

    select
        holiday_date,
        holiday_name
    from {{ ref('uk_bank_holidays') }}

),

flagged as (

    select
        cast(days.date_day as date) as date_day,
        {{ iso_day_of_week('cast(days.date_day as date)') }} as iso_day_of_week,
        bank_holidays.holiday_date is not null as is_bank_holiday,
        bank_holidays.holiday_name as bank_holiday_name
    from days
    left join bank_holidays
        on cast(days.date_day as date) = bank_holidays.holiday_date

)

select
    date_day,
    iso_day_of_week,
    is_bank_holiday,
    bank_holiday_name,
    iso_day_of_week < 6 and not is_bank_holiday as is_working_day,
    -- a count, not a sum: bigint on every engine (DuckDB sums to hugeint)
    count(case when iso_day_of_week < 6 and not is_bank_holiday then 1 end) over (
        order by date_day rows between unbounded preceding and current row
    ) as working_day_number
from flagged
