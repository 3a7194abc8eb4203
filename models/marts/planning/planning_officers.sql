-- Planning officers (users flagged as officers, or assigned as case officer on any application), their team and
-- their case load. Ceased (soft-deleted) applications are submissions made in error: they count in
-- total_applications and ceased_applications only, never in open, decided or overdue work.
with officers as (

    select *
    from {{ ref('int_planning__officers') }}

),

user_changes as (

    select
        user_id,
        last_updated
    from {{ ref('int_planning__users_last_changed') }}

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
        -- counts, not sums: bigint on every engine (DuckDB sums to hugeint), as the contract says
        count(*) as total_applications,
        count(case when is_ceased then 1 end) as ceased_applications,
        count(case when not is_ceased and not is_decided then 1 end) as open_applications,
        count(case when not is_ceased and not is_decided and is_overdue then 1 end) as open_overdue_applications,
        count(case when not is_ceased and is_decided then 1 end) as decided_applications,
        count(case when not is_ceased and is_decided and is_overdue then 1 end)
            as decided_after_expiry_applications
    from applications
    where officer_id is not null
    group by officer_id

),

freshness as (

    select *
    from {{ ref('int_planning__freshness') }}

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
    officers.officer_team_id,
    officers.officer_team_name,
    officers.officer_team_code,
    coalesce(case_load.total_applications, 0) as total_applications,
    coalesce(case_load.ceased_applications, 0) as ceased_applications,
    coalesce(case_load.open_applications, 0) as open_applications,
    coalesce(case_load.open_overdue_applications, 0) as open_overdue_applications,
    coalesce(case_load.decided_applications, 0) as decided_applications,
    coalesce(case_load.decided_after_expiry_applications, 0) as decided_after_expiry_applications,
    user_changes.last_updated,
    officers._source_imported_at,
    freshness.data_as_of_date,
    freshness.lookups_as_of_date,
    freshness.lookup_age_days,
    freshness.built_at
from officers
cross join freshness
left join case_load
    on officers.user_id = case_load.officer_id
left join user_changes
    on officers.user_id = user_changes.user_id
where officers.is_officer or case_load.officer_id is not null
