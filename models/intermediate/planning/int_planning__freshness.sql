-- One row: how current the trusted planning tables are, shown on each of them. data_as_of_date is the last vendor day
-- every daily table they read is complete through (from the import log, never from the records: a quiet day has no
-- records but is still complete); lookups_as_of_date the same for the lookups they read (pulled in full, weekly).
{%- set daily_tables = ['applications', 'appeals', 'fees', 'fee_payments', 'users', 'user_team_map', 'user_teams'] %}
{%- set lookup_tables = ['application_types', 'ps_development_codes', 'decision_types', 'wards'] %}
with imports as (

    select *
    from {{ ref('int_planning__tascomi_imports') }}

),

daily as (

    select
        min(complete_through_date) as data_as_of_date,
        count(*) as tables_imported
    from imports
    where table_name in ('{{ daily_tables | join("', '") }}')

),

lookups as (

    select
        min(complete_through_date) as lookups_as_of_date,
        count(*) as tables_imported
    from imports
    where table_name in ('{{ lookup_tables | join("', '") }}')

)

select
    -- A table never imported leaves the date unknown rather than pretending the others speak for it.
    case when daily.tables_imported = {{ daily_tables | length }} then daily.data_as_of_date end as data_as_of_date,
    case
        when lookups.tables_imported = {{ lookup_tables | length }} then lookups.lookups_as_of_date
    end as lookups_as_of_date,
    case
        when daily.tables_imported = {{ daily_tables | length }} and lookups.tables_imported = {{ lookup_tables | length }}
            then {{ dbt.datediff('lookups.lookups_as_of_date', 'daily.data_as_of_date', 'day') }}
    end as lookup_age_days,
    {{ build_started_at() }} as built_at
from daily
cross join lookups
