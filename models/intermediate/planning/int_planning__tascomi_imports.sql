-- What the Tascomi import log proves about each table: when it was first imported (history before that is backfilled,
-- not observed), the last vendor day it is complete through, and its latest landed pull. An import that landed no
-- records still logs a row, so a quiet day does not make the data look older than it is.
with import_log as (

    select
        table_name,
        _import_step as import_step,
        {{ dbt.safe_cast('_import_date', 'date') }} as import_date,
        {{ dbt.safe_cast('_imported_at', dbt.type_timestamp()) }} as imported_at,
        {{ import_log_complete_through('_import_step', '_import_date') }} as complete_through_date
    from {{ source('tascomi', 'import_log') }}
    -- a series refused on every read landed what arrived, but proves nothing complete: its day is fetched again
    where outcome is null or outcome <> 'incomplete'

)

select
    table_name,
    max(case when import_step = 'lookups' then 1 else 0 end) = 1 as is_lookup,
    min(import_date) as first_import_date,
    max(complete_through_date) as complete_through_date,
    max(imported_at) as last_imported_at
from import_log
group by table_name
