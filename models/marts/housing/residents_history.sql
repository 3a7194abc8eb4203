-- Every version of every household member record (SCD2 from the housing system's daily changes, dated by its own
-- last_modified): who was in which household when, as the housing system recorded it. Personal columns are masked
-- outside prod.
select
    member_id,
    valid_from,
    valid_to,
    is_current,
    version_number,
    tenancy_reference,
    title,
    forename,
    surname,
    date_of_birth,
    is_responsible,
    relationship,
    start_date,
    end_date,
    last_modified
from {{ ref('int_housing__household_members_history') }}
