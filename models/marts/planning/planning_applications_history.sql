-- Every version of every planning application (SCD2 from the vendor's change log), with the decision outcome: the one
-- place the outcome is derived (planning_applications takes the current versions from here). Lookup names are today's
-- (lookups are current state only).
with history as (

    select *
    from {{ ref('int_planning__applications_history') }}

),

decision_types as (

    select
        decision_type_id,
        decision_outcome
    from {{ ref('int_planning__decision_types') }}

)

select
    application_id,
    valid_from,
    valid_to,
    is_current,
    version_number,
    application_reference_number,
    application_type_id,
    ps_development_code_id,
    history.decision_type_id,
    case
        when history.decision_type_id is not null then coalesce(decision_types.decision_outcome, 'other')
    end as decision_outcome,
    decision_level_id,
    officer_id,
    ward_id,
    dtf_location_id,
    applicant_id,
    agent_id,
    proposal,
    site_address_description,
    submit_date,
    received_date,
    valid_date,
    registration_date,
    decision_issued_date,
    expiry_date as vendor_expiry_date,
    extension_of_time_due_date,
    coalesce(is_ceased, false) as is_ceased,
    ceased_date,
    creation_user_id,
    last_updated_by,
    last_updated,
    _cast_failures,
    version_hash,
    _source_imported_at
from history
left join decision_types
    on history.decision_type_id = decision_types.decision_type_id
