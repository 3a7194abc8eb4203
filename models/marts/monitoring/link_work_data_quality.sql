-- Link Work rows that need a check before anyone is called, one row per listed resident and check: the records that
-- could change the list and that the platform could not read or does not trust (link_work_outreach.needs_check).
-- The warn-level test on this model makes the build report how many there are; the list itself names them per row.
with flagged as (

    select
        member_id,
        needs_check_names,
        needs_check_record_ids,
        run_date
    from {{ ref('link_work_outreach') }}
    where needs_check

)

select
    flagged.member_id,
    checks.check_name,
    flagged.needs_check_record_ids as record_ids,
    flagged.run_date
from flagged
{{ split_to_rows('flagged.needs_check_names', ',', 'checks', 'check_name') }}
