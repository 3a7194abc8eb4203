-- Current Tascomi users with the name planning reports show for them and their team (users -> user_team_map ->
-- user_teams): one definition of officer_name and officer team, used by planning_applications and planning_officers.
-- A user mapped to several teams is shown in the team of the most recently changed mapping (the vendor moves an
-- officer by editing their mapping row; a second row is rare and, when it happens, the newer one is the move).
with users as (

    select *
    from {{ ref('int_planning__users_history') }}
    where is_current

),

team_map as (

    select
        user_id,
        user_team_id,
        row_number() over (
            partition by user_id
            order by coalesce(last_updated, valid_from) desc, user_team_map_id desc
        ) as mapping_rank
    from {{ ref('int_planning__user_team_map_history') }}
    where is_current and user_id is not null

),

teams as (

    select
        user_team_id,
        name,
        code
    from {{ ref('int_planning__user_teams_history') }}
    where is_current

)

select
    users.user_id,
    {{ dbt.concat(["coalesce(users.forename, '')", "' '", "coalesce(users.surname, '')"]) }} as officer_name,
    users.forename,
    users.surname,
    users.username,
    users.email,
    users.job_title,
    coalesce(users.is_enabled, false) as is_enabled,
    coalesce(users.is_officer, false) as is_officer,
    team_map.user_team_id as officer_team_id,
    teams.name as officer_team_name,
    teams.code as officer_team_code,
    users.last_updated,
    users._source_imported_at
from users
left join team_map
    on users.user_id = team_map.user_id and team_map.mapping_rank = 1
left join teams
    on team_map.user_team_id = teams.user_team_id
