-- Every version of every tenancy record (SCD2 from the housing system's daily changes, dated by its own last_modified):
-- which household held which home when, as recorded. Who was in each household when: residents_history.
select
    tenancy_reference,
    valid_from,
    valid_to,
    is_current,
    version_number,
    property_reference,
    start_date,
    end_date,
    tenure_type,
    last_modified
from {{ ref('int_housing__tenancies_history') }}
