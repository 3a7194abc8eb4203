-- Every version of every planning application (SCD2 from the vendor's change log), with the decision outcome: the one
-- place the outcome is derived (planning_applications takes the current versions from here). Lookup names are today's
-- (lookups are current state only). Versions are ordered by the vendor's local change time, as the vendor records it;
-- the flags say where that order or that time cannot be trusted (backfilled before the first import, no change time,
-- a clock-change hour).
with history as (

    select *
    from {{ ref('int_planning__applications_history') }}

),

decision_types as (

    select
        decision_type_id,
        decision_outcome
    from {{ ref('int_planning__decision_types') }}

),

first_import as (

    -- max() of at most one row: always exactly one row, null before any import.
    select max(first_import_date) as first_import_date
    from {{ ref('int_planning__tascomi_imports') }}
    where table_name = 'applications'

),

freshness as (

    select *
    from {{ ref('int_planning__freshness') }}

)

select
    history.application_id,
    history.valid_from,
    history.valid_to,
    history.is_current,
    -- bigint on every engine, as the contract says (DuckDB's windowed sum in the history is hugeint)
    cast(history.version_number as {{ dbt.type_bigint() }}) as version_number,
    -- The first import is a full pull: it shows each record as it stood then, dated by its last change; what happened
    -- to the record before that change was never observed.
    coalesce(history.valid_from < cast(first_import.first_import_date as {{ dbt.type_timestamp() }}), false)
        as is_backfilled,
    history.last_updated is null as is_change_time_missing,
    coalesce({{ london_clock_change_hour('history.valid_from') }} = 'repeated', false) as is_in_repeated_hour,
    coalesce({{ london_clock_change_hour('history.valid_from') }} = 'skipped', false) as is_in_skipped_hour,
    history.application_reference_number,
    history.application_type_id,
    history.ps_development_code_id,
    history.decision_type_id,
    case
        when history.decision_type_id is not null then coalesce(decision_types.decision_outcome, 'other')
    end as decision_outcome,
    history.decision_level_id,
    history.officer_id,
    history.ward_id,
    history.dtf_location_id,
    history.applicant_id,
    history.agent_id,
    history.proposal,
    history.site_address_description,
    history.submit_date,
    history.received_date,
    history.valid_date,
    history.registration_date,
    history.decision_issued_date,
    history.expiry_date as vendor_expiry_date,
    history.extension_of_time_due_date,
    coalesce(history.is_ceased, false) as is_ceased,
    history.ceased_date,
    history.creation_user_id,
    history.last_updated_by,
    history.last_updated,
    history._cast_failures,
    history.version_hash,
    history._source_imported_at,
    history.rests_on_incomplete_series,
    freshness.data_as_of_date,
    freshness.lookups_as_of_date,
    freshness.lookup_age_days,
    freshness.built_at
from history
cross join freshness
cross join first_import
left join decision_types
    on history.decision_type_id = decision_types.decision_type_id
