-- Current state of every planning application (ceased ones included, flagged), with lookups and the
-- measures analysts report on. "Now" is the latest complete data day in the raw zone, never the run time,
-- so the table is a pure function of raw.
with applications as (

    select *
    from {{ ref('planning_applications_history') }}
    where is_current

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
        officer_name
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

data_as_of as (

    -- A daily series for day D is complete; a full pull on day D is complete up to D - 1.
    select
        max(
            case
                when _import_step = 'full' then cast({{ dbt.dateadd('day', -1, '_import_date') }} as date)
                else {{ dbt.safe_cast('_import_step', 'date') }}
            end
        ) as data_as_of_date
    from {{ ref('stg_tascomi__applications') }}

),

calendar as (

    select
        date_day,
        working_day_number
    from {{ ref('int_planning__calendar') }}

),

joined as (

    select
        applications.application_id,
        applications.application_reference_number,
        applications.application_type_id,
        application_types.name as application_type_name,
        application_types.code as application_type_code,
        applications.ps_development_code_id,
        development_codes.name as development_code_name,
        development_codes.code as development_code,
        development_codes.expiry_days,
        applications.decision_type_id,
        decision_types.name as decision_type_name,
        decision_types.code as decision_type_code,
        applications.decision_outcome,
        applications.decision_level_id,
        applications.ward_id,
        wards.name as ward_name,
        applications.officer_id,
        officers.officer_name,
        applications.dtf_location_id,
        applications.applicant_id,
        applications.agent_id,
        applications.proposal,
        applications.site_address_description,
        applications.submit_date,
        applications.received_date,
        applications.valid_date,
        applications.registration_date,
        applications.decision_issued_date,
        applications.vendor_expiry_date,
        applications.extension_of_time_due_date,
        applications.is_ceased,
        applications.ceased_date,
        coalesce(appeals.appeal_count, 0) as appeal_count,
        appeals.first_appeal_start_date,
        applications.decision_type_id is not null
        or applications.decision_issued_date is not null as is_decided,
        cast(
            coalesce(
                applications.extension_of_time_due_date,
                {{ dbt.dateadd(
                    'day',
                    'development_codes.expiry_days',
                    'coalesce(applications.valid_date, applications.received_date)'
                ) }}
            ) as date
        ) as statutory_expiry_date,
        applications.last_updated,
        applications.valid_from as version_valid_from,
        applications._source_imported_at,
        data_as_of.data_as_of_date
    from applications
    cross join data_as_of
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

),

measured as (

    select
        joined.*,
        {{ dbt.datediff('joined.received_date', 'joined.valid_date', 'day') }} as days_received_to_valid,
        {{ dbt.datediff('joined.valid_date', 'joined.decision_issued_date', 'day') }} as days_valid_to_decision,
        {{ dbt.datediff('joined.received_date', 'joined.decision_issued_date', 'day') }} as days_received_to_decision,
        decided_day.working_day_number - received_day.working_day_number as working_days_received_to_decision,
        coalesce(
            case
                when joined.is_decided
                    then cast(joined.decision_issued_date as date) > joined.statutory_expiry_date
                when joined.is_ceased then false
                else joined.data_as_of_date > joined.statutory_expiry_date
            end,
            false
        ) as is_overdue,
        case
            when joined.is_ceased then 'ceased'
            when joined.appeal_count > 0 then 'appealed'
            when joined.is_decided then 'decided'
            when joined.valid_date is not null then 'valid'
            else 'received'
        end as application_stage,
        cast({{ dbt.date_trunc('week', 'joined.received_date') }} as date) as reporting_week_start
    from joined
    left join calendar as received_day
        on cast(joined.received_date as date) = received_day.date_day
    left join calendar as decided_day
        on cast(joined.decision_issued_date as date) = decided_day.date_day

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
    vendor_expiry_date,
    extension_of_time_due_date,
    statutory_expiry_date,
    ceased_date,
    appeal_count,
    first_appeal_start_date,
    days_received_to_valid,
    days_valid_to_decision,
    days_received_to_decision,
    working_days_received_to_decision,
    reporting_week_start,
    data_as_of_date,
    last_updated,
    version_valid_from,
    _source_imported_at
from measured
