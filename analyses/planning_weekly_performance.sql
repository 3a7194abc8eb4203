-- Weekly planning performance, as the dashboards show it: received, decided, decided in time, outcomes.
select
    reporting_week_start,
    count(*) as applications_received,
    sum(case when is_decided then 1 else 0 end) as applications_decided,
    sum(case when is_decided and not is_overdue then 1 else 0 end) as decided_in_time,
    sum(case when decision_outcome = 'granted' then 1 else 0 end) as granted,
    sum(case when decision_outcome = 'refused' then 1 else 0 end) as refused,
    avg(working_days_received_to_decision) as avg_working_days_to_decision
from {{ ref('planning_applications') }}
where not is_ceased
group by reporting_week_start
order by reporting_week_start
