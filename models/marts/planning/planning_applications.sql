-- Current state of every planning application (ceased ones included, flagged), with lookups and the measures analysts
-- report on: the council's own measures under the council's names (its trusted applications job), and ours where
-- they differ, each described in _planning__models.yml and in docs/analysts/planning.md. "Now" is data_as_of_date
-- (the last complete vendor day per the import log), never the run date, so every measure is a function of raw. The
-- current version is the latest the vendor served, even one only a refused series delivered (rests_on_incomplete_series
-- says so, and planning_data_quality lists it): an older version would be known to be out of date.
with history as (

    select *
    from {{ ref('planning_applications_history') }}

),

applications as (

    select *
    from history
    where is_current

),

-- The decision as first issued: a re-issued decision overwrites the issue date in place, but whether the authority
-- decided in time is settled by its first decision.
decided_versions as (

    select
        application_id,
        decision_type_id,
        decision_outcome,
        decision_issued_date,
        row_number() over (partition by application_id order by valid_from) as decision_rank
    from history
    where decision_issued_date is not null

),

decision_issues as (

    select
        application_id,
        count(distinct decision_issued_date) as decision_issue_count,
        count(distinct decision_type_id) as decision_type_count
    from decided_versions
    group by application_id

),

first_decisions as (

    select
        decided_versions.application_id,
        decided_versions.decision_issued_date as first_decision_issued_date,
        decided_versions.decision_outcome as first_decision_outcome,
        decision_issues.decision_issue_count,
        decision_issues.decision_issue_count > 1 or decision_issues.decision_type_count > 1 as is_decision_reissued
    from decided_versions
    inner join decision_issues
        on decided_versions.application_id = decision_issues.application_id
    where decided_versions.decision_rank = 1

),

vendor_changes as (

    select
        application_id,
        last_updated
    from {{ ref('int_planning__applications_last_changed') }}

),

application_types as (

    select
        application_type_id,
        name,
        code
    from {{ ref('stg_tascomi__application_types') }}
    where is_current

),

development_codes as (

    select
        ps_development_code_id,
        name,
        code,
        expiry_days
    from {{ ref('stg_tascomi__ps_development_codes') }}
    where is_current

),

decision_types as (

    select
        decision_type_id,
        name,
        code
    from {{ ref('int_planning__decision_types') }}

),

wards as (

    select
        ward_id,
        name
    from {{ ref('stg_tascomi__wards') }}
    where is_current

),

officers as (

    select
        user_id,
        officer_name,
        officer_team_id,
        officer_team_name
    from {{ ref('int_planning__officers') }}

),

appeals as (

    select
        application_id,
        count(*) as appeal_count,
        min(appeal_start_date) as first_appeal_start_date
    from {{ ref('int_planning__appeals_history') }}
    where is_current and application_id is not null
    group by application_id

),

calendar as (

    select
        date_day,
        working_day_number
    from {{ ref('int_planning__calendar') }}

),

joined as (

    select
        applications.*,
        application_types.name as application_type_name,
        application_types.code as application_type_code,
        development_codes.name as development_code_name,
        development_codes.code as development_code,
        development_codes.expiry_days,
        decision_types.name as decision_type_name,
        decision_types.code as decision_type_code,
        wards.name as ward_name,
        officers.officer_name,
        officers.officer_team_id,
        officers.officer_team_name,
        coalesce(appeals.appeal_count, 0) as appeal_count,
        appeals.first_appeal_start_date,
        first_decisions.first_decision_issued_date,
        first_decisions.first_decision_outcome,
        coalesce(first_decisions.decision_issue_count, 0) as decision_issue_count,
        coalesce(first_decisions.is_decision_reissued, false) as is_decision_reissued,
        vendor_changes.last_updated as vendor_last_updated,
        applications.decision_type_id is not null
        or applications.decision_issued_date is not null as is_decided,
        -- The council's expiry dates.
        cast(coalesce(applications.extension_of_time_due_date, applications.vendor_expiry_date) as date)
            as date_application_expiry,
        cast(
            {{ dbt.dateadd('day', 'development_codes.expiry_days', 'applications.received_date') }} as date
        ) as calc_expiry_date,
        -- Ours: the statutory clock starts at validation, so without a vendor expiry it is valid_date + expiry_days,
        -- and an application never validated has no expiry (and is never overdue).
        cast(
            coalesce(
                applications.extension_of_time_due_date,
                applications.vendor_expiry_date,
                {{ dbt.dateadd('day', 'development_codes.expiry_days', 'applications.valid_date') }}
            ) as date
        ) as statutory_expiry_date
    from applications
    left join application_types
        on applications.application_type_id = application_types.application_type_id
    left join development_codes
        on applications.ps_development_code_id = development_codes.ps_development_code_id
    left join decision_types
        on applications.decision_type_id = decision_types.decision_type_id
    left join wards
        on applications.ward_id = wards.ward_id
    left join officers
        on applications.officer_id = officers.user_id
    left join appeals
        on applications.application_id = appeals.application_id
    left join first_decisions
        on applications.application_id = first_decisions.application_id
    left join vendor_changes
        on applications.application_id = vendor_changes.application_id

),

