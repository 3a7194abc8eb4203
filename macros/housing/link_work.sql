{#-
    The rules behind the Link Work outreach list, each in one place, every threshold a variable (dbt_project.yml):
      housing_run_date            the day the list is for (default: today in London); "as of" means what the housing
                                  system had recorded before that day began
      link_work_min_age           70: aged this or more on the run date (UK rule: born 29 February, a year older on
                                  1 March in a common year)
      living_alone_max_members    1: a household of at most this many members on a tenancy active on the run date
      link_work_lookback_years    2: no repair raised at the home on or after the run date less this many years
      link_work_tenures           null (all), or the tenure types the list is for
-#}

{% macro housing_run_date() %}
    {#- The run date as 'YYYY-MM-DD' (var housing_run_date, default today in London). -#}
    {%- set given = var('housing_run_date', none) -%}
    {%- if given -%}
        {{ return(modules.datetime.date.fromisoformat(given | string).isoformat()) }}
    {%- endif -%}
    {{ return(run_started_at.astimezone(modules.pytz.timezone('Europe/London')).date().isoformat()) }}
{% endmacro %}


{% macro add_years_uk(day, years) %}
    {#- 'YYYY-MM-DD' moved by whole years, 29 February becoming 1 March in a common year (as ages count). -#}
    {%- set start = modules.datetime.date.fromisoformat(day) -%}
    {%- set year = start.year + (years | int) -%}
    {%- set leap = (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 -%}
    {%- if start.month == 2 and start.day == 29 and not leap -%}
        {{ return(modules.datetime.date(year, 3, 1).isoformat()) }}
    {%- endif -%}
    {{ return(modules.datetime.date(year, start.month, start.day).isoformat()) }}
{% endmacro %}


{% macro run_date_literal() %}cast('{{ housing_run_date() }}' as date){% endmacro %}


{% macro run_date_start() %}
    {#- The first moment of the run date: versions recorded before it are what the list rests on. -#}
    cast('{{ housing_run_date() }} 00:00:00' as {{ dbt.type_timestamp() }})
{%- endmacro %}


{% macro age_on(date_of_birth, day) %}
    {#- Whole years between a date of birth and a day (a birthday counts from its day; 29 February from 1 March). -#}
    (extract(year from {{ day }}) - extract(year from {{ date_of_birth }})
        - case
            when extract(month from {{ day }}) < extract(month from {{ date_of_birth }})
                or (extract(month from {{ day }}) = extract(month from {{ date_of_birth }})
                    and extract(day from {{ day }}) < extract(day from {{ date_of_birth }}))
                then 1
            else 0
        end)
{%- endmacro %}


{% macro is_active_on(start_date, end_date, day) %}
    {#- Tenancies and household membership: active from start_date, until end_date exclusive. -#}
    ({{ start_date }} <= {{ day }} and ({{ end_date }} is null or {{ day }} < {{ end_date }}))
{%- endmacro %}


{% macro is_living_alone(members_present) %}
    {#- "Living alone": the definition, once (var living_alone_max_members, default 1 member). -#}
    ({{ members_present }} between 1 and {{ var('living_alone_max_members', 1) }})
{%- endmacro %}


{% macro version_as_of(valid_from, valid_to, moment) %}
    {#- The history version in force just before `moment`: recorded before it, not yet replaced. -#}
    ({{ valid_from }} < {{ moment }} and ({{ valid_to }} is null or {{ valid_to }} >= {{ moment }}))
{%- endmacro %}


{% macro mask_if_personal(expression) %}
    {#- A personal value computed after staging (e.g. an age), masked outside prod like staging masks (invariant 5). -#}
    {%- if should_mask_personal() -%}
        case when {{ expression }} is not null then {{ mask_value(expression) }} end
    {%- else -%}
        {{ expression }}
    {%- endif -%}
{% endmacro %}


{% macro member_ages() %}
    {#-
        A select of each household member's date of birth and age on the run date, read from the raw extract as
        recorded before the run date began (the latest version by last_modified, then by delivery). Staging masks dates
        of birth outside prod, but the Link Work rules need the real age everywhere; this is inlined into the marts
        that use it (never stored on its own), and they show the age masked outside prod (invariant 5).
    -#}
    {%- set change_time = "coalesce(" ~ cast_exact('last_modified', 'timestamp') ~ ", cast('" ~ var('null_last_updated') ~ "' as " ~ dbt.type_timestamp() ~ "))" %}
    select
        member_id,
        date_of_birth,
        {{ age_on('date_of_birth', run_date_literal()) }} as age_on_run_date
    from (
        select
            member_id,
            {{ cast_exact('date_of_birth', 'date') }} as date_of_birth,
            row_number() over (
                partition by member_id
                order by {{ change_time }} desc, _imported_at desc,
                    {{ dbt.safe_cast('_record_index', dbt.type_bigint()) }} desc
            ) as version_rank
        from {{ source('housing_management', 'household_members') }}
        where member_id is not null
            and {{ change_time }} < {{ run_date_start() }}
    ) as versions
    where version_rank = 1
{%- endmacro %}
