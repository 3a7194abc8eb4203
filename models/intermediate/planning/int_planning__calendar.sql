-- One row per calendar day with a running count of working days (Monday-Friday, not an England & Wales bank holiday).
-- Working days between two dates = working_day_number(end) - working_day_number(start).
with days as (

    {{ dbt.date_spine(
        'day',
        "cast('" ~ var('calendar_start_date') ~ "' as date)",
        "cast('" ~ var('calendar_end_date') ~ "' as date)",
    ) }}

),

bank_holidays as (

    select holiday_date
    from {{ ref('uk_bank_holidays') }}

),

flagged as (

    select
        cast(days.date_day as date) as date_day,
        {{ iso_day_of_week('cast(days.date_day as date)') }} as iso_day_of_week,
        bank_holidays.holiday_date is not null as is_bank_holiday
    from days
    left join bank_holidays
        on cast(days.date_day as date) = bank_holidays.holiday_date

)

select
    date_day,
    iso_day_of_week,
    is_bank_holiday,
    iso_day_of_week < 6 and not is_bank_holiday as is_working_day,
    sum(case when iso_day_of_week < 6 and not is_bank_holiday then 1 else 0 end) over (
        order by date_day rows between unbounded preceding and current row
    ) as working_day_number
from flagged