measured as (

    select
        joined.*,
        coalesce(joined.date_application_expiry, joined.calc_expiry_date) as current_expiry_date,
        {{ dbt.datediff('joined.received_date', 'joined.valid_date', 'day') }} as days_received_to_valid,
        {{ dbt.datediff('joined.valid_date', 'joined.decision_issued_date', 'day') }} as days_valid_to_decision,
        {{ dbt.datediff('joined.received_date', 'joined.decision_issued_date', 'day') }} as days_received_to_decision,
        {{ dbt.datediff('cast(joined.received_date as date)', 'joined.data_as_of_date', 'day') }} as days_in_system,
        registered_day.working_day_number - valid_day.working_day_number as days_valid_to_registered,
        decided_day.working_day_number - received_day.working_day_number as working_days_received_to_decision,
        {{ council_report_week('cast(joined.received_date as date)') }} as received_report_week,
        {{ council_report_week('cast(joined.registration_date as date)') }} as registration_report_week,
        {{ council_report_week('cast(joined.decision_issued_date as date)') }} as decision_report_week,
        cast({{ dbt.date_trunc('week', 'joined.received_date') }} as date) as reporting_week_start
    from joined
    left join calendar as received_day
        on cast(joined.received_date as date) = received_day.date_day
    left join calendar as valid_day
        on cast(joined.valid_date as date) = valid_day.date_day
    left join calendar as registered_day
        on cast(joined.registration_date as date) = registered_day.date_day
    left join calendar as decided_day
        on cast(joined.decision_issued_date as date) = decided_day.date_day

),

flagged as (

    select
        measured.*,
        case when measured.valid_date is not null then 1 else 0 end as flag_validated,
        case when measured.decision_issued_date is not null then 1 else 0 end as flag_decided,
        case when measured.extension_of_time_due_date is not null then 1 else 0 end as flag_extended,
        case when measured.registration_date is not null then 1 else 0 end as flag_registered,
        -- The council's overdue flags, compared as days: a decision issued on the expiry day is in time.
        case
            when cast(measured.decision_issued_date as date) > measured.current_expiry_date then 1 else 0
        end as flag_overdue_decided,
        case when measured.data_as_of_date > measured.current_expiry_date then 1 else 0 end as flag_overdue_live,
        case when measured.days_valid_to_registered > 5 then 1 else 0 end as flag_overdue_registration,
        {{ dbt.datediff('measured.current_expiry_date', 'cast(measured.decision_issued_date as date)', 'day') }}
            as days_over_expiry,
        coalesce(
            case
                when measured.first_decision_issued_date is not null
                    then cast(measured.first_decision_issued_date as date) > measured.statutory_expiry_date
                when measured.is_decided or measured.is_ceased then false
                else measured.data_as_of_date > measured.statutory_expiry_date
            end,
            false
        ) as is_overdue,
        case
            when measured.is_ceased then 'ceased'
            when measured.appeal_count > 0 then 'appealed'
            when measured.is_decided then 'decided'
            when measured.valid_date is not null then 'valid'
            else 'received'
        end as application_stage
    from measured

)

select
    application_id,
    application_reference_number,
    application_stage,
    is_ceased,
    is_decided,
    decision_outcome,
    is_overdue,
    application_type_id,
    application_type_name,
    application_type_code,
    ps_development_code_id,
    development_code_name,
    development_code,
    expiry_days,
    decision_type_id,
    decision_type_name,
    decision_type_code,
    decision_level_id,
    ward_id,
    ward_name,
    officer_id,
    officer_name,
    officer_team_id,
    officer_team_name,
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
    first_decision_issued_date,
    first_decision_outcome,
    decision_issue_count,
    is_decision_reissued,
    vendor_expiry_date,
    extension_of_time_due_date,
    date_application_expiry,
    calc_expiry_date,
    current_expiry_date,
    statutory_expiry_date,
    ceased_date,
    appeal_count,
    first_appeal_start_date,
    flag_validated,
    flag_registered,
    flag_extended,
    flag_decided,
    flag_overdue_decided,
    flag_overdue_live,
    flag_overdue_registration,
    days_received_to_valid,
    days_valid_to_registered,
    days_valid_to_decision,
    days_received_to_decision,
    days_in_system,
    days_over_expiry,
    working_days_received_to_decision,
    received_report_week,
    registration_report_week,
    decision_report_week,
    reporting_week_start,
    vendor_last_updated as last_updated,
    valid_from as version_valid_from,
    _source_imported_at,
    rests_on_incomplete_series,
    data_as_of_date,
    lookups_as_of_date,
    lookup_age_days,
    built_at
from flagged
