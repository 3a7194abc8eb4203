-- Planning officers (users flagged as officers, or assigned as case officer on any application) and their case load.
with officers as (

    select *
    from {{ ref('int_planning__officers') }}

),

applications as (

    select
        application_id,
        officer_id,
        is_ceased,
        is_decided,
        is_overdue
    from {{ ref('planning_applications') }}

),

case_load as (

    select
        officer_id,
        count(*) as total_applications,
        sum(case when not is_ceased and not is_decided then 1 else 0 end) as open_applications,
        sum(case when not is_ceased and not is_decided and is_overdue then 1 else 0 end) as open_overdue_applications,
        sum(case when is_decided then 1 else 0 end) as decided_applications,
        sum(case when is_decided and is_overdue then 1 else 0 end) as decided_after_expiry_applications
    from applications
    where officer_id is not null
    group by officer_id

)

select
    officers.user_id as officer_id,
    officers.officer_name,
    officers.forename,
    officers.surname,
    officers.username,
    officers.email,
    officers.job_title,
    officers.is_enabled,
    officers.is_officer,
    coalesce(case_load.total_applications, 0) as total_applications,
    coalesce(case_load.open_applications, 0) as open_applications,
    coalesce(case_load.open_overdue_applications, 0) as open_overdue_applications,
    coalesce(case_load.decided_applications, 0) as decided_applications,
    coalesce(case_load.decided_after_expiry_applications, 0) as decided_after_expiry_applications,
    officers.last_updated,
    officers._source_imported_at
from officers
left join case_load
    on officers.user_id = case_load.officer_id
where officers.is_officer or case_load.officer_id is not null
