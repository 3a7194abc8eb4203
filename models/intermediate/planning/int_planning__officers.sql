-- Current Tascomi users with the name planning reports show for them: one definition of officer_name, used by
-- planning_applications and planning_officers.
select
    user_id,
    {{ dbt.concat(["coalesce(forename, '')", "' '", "coalesce(surname, '')"]) }} as officer_name,
    forename,
    surname,
    username,
    email,
    job_title,
    coalesce(is_enabled, false) as is_enabled,
    coalesce(is_officer, false) as is_officer,
    last_updated,
    _source_imported_at
from {{ ref('int_planning__users_history') }}
where is_current
