-- The day the Academy data describes: the latest import day with a complete pull (import log), one row. Marts judge
-- "in force today" (a discount, an occupation) against this day, not the day dbt runs, so a rebuild gives the same rows.
select cast(max({{ dbt.safe_cast('_import_date', 'date') }}) as date) as as_of_date
from {{ source('academy', 'import_log') }}
where outcome = 'complete'
